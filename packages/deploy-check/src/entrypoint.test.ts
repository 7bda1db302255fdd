/**
 * The image's entry point (deploy/docker/entrypoint.sh) on its own: run with sh, as the container
 * runs it, with a fake `node` first on PATH that prints the arguments it was given and the KEEL_*
 * environment it inherited. One row per case: the member id from the pod name or KEEL_ID, members
 * within BOOTSTRAP_MEMBER_COUNT starting as listed, members above it starting with --join and their
 * own peer entry (in KEEL_PEERS, or as a --peer flag when the container passes the list as flags),
 * and the refusals (exit 2, one line on stderr). server-options.test.ts then runs the real server.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { entrypointScript } from "./keel-server.js";

const fakeBin = mkdtempSync(join(tmpdir(), "keel-entrypoint-"));
writeFileSync(join(fakeBin, "node"), '#!/bin/sh\nprintf "%s\\n" "$@"\necho "--- env"\nenv | grep "^KEEL_" | sort\n');
chmodSync(join(fakeBin, "node"), 0o755);
afterAll(() => rmSync(fakeBin, { recursive: true, force: true }));

const domain = "keel-peer.keel.svc.cluster.local";
const bootstrapPeers = `1=keel-0.${domain}:7001:8001,2=keel-1.${domain}:7001:8001,3=keel-2.${domain}:7001:8001`;
const statefulSetEnv = { BOOTSTRAP_MEMBER_COUNT: "3", PEER_DOMAIN: domain, KEEL_PEERS: bootstrapPeers };

interface Case {
  readonly name: string;
  readonly env: Readonly<Record<string, string>>;
  readonly args?: readonly string[];
  /** What node was started with, after `apps/server/dist/main.js`; undefined when the script must refuse. */
  readonly nodeArgs?: readonly string[];
  readonly keelEnv?: Readonly<Record<string, string>>;
  /** For a refusal: part of the one line on stderr. */
  readonly error?: string;
}

const cases: readonly Case[] = [
  {
    name: "a bootstrap member's id is its ordinal + 1, and it starts as listed",
    env: { ...statefulSetEnv, POD_NAME: "keel-2" },
    args: ["--data-dir=/var/lib/keel/data"],
    nodeArgs: ["--data-dir=/var/lib/keel/data"],
    keelEnv: { KEEL_ID: "3", KEEL_PEERS: bootstrapPeers },
  },
  {
    name: "a member above the bootstrap count joins, its own entry appended to KEEL_PEERS",
    env: { ...statefulSetEnv, POD_NAME: "keel-3" },
    args: ["--data-dir=/var/lib/keel/data"],
    nodeArgs: ["--data-dir=/var/lib/keel/data"],
    keelEnv: { KEEL_ID: "4", KEEL_JOIN: "true", KEEL_PEERS: `${bootstrapPeers},4=keel-3.${domain}:7001:8001` },
  },
  {
    name: "a joining member given the list as --peer flags gets its entry as one more flag",
    env: { BOOTSTRAP_MEMBER_COUNT: "1", PEER_DOMAIN: domain, POD_NAME: "keel-1" },
    args: ["--peer", `1=keel-0.${domain}:7001:8001`],
    nodeArgs: ["--peer", `1=keel-0.${domain}:7001:8001`, "--peer", `2=keel-1.${domain}:7001:8001`],
    keelEnv: { KEEL_ID: "2", KEEL_JOIN: "true" },
  },
  {
    name: "--peer=spec counts as a --peer flag too",
    env: { BOOTSTRAP_MEMBER_COUNT: "1", PEER_DOMAIN: domain, POD_NAME: "keel-1", KEEL_PEERS: "ignored" },
    args: [`--peer=1=keel-0.${domain}:7001:8001`],
    nodeArgs: [`--peer=1=keel-0.${domain}:7001:8001`, "--peer", `2=keel-1.${domain}:7001:8001`],
    keelEnv: { KEEL_ID: "2", KEEL_JOIN: "true", KEEL_PEERS: "ignored" },
  },
  {
    name: "without BOOTSTRAP_MEMBER_COUNT every member starts as listed",
    env: { KEEL_PEERS: bootstrapPeers, PEER_DOMAIN: domain, POD_NAME: "keel-7" },
    nodeArgs: [],
    keelEnv: { KEEL_ID: "8", KEEL_PEERS: bootstrapPeers },
  },
  {
    name: "KEEL_ID wins over the pod name, also in deciding to join; the host is still the pod's",
    env: { ...statefulSetEnv, POD_NAME: "keel-0", KEEL_ID: "9" },
    nodeArgs: [],
    keelEnv: { KEEL_ID: "9", KEEL_JOIN: "true", KEEL_PEERS: `${bootstrapPeers},9=keel-0.${domain}:7001:8001` },
  },
  {
    name: "HOSTNAME stands in for POD_NAME",
    env: { ...statefulSetEnv, HOSTNAME: "keel-4" },
    nodeArgs: [],
    keelEnv: { KEEL_ID: "5", KEEL_JOIN: "true", KEEL_PEERS: `${bootstrapPeers},5=keel-4.${domain}:7001:8001` },
  },
  {
    name: "a KEEL_ID that is not a number is passed on for the server to refuse",
    env: { ...statefulSetEnv, POD_NAME: "keel-4", KEEL_ID: "four" },
    nodeArgs: [],
    keelEnv: { KEEL_ID: "four", KEEL_PEERS: bootstrapPeers },
  },
  {
    name: "a pod name without an ordinal is refused",
    env: { ...statefulSetEnv, POD_NAME: "keel" },
    error: "KEEL_ID is not set and pod name 'keel' does not end in -<ordinal>",
  },
  {
    name: "a BOOTSTRAP_MEMBER_COUNT that is not a positive number is refused",
    env: { ...statefulSetEnv, POD_NAME: "keel-0", BOOTSTRAP_MEMBER_COUNT: "0" },
    error: "BOOTSTRAP_MEMBER_COUNT must be a positive whole number, not '0'",
  },
  {
    name: "a joining member without PEER_DOMAIN is refused",
    env: { BOOTSTRAP_MEMBER_COUNT: "3", KEEL_PEERS: bootstrapPeers, POD_NAME: "keel-3" },
    error: "member 4 is above BOOTSTRAP_MEMBER_COUNT=3, so it joins",
  },
];

describe("the image's entry point", () => {
  it.each(cases)("$name", ({ env, args = [], nodeArgs, keelEnv, error }) => {
    const result = spawnSync("sh", [entrypointScript, ...args], {
      env: { PATH: `${fakeBin}:/usr/bin:/bin`, ...env },
      encoding: "utf8",
    });
    if (error !== undefined) {
      expect(result.status).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toContain(`keel-entrypoint: ${error}`);
      return;
    }
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const [argLines = "", envLines = ""] = result.stdout.split("--- env\n");
    expect(argLines.split("\n").slice(0, -1)).toEqual(["apps/server/dist/main.js", ...(nodeArgs ?? [])]);
    const started = Object.fromEntries(
      envLines
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
    );
    expect(started).toEqual(keelEnv);
  });
});
