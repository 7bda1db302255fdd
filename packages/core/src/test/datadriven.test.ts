/** The data-driven runner itself: parsing, comparison and REWRITE. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseArgs, parseScript, runScript, type TestCommand } from "./datadriven.js";

const SCRIPT = `# a comment
echo hello n=2 ids=(1,3)
input line
----
hello hello

noop
----
ok
`;

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function scriptFile(text: string): string {
  dir = mkdtempSync(join(tmpdir(), "keel-datadriven-"));
  const path = join(dir, "script.txt");
  writeFileSync(path, text);
  return path;
}

function echo(command: TestCommand): string {
  if (command.name === "noop") return "";
  const n = Number(command.args.find((a) => a.key === "n")?.values[0] ?? 1);
  return Array.from({ length: n }, () => command.args[0]?.key).join(" ");
}

describe("data-driven runner", () => {
  it("parses bare words, key=value and key=(a,b)", () => {
    expect(parseArgs("hello n=2 ids=(1,3)")).toEqual([
      { key: "hello", values: [] },
      { key: "n", values: ["2"] },
      { key: "ids", values: ["1", "3"] },
    ]);
  });

  it("splits a script into commands, input and expected output", () => {
    const { blocks } = parseScript("s.txt", SCRIPT);
    expect(blocks.map((b) => [b.command.name, b.command.input, b.expected, b.command.pos])).toEqual([
      ["echo", "input line", "hello hello", "s.txt:2"],
      ["noop", "", "ok", "s.txt:7"],
    ]);
  });

  it("reports a differing output and rewrites it on request", () => {
    const path = scriptFile(SCRIPT.replace("hello hello", "hello"));
    expect(runScript(path, echo, false).mismatches).toEqual([
      { pos: `${path}:2`, line: "echo hello n=2 ids=(1,3)", expected: "hello", actual: "hello hello" },
    ]);
    runScript(path, echo, true);
    expect(readFileSync(path, "utf8")).toBe(SCRIPT);
    expect(runScript(path, echo, false).mismatches).toEqual([]);
  });

  it("refuses a command without a separator", () => {
    expect(() => parseScript("s.txt", "echo hello\n")).toThrow(/s.txt:1/);
  });
});
