import type { ClusterStatusView } from "@keel/api";
import { MEMBER_HEADERS, memberCells, memberRows } from "../cluster-view.js";
import type { Command } from "../command.js";
import { json, table } from "../format.js";

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
    const first = await context.remote.read((client, signal) => client.cluster.status.query(undefined, { signal }));
    const statuses = new Map<number, ClusterStatusView | undefined>();
    await Promise.all(
      first.members.map(async (member) => {
        try {
          statuses.set(
            member.id,
            await context.remote.at(member.clientUrl, (client, signal) =>
              client.cluster.status.query(undefined, { signal }),
            ),
          );
        } catch {
          statuses.set(member.id, undefined);
        }
      }),
    );
    const rows = memberRows(first.members, statuses);
    const leader = rows.find((row) => row.role === "leading");
    if (context.json) {
      context.out(json({ ensembleId: first.ensembleId, leaderId: leader?.id ?? null, members: rows }));
    } else {
      context.out(`ensemble ${first.ensembleId}, leader: ${leader === undefined ? "none" : `server ${leader.id}`}\n`);
      context.out(table(MEMBER_HEADERS, rows.map(memberCells)));
    }
    return leader === undefined ? 1 : 0;
  },
};
