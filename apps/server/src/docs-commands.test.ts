/**
 * The shell commands README.md and docs/ show work as written, from the repository root. Blocks
 * marked `<!-- docs-test: run -->` (cheap ones: --help, --version, --check-config) are run line
 * by line and must exit 0 with output; and no page may show a command that cannot work from a
 * clone, such as `npx keel-server` (npx would ask the npm registry for a package of that name).
 */
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const marker = "<!-- docs-test: run -->";

function pages(): { name: string; text: string }[] {
  const docs = readdirSync(join(repoRoot, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`);
  return ["README.md", ...docs].map((name) => ({ name, text: readFileSync(join(repoRoot, name), "utf8") }));
}

/** Lines of the ```sh blocks right after the marker; `\` continuations joined, comments dropped. */
export function markedCommands(text: string): string[] {
  const commands: string[] = [];
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index++) {
    if (lines[index]?.trim() !== marker) continue;
    if (!/^```(sh|bash)\s*$/.test(lines[index + 1] ?? "")) throw new Error(`${marker} must precede a sh block`);
    let pending = "";
    for (let line = index + 2; line < lines.length && !(lines[line] ?? "").startsWith("```"); line++) {
      const text = (lines[line] ?? "").replace(/\s+#.*$/, "").trim();
      if (text.length === 0 || text.startsWith("#")) continue;
      if (text.endsWith("\\")) {
        pending += `${text.slice(0, -1)} `;
        continue;
      }
      commands.push(pending + text);
      pending = "";
    }
  }
  return commands;
}

/** Commands the pages show that cannot work from a clone. */
function unrunnable(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/npx keel-server[^`\n]*/g)) found.push(match[0]);
  // A bare `keel-server …` at the start of a code span or a sh line is not on anyone's PATH.
  for (const match of text.matchAll(/(?:^|`)keel-server (?:--|\.\.\.)[^`\n]*/gm)) found.push(match[0]);
  return found;
}

describe("commands in README.md and docs/", () => {
  it("shows none that cannot run from a clone", () => {
    for (const page of pages()) expect(unrunnable(page.text), page.name).toEqual([]);
  });

  const marked = pages().flatMap((page) => markedCommands(page.text).map((command) => ({ page: page.name, command })));

  it("marks at least the server's --help", () => {
    expect(marked.map((m) => m.command)).toContain("npm run keel-server -- --help");
  });

  // One at a time: each may build the server first, and a 2-core machine is shared.
  for (const { page, command } of marked) {
    it(`${page}: ${command}`, async () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("KEEL_")));
      const { stdout } = await run("sh", ["-c", command], { cwd: repoRoot, env, maxBuffer: 16 * 1024 * 1024 });
      expect(stdout.trim().length).toBeGreaterThan(0);
    });
  }
});
