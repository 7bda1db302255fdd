/**
 * `lock` and `elect` share this: hold a lease (a lock or leadership from the SDK's recipes), run
 * the command while it is held, and stop the command the moment the lease is lost (node deleted
 * by an operator, session expired or suspect, member cut off): SIGTERM, then SIGKILL after the
 * grace period. When the command exits, the lease is released and keel exits with the command's
 * status. keel's own messages go to stderr (JSON lines with --json): stdout belongs to the command.
 */

import { connect, type KeelClient } from "@keel/client";
import { integerOption } from "./args.js";
import { SupervisedChild } from "./child.js";
import { type CommandContext, type OptionSpecs, type ParsedArgs, stringOption } from "./command.js";
import { jsonLine } from "./format.js";
import { sdkError } from "./sdk-errors.js";

/** What run-while-held needs of the SDK's Lease. */
export interface HeldLease {
  readonly path: string;
  readonly fencingToken: bigint;
  readonly signal: AbortSignal;
  release(): Promise<void>;
}

export interface RunWhileHeldOptions {
  /** "lock" or "election", for messages and JSON events. */
  readonly kind: "lock" | "election";
  readonly name: string;
  readonly lease: HeldLease;
  readonly command: readonly string[];
  /** Variables the command gets on top of keel's environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly graceMs: number;
}

/** An event of lock/elect: a line for a person, or one JSON object per line with --json. */
export function report(context: CommandContext, event: Record<string, unknown> & { event: string }, text: string) {
  if (context.json) context.io.stderr.write(jsonLine(event));
  else context.note(`keel: ${text}`);
}

function reasonOf(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (reason instanceof Error) return reason.message;
  return String(reason ?? "unknown reason");
}

export async function runWhileHeld(context: CommandContext, options: RunWhileHeldOptions): Promise<number> {
  const { lease, kind, name } = options;
  const child = SupervisedChild.start(options.command, options.env);
  report(
    context,
    {
      event: "started",
      kind,
      name,
      path: lease.path,
      fencingToken: String(lease.fencingToken),
      pid: child.pid ?? null,
    },
    `${kind === "lock" ? `holding lock ${name} (${lease.path}, fencing token ${lease.fencingToken})` : `elected leader of ${name} (${lease.path}, term ${lease.fencingToken})`}; started ${options.command.join(" ")} (pid ${child.pid})`,
  );
  let lost = false;
  const onLost = () => {
    lost = true;
    const reason = reasonOf(lease.signal);
    report(
      context,
      { event: "lost", kind, name, reason, graceMs: options.graceMs },
      `${reason}; stopping the command (SIGTERM, then SIGKILL after ${options.graceMs} ms)`,
    );
    child.stop(options.graceMs);
  };
  // keel itself asked to stop (Ctrl-C, SIGTERM): stop the command the same way, then release.
  const onInterrupt = () => child.stop(options.graceMs);
  lease.signal.addEventListener("abort", onLost, { once: true });
  context.signal.addEventListener("abort", onInterrupt, { once: true });
  if (lease.signal.aborted) onLost();
  if (context.signal.aborted) onInterrupt();
  try {
    const exit = await child.exited;
    report(
      context,
      { event: "exited", kind, name, status: exit.status, code: exit.code, signal: exit.signal, lost },
      `the command exited with status ${exit.status}${exit.signal === null ? "" : ` (${exit.signal})`}`,
    );
    return exit.status;
  } finally {
    lease.signal.removeEventListener("abort", onLost);
    context.signal.removeEventListener("abort", onInterrupt);
    try {
      await lease.release();
    } catch (error) {
      // A release that fails leaves an ephemeral node that the session's close removes anyway.
      context.note(`keel: releasing ${lease.path} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** After SIGTERM, how long CMD may take before SIGKILL, unless --grace says otherwise. */
export const GRACE_MS_DEFAULT = 5_000;

/** The options `openHolder` reads, shared by `lock` and `elect` (each adds its own --label text). */
export const HOLDER_OPTIONS = {
  grace: {
    type: "string",
    valueName: "MS",
    description: `after SIGTERM, wait this long before SIGKILL (default ${GRACE_MS_DEFAULT})`,
  },
  "session-timeout": { type: "string", valueName: "MS", description: "the session's timeout (default 10000)" },
} as const satisfies OptionSpecs;

/**
 * What `lock` and `elect` share before they wait: the recipe's name, the grace period, and a
 * client whose session has the requested timeout and label.
 */
export async function openHolder(
  context: CommandContext,
  args: ParsedArgs,
): Promise<{ keel: KeelClient; name: string; graceMs: number }> {
  const name = args.positionals[0] as string;
  const graceMs = integerOption("grace", stringOption(args, "grace"), 0, 3_600_000) ?? GRACE_MS_DEFAULT;
  const sessionTimeoutMs = integerOption("session-timeout", stringOption(args, "session-timeout"), 1, 3_600_000);
  const label = stringOption(args, "label");
  const { auth, ca } = context.connection;
  const keel = await connect({
    servers: context.servers,
    ...(auth === undefined ? {} : { auth }),
    ...(ca === undefined ? {} : { tls: { ca } }),
    signal: context.signal,
    connectTimeoutMs: context.timeoutMs,
    ...(sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs }),
    ...(label === undefined ? {} : { label }),
  }).catch((error: unknown) => {
    throw sdkError(error);
  });
  return { keel, name, graceMs };
}
