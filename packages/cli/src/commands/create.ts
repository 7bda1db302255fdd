import { integerOption } from "../args.js";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { flag, stringOption } from "../command.js";
import { json, showZxid } from "../format.js";
import { dataArgument } from "../input.js";
import { ancestors, nodeKindOf } from "../node-kind.js";
import type { Remote } from "../remote.js";
import { holdSession, openSession } from "../session-holder.js";

export const createCommand: Command = {
  name: "create",
  summary: "create a node (persistent, ephemeral, sequential, TTL or container)",
  synopsis: "PATH [DATA]",
  help: [
    "Prints the created path (with the sequence suffix for -s).",
    "-e creates an ephemeral node owned by a new session that keel keeps alive until Ctrl-C or",
    "SIGTERM; then it closes the session, which deletes the node. DATA `-` reads stdin.",
  ].join("\n"),
  options: {
    ephemeral: { type: "boolean", short: "e", description: "ephemeral: deleted when keel exits (holds a session)" },
    sequential: { type: "boolean", short: "s", description: "append a unique, increasing 10-digit sequence number" },
    ttl: {
      type: "string",
      valueName: "MS",
      description: "a TTL node: deleted once it has no children and MS passed since its last change",
    },
    container: { type: "boolean", description: "a container node: deleted once its last child is deleted" },
    parents: { type: "boolean", short: "p", description: "create missing parents (persistent)" },
    "session-timeout": {
      type: "string",
      valueName: "MS",
      description: "with -e: the session's timeout (default 10000)",
    },
  },
  positionals: { min: 1, max: 2 },
  pathArgument: true,
  async run(context, args) {
    const path = args.positionals[0] as string;
    const ttlMs = integerOption("ttl", stringOption(args, "ttl"), 1, Number.MAX_SAFE_INTEGER);
    const kind = nodeKindOf({
      ephemeral: flag(args, "ephemeral"),
      sequential: flag(args, "sequential"),
      ttl: ttlMs !== undefined,
      container: flag(args, "container"),
    });
    const sessionTimeoutMs =
      integerOption("session-timeout", stringOption(args, "session-timeout"), 1, 3_600_000) ?? 10_000;
    const data = await dataArgument(context.io, args.positionals[1]);

    if (flag(args, "parents")) {
      for (const ancestor of ancestors(path)) await createIfMissing(context.remote, ancestor);
    }
    const ephemeral = kind === "ephemeral" || kind === "ephemeral_sequential";
    const session = ephemeral ? await openSession(context.remote, sessionTimeoutMs) : undefined;
    // A sequential create cannot be read back by its path, and a plain one may race another
    // creator: an outcome-unknown failure is reported (remote.write), never repeated.
    const created = await context.remote.write((client, signal) =>
      client.node.create.mutate(
        {
          path,
          kind,
          ...data,
          ...(ttlMs === undefined ? {} : { ttlMs }),
          ...(session === undefined ? {} : { session: { sessionId: session.sessionId, secret: session.secret } }),
        },
        { signal },
      ),
    );
    if (context.json) context.out(json({ ...created, ...(session ? { sessionId: session.sessionId } : {}) }));
    else context.out(`${created.path}\n`);
    if (session === undefined) return 0;

    context.note(
      `holding ${created.path} with session ${session.sessionId} (timeout ${session.timeoutMs} ms, czxid ${showZxid(created.stat.czxid)}); Ctrl-C deletes it`,
    );
    const end = await holdSession(context.servers, context.connection, session, context.signal, (message) =>
      context.note(`warning: ${message}`),
    );
    if (end.kind === "expired")
      throw new CliError(`session ${session.sessionId} ended: ${end.message}`, undefined, "SESSIONEXPIRED");
    return 0;
  },
};

async function createIfMissing(remote: Remote, path: string): Promise<void> {
  try {
    await remote.write((client, signal) => client.node.create.mutate({ path }, { signal }));
  } catch (error) {
    if (error instanceof CliError && error.keelCode === "NODEEXISTS") return;
    throw error;
  }
}
