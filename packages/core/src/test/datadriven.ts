/**
 * A small data-driven test runner in the style of cockroachdb/datadriven (what etcd raft's
 * `testdata/*.txt` use). A script is a sequence of blocks:
 *
 *     # comments and blank lines between blocks are kept as they are
 *     command arg key=value key=(v1,v2)
 *     optional input lines
 *     ----
 *     expected output, up to the next blank line
 *
 * The handler turns each command into its output; the runner compares it with the expected text.
 * With `REWRITE=1` in the environment the expected outputs are replaced by the actual ones and the
 * file is written back, so a behaviour change shows up as a reviewable diff of the scripts.
 * Outputs never contain blank lines (a blank line ends the block); empty output is written "ok".
 */
import { readFileSync, writeFileSync } from "node:fs";

export interface CommandArg {
  readonly key: string;
  /** `key=v` has one value, `key=(a,b)` several, a bare word `key` none. */
  readonly values: readonly string[];
}

export interface TestCommand {
  /** `file:line` of the command, for failure messages. */
  readonly pos: string;
  readonly name: string;
  readonly args: readonly CommandArg[];
  /** Lines between the command and `----`, joined with newlines. */
  readonly input: string;
  /** The command line as written. */
  readonly line: string;
}

interface Block {
  readonly command: TestCommand;
  readonly expected: string;
  /** Line range [outputStart, outputEnd) of the expected output in the file. */
  readonly outputStart: number;
  readonly outputEnd: number;
}

const SEPARATOR = "----";

/** Splits `a b=1 c=(x,y)` into args; parentheses group comma-separated values. */
export function parseArgs(text: string): CommandArg[] {
  const args: CommandArg[] = [];
  const pattern = /([^\s=]+)(?:=(\([^)]*\)|\S+))?/g;
  for (const match of text.matchAll(pattern)) {
    const key = match[1] as string;
    const raw = match[2];
    if (raw === undefined) args.push({ key, values: [] });
    else if (raw.startsWith("("))
      args.push({
        key,
        values: raw
          .slice(1, -1)
          .split(",")
          .filter((v) => v !== ""),
      });
    else args.push({ key, values: [raw] });
  }
  return args;
}

export function parseScript(path: string, text: string): { lines: string[]; blocks: Block[] } {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (line.trim() === "" || line.startsWith("#")) {
      i++;
      continue;
    }
    const start = i;
    const input: string[] = [];
    i++;
    while (i < lines.length && lines[i] !== SEPARATOR) input.push(lines[i++] as string);
    if (i >= lines.length) throw new Error(`${path}:${start + 1}: command without a "${SEPARATOR}" line`);
    i++; // the separator
    const outputStart = i;
    while (i < lines.length && (lines[i] as string).trim() !== "") i++;
    const [name, ...rest] = line.trim().split(/\s+/);
    blocks.push({
      command: {
        pos: `${path}:${start + 1}`,
        name: name as string,
        args: parseArgs(rest.join(" ")),
        input: input.join("\n"),
        line: line.trim(),
      },
      expected: lines.slice(outputStart, i).join("\n"),
      outputStart,
      outputEnd: i,
    });
  }
  return { lines, blocks };
}

export interface ScriptResult {
  readonly path: string;
  /** One entry per block whose output differs (empty when the script passes or was rewritten). */
  readonly mismatches: { pos: string; line: string; expected: string; actual: string }[];
}

function normalize(output: string): string {
  const trimmed = output
    .split("\n")
    .map((l) => l.trimEnd())
    .join("\n")
    .trim();
  if (trimmed === "") return "ok";
  if (/\n\s*\n/.test(trimmed)) throw new Error("datadriven: command output must not contain blank lines");
  return trimmed;
}

/**
 * Runs every block of the script at `path` through `handle`, in order (the handler keeps state
 * between blocks). With `rewrite`, writes the actual outputs back into the file.
 */
export function runScript(path: string, handle: (command: TestCommand) => string, rewrite: boolean): ScriptResult {
  const { lines, blocks } = parseScript(path, readFileSync(path, "utf8"));
  const mismatches: ScriptResult["mismatches"] = [];
  const outputs: string[] = [];
  for (const block of blocks) {
    let actual: string;
    try {
      actual = normalize(handle(block.command));
    } catch (error) {
      throw new Error(`${block.command.pos}: ${block.command.line}: ${(error as Error).message}`, { cause: error });
    }
    outputs.push(actual);
    if (actual !== block.expected.trim()) {
      mismatches.push({ pos: block.command.pos, line: block.command.line, expected: block.expected, actual });
    }
  }
  if (rewrite) {
    const out = [...lines];
    for (let b = blocks.length - 1; b >= 0; b--) {
      const block = blocks[b] as Block;
      out.splice(block.outputStart, block.outputEnd - block.outputStart, ...(outputs[b] as string).split("\n"));
    }
    writeFileSync(path, out.join("\n"));
    return { path, mismatches: [] };
  }
  return { path, mismatches };
}
