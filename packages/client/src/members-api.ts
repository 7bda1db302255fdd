/**
 * `client.members`: thin typed wrappers over the API's `members` router (docs/client.md,
 * "Membership"; docs/operations.md, "Membership changes"). Listing needs any role; adding and
 * removing a member need role admin. A change is a replicated write: it takes effect once a quorum
 * of the old voters and a quorum of the new ones have it, one change at a time. `list` follows the
 * client's read retry rule, `add` and `remove` its write rule: a change whose outcome is unknown is
 * reported (ConnectionLossError), never repeated; read the configuration before trying again.
 */
import type { AppRouter } from "@keel/api";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AuthCall } from "./auth-api.js";
import type { CallOptions } from "./client.js";

type Inputs = inferRouterInputs<AppRouter>["members"];
type Outputs = inferRouterOutputs<AppRouter>["members"];

/**
 * The committed configuration: `version` is the decimal zxid of the change that made it ("0" for
 * the bootstrap `--peer` list), `members` every voter and observer.
 */
export type MembersView = Outputs["list"];
/** One configured member: id (1..255), role, and the host with its peer and client ports. */
export type ConfiguredMember = MembersView["members"][number];
/** voter | observer (default voter). */
export type MemberRole = NonNullable<Inputs["add"]["role"]>;
/**
 * The member to add, and optionally the configuration `version` the change expects
 * (`fromVersion`: BADVERSION unless it is still current).
 */
export type NewMember = Inputs["add"];

export interface MembershipChangeOptions extends CallOptions {
  /** Refuse with BADVERSION unless the configuration's version (members.list) is still this one. */
  readonly fromVersion?: string;
}

/** How `KeelClient` runs a call: the same shape as `AuthCall` (its connection, retry rules, deadline). */
export type MembersCall = AuthCall;

export class MembersApi {
  constructor(private readonly call: MembersCall) {}

  /** The configuration as the member in use has applied it. */
  list(options: CallOptions = {}): Promise<MembersView> {
    return this.call("read", (trpc, signal) => trpc.members.list.query(undefined, { signal }), options);
  }

  /**
   * Adds a member and answers the configuration after the change. Start the new server with
   * `--join` first so it syncs as a non-voting learner before it votes; else the change fails with
   * NEWCONFIGNOQUORUM. RECONFIGINPROGRESS while another change is under way.
   */
  add(member: NewMember, options: CallOptions = {}): Promise<MembersView> {
    const input = {
      id: member.id,
      host: member.host,
      peerPort: member.peerPort,
      clientPort: member.clientPort,
      ...(member.role === undefined ? {} : { role: member.role }),
      ...(member.fromVersion === undefined ? {} : { fromVersion: member.fromVersion }),
    };
    return this.call("write", (trpc, signal) => trpc.members.add.mutate(input, { signal }), options);
  }

  /**
   * Removes member `id` and answers the configuration after the change. Removing the leader makes
   * it step down once the change commits, and the others elect a new one.
   */
  remove(id: number, options: MembershipChangeOptions = {}): Promise<MembersView> {
    const input = { id, ...(options.fromVersion === undefined ? {} : { fromVersion: options.fromVersion }) };
    return this.call("write", (trpc, signal) => trpc.members.remove.mutate(input, { signal }), options);
  }
}
