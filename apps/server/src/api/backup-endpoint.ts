/**
 * `GET /backup`: an online backup of this live member, streamed to an admin (docs/operations.md,
 * "Backup and restore"; `keel snapshot save FILE --server URL`). SQLite's online backup copies the
 * whole store (log, epochs, snapshots) as one consistent point in time while the member keeps
 * serving (@keel/db backup.ts), into a temporary file in the data directory, which is streamed and
 * then removed. The file is the same as an offline `keel snapshot save`: `keel snapshot verify`
 * checks it and `keel snapshot restore` turns it into a new member's data directory.
 *
 * Only an admin may take one (it holds every znode and the users' password hashes), one at a time
 * per member (a second gets 409), and every attempt is audited.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, rmSync, statSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { AuditSink, Identification } from "@keel/api";
import type { Logger } from "pino";

export const BACKUP_PATH = "/backup";

export interface BackupDeps {
  readonly dataDir: string;
  readonly serverId: number;
  /** The store's online copy (ReplicaStore.backupTo). */
  readonly backupTo: (file: string) => Promise<void>;
  readonly identify: (req: IncomingMessage) => Promise<Identification>;
  readonly audit: AuditSink;
  readonly logger: Logger;
}

export class BackupEndpoint {
  private running = false;

  constructor(private readonly deps: BackupDeps) {}

  /** True when it took the request (its path is /backup). */
  handle(req: IncomingMessage, res: ServerResponse, clientAddress: string): boolean {
    if (pathOf(req.url) !== BACKUP_PATH) return false;
    this.serve(req, res, clientAddress).catch((error: unknown) => {
      this.deps.logger.error({ err: error }, "backup failed");
      if (!res.headersSent) sendText(res, 500, "backup failed; see the server's log\n");
      else res.destroy();
    });
    return true;
  }

  private async serve(req: IncomingMessage, res: ServerResponse, clientAddress: string): Promise<void> {
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      sendText(res, 405, "method not allowed\n");
      return;
    }
    const { caller, failure } = await this.deps.identify(req);
    const audit = (outcome: string) => this.deps.audit({ action: "backup", outcome, user: caller.user, clientAddress });
    if (failure !== undefined) {
      audit(failure.code);
      sendText(res, 401, "authentication failed\n", { "www-authenticate": 'Basic realm="keel"' });
      return;
    }
    if (caller.role !== "admin") {
      audit("NOAUTH");
      sendText(res, 403, "a backup needs an admin (it holds every znode and the users' password hashes)\n");
      return;
    }
    if (this.running) {
      audit("BUSY");
      sendText(res, 409, "a backup of this member is already running; retry when it is done\n");
      return;
    }
    this.running = true;
    const file = join(this.deps.dataDir, `.backup-${randomBytes(6).toString("hex")}.db`);
    try {
      await this.deps.backupTo(file);
      const size = statSync(file).size;
      res.writeHead(200, {
        "content-type": "application/vnd.sqlite3",
        "content-length": String(size),
        "content-disposition": `attachment; filename="keel-server-${this.deps.serverId}.backup"`,
      });
      await new Promise<void>((resolve, reject) => {
        const stream = createReadStream(file);
        stream.once("error", reject);
        res.once("close", resolve);
        stream.pipe(res);
      });
      audit(res.writableFinished ? "OK" : "ABORTED");
    } finally {
      rmSync(file, { force: true });
      rmSync(`${file}.partial`, { force: true });
      this.running = false;
    }
  }
}

function pathOf(url: string | undefined): string {
  const raw = url ?? "/";
  const query = raw.indexOf("?");
  return query < 0 ? raw : raw.slice(0, query);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", ...headers });
  res.end(text);
}
