import { LeaderElection } from "@keel/client";
import type { Command } from "../command.js";
import { HOLDER_OPTIONS, openHolder, report, runWhileHeld } from "../run-while-held.js";
import { sdkError } from "../sdk-errors.js";

export const electCommand: Command = {
  name: "elect",
  summary: "campaign for leadership, run a command only while leader",
  synopsis: "NAME -- CMD [ARGS...]",
  help: [
    "Stands as a candidate in election NAME (the SDK's election at /keel/elections/NAME) and waits",
    "until elected, then runs CMD with KEEL_ELECTION_TERM (the term: it grows with every new",
    "leader, a fencing token), KEEL_ELECTION_NAME and KEEL_ELECTION_PATH. If leadership is lost",
    "while CMD runs, CMD gets SIGTERM, then SIGKILL after --grace. When CMD exits keel resigns and",
    "exits with CMD's status. Run several `keel elect NAME -- CMD` for a hot standby.",
  ].join("\n"),
  options: {
    ...HOLDER_OPTIONS,
    label: { type: "string", valueName: "TEXT", description: "written into the candidate node (who leads)" },
  },
  positionals: { min: 1, max: 1 },
  takesCommand: true,
  async run(context, args) {
    const { keel, name, graceMs } = await openHolder(context, args);
    try {
      const election = new LeaderElection(keel, name);
      report(context, { event: "campaigning", kind: "election", name }, `campaigning in election ${name}`);
      let lease: Awaited<ReturnType<LeaderElection["campaign"]>>;
      try {
        lease = await election.campaign({ signal: context.signal });
      } catch (error) {
        if (context.signal.aborted) return 130;
        throw sdkError(error);
      }
      return await runWhileHeld(context, {
        kind: "election",
        name,
        lease,
        command: args.command,
        env: {
          KEEL_ELECTION_TERM: String(lease.fencingToken),
          KEEL_ELECTION_NAME: name,
          KEEL_ELECTION_PATH: lease.path,
        },
        graceMs,
      });
    } finally {
      await keel.close("keel elect finished").catch(() => {});
    }
  },
};
