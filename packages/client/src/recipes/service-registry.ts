/**
 * Service discovery: each instance registers `/keel/services/<name>/<member>` as an ephemeral node
 * whose data is the holder metadata plus the instance's own `data` (its address, say). It vanishes
 * when the instance's session ends, so the list is live. `members()` reads it; `watch()` yields
 * the whole list again after every change.
 */
import type { HolderMetadata, KeelClient } from "../client.js";
import { KeelClientError, NodeExistsError, NoNodeError } from "../errors.js";
import { checkRecipeName, joinPath } from "../paths.js";
import { ensureContainers, RECIPE_ROOTS, waitForChange } from "./common.js";

export interface ServiceMember {
  readonly member: string;
  readonly path: string;
  readonly holder: HolderMetadata | undefined;
  /** What the instance registered with. */
  readonly data: unknown;
}

export class Registration implements AsyncDisposable {
  constructor(
    private readonly keel: KeelClient,
    readonly path: string,
  ) {}

  async unregister(): Promise<void> {
    try {
      await this.keel.delete(this.path);
    } catch (error) {
      if (error instanceof NoNodeError) return;
      const state = this.keel.state.name;
      if (state === "expired" || state === "closed") return;
      throw error;
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.unregister();
  }
}

export class ServiceRegistry {
  readonly dir: string;

  constructor(
    private readonly keel: KeelClient,
    readonly name: string,
  ) {
    this.dir = joinPath(RECIPE_ROOTS.services, checkRecipeName(name));
  }

  /** Registers this instance as `member` (unique within the service) with `data` (JSON-serializable). */
  async register(member: string, data: unknown = null): Promise<Registration> {
    const path = joinPath(this.dir, checkRecipeName(member));
    const json = JSON.stringify({ ...this.keel.holderMetadata({ acquiredAt: Date.now() }), data });
    for (;;) {
      try {
        await this.keel.create(path, json, { kind: "ephemeral" });
        return new Registration(this.keel, path);
      } catch (error) {
        if (error instanceof NoNodeError) {
          await ensureContainers(this.keel, this.dir);
          continue;
        }
        if (error instanceof NodeExistsError || (error instanceof KeelClientError && error.outcomeUnknown)) {
          const stat = await this.keel.exists(path, { linearizable: true });
          if (stat?.ephemeralOwner === this.keel.sessionId) return new Registration(this.keel, path);
          if (stat === null) continue;
          throw new NodeExistsError(`service ${this.name}: member ${member} is registered by another session`, path);
        }
        throw error;
      }
    }
  }

  /** The registered members, sorted by name. */
  async members(options: { linearizable?: boolean } = {}): Promise<ServiceMember[]> {
    let names: string[];
    try {
      names = await this.keel.children(this.dir, options);
    } catch (error) {
      if (error instanceof NoNodeError) return [];
      throw error;
    }
    const out: ServiceMember[] = [];
    for (const member of names) {
      const path = joinPath(this.dir, member);
      try {
        const node = await this.keel.get(path);
        let parsed: (HolderMetadata & { data?: unknown }) | undefined;
        try {
          parsed = JSON.parse(node.data) as HolderMetadata & { data?: unknown };
        } catch {
          parsed = undefined;
        }
        const { data, ...holder } = parsed ?? {};
        out.push({ member, path, holder: parsed ? (holder as HolderMetadata) : undefined, data });
      } catch (error) {
        if (!(error instanceof NoNodeError)) throw error;
      }
    }
    return out;
  }

  /** The member list now and after every change. */
  async *watch(options: { signal?: AbortSignal } = {}): AsyncGenerator<ServiceMember[]> {
    await ensureContainers(this.keel, this.dir, options.signal);
    let last: string | undefined;
    while (!options.signal?.aborted) {
      const members = await this.members();
      const key = members.map((member) => member.member).join("\n");
      if (key !== last) {
        last = key;
        yield members;
      }
      try {
        await waitForChange(
          this.keel,
          this.dir,
          "children",
          async () => (await this.members()).map((member) => member.member).join("\n") !== key,
          { signal: options.signal, failOnSessionLoss: false },
        );
      } catch (error) {
        if (options.signal?.aborted) return;
        if (error instanceof NoNodeError) {
          await ensureContainers(this.keel, this.dir, options.signal);
          continue;
        }
        throw error;
      }
    }
  }
}
