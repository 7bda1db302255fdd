/** Data for set/create: the argument as UTF-8 text, or stdin's bytes (sent as base64, binary-safe). */
import { UsageError } from "./cli-error.js";
import type { Io } from "./command.js";

export type DataInput = { data: string } | { dataBase64: string } | Record<string, never>;

/** Upper bound on what the CLI reads from stdin; the server's own limit (1 MiB by default) is lower. */
const STDIN_BYTES_MAX = 16 * 1024 * 1024;

export async function readStdin(io: Io): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : Buffer.from(chunk as Uint8Array);
    total += buffer.length;
    if (total > STDIN_BYTES_MAX) throw new UsageError(`stdin holds more than ${STDIN_BYTES_MAX} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * `DATA` as given; `-` reads stdin; no argument means empty data. Stdin is read only when asked:
 * a `keel create` inside a `while read` loop must not swallow the loop's input.
 */
export async function dataArgument(io: Io, argument: string | undefined): Promise<DataInput> {
  if (argument === "-") {
    return { dataBase64: (await readStdin(io)).toString("base64") };
  }
  if (argument === undefined) return {};
  return { data: argument };
}
