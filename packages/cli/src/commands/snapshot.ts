/**
 * `keel snapshot save|restore|verify`: @keel/db's backup, restore and backup check (docs/storage.md,
 * "Backup and restore"). Save and restore run on a member's data directory; a running server holds
 * its store open with an exclusive lock, so both need that member stopped (the other members keep
 * serving meanwhile). Verify reads only the backup file.
 * @keel/db (and its native SQLite module) is loaded only here, so the other commands never load it.
 */
import { createWriteStream, existsSync, renameSync, rmSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { formatZxid, KeelError, type Zxid } from "@keel/core";
import { integerOption } from "../args.js";
import { CliError, UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { stringOption } from "../command.js";
import { json, keyValues } from "../format.js";

/** The ensemble id `npm start` gives its servers (scripts/start.mjs). */
const NPM_START_ENSEMBLE_ID = "keel-local";

export const snapshotCommand: Command = {
  name: "snapshot",
  summary: "save a member's store to a backup file, check one, or restore one into a new data dir",
  synopsis: "save FILE --from URL | save|restore FILE --data-dir DIR --server-id N | verify FILE",
  help: [
    "save FILE --from URL",
    "              downloads an online backup of the LIVE member at URL (GET /backup; needs an",
    "              admin: the global --user super --password-file F), then verifies it.",
    "save FILE     copies the member's whole store (log, epochs, snapshots) into FILE, which must",
    "              not exist; consistent even while writes land (SQLite's online backup).",
    "restore FILE  creates a store in DIR from FILE, as server N (and ensemble --ensemble-id, to",
    "              start a new ensemble from it), after checking it fully; DIR must hold no store.",
    "verify FILE   runs the checks restore would (identity, epochs, every checksum, the log's",
    "              continuity) on a copy and prints what the backup holds; exits 1 if the backup",
    "              could not be restored, or would need repairs (listed). FILE is never written.",
    "",
    "With --data-dir both need the member STOPPED: a running server keeps its store locked (save fails with",
    "LOCKED). Stop one member, save, start it again: the others keep serving. Restore rebuilds a",
    "whole ensemble (every member from the same backup) or adds a member the leader then syncs;",
    "never restore an old backup into a live ensemble as an existing member (docs/storage.md).",
    `--ensemble-id defaults to ${NPM_START_ENSEMBLE_ID} (npm start's); npm start's data dirs are .keel/data/server-N.`,
  ].join("\n"),
  options: {
    from: { type: "string", valueName: "URL", description: "save: a running member's client URL (online backup)" },
    "data-dir": { type: "string", valueName: "DIR", file: true, description: "the member's data directory" },
    "server-id": { type: "string", valueName: "N", description: "the member's server id (--id of keel-server)" },
    "ensemble-id": {
      type: "string",
      valueName: "ID",
      description: `the ensemble id (default ${NPM_START_ENSEMBLE_ID}); on restore, a new id renames the ensemble`,
    },
  },
  positionals: { min: 2, max: 2 },
  subcommands: ["save", "restore", "verify"],
  async run(context, args) {
    const [action, file] = args.positionals as [string, string];
    if (action === "verify") return verify(context, file);
    if (action !== "save" && action !== "restore")
      throw new UsageError(`snapshot takes save, restore or verify, got ${JSON.stringify(action)}`);
    const from = stringOption(args, "from");
    if (from !== undefined) {
      if (action !== "save") throw new UsageError("--from goes with save (an online backup of a running member)");
      return saveOnline(context, from, file);
    }
    const dataDir = stringOption(args, "data-dir");
    if (dataDir === undefined)
      throw new UsageError("--data-dir is required (the member's data directory), or --from URL for a running member");
    const serverId = integerOption("server-id", stringOption(args, "server-id"), 1, 255);
    if (serverId === undefined) throw new UsageError("--server-id is required (the member's --id)");
    const ensembleId = stringOption(args, "ensemble-id") ?? NPM_START_ENSEMBLE_ID;
    const db = await import("@keel/db");
    const warnings: string[] = [];
    const onWarning = (message: string) => {
      warnings.push(message);
      context.note(`warning: ${message}`);
    };
    try {
      if (action === "save") {
        // lockWaitMs 0: a running server holds the store; say so at once instead of waiting.
        const store = db.openReplicaStore(dataDir, { serverId, ensembleId, onWarning, lockWaitMs: 0 });
        try {
          await store.backupTo(file);
          const meta = store.meta();
          const bytes = statSync(file).size;
          const summary = {
            action,
            file,
            bytes,
            serverId: meta.serverId,
            ensembleId: meta.ensembleId,
            lastLoggedZxid: String(meta.lastLoggedZxid),
            latestSnapshotZxid: meta.latestSnapshot === undefined ? null : String(meta.latestSnapshot.zxid),
            warnings,
          };
          context.out(
            context.json
              ? json(summary)
              : keyValues([
                  ["saved", `${file} (${bytes} bytes)`],
                  ["from", `server ${meta.serverId} of ensemble ${meta.ensembleId}`],
                  ["last logged zxid", formatZxid(meta.lastLoggedZxid)],
                  ["latest snapshot", meta.latestSnapshot === undefined ? "-" : formatZxid(meta.latestSnapshot.zxid)],
                ]),
          );
        } finally {
          store.close();
        }
      } else {
        const restoreOptions = {
          serverId,
          onWarning,
          ...(stringOption(args, "ensemble-id") === undefined ? {} : { ensembleId }),
        };
        const meta = db.restoreReplica(file, dataDir, restoreOptions);
        const summary = {
          action,
          file,
          dataDir,
          serverId: meta.serverId,
          ensembleId: meta.ensembleId,
          acceptedEpoch: meta.acceptedEpoch,
          currentEpoch: meta.currentEpoch,
          logStartZxid: String(meta.logStartZxid),
          warnings,
        };
        context.out(
          context.json
            ? json(summary)
            : keyValues([
                ["restored", `${file} into ${dataDir}`],
                ["as", `server ${meta.serverId} of ensemble ${meta.ensembleId}`],
                ["epochs", `accepted ${meta.acceptedEpoch}, current ${meta.currentEpoch}`],
                ["log starts after", formatZxid(meta.logStartZxid as Zxid)],
                [
                  "next",
                  `start keel-server with --id ${meta.serverId} --ensemble-id ${meta.ensembleId} --data-dir ${dataDir} and the ensemble's --peer-secret-file`,
                ],
              ]),
        );
      }
    } catch (error) {
      if (error instanceof KeelError) {
        const hint =
          (error as { reason?: string }).reason === "LOCKED" ? " (is the member still running? stop it first)" : "";
        throw new CliError(`${error.message}${hint}`, 1, error.code);
      }
      throw error;
    }
    return 0;
  },
};

/** `snapshot verify FILE`: what the backup holds, and whether a restore would take it as it is. */
/** Streams GET <url>/backup into FILE (through FILE.partial), then verifies what arrived. */
async function saveOnline(context: Parameters<Command["run"]>[0], url: string, file: string): Promise<number> {
  if (existsSync(file)) throw new CliError(`${file} already exists; choose a new file`);
  const response = await context.connection.fetch(`${url.replace(/\/+$/, "")}/backup`, { method: "GET" });
  if (!response.ok || response.body === null) {
    const reason = (await response.text()).trim();
    const code = response.status === 401 ? "AUTHFAILED" : response.status === 403 ? "NOAUTH" : undefined;
    throw new CliError(
      `${url} refused the backup (HTTP ${response.status}): ${reason}`,
      code === "AUTHFAILED" ? 3 : 1,
      code,
    );
  }
  const partial = `${file}.partial`;
  try {
    await pipeline(
      Readable.fromWeb(response.body as import("node:stream/web").ReadableStream),
      createWriteStream(partial),
    );
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw new CliError(
      `downloading the backup from ${url} failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  context.note(`saved ${file} (${statSync(file).size} bytes) from ${url}; verifying it`);
  return verify(context, file);
}

async function verify(context: Parameters<Command["run"]>[0], file: string): Promise<number> {
  const db = await import("@keel/db");
  let report: import("@keel/db").BackupReport;
  try {
    report = db.verifyBackup(file);
  } catch (error) {
    if (error instanceof KeelError) throw new CliError(`${file} cannot be restored: ${error.message}`, 1, error.code);
    throw error;
  }
  const { meta, snapshots, log, repairs } = report;
  const latest = snapshots.at(-1);
  const summary = {
    action: "verify",
    file,
    ok: repairs.length === 0,
    serverId: meta.serverId,
    ensembleId: meta.ensembleId,
    acceptedEpoch: meta.acceptedEpoch,
    currentEpoch: meta.currentEpoch,
    snapshotZxids: snapshots.map((snapshot) => String(snapshot.zxid)),
    logFirstZxid: log === undefined ? null : String(log.first),
    logLastZxid: log === undefined ? null : String(log.last),
    repairs,
  };
  context.out(
    context.json
      ? json(summary)
      : keyValues([
          ["backup", `${file}: ${repairs.length === 0 ? "ok" : "restorable only with repairs"}`],
          ["from", `server ${meta.serverId} of ensemble ${meta.ensembleId}`],
          ["epochs", `accepted ${meta.acceptedEpoch}, current ${meta.currentEpoch}`],
          ["latest snapshot", latest === undefined ? "-" : formatZxid(latest.zxid)],
          ["log", log === undefined ? "-" : `${formatZxid(log.first)} .. ${formatZxid(log.last)}`],
          ...repairs.map((repair): [string, string] => ["repair", repair]),
        ]),
  );
  if (repairs.length > 0) throw new CliError(`${file} needs repairs to be restored (listed above)`, 1);
  return 0;
}
