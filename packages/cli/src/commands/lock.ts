import { Lock } from "@keel/client";
import { integerOption } from "../args.js";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { flag, stringOption } from "../command.js";
import { HOLDER_OPTIONS, openHolder, runWhileHeld } from "../run-while-held.js";
import { sdkError } from "../sdk-errors.js";

export const lockCommand: Command = {
  name: "lock",
  summary: "run a command while holding a lock (fencing token in $KEEL_FENCING_TOKEN)",
  synopsis: "NAME -- CMD [ARGS...]",
  help: [
    "Waits for lock NAME (the SDK's fair lock at /keel/locks/NAME), then runs CMD with",
    "KEEL_FENCING_TOKEN (a number that grows with every grant of this lock: hand it to what you",
    "protect so it can refuse a stale holder), KEEL_LOCK_NAME and KEEL_LOCK_PATH. If the lock is",
    "lost while CMD runs (an operator deleted the node, the session expired, or keel lost contact",
    "with the ensemble for 2/3 of the session timeout), CMD gets SIGTERM, then SIGKILL after",
    "--grace. When CMD exits the lock is released and keel exits with CMD's status (128+N if",
    "signal N ended it). With --try, keel exits 1 at once if the lock is taken.",
  ].join("\n"),
  options: {
    wait: { type: "string", valueName: "MS", description: "give up (exit 1) if not acquired within MS" },
    try: { type: "boolean", description: "take the lock only if it is free now (exit 1 if not)" },
    ...HOLDER_OPTIONS,
    label: { type: "string", valueName: "TEXT", description: "shown as the holder's label by `keel locks`" },
  },
  positionals: { min: 1, max: 1 },
  takesCommand: true,
  async run(context, args) {
    const { keel, name, graceMs } = await openHolder(context, args);
    const waitMs = integerOption("wait", stringOption(args, "wait"), 0, Number.MAX_SAFE_INTEGER);
    try {
      const lock = new Lock(keel, name);
      let lease: Awaited<ReturnType<Lock["acquire"]>> | undefined;
      try {
        if (flag(args, "try")) lease = await lock.tryAcquire({ signal: context.signal });
        else
          lease = await lock.acquire({
            signal: context.signal,
            ...(waitMs === undefined ? {} : { timeoutMs: waitMs }),
          });
      } catch (error) {
        if (context.signal.aborted) return 130;
        throw sdkError(error);
      }
      if (lease === undefined) throw new CliError(`lock ${name} is held by someone else (--try)`, 1, "WAITTIMEOUT");
      return await runWhileHeld(context, {
        kind: "lock",
        name,
        lease,
        command: args.command,
        env: { KEEL_FENCING_TOKEN: String(lease.fencingToken), KEEL_LOCK_NAME: name, KEEL_LOCK_PATH: lease.path },
        graceMs,
      });
    } finally {
      await keel.close("keel lock finished").catch(() => {});
    }
  },
};
