#!/usr/bin/env node
// `npm start`: install what is missing, build, start a local 3-node ensemble and the console,
// print their URLs and which server leads, and stop everything cleanly on Ctrl-C.
// Ports: servers use KEEL_START_PORT (default 7100) + id for peers, + 100 + id for clients and
// + 200 + id for ZooKeeper clients (the ZooKeeper wire protocol: docs/zookeeper-compat.md);
// the console listens on KEEL_CONSOLE_PORT (default 3000). Data lives in .keel/data/server-<id>
// (.keel/data-<port>/ for another KEEL_START_PORT, so two local ensembles never share files).
// For work on the console: KEEL_CONSOLE_DEV=1 runs `next dev` (hot reload, its own .next-dev-<port>
// output so several can run side by side) and KEEL_SKIP_BUILD=1 starts what is already built.
// The members prove a shared peer secret to each other (docs/security.md): it is generated once
// into <data dir>/peer.secret (mode 0600) and reused on every later start; so is the password of
// the built-in admin user `super` (<data dir>/super.password), which logs in to the console.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { build, installIfMissing, log, quietEnv, repoRoot, start } from "./lib.mjs";

const basePort = Number(process.env.KEEL_START_PORT ?? 7100);
const consolePort = Number(process.env.KEEL_CONSOLE_PORT ?? 3000);
const consoleDev = process.env.KEEL_CONSOLE_DEV === "1";
const dataRoot = join(repoRoot, ".keel", basePort === 7100 ? "data" : `data-${basePort}`);
const host = "127.0.0.1";
const servers = [1, 2, 3].map((id) => ({
  id,
  peerPort: basePort + id,
  clientPort: basePort + 100 + id,
  zkPort: basePort + 200 + id,
  dataDir: join(dataRoot, `server-${id}`),
}));
const peerFlags = servers.flatMap((s) => ["--peer", `${s.id}=${host}:${s.peerPort}:${s.clientPort}`]);
const peerSecretFile = join(dataRoot, "peer.secret");
const superPasswordFile = join(dataRoot, "super.password");
const consoleOrigin = `http://${host}:${consolePort}`;
// The servers read KEEL_* variables as their own options: keep this script's out of their way.
const serverEnv = { ...quietEnv };
delete serverEnv.KEEL_START_PORT;
delete serverEnv.KEEL_CONSOLE_PORT;
delete serverEnv.KEEL_CONSOLE_DEV;
delete serverEnv.KEEL_SKIP_BUILD;

installIfMissing();
if (process.env.KEEL_SKIP_BUILD !== "1" && build() !== 0) process.exit(1);

mkdirSync(dataRoot, { recursive: true });
if (!existsSync(peerSecretFile)) {
  // 'wx': never overwrite a secret another start wrote in the meantime.
  writeFileSync(peerSecretFile, `${randomBytes(32).toString("hex")}\n`, { mode: 0o600, flag: "wx" });
}
if (!existsSync(superPasswordFile)) {
  // The built-in admin `super` (docs/security.md, "Client authentication"): log in to the console
  // with it to create users; generated once, like the peer secret.
  writeFileSync(superPasswordFile, `${randomBytes(18).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
}

const children = [];
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  log("stopping...");
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(
    children.map(
      (child) => new Promise((resolve) => (child.exitCode !== null ? resolve() : child.once("exit", resolve))),
    ),
  ).then(() => process.exit(code));
}
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));

for (const server of servers) {
  mkdirSync(server.dataDir, { recursive: true });
  const child = start(
    process.execPath,
    [
      join(repoRoot, "apps", "server", "dist", "main.js"),
      "--id",
      String(server.id),
      "--ensemble-id",
      "keel-local",
      "--data-dir",
      server.dataDir,
      "--client-host",
      host,
      "--client-port",
      String(server.clientPort),
      "--peer-host",
      host,
      "--peer-port",
      String(server.peerPort),
      "--zk-port",
      String(server.zkPort),
      "--peer-secret-file",
      peerSecretFile,
      "--super-password-file",
      superPasswordFile,
      "--console-origins",
      consoleOrigin,
      "--log-level",
      "warn",
      ...peerFlags,
    ],
    { stdio: ["ignore", "inherit", "inherit"], env: serverEnv },
  );
  child.once("exit", (code, signal) => {
    if (!stopping) {
      log(`server ${server.id} exited (${signal ?? code}); stopping the ensemble`);
      stopAll(1);
    }
  });
  children.push(child);
}

const serverUrls = servers.map((s) => `http://${host}:${s.clientPort}`);
const nextBin = createRequire(join(repoRoot, "apps", "web", "package.json")).resolve("next/dist/bin/next");
const web = start(process.execPath, [nextBin, consoleDev ? "dev" : "start", "-H", host, "-p", String(consolePort)], {
  cwd: join(repoRoot, "apps", "web"),
  env: {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    KEEL_SERVERS: serverUrls.join(","),
    ...(consoleDev ? { KEEL_WEB_DIST_DIR: `.next-dev-${consolePort}` } : {}),
  },
  stdio: ["ignore", "ignore", "inherit"],
});
web.once("exit", (code) => {
  if (!stopping) {
    log(`console exited (${code}); stopping`);
    stopAll(1);
  }
});
children.push(web);

async function status(url) {
  try {
    const response = await fetch(`${url}/status.json`);
    return response.ok ? await response.json() : undefined;
  } catch {
    return undefined;
  }
}

async function announce() {
  const deadline = Date.now() + 60_000;
  while (!stopping && Date.now() < deadline) {
    const statuses = await Promise.all(serverUrls.map(status));
    const leaderIndex = statuses.findIndex((s) => s?.role === "leading");
    const consoleUp = await fetch(`http://${host}:${consolePort}/`).then(
      (r) => r.ok,
      () => false,
    );
    if (leaderIndex >= 0 && consoleUp) {
      log("Keel is running:");
      servers.forEach((s, i) => {
        const role = statuses[i]?.role ?? "starting";
        log(`  server ${s.id}  ${serverUrls[i]}  (peer port ${s.peerPort})  ${role}`);
      });
      log(`  console   ${consoleOrigin}  (admin: user super, password in ${superPasswordFile})`);
      log(`  ZooKeeper clients: ${servers.map((s) => `${host}:${s.zkPort}`).join(",")}`);
      log(`  leader: server ${servers[leaderIndex]?.id}`);
      log("press Ctrl-C to stop");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (!stopping) log("the ensemble did not elect a leader within 60 s; see the server logs above");
}
void announce();
