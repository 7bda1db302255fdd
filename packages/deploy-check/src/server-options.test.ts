/**
 * Every flag and KEEL_* variable the deployment hands keel-server is one the server knows (an
 * unknown flag stops it; an unknown KEEL_* variable is only a warning, so a typo there would be
 * silently ignored), checked against the built server's own --help. Then each member's complete
 * environment (the image's ENV, the pod's env with POD_NAME from the downward API, and any Service
 * link variables the kubelet would add) goes through the image's entry point with --check-config,
 * so the real config parser validates what each pod would run: the bootstrap members, and the pods
 * beyond them that join online (one ordinal past `replicas` too, as `kubectl scale` would start).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { StatefulSet } from "kubernetes-models/apps/v1";
import { afterAll, describe, expect, it } from "vitest";
import { bootstrapMemberCount, envValue, keelContainer, type OverlayName, renderModels } from "./deploy-files.js";
import { envOf, parseDockerfile } from "./dockerfile.js";
import { checkConfig, entrypointScript, flagNames, serverOptions } from "./keel-server.js";
import { repoPath } from "./repo-paths.js";
import { serviceLinkEnv } from "./service-links.js";

const server = serverOptions();
const dockerfileStages = parseDockerfile(readFileSync(repoPath("Dockerfile"), "utf8"));
const imageEnv = envOf(dockerfileStages.at(-1) ?? { name: undefined, instructions: [] });
const entrypointText = readFileSync(entrypointScript, "utf8");
const entrypointCode = entrypointText.replace(/^\s*#.*$/gm, "");

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
    // The others (POD_NAME, BOOTSTRAP_MEMBER_COUNT, PEER_DOMAIN) are the entry point's own, named
    // without the KEEL_ prefix so the server does not warn about them: the script must read each.
    const entrypointEnv = (container.env ?? [])
      .map((variable) => variable.name)
      .filter((name) => !name.startsWith("KEEL_"));
    for (const name of entrypointEnv) expect(entrypointCode).toContain(`\${${name}`);
  });

  it("the entry point and the image pass only real flags and variables", () => {
    const script = entrypointCode;
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
  const container = keelContainer(models.statefulSet);
  const bootstrapMembers = bootstrapMemberCount(container) ?? replicas;
  const secretDir = mkdtempSync(join(tmpdir(), "keel-deploy-check-"));
  const secretFile = join(secretDir, "secret");
  writeFileSync(secretFile, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n");
  const superPasswordFile = join(secretDir, "password");
  writeFileSync(superPasswordFile, "a super password of the deploy check\n");
  afterAll(() => rmSync(secretDir, { recursive: true, force: true }));

  it.each(Array.from({ length: replicas + 1 }, (_, ordinal) => ordinal))(
    "keel-%i passes keel-server --check-config",
    (ordinal) => {
      const env = {
        ...imageEnv,
        ...(models.statefulSet.spec?.template.spec?.enableServiceLinks === false
          ? {}
          : serviceLinkEnv(models.services)),
        ...podEnv(models.statefulSet, `keel-${ordinal}`),
        // The Secrets' mount points do not exist here; files with valid contents stand in for them.
        KEEL_PEER_SECRET_FILE: secretFile,
        KEEL_SUPER_PASSWORD_FILE: superPasswordFile,
      };
      const result = checkConfig(container.args ?? [], env);
      expect(result.stderr).toBe("");
      expect(result.exitCode).toBe(0);
      expect(result.warnings).toEqual([]);
      const id = ordinal + 1;
      const joining = id > bootstrapMembers;
      expect(result.config?.id).toBe(id);
      expect(result.config?.join).toBe(joining);
      // The bootstrap members, plus a joining member's own entry (the server needs its id listed).
      const peerIds = Array.from({ length: bootstrapMembers }, (_, index) => index + 1);
      expect(result.config?.peers.map((peer) => peer.id)).toEqual(joining ? [...peerIds, id] : peerIds);
      if (joining) {
        expect(result.config?.peers.at(-1)).toMatchObject({
          host: `keel-${ordinal}.${envValue(container, "PEER_DOMAIN")}`,
          peerPort: 7001,
          clientPort: 8001,
          role: "voter",
        });
      }
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
