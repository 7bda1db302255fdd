/**
 * The environment variables the kubelet injects into every container for each Service with a
 * cluster IP in the pod's namespace, unless the pod sets enableServiceLinks: false (the Docker
 * links convention: kubernetes/pkg/kubelet/envvars). A Service named keel-client yields
 * KEEL_CLIENT_PORT=tcp://<ip>:8001, which lands in keel-server's own KEEL_* namespace.
 */
import type { Service } from "kubernetes-models/v1";

/** Stands in for the cluster IP the API server would assign. */
const exampleClusterIp = "10.96.0.10";

export function serviceLinkEnv(services: readonly Service[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const service of services) {
    const ports = service.spec?.ports ?? [];
    const first = ports[0];
    if (service.spec?.clusterIP === "None" || first === undefined) continue;
    const prefix = (service.metadata?.name ?? "").toUpperCase().replaceAll("-", "_");
    env[`${prefix}_SERVICE_HOST`] = exampleClusterIp;
    env[`${prefix}_SERVICE_PORT`] = String(first.port);
    env[`${prefix}_PORT`] = `tcp://${exampleClusterIp}:${first.port}`;
    for (const port of ports) {
      const protocol = port.protocol ?? "TCP";
      const name = `${prefix}_PORT_${port.port}_${protocol}`;
      if (port.name !== undefined)
        env[`${prefix}_SERVICE_PORT_${port.name.toUpperCase().replaceAll("-", "_")}`] = String(port.port);
      env[name] = `${protocol.toLowerCase()}://${exampleClusterIp}:${port.port}`;
      env[`${name}_PROTO`] = protocol.toLowerCase();
      env[`${name}_PORT`] = String(port.port);
      env[`${name}_ADDR`] = exampleClusterIp;
    }
  }
  return env;
}
