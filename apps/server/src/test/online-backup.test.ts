/**
 * Online backup of a live member (docs/operations.md, "Backup and restore"): an admin downloads
 * GET /backup from a member while writes keep landing; the file verifies without restoring it,
 * holds every write acknowledged before the download began, and restores into a new one-member
 * ensemble that serves those writes and goes on with larger zxids. Only an admin may take one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { restoreReplica, verifyBackup } from "@keel/db";
import { basicAuth, Ensemble, httpClient } from "@keel/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { retry } from "./helpers.js";

describe("online backup", () => {
  let ensemble: Ensemble;
  let superHeaders: Record<string, string>;
  const scratch = mkdtempSync(join(tmpdir(), "keel-online-backup-"));

  beforeAll(async () => {
    ensemble = await Ensemble.start({ voters: 3, superPassword: true });
    await ensemble.waitForLeader();
    superHeaders = basicAuth("super", ensemble.superPassword as string);
  }, 60_000);

  afterAll(async () => {
    await ensemble?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function download(url: string, headers: Record<string, string>): Promise<Response> {
    return fetch(`${url}/backup`, { headers });
  }

  it("refuses anyone but an admin", async () => {
    const url = ensemble.member(1).clientUrl;
    const admin = httpClient(url, { headers: superHeaders });
    await retry(() => admin.auth.users.add.mutate({ name: "vera", password: "verapassword", role: "operator" }));
    expect((await download(url, {})).status).toBe(403);
    expect((await download(url, basicAuth("vera", "verapassword"))).status).toBe(403);
    expect((await download(url, basicAuth("super", "not-the-password"))).status).toBe(401);
  });

  it("copies a live member consistently, and the copy restores into a new ensemble", async () => {
    const member = ensemble.member(2);
    const client = httpClient(member.clientUrl, { headers: superHeaders });
    await retry(() => client.node.create.mutate({ path: "/backed", data: "up" }));
    let acknowledged = "0";
    for (let i = 0; i < 50; i++) {
      const created = await retry(() => client.node.create.mutate({ path: `/backed/n${i}`, data: String(i) }));
      acknowledged = created.stat.czxid;
    }
    // Writes keep landing while the backup is taken.
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) await retry(() => client.node.set.mutate({ path: "/backed", data: `w${i}` }));
    })();
    const response = await download(member.clientUrl, superHeaders);
    writing = false;
    await writer;
    expect(response.status).toBe(200);
    const file = join(scratch, "member-2.backup");
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));

    const report = verifyBackup(file);
    expect(report.repairs).toEqual([]);
    const backupLast = report.log?.last ?? report.snapshots.at(-1)?.zxid ?? 0n;
    expect(backupLast >= BigInt(acknowledged)).toBe(true);

    // Restore as the only member of a new ensemble (testkit names its ensembles keel-test).
    const restoredDir = join(scratch, "restored");
    restoreReplica(file, restoredDir, { serverId: 1, ensembleId: "keel-test" });
    const restored = await Ensemble.start({ voters: 1, dataDir: () => restoredDir });
    try {
      await restored.waitForLeader();
      const fresh = httpClient(restored.member(1).clientUrl);
      const node = await retry(() => fresh.node.get.query({ path: "/backed/n49" }));
      expect(node.data).toBe("49");
      const next = await retry(() => fresh.node.create.mutate({ path: "/after-restore" }));
      // zxids stay monotonic: the restored member starts a new epoch above the backup's.
      expect(BigInt(next.stat.czxid) > backupLast).toBe(true);
    } finally {
      await restored.close();
    }
  }, 120_000);
});
