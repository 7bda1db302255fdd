/** The deployment files under test, rendered and read once per test file. */

import type { StatefulSet } from "kubernetes-models/apps/v1";
import type { IContainer } from "kubernetes-models/v1";
import { type KeelModels, toModels } from "./kube-models.js";
import { renderKustomization } from "./kustomize.js";
import { repoPath } from "./repo-paths.js";

export const overlays = {
  base: repoPath("deploy/kubernetes/base"),
  five: repoPath("deploy/kubernetes/overlays/five"),
} as const;
export type OverlayName = keyof typeof overlays;

export function renderModels(overlay: OverlayName): KeelModels {
  return toModels(renderKustomization(overlays[overlay]));
}

export function keelContainer(statefulSet: StatefulSet): IContainer {
  const containers = statefulSet.spec?.template.spec?.containers ?? [];
  const container = containers.find((each) => each.name === "keel");
  if (container === undefined) throw new Error("the StatefulSet has no container named keel");
  return container;
}

/** A literal env value of the keel container (not a valueFrom). */
export function envValue(container: IContainer, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

/**
 * BOOTSTRAP_MEMBER_COUNT, read by the entry point (deploy/docker/entrypoint.sh): members with a
 * higher id start with --join. Unset means every member is a bootstrap member.
 */
export function bootstrapMemberCount(container: IContainer): number | undefined {
  const value = envValue(container, "BOOTSTRAP_MEMBER_COUNT");
  return value === undefined ? undefined : Number(value);
}

export interface PeerEntry {
  readonly id: number;
  readonly host: string;
  readonly peerPort: number;
  readonly clientPort: number;
}

/** KEEL_PEERS: comma-separated `id=host:peerPort:clientPort` (docs/operations.md, "Peer specs"). */
export function parsePeerList(value: string): PeerEntry[] {
  return value.split(",").map((spec) => {
    const match = /^(\d+)=([^:]+):(\d+):(\d+)$/.exec(spec.trim());
    if (match === null) throw new Error(`not a voter peer spec: ${spec}`);
    const [, id = "", host = "", peerPort = "", clientPort = ""] = match;
    return { id: Number(id), host, peerPort: Number(peerPort), clientPort: Number(clientPort) };
  });
}
