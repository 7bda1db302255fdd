/**
 * A small kustomize renderer for exactly what deploy/kubernetes uses: `resources` (YAML files, or
 * directories holding a kustomization.yaml), `namespace`, and `patches` of JSON 6902 operations on
 * a target kind and name. Any other kustomization field throws, so a test never passes over a
 * feature this renderer would silently leave out. The order follows kustomize's: resources are
 * gathered (a base fully rendered first), then patched, then given the namespace.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { isJsonObject, type JsonObject, objectField, stringField } from "./json.js";
import { applyJsonPatch, parseJsonPatch } from "./json-patch.js";

export interface Manifest {
  readonly kind: string;
  readonly name: string;
  /** The file it came from, for messages. */
  readonly source: string;
  readonly body: JsonObject;
}

interface PatchEntry {
  readonly kind: string;
  readonly name: string;
  readonly path: string;
}

interface Kustomization {
  readonly namespace: string | undefined;
  readonly resources: readonly string[];
  readonly patches: readonly PatchEntry[];
}

const supportedFields = new Set(["apiVersion", "kind", "namespace", "resources", "patches"]);

/** Kinds the namespace transformer leaves alone; none is used today, but one must never get a namespace. */
const clusterScopedKinds = new Set(["Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition"]);

/** Kubernetes reads YAML 1.1 (sigs.k8s.io/yaml over go-yaml), where 0440 is octal: parse the same way. */
const yamlOptions = { version: "1.1" } as const;

export function renderKustomization(directory: string): Manifest[] {
  const kustomization = readKustomization(join(directory, "kustomization.yaml"));
  let manifests = kustomization.resources.flatMap((resource) => renderResource(join(directory, resource)));
  for (const patch of kustomization.patches) manifests = applyPatch(manifests, patch, directory);
  const namespace = kustomization.namespace;
  if (namespace === undefined) return manifests;
  return manifests.map((manifest) =>
    clusterScopedKinds.has(manifest.kind) ? manifest : withNamespace(manifest, namespace),
  );
}

function renderResource(path: string): Manifest[] {
  if (statSync(path).isDirectory()) return renderKustomization(path);
  return parseAllDocuments(readFileSync(path, "utf8"), yamlOptions).map((document, index) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    const body: unknown = document.toJS();
    const where = `${path} (document ${index + 1})`;
    if (!isJsonObject(body)) throw new Error(`${where}: not a Kubernetes object`);
    const name = stringField(objectField(body, "metadata", where), "name", where);
    return { kind: stringField(body, "kind", where), name, source: path, body };
  });
}

function readKustomization(path: string): Kustomization {
  if (!existsSync(path)) throw new Error(`${path}: no kustomization.yaml`);
  const parsed: unknown = parse(readFileSync(path, "utf8"), yamlOptions);
  if (!isJsonObject(parsed)) throw new Error(`${path}: not a mapping`);
  for (const field of Object.keys(parsed)) {
    if (!supportedFields.has(field)) throw new Error(`${path}: field ${field} is not supported by this renderer`);
  }
  const resources = parsed.resources ?? [];
  if (!Array.isArray(resources) || !resources.every((item) => typeof item === "string")) {
    throw new Error(`${path}: resources must be a list of paths`);
  }
  const namespace = parsed.namespace;
  if (namespace !== undefined && typeof namespace !== "string") throw new Error(`${path}: namespace must be a string`);
  return { namespace, resources, patches: readPatchEntries(parsed.patches ?? [], path) };
}

function readPatchEntries(value: unknown, where: string): PatchEntry[] {
  if (!Array.isArray(value)) throw new Error(`${where}: patches must be a list`);
  return value.map((entry: unknown) => {
    if (!isJsonObject(entry)) throw new Error(`${where}: a patch must be a mapping`);
    const unsupported = Object.keys(entry).filter((key) => key !== "target" && key !== "path");
    if (unsupported.length > 0) throw new Error(`${where}: patch fields ${unsupported.join(", ")} are not supported`);
    const target = objectField(entry, "target", where);
    const targetKeys = Object.keys(target).filter((key) => key !== "kind" && key !== "name");
    if (targetKeys.length > 0) throw new Error(`${where}: target fields ${targetKeys.join(", ")} are not supported`);
    return {
      kind: stringField(target, "kind", where),
      name: stringField(target, "name", where),
      path: stringField(entry, "path", where),
    };
  });
}

function applyPatch(manifests: readonly Manifest[], patch: PatchEntry, directory: string): Manifest[] {
  const patchPath = join(directory, patch.path);
  const operations = parseJsonPatch(parse(readFileSync(patchPath, "utf8"), yamlOptions), patchPath);
  let matched = 0;
  const patched = manifests.map((manifest) => {
    if (manifest.kind !== patch.kind || manifest.name !== patch.name) return manifest;
    matched++;
    return { ...manifest, body: applyJsonPatch(manifest.body, operations) };
  });
  // kustomize, too, fails a patch whose target matches nothing.
  if (matched === 0) throw new Error(`${patchPath}: no ${patch.kind} named ${patch.name} in ${dirname(patchPath)}`);
  return patched;
}

function withNamespace(manifest: Manifest, namespace: string): Manifest {
  const metadata = objectField(manifest.body, "metadata", manifest.source);
  return { ...manifest, body: { ...manifest.body, metadata: { ...metadata, namespace } } };
}
