/**
 * The small kustomize renderer on throwaway fixtures: it applies the namespace and JSON 6902
 * patches as kustomize does, and it refuses what it does not implement (an unknown field, a
 * patch whose `test` op or target does not match) instead of rendering something else.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { renderKustomization } from "./kustomize.js";

const configMap =
  'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  mode: "0440"\n  size: small\n';

/** Every fixture directory made, removed when the file's tests are done. */
const roots: string[] = [];
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

function fixture(baseKustomization: string, overlayKustomization: string, patch: string): string {
  const root = mkdtempSync(join(tmpdir(), "keel-kustomize-"));
  roots.push(root);
  mkdirSync(join(root, "base"));
  mkdirSync(join(root, "overlay"));
  writeFileSync(join(root, "base", "configmap.yaml"), configMap);
  writeFileSync(join(root, "base", "kustomization.yaml"), baseKustomization);
  writeFileSync(join(root, "overlay", "kustomization.yaml"), overlayKustomization);
  writeFileSync(join(root, "overlay", "patch.yaml"), patch);
  return join(root, "overlay");
}

const base = "namespace: team\nresources:\n  - configmap.yaml\n";
const overlay =
  "resources:\n  - ../base\npatches:\n  - target:\n      kind: ConfigMap\n      name: settings\n    path: patch.yaml\n";

describe("renderKustomization", () => {
  it("renders a base with its namespace, then an overlay's JSON 6902 patch", () => {
    const patch = "- op: test\n  path: /data/size\n  value: small\n- op: replace\n  path: /data/size\n  value: large\n";
    const [rendered] = renderKustomization(fixture(base, overlay, patch));
    expect(rendered?.body).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "settings", namespace: "team" },
      data: { mode: "0440", size: "large" },
    });
  });

  it("fails a patch whose test op does not hold, or whose target is missing", () => {
    const failingTest = "- op: test\n  path: /data/size\n  value: medium\n";
    expect(() => renderKustomization(fixture(base, overlay, failingTest))).toThrow(/test \/data\/size/);
    const otherTarget = overlay.replace("name: settings", "name: other");
    expect(() => renderKustomization(fixture(base, otherTarget, failingTest))).toThrow(/no ConfigMap named other/);
  });

  it("refuses kustomization fields and patch ops it does not implement", () => {
    const withLabels = `${base}commonLabels:\n  app: keel\n`;
    const patch = "- op: replace\n  path: /data/size\n  value: large\n";
    expect(() => renderKustomization(fixture(withLabels, overlay, patch))).toThrow(/commonLabels is not supported/);
    const removal = "- op: remove\n  path: /data/size\n  value: null\n";
    expect(() => renderKustomization(fixture(base, overlay, removal))).toThrow(/op remove is not supported/);
  });
});
