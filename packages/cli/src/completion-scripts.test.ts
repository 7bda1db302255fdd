import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "./commands/index.js";
import { bashCompletion, zshCompletion } from "./completion-scripts.js";

/** Runs the generated bash completion for a command line ending at the cursor; returns the offers. */
function complete(line: string): string[] {
  const words = line.split(" ");
  const script = `${bashCompletion(COMMANDS)}
COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")})
COMP_CWORD=${words.length - 1}
_keel
printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["--norc", "--noprofile", "-c", script], { encoding: "utf8" })
    .split("\n")
    .filter((offer) => offer.length > 0);
}

describe("bash completion", () => {
  it("is valid bash", () => {
    execFileSync("bash", ["-n"], { input: bashCompletion(COMMANDS) });
  });

  it.each([
    // the command names, then each command's own options (and the global ones)
    { line: "keel ", includes: COMMANDS.map((command) => command.name), excludes: ["--linearizable"] },
    { line: "keel ge", includes: ["get"], excludes: ["set"] },
    { line: "keel --json ls -", includes: ["--recursive", "-R", "--long", "--json", "--servers"], excludes: ["--ttl"] },
    {
      line: "keel --servers h:1 create --",
      includes: ["--ephemeral", "--ttl", "--container"],
      excludes: ["--recursive"],
    },
    { line: "keel watch --mode ", includes: ["data", "exists", "children", "persistent", "recursive"], excludes: [] },
    { line: "keel snapshot ", includes: ["save", "restore"], excludes: [] },
    { line: "keel completion ", includes: ["bash", "zsh"], excludes: [] },
    // a free-text value gets no offers
    { line: "keel create --ttl ", includes: [], excludes: ["--ttl", "get"] },
  ])("$line", ({ line, includes, excludes }) => {
    const offers = complete(line);
    for (const offer of includes) expect(offers).toContain(offer);
    for (const offer of excludes) expect(offers).not.toContain(offer);
  });
});

describe("zsh completion", () => {
  const script = zshCompletion(COMMANDS);
  it("describes every command and registers itself", () => {
    expect(script.startsWith("#compdef keel\n")).toBe(true);
    for (const command of COMMANDS) expect(script).toContain(`        ${command.name}) _arguments`);
    expect(script).toContain("compdef _keel keel");
  });
  it("quotes descriptions so that an apostrophe cannot end a word", () => {
    // "print a node's data" must reach zsh as one single-quoted word
    expect(script).toContain(`'get:print a node'\\''s data'`);
  });
});
