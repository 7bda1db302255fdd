/**
 * The part of JSON Patch (RFC 6902) the overlays use: `replace` and `test`, addressed by JSON
 * Pointer (RFC 6901). Other ops throw rather than being skipped, so a patch this cannot apply
 * honestly fails the test instead of rendering something kustomize would not.
 */
import { isJsonObject, type Json, type JsonObject } from "./json.js";

export type JsonPatchOperation =
  | { readonly op: "replace"; readonly path: string; readonly value: Json }
  | { readonly op: "test"; readonly path: string; readonly value: Json };

export function parseJsonPatch(value: unknown, where: string): JsonPatchOperation[] {
  if (!Array.isArray(value)) throw new Error(`${where}: a JSON 6902 patch is a list of operations`);
  return value.map((item: unknown, index) => {
    if (!isJsonObject(item) || typeof item.path !== "string" || item.value === undefined) {
      throw new Error(`${where} [${index}]: expected { op, path, value }`);
    }
    if (item.op !== "replace" && item.op !== "test") {
      throw new Error(`${where} [${index}]: op ${String(item.op)} is not supported by this renderer`);
    }
    return { op: item.op, path: item.path, value: item.value };
  });
}

/** Returns a patched copy; the input is left as it was. */
export function applyJsonPatch(document: JsonObject, operations: readonly JsonPatchOperation[]): JsonObject {
  const patched = structuredClone(document) as Record<string, unknown>;
  for (const operation of operations) {
    const { parent, key } = locate(patched, operation.path);
    if (!(key in parent)) throw new Error(`${operation.op} ${operation.path}: no such member`);
    switch (operation.op) {
      case "replace":
        parent[key] = structuredClone(operation.value);
        break;
      case "test":
        if (JSON.stringify(parent[key]) !== JSON.stringify(operation.value)) {
          throw new Error(
            `test ${operation.path}: expected ${JSON.stringify(operation.value)}, found ${JSON.stringify(parent[key])}`,
          );
        }
        break;
      default:
        unreachable(operation);
    }
  }
  return patched as JsonObject;
}

function locate(root: Record<string, unknown>, pointer: string): { parent: Record<string, unknown>; key: string } {
  if (!pointer.startsWith("/")) throw new Error(`${pointer}: a JSON Pointer starts with /`);
  const keys = pointer
    .slice(1)
    .split("/")
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));
  const last = keys.pop() ?? "";
  let parent: unknown = root;
  for (const key of keys) {
    if (typeof parent !== "object" || parent === null || !(key in parent)) {
      throw new Error(`${pointer}: ${key} not found`);
    }
    parent = (parent as Record<string, unknown>)[key];
  }
  if (typeof parent !== "object" || parent === null) throw new Error(`${pointer}: parent is not a container`);
  return { parent: parent as Record<string, unknown>, key: last };
}

function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
