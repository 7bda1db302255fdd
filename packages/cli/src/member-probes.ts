/** Every member's own cluster.status; the membership comes from whichever listed server answers. */
import type { MemberStatusView, MemberView } from "@keel/api";
import type { CommandContext } from "./command.js";

/** One member and its own status; undefined when it did not answer. */
export interface MemberProbe {
  readonly id: number;
  readonly url: string;
  readonly status: MemberStatusView | undefined;
}

export async function probeMembers(
  context: CommandContext,
): Promise<{ ensembleId: string; members: readonly MemberView[]; probes: MemberProbe[] }> {
  const first = await context.remote.read((client, signal) => client.cluster.status.query(undefined, { signal }));
  const probes = await Promise.all(
    first.members.map(async (member): Promise<MemberProbe> => {
      try {
        const status = await context.remote.at(member.clientUrl, (client, signal) =>
          client.cluster.status.query(undefined, { signal }),
        );
        return { id: member.id, url: member.clientUrl, status };
      } catch {
        return { id: member.id, url: member.clientUrl, status: undefined };
      }
    }),
  );
  return { ensembleId: first.ensembleId, members: first.members, probes };
}
