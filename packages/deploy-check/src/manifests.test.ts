/**
 * The Kubernetes manifests, base and 5-member overlay: rendered by the small kustomize renderer,
 * every object validated against its API schema by kubernetes-models, then the invariants that keep
 * an ensemble safe: quorum under the PDB, selectors that find the pods, a headless peer Service that
 * publishes members before they are Ready, probes on the server's real ops paths, named ports that
 * exist, and a peer list that names every bootstrap member by its DNS name in the rendered namespace,
 * with the peer domain and ports the entry point gives the members that join later.
 */

import { readFileSync } from "node:fs";
import { opsPaths } from "@keel/server/dist/ops/http-ops.js";
import type { IContainer, IProbe } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import {
  bootstrapMemberCount,
  envValue,
  keelContainer,
  type OverlayName,
  parsePeerList,
  renderModels,
} from "./deploy-files.js";
import { entrypointScript } from "./keel-server.js";

/** Both bootstrap 3 members; the five overlay runs 5, the last two added online (docs/operations.md, "Scaling"). */
const expected: Record<OverlayName, { replicas: number; bootstrapMembers: number }> = {
  base: { replicas: 3, bootstrapMembers: 3 },
  five: { replicas: 5, bootstrapMembers: 3 },
};
const entrypointText = readFileSync(entrypointScript, "utf8");

