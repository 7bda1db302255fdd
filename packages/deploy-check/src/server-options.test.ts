/**
 * Every flag and KEEL_* variable the deployment hands keel-server is one the server knows (an
 * unknown flag stops it; an unknown KEEL_* variable is only a warning, so a typo there would be
 * silently ignored), checked against the built server's own --help. Then each member's complete
 * environment (the image's ENV, the pod's env with POD_NAME from the downward API, and any Service
 * link variables the kubelet would add) goes through the image's entry point with --check-config,
 * so the real config parser validates what each pod would run.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatefulSet } from "kubernetes-models/apps/v1";
import { afterAll, describe, expect, it } from "vitest";
import { keelContainer, type OverlayName, renderModels } from "./deploy-files.js";
import { envOf, parseDockerfile } from "./dockerfile.js";
import { checkConfig, entrypointScript, flagNames, serverOptions } from "./keel-server.js";
import { repoPath } from "./repo-paths.js";
import { serviceLinkEnv } from "./service-links.js";

const server = serverOptions();
const dockerfileStages = parseDockerfile(readFileSync(repoPath("Dockerfile"), "utf8"));
const imageEnv = envOf(dockerfileStages.at(-1) ?? { name: undefined, instructions: [] });
const entrypointText = readFileSync(entrypointScript, "utf8");

describe("the server options the deployment uses", () => {
  it("reads the option table from --help", () => {
    // Guards the parsing below: an empty set would make every check pass.
    expect(server.flags).toContain("--peer-secret-file");
    expect(server.flags).toContain("--check-config");
    expect(server.envNames).toContain("KEEL_PEERS");
  });

  it.each(["base", "five"] as const)("%s: StatefulSet args and env name only real flags and variables", (overlay) => {
    const container = keelContainer(renderModels(overlay).statefulSet);
    for (const flag of flagNames(container.args ?? [])) expect(server.flags).toContain(flag);
    const keelEnv = (container.env ?? []).map((variable) => variable.name).filter((name) => name.startsWith("KEEL_"));
    expect(keelEnv.length).toBeGreaterThan(0);
    for (const name of keelEnv) expect(server.envNames).toContain(name);
  });

  it("the entry point and the image pass only real flags and variables", () => {
    const script = entrypointText.replace(/^\s*#.*$/gm, "");
    for (const flag of script.match(/(?<=\s)--[a-z][-a-z]*/g) ?? []) expect(server.flags).toContain(flag);
    const scriptEnv = script.match(/\bKEEL_[A-Z_]+/g) ?? [];
    expect(scriptEnv).toContain("KEEL_ID");
    for (const name of [...scriptEnv, ...Object.keys(imageEnv).filter((each) => each.startsWith("KEEL_"))]) {
      expect(server.envNames).toContain(name);
    }
  });
});

describe.each(["base", "five"] as const)("every %s member's configuration", (overlay: OverlayName) => {
  const models = renderModels(overlay);
  const replicas = models.statefulSet.spec?.replicas ?? 1;
  const secretDir = mkdtempSync(join(tmpdir(), "keel-deploy-check-"));
  const secretFile = join(secretDir, "secret");
  writeFileSync(secretFile, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
  afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

  it.each(Array.from({ length: replicas }, (_, ordinal) => ordinal))(
    "keel-%i passes keel-server --check-config",
    (ordinal) => {
      const container = keelContainer(models.statefulSet);
      const env = {
        ...imageEnv,
        ...(models.statefulSet.spec?.template.spec?.enableServiceLinks === false
          ? {}
          : serviceLinkEnv(models.services)),
        ...podEnv(models.statefulSet, `keel-${ordinal}`),
        // The Secret's mount point does not exist here; a file with a valid secret stands in for it.
        KEEL_PEER_SECRET_FILE: secretFile,
      };
      const result = checkConfig(container.args ?? [], env);
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      expect(result.warnings).toEqual([]);
      expect(result.config?.id).toBe(ordinal + 1);
      expect(result.config?.peers).toHaveLength(replicas);
    },
  );
});

/** The container's env as the kubelet resolves it for one pod: literals, and the pod name from the downward API. */
function podEnv(statefulSet: StatefulSet, podName: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of keelContainer(statefulSet).env ?? []) {
    const fieldPath = variable.valueFrom?.fieldRef?.fieldPath;
    if (variable.value !== undefined) env[variable.name] = variable.value;
    else if (fieldPath === "metadata.name") env[variable.name] = podName;
    else throw new Error(`env ${variable.name}: only literals and metadata.name are resolved here`);
  }
  return env;
}
