import type { WatchMode } from "@keel/api";
import { integerOption } from "../args.js";
import { UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { flag, stringOption } from "../command.js";
import { eventLine, jsonLine } from "../format.js";
import { runWatchStream } from "../watch-stream.js";

const MODES = ["data", "exists", "children", "persistent", "recursive"] as const;

export const watchCommand: Command = {
  name: "watch",
  summary: "stream a node's events (created, deleted with its cause, data and children changed)",
  synopsis: "PATH",
  help: [
    "Prints one line per event: zxid, type, path and, for a deletion, why (explicit delete and by",
    "which session, session expiry, TTL, container clean-up, operator force-release) when the",
    "server reports it. Runs until Ctrl-C, --count events, or the end of a one-shot mode (data,",
    "exists, children). If the server goes away it resumes on another after the last zxid it",
    "printed, so no event is missed or printed twice. --json prints one JSON object per line.",
  ].join("\n"),
  options: {
    recursive: { type: "boolean", short: "R", description: "watch the whole subtree (same as --mode recursive)" },
    mode: {
      type: "string",
      valueName: "MODE",
      choices: MODES,
      description: "persistent (default), recursive, or one-shot data, exists, children",
    },
    count: { type: "string", short: "n", valueName: "N", description: "exit after N events" },
    after: { type: "string", valueName: "ZXID", description: "replay events after this zxid (decimal) first" },
    progress: { type: "boolean", description: "also print the server's progress notifications" },
  },
  positionals: { min: 1, max: 1 },
  pathArgument: true,
  async run(context, args) {
    const path = args.positionals[0] as string;
    const mode = watchMode(stringOption(args, "mode"), flag(args, "recursive"));
    const count = integerOption("count", stringOption(args, "count"), 1, Number.MAX_SAFE_INTEGER);
    const after = stringOption(args, "after");
    if (after !== undefined && !/^\d{1,20}$/.test(after))
      throw new UsageError(`--after must be a zxid in decimal, e.g. 4294967301, got ${JSON.stringify(after)}`);
    const showProgress = flag(args, "progress");
    let printed = 0;
    await runWatchStream({
      servers: context.servers,
      WebSocket: context.connection.WebSocket,
      path,
      mode,
      ...(after === undefined ? {} : { afterZxid: after }),
      signal: context.signal,
      outageMaxMs: context.timeoutMs,
      onEvent: (event) => {
        const known = ["NodeCreated", "NodeDeleted", "NodeDataChanged", "NodeChildrenChanged"].includes(event.type);
        if (!known && !(showProgress && event.type === "Progress")) return false;
        context.out(context.json ? jsonLine(event) : eventLine(event));
        if (known) printed += 1;
        return count !== undefined && printed >= count;
      },
      onMove: (from, reason) => context.note(`watch: ${from}: ${reason}; resuming on the next server`),
    });
    return 0;
  },
};

export function watchMode(mode: string | undefined, recursive: boolean): WatchMode {
  if (recursive && mode !== undefined && mode !== "recursive")
    throw new UsageError(`-R watches the subtree; it cannot be combined with --mode ${mode}`);
  if (recursive || mode === "recursive") return "persistent_recursive";
  return (mode ?? "persistent") as WatchMode;
}
