import type { ClusterStatusView } from "@keel/api";
import { MEMBER_HEADERS, memberCells, memberRows } from "../cluster-view.js";
import type { Command } from "../command.js";
import { json, table } from "../format.js";
import { probeMembers } from "../member-probes.js";

export const clusterCommand: Command = {
  name: "cluster",
  summary: "members, their roles, readiness and lag (cluster.status of each member)",
  synopsis: "",
  help: [
    "Asks any listed server for the membership, then every member for its own cluster.status.",
    "LAG is how many txns a member's last applied zxid is behind the leader's; `down` means the",
    "member did not answer. Exits 1 when no member leads.",
  ].join("\n"),
  options: {},
  positionals: { min: 0, max: 0 },
  async run(context) {
    const { ensembleId, members, probes } = await probeMembers(context);
    const statuses = new Map<number, ClusterStatusView | undefined>(probes.map((probe) => [probe.id, probe.status]));
    const rows = memberRows(members, statuses);
    const leader = rows.find((row) => row.role === "leading");
    if (context.json) {
      context.out(json({ ensembleId, leaderId: leader?.id ?? null, members: rows }));
    } else {
      context.out(`ensemble ${ensembleId}, leader: ${leader === undefined ? "none" : `server ${leader.id}`}\n`);
      context.out(table(MEMBER_HEADERS, rows.map(memberCells)));
    }
    return leader === undefined ? 1 : 0;
  },
};
