/**
 * `keel rolling-restart --restart-command CMD`: restarts the members one at a time with the
 * operator's own command (systemctl, a container runtime, ssh ...), the leader last, waiting after
 * each for it to be back and the whole ensemble ready and caught up (rolling-restart-plan.ts).
 * ZooKeeper leaves this to the operator by hand; Kubernetes users get the same order from the
 * StatefulSet's RollingUpdate (docs/operations.md).
 */
import { spawn } from "node:child_process";
import type { MemberStatusView } from "@keel/api";
import { integerOption } from "../args.js";
import { exitStatus } from "../child.js";
import { CliError, UsageError } from "../cli-error.js";
import type { Command, CommandContext } from "../command.js";
import { stringOption } from "../command.js";
import { json } from "../format.js";
import { type MemberProbe, probeMembers } from "../member-probes.js";
import { restartCommandFor, restartedAndInSync, restartOrder, unhealthyReason } from "../rolling-restart-plan.js";

const WAIT_DEFAULT_MS = 120_000;
const POLL_MS = 250;

export const rollingRestartCommand: Command = {
  name: "rolling-restart",
  summary: "restart every member one at a time, the leader last, waiting for each to catch up",
  synopsis: "--restart-command CMD [--wait-ms MS]",
  help: [
    "CMD is run by sh once per member, with {id} and {url} replaced by the member's id and client",
    "URL, and must restart that member (e.g. 'systemctl restart keel@{id}' or 'ssh host{id} ...').",
    "Refuses to start unless every member answers, one leads and all are ready and caught up",
    "(serving, at most CAUGHT_UP_LAG_MAX txns behind the leader: a write load keeps a few in flight).",
    "After each restart it waits (up to --wait-ms) until that member has restarted (its start time",
    "changed) and the whole ensemble is ready and caught up again, then goes on; it stops at the",
    "first failure, leaving the rest untouched. The leader goes last, so leadership moves once.",
  ].join("\n"),
  options: {
    "restart-command": {
      type: "string",
      valueName: "CMD",
      description: "restarts one member: {id} and {url} filled in",
    },
    "wait-ms": {
      type: "string",
      valueName: "MS",
      description: `how long to wait for each member (default ${WAIT_DEFAULT_MS})`,
    },
  },
  positionals: { min: 0, max: 0 },
  async run(context, args) {
    const template = stringOption(args, "restart-command");
    if (template === undefined)
      throw new UsageError("--restart-command is required (it restarts one member: {id}, {url})");
    const waitMs = integerOption("wait-ms", stringOption(args, "wait-ms"), 1000, 24 * 3600 * 1000) ?? WAIT_DEFAULT_MS;
    const before = (await probeMembers(context)).probes;
    const unhealthy = unhealthyReason(before);
    if (unhealthy !== undefined) throw new CliError(`not restarting: ${unhealthy}; fix the ensemble first`, 1);
    const restarted: { id: number; wasLeader: boolean; ms: number }[] = [];
    for (const member of restartOrder(before)) {
      const status = member.status as MemberStatusView;
      const wasLeader = status.role === "leading";
      const command = restartCommandFor(template, member);
      context.note(`restarting server ${member.id}${wasLeader ? " (the leader, last)" : ""}: ${command}`);
      const startedMs = performance.now();
      await runRestartCommand(command, member.id);
      await waitUntil(context, waitMs, member.id, (probes) =>
        restartedAndInSync(member.id, status.startedAtMs, probes),
      );
      const ms = Math.round(performance.now() - startedMs);
      restarted.push({ id: member.id, wasLeader, ms });
      context.note(`server ${member.id} is back and the ensemble caught up (${ms} ms)`);
    }
    context.out(
      context.json
        ? json({ restarted })
        : `restarted ${restarted.map((member) => `server ${member.id}${member.wasLeader ? " (leader)" : ""}`).join(", ")}\n`,
    );
    return 0;
  },
};

async function waitUntil(
  context: CommandContext,
  waitMs: number,
  id: number,
  done: (probes: readonly MemberProbe[]) => boolean,
): Promise<void> {
  const deadline = performance.now() + waitMs;
  let last = "no answer yet";
  for (;;) {
    if (context.signal.aborted) throw new CliError(`interrupted while waiting for server ${id}`, 130);
    try {
      const { probes } = await probeMembers(context);
      if (done(probes)) return;
      last = unhealthyReason(probes) ?? `server ${id} has not restarted yet (same start time)`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (performance.now() > deadline) {
      throw new CliError(`server ${id} did not come back in sync within ${waitMs} ms (${last}); stopping here`, 1);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function runRestartCommand(command: string, id: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { stdio: ["ignore", "inherit", "inherit"] });
    child.once("error", (error) => reject(new CliError(`cannot run the restart command: ${error.message}`, 1)));
    child.once("exit", (code, signal) => {
      const status = exitStatus(code, signal);
      if (status === 0) resolve();
      else reject(new CliError(`the restart command for server ${id} exited with ${status}; stopping here`, 1));
    });
  });
}
