import { TRPCClientError } from "@trpc/client";
import { integerOption } from "../args.js";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { stringOption } from "../command.js";
import type { ConnectionSettings } from "../connection.js";
import { json, table } from "../format.js";

const LIMIT_DEFAULT = 1_000;

/** session.list's answer (docs/api.md). */
export interface SessionListView {
  /** Servers from before the console (issue 18) send no clientAddress. */
  sessions: { sessionId: string; timeoutMs: number; ephemerals: number; clientAddress?: string | null }[];
  truncated: boolean;
}

export const sessionsCommand: Command = {
  name: "sessions",
  summary: "open sessions: id, timeout, ephemeral count, client address (session.list)",
  synopsis: "",
  help: "Needs a server with session.list (issue 17); an older one answers that it does not know the procedure.",
  options: {
    limit: { type: "string", valueName: "N", description: `list at most N sessions (default ${LIMIT_DEFAULT})` },
  },
  positionals: { min: 0, max: 0 },
  async run(context, args) {
    const limit = integerOption("limit", stringOption(args, "limit"), 1, 1_000_000) ?? LIMIT_DEFAULT;
    // session.list is called by URL rather than through the typed client: the CLI must still build
    // and run every other command against servers (and an API package) from before issue 17.
    const list = await context.remote.read((_client, signal, server) =>
      listSessions(context.connection, server, limit, signal),
    );
    if (context.json) context.out(json(list));
    else {
      context.out(
        table(
          ["SESSION", "TIMEOUT MS", "EPHEMERALS", "CLIENT"],
          list.sessions.map((s) => [s.sessionId, String(s.timeoutMs), String(s.ephemerals), s.clientAddress ?? "-"]),
        ),
      );
      if (list.truncated) context.note(`(only the first ${limit}; raise --limit to see more)`);
    }
    return 0;
  },
};

/** One GET of session.list; errors become TRPCClientErrors so the remote's retry rule applies. */
async function listSessions(
  connection: ConnectionSettings,
  server: string,
  limit: number,
  signal: AbortSignal,
): Promise<SessionListView> {
  const url = `${server}/session.list?input=${encodeURIComponent(JSON.stringify({ limit }))}`;
  const response = await connection.fetch(url, { signal });
  const body = (await response.json()) as { result?: { data?: SessionListView }; error?: unknown };
  if (body.error !== undefined) {
    const error = TRPCClientError.from(body as Parameters<typeof TRPCClientError.from>[0]);
    if (response.status === 404 && (error.data as { keelCode?: unknown } | undefined)?.keelCode == null)
      throw new CliError(`${server} has no session.list (a server from before issue 17)`, 1, "UNIMPLEMENTED");
    throw error;
  }
  if (body.result?.data === undefined) throw new CliError(`${server} sent an unexpected answer to session.list`);
  return body.result.data;
}
