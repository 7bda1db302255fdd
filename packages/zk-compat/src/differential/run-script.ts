/**
 * Runs the differential script against one server through clients/differential/run_script.py
 * (kazoo), and parses its one-JSON-line-per-step output. Debian's python3 is used on purpose:
 * python3-kazoo is installed for it, not for whatever python3 is first on PATH.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { RawStepResult } from "./normalise.js";
import type { Step } from "./script.js";

const python = "/usr/bin/python3";
const runner = fileURLToPath(new URL("../../clients/differential/run_script.py", import.meta.url));

export async function runScript(connectString: string, steps: readonly Step[]): Promise<RawStepResult[]> {
  const child = spawn(python, [runner, connectString], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve(code));
  });
  child.stdin.end(JSON.stringify(steps));
  const code = await exited;
  const lines = stdout.split("\n").filter((line) => line.trim() !== "");
  if (code !== 0) {
    throw new Error(`run_script.py exited ${code} after ${lines.length} steps\n${stderr.slice(-4000)}`);
  }
  return lines.map((line) => JSON.parse(line) as RawStepResult);
}
