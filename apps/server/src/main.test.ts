// Checks runMain's exit codes and output for --help, --version, a bad configuration (exit 2 with
// the problem on stderr, among them a multi-member ensemble without a peer secret) and
// --check-config, with argv/env passed in and output captured.
import { describe, expect, it } from "vitest";
import { exitCodeConfigError, runMain } from "./main.js";

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await runMain(
    { argv, env: { KEEL_LOG_LEVEL: "silent" } },
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    },
  );
  return { code, stdout, stderr };
}

describe("runMain", () => {
  it("prints help and version", async () => {
    expect(await run(["--help"])).toMatchObject({ code: 0, stdout: expect.stringContaining("--peer") });
    expect(await run(["--version"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^keel-server \S+\n$/) });
  });

  it("exits 2 and names the problem on a bad configuration", async () => {
    const result = await run(["--id", "4", "--data-dir", "d", "--peer", "1=127.0.0.1:7001:8001"]);
    expect(result.code).toBe(exitCodeConfigError);
    expect(result.stderr).toContain("this server's id 4 is not in the --peer list");
  });

  it("exits 2 when several members have no peer secret, saying how to create one", async () => {
    const peers = [
      "--peer",
      "1=127.0.0.1:7001:8001",
      "--peer",
      "2=127.0.0.1:7002:8002",
      "--peer",
      "3=127.0.0.1:7003:8003",
    ];
    const result = await run(["--id", "1", "--data-dir", "d", ...peers]);
    expect(result.code).toBe(exitCodeConfigError);
    expect(result.stderr).toContain("openssl rand -hex 32 > peer.secret");
    expect((await run(["--id", "1", "--data-dir", "d", "--insecure-peers", "--check-config", ...peers])).code).toBe(0);
  });

  it("exits 0 on --check-config with a good configuration", async () => {
    expect((await run(["--id", "1", "--data-dir", "d", "--check-config"])).code).toBe(0);
  });
});
