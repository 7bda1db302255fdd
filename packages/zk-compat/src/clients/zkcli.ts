/**
 * Debian's zkCli.sh (ZooKeeper 3.8's ZooKeeperMain). Without JLine it reads commands line by line
 * from stdin, so one JVM runs a whole script. Results go to stdout, "Created …" and errors to
 * stderr, so each stream is asserted on its own (their interleaving is not defined).
 */
import { readFileSync } from "node:fs";
import { type ClientProcess, type ClientProcesses, clientFile, zkCli } from "./client-process.js";

export function startZkCli(processes: ClientProcesses, label: string, connect: string, script?: string): ClientProcess {
  return processes.start(label, zkCli, ["-server", connect], script === undefined ? {} : { stdin: script });
}

/** A script from clients/zkcli, one zkCli command per line. */
export function zkCliScript(file: string): string {
  return readFileSync(clientFile("zkcli", file), "utf8");
}

/** zkCli's own lines: no JVM/SLF4J noise, no banner, no blank lines. */
export function meaningfulLines(output: string): string[] {
  return output
    .split("\n")
    .map((line) => line.trimEnd())
    .filter(
      (line) =>
        line.length > 0 &&
        !line.startsWith("SLF4J:") &&
        !/^(Connecting to |Welcome to ZooKeeper!|JLine support is disabled|WATCHER::)/.test(line),
    );
}

/** The `name = value` blocks zkCli prints for `stat` and `-s`, one object per block. */
export function statBlocks(output: string): Record<string, string>[] {
  const blocks: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  for (const line of meaningfulLines(output)) {
    const field = /^(\w+) = (.*)$/.exec(line);
    if (!field) {
      current = undefined;
      continue;
    }
    const [, name, value] = field as unknown as [string, string, string];
    if (current === undefined || name in current) {
      current = {};
      blocks.push(current);
    }
    current[name] = value;
  }
  return blocks;
}

/** The lines that are neither stat fields nor session events: data and child lists. */
export function valueLines(output: string): string[] {
  return meaningfulLines(output).filter((line) => !/^\w+ = /.test(line) && !line.startsWith("WatchedEvent "));
}
