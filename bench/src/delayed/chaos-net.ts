/**
 * @keel/chaos's network lab (NetworkLab, NamespacedEnsemble), loaded at run time from its source.
 *
 * Why a computed path and local types: bench does not depend on @keel/chaos, and chaos has no
 * `exports` (it is run from source, never built), so neither `import "@keel/chaos"` nor a relative
 * import (outside bench's rootDir) type-checks. tsx runs the .ts source directly. Once bench lists
 * @keel/chaos as a dependency and chaos exports `src/net`, replace this file with a plain import;
 * the interfaces below are the subset of chaos's classes the bench uses, copied from
 * packages/chaos/src/net/{network-lab,namespaced-ensemble}.ts.
 */

export interface NetworkLabOptions {
  readonly members: number;
  readonly tag?: string;
  readonly peerPorts?: readonly number[];
}

export interface NetworkLab {
  readonly tag: string;
  readonly members: number;
  namespaceOf(id: number): string;
  /** Delays `id`'s peer traffic by `ms` one way; a chunk between two delayed members gets both delays. */
  delay(id: number, ms: number, jitterMs?: number): Promise<void>;
  bytesRelayed(): number;
  leftovers(): string[];
  destroy(): Promise<void>;
}

export interface MemberStatus {
  readonly serverId: number;
  readonly role: string;
  readonly ready: boolean;
}

export interface NamespacedEnsembleOptions {
  readonly lab: NetworkLab;
  readonly tickMs?: number;
  readonly syncLimitTicks?: number;
}

export interface NamespacedEnsemble {
  ids(): number[];
  clientUrl(id: number): string;
  isRunning(id: number): boolean;
  status(id: number): Promise<MemberStatus | undefined>;
  waitForLeader(options?: { readonly timeoutMs?: number }): Promise<number>;
  close(): Promise<void>;
}

export interface ChaosNet {
  readonly NetworkLab: { create(options: NetworkLabOptions): NetworkLab };
  readonly NamespacedEnsemble: { start(options: NamespacedEnsembleOptions): NamespacedEnsemble };
  readonly keelPeerPort: number;
}

const chaosNetSource = new URL("../../../packages/chaos/src/net/index.ts", import.meta.url);

export async function loadChaosNet(): Promise<ChaosNet> {
  return (await import(chaosNetSource.href)) as ChaosNet;
}