describe.each(Object.keys(expected) as OverlayName[])("the %s manifests", (overlay) => {
  const models = renderModels(overlay);
  const statefulSet = models.statefulSet;
  const replicas = statefulSet.spec?.replicas ?? 1;
  const container = keelContainer(statefulSet);
  const podLabels = statefulSet.spec?.template.metadata?.labels ?? {};

  it("renders the expected number of members, bootstrapping an odd number of voters", () => {
    expect(replicas).toBe(expected[overlay].replicas);
    const bootstrapMembers = bootstrapMemberCount(container);
    expect(bootstrapMembers).toBe(expected[overlay].bootstrapMembers);
    // The server refuses an even bootstrap ensemble; pods beyond `replicas` would never start.
    expect(Number(bootstrapMembers) % 2).toBe(1);
    expect(Number(bootstrapMembers)).toBeLessThanOrEqual(replicas);
  });

  it("keeps a quorum through any disruption the PDB allows", () => {
    const maxUnavailable = models.podDisruptionBudget.spec?.maxUnavailable;
    expect(typeof maxUnavailable).toBe("number");
    const majority = Math.floor(replicas / 2) + 1;
    expect(replicas - Number(maxUnavailable)).toBeGreaterThanOrEqual(majority);
  });

  it("selects its own pods from the StatefulSet, both Services and the PDB", () => {
    const selectors = [
      statefulSet.spec?.selector.matchLabels,
      models.podDisruptionBudget.spec?.selector?.matchLabels,
      ...models.services.map((service) => service.spec?.selector),
    ];
    expect(models.services).toHaveLength(2);
    for (const selector of selectors) {
      expect(selector).toBeDefined();
      expect(podLabels).toMatchObject(selector ?? {});
    }
  });

  it("has a headless peer Service the StatefulSet names, publishing members before they are Ready", () => {
    const peer = models.services.find((service) => service.metadata?.name === statefulSet.spec?.serviceName);
    expect(peer?.spec?.clusterIP).toBe("None");
    expect(peer?.spec?.publishNotReadyAddresses).toBe(true);
  });

  it("probes readiness on /ready and liveness and startup on /health, paths the server serves", () => {
    expect(probePath(container.readinessProbe)).toBe("/ready");
    expect(probePath(container.livenessProbe)).toBe("/health");
    expect(probePath(container.startupProbe)).toBe("/health");
    for (const path of ["/ready", "/health"]) expect(opsPaths).toContain(path);
  });

  it("names only container ports that exist, in probes, Services and the ServiceMonitor", () => {
    const portNames = (container.ports ?? []).map((port) => port.name);
    const probes = [container.readinessProbe, container.livenessProbe, container.startupProbe];
    for (const probe of probes) expect(portNames).toContain(probe?.httpGet?.port);
    for (const service of models.services) {
      for (const port of service.spec?.ports ?? []) expect(portNames).toContain(port.targetPort);
    }
    const monitored = models.services.filter((service) =>
      Object.entries(models.serviceMonitor.spec.selector.matchLabels ?? {}).every(
        ([key, value]) => service.metadata?.labels?.[key] === value,
      ),
    );
    expect(monitored).toHaveLength(1);
    for (const endpoint of models.serviceMonitor.spec.endpoints ?? []) {
      expect(monitored[0]?.spec?.ports?.map((port) => port.name)).toContain(endpoint.port);
      expect(endpoint.path).toBe("/metrics");
      expect(opsPaths).toContain(endpoint.path);
    }
  });

  it("lists every bootstrap member in KEEL_PEERS by its DNS name under the headless Service", () => {
    const peerDomain = `${statefulSet.spec?.serviceName}.${statefulSet.metadata?.namespace}.svc.cluster.local`;
    const peers = parsePeerList(envValue(container, "KEEL_PEERS") ?? "");
    const ports = portsByName(container);
    const bootstrapMembers = bootstrapMemberCount(container);
    expect(peers.map((peer) => peer.id)).toEqual(
      Array.from({ length: bootstrapMembers ?? 0 }, (_, ordinal) => ordinal + 1),
    );
    peers.forEach((peer, ordinal) => {
      expect(peer.host).toBe(`keel-${ordinal}.${peerDomain}`);
      expect(peer.peerPort).toBe(ports.get("peer"));
      expect(peer.clientPort).toBe(ports.get("client"));
    });
    // A joining member advertises <pod>.PEER_DOMAIN with the entry point's fixed ports.
    expect(envValue(container, "PEER_DOMAIN")).toBe(peerDomain);
    expect(Number(/^join_peer_port=(\d+)$/m.exec(entrypointText)?.[1])).toBe(ports.get("peer"));
    expect(Number(/^join_client_port=(\d+)$/m.exec(entrypointText)?.[1])).toBe(ports.get("client"));
  });

  it("keeps the data dir on the claimed volume, and the pod locked down", () => {
    const dataDir = (container.args ?? []).find((arg) => arg.startsWith("--data-dir="))?.slice("--data-dir=".length);
    const claim = statefulSet.spec?.volumeClaimTemplates?.[0]?.metadata?.name;
    const mount = container.volumeMounts?.find((each) => each.name === claim);
    expect(mount).toBeDefined();
    expect(dataDir?.startsWith(`${mount?.mountPath}/`)).toBe(true);
    const pod = statefulSet.spec?.template.spec;
    expect(pod?.securityContext?.runAsNonRoot).toBe(true);
    expect(pod?.securityContext?.seccompProfile?.type).toBe("RuntimeDefault");
    expect(container.securityContext?.readOnlyRootFilesystem).toBe(true);
    expect(container.securityContext?.allowPrivilegeEscalation).toBe(false);
    expect(container.securityContext?.capabilities?.drop).toEqual(["ALL"]);
    expect(container.resources?.requests).toBeDefined();
    expect(container.resources?.limits).toBeDefined();
  });

  it("starts members in parallel and spreads them over nodes", () => {
    // OrderedReady would wait for keel-0 to be Ready, which needs a quorum it cannot have alone.
    expect(statefulSet.spec?.podManagementPolicy).toBe("Parallel");
    const terms =
      statefulSet.spec?.template.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms?.map((term) => term.topologyKey)).toEqual(["kubernetes.io/hostname"]);
    const antiAffinitySelector = terms?.[0]?.labelSelector?.matchLabels;
    expect(antiAffinitySelector).toBeDefined();
    expect(podLabels).toMatchObject(antiAffinitySelector ?? {});
  });

  it.each([
    { variable: "KEEL_PEER_SECRET_FILE", secretName: "keel-peer-secret", key: "secret" },
    { variable: "KEEL_SUPER_PASSWORD_FILE", secretName: "keel-super-password", key: "password" },
  ])("mounts the Secret $secretName read-only at the file $variable names", ({ variable, secretName, key }) => {
    const volume = statefulSet.spec?.template.spec?.volumes?.find((each) => each.secret?.secretName === secretName);
    const item = volume?.secret?.items?.find((each) => each.key === key);
    expect(item).toBeDefined();
    // 0440: the server's group (fsGroup) reads it, nobody else.
    expect(volume?.secret?.defaultMode).toBe(0o440);
    const mount = container.volumeMounts?.find((each) => each.name === volume?.name);
    expect(mount?.readOnly).toBe(true);
    expect(envValue(container, variable)).toBe(`${mount?.mountPath}/${item?.path}`);
  });
});

function probePath(probe: IProbe | undefined): string | undefined {
  return probe?.httpGet?.path;
}

function portsByName(container: IContainer): Map<string | undefined, number> {
  return new Map((container.ports ?? []).map((port) => [port.name, port.containerPort]));
}
