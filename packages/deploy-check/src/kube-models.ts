/**
 * Rendered manifests as kubernetes-models objects: each is validated against its API schema (the
 * OpenAPI schema of the Kubernetes API, or the Prometheus Operator's CRD for ServiceMonitor), and
 * the checks then read typed fields instead of untyped YAML.
 */
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { StatefulSet } from "kubernetes-models/apps/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { Service } from "kubernetes-models/v1";
import type { Manifest } from "./kustomize.js";

export interface KeelModels {
  readonly statefulSet: StatefulSet;
  readonly services: readonly Service[];
  readonly podDisruptionBudget: PodDisruptionBudget;
  readonly serviceMonitor: ServiceMonitor;
}

/** Validates every manifest (throwing on the first that breaks its schema) and sorts them by kind. */
export function toModels(manifests: readonly Manifest[]): KeelModels {
  const statefulSets: StatefulSet[] = [];
  const services: Service[] = [];
  const budgets: PodDisruptionBudget[] = [];
  const monitors: ServiceMonitor[] = [];
  for (const manifest of manifests) {
    const apiVersion = manifest.body.apiVersion;
    switch (`${String(apiVersion)}/${manifest.kind}`) {
      case "apps/v1/StatefulSet":
        statefulSets.push(validated(new StatefulSet(untyped<typeof StatefulSet>(manifest)), manifest));
        break;
      case "v1/Service":
        services.push(validated(new Service(untyped<typeof Service>(manifest)), manifest));
        break;
      case "policy/v1/PodDisruptionBudget":
        budgets.push(validated(new PodDisruptionBudget(untyped<typeof PodDisruptionBudget>(manifest)), manifest));
        break;
      case "monitoring.coreos.com/v1/ServiceMonitor":
        monitors.push(validated(new ServiceMonitor(untyped<typeof ServiceMonitor>(manifest)), manifest));
        break;
      default:
        throw new Error(`${manifest.source}: no model for ${String(apiVersion)} ${manifest.kind}; add one here`);
    }
  }
  return {
    statefulSet: single(statefulSets, "StatefulSet"),
    services,
    podDisruptionBudget: single(budgets, "PodDisruptionBudget"),
    serviceMonitor: single(monitors, "ServiceMonitor"),
  };
}

/** The model's constructor input; the YAML is only known to fit it once validate() has run. */
type ModelInput<M extends abstract new (data: never) => unknown> = ConstructorParameters<M>[0];

function untyped<M extends abstract new (data: never) => unknown>(manifest: Manifest): ModelInput<M> {
  return manifest.body as unknown as ModelInput<M>;
}

function validated<T extends { validate(): void }>(model: T, manifest: Manifest): T {
  try {
    model.validate();
  } catch (error) {
    throw new Error(`${manifest.source}: ${manifest.kind} ${manifest.name} is invalid: ${String(error)}`);
  }
  return model;
}

function single<T>(items: readonly T[], kind: string): T {
  const [item] = items;
  if (item === undefined || items.length !== 1) throw new Error(`expected one ${kind}, rendered ${items.length}`);
  return item;
}
