/**
 * The container image definition, without docker: dockerfilelint finds no problem in it; every path
 * it COPYs exists (from the build context, or in the build stage as the repository's built files);
 * nothing it copies from the context is excluded by .dockerignore; the entry point is executable and
 * runs the server the image copies; and the image agrees with the StatefulSet on the uid and ports.
 */
import { accessSync, constants, existsSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import dockerfilelint from "dockerfilelint";
import { describe, expect, it } from "vitest";
import { keelContainer, renderModels } from "./deploy-files.js";
import { argsOf, copiesOf, parseDockerfile, type Stage, workdirAt } from "./dockerfile.js";
import { repoPath } from "./repo-paths.js";

const dockerfileText = readFileSync(repoPath("Dockerfile"), "utf8");
const stages = parseDockerfile(dockerfileText);
const runtime = stages.at(-1) ?? { name: undefined, instructions: [] };
const dockerignore = readFileSync(repoPath(".dockerignore"), "utf8")
  .split("\n")
  .map((line) => line.trim())
  .filter((line) => line !== "" && !line.startsWith("#"));
const statefulSet = renderModels("base").statefulSet;

describe("the Dockerfile", () => {
  it("has a build stage and a runtime stage on node:20-bookworm-slim", () => {
    expect(stages.map((stage) => stage.instructions[0]?.args)).toEqual([
      "node:20-bookworm-slim AS build",
      "node:20-bookworm-slim",
    ]);
  });

  it("passes dockerfilelint", () => {
    // dockerfilelint 1.8.0 reads HEALTHCHECK options with /--\w+/, which stops at the '-' inside
    // --start-period (a real Docker option since 17.05) and reports "Invalid Argument Format". That
    // one finding is excused only if it vanishes when --start-period alone is taken out.
    const startPeriod = /--start-period=\S+ /;
    const isStartPeriodFalsePositive = (item: dockerfilelint.DiagnoticItem): boolean =>
      item.rule === "invalid_format" && startPeriod.test(lineAt(item.line));
    const items = dockerfilelint.run(repoPath("."), dockerfileText);
    expect(items.filter((item) => !isStartPeriodFalsePositive(item))).toEqual([]);
    expect(dockerfilelint.run(repoPath("."), dockerfileText.replace(startPeriod, ""))).toEqual([]);
  });

  it("copies only paths that exist and that .dockerignore lets into the context", () => {
    const build = stageNamed("build");
    for (const stage of stages) {
      for (const copy of copiesOf(stage)) {
        for (const source of copy.sources) {
          if (copy.from === undefined) {
            expect(existsSync(repoPath(source)), `line ${copy.line}: ${source}`).toBe(true);
            expect(ignoredBy(source), `line ${copy.line}: ${source}`).toBeUndefined();
          } else {
            expect(copy.from).toBe("build");
            expect(producedBy(build, source), `line ${copy.line}: ${source}`).toBe(true);
          }
        }
      }
    }
  });

  it("runs an executable entry point that starts the server the image copies", () => {
    const [entrypoint] = JSON.parse(argsOf(runtime, "ENTRYPOINT")[0] ?? "[]") as string[];
    const entrypointCopy = copiesOf(runtime).find((copy) => copy.destination === entrypoint);
    expect(entrypointCopy?.sources).toEqual(["deploy/docker/entrypoint.sh"]);
    // COPY keeps the file's mode, so the repository's copy must be executable.
    accessSync(repoPath("deploy/docker/entrypoint.sh"), constants.X_OK);
    const script = /exec node (\S+)/.exec(readFileSync(repoPath("deploy/docker/entrypoint.sh"), "utf8"))?.[1] ?? "";
    const scriptInImage = posix.resolve(workdirAt(runtime, entrypointCopy?.line ?? 0), script);
    const built = builtFileAt(scriptInImage);
    expect(built, `${scriptInImage} is not a built file the image copies`).toBeDefined();
    expect(existsSync(repoPath(built ?? ""))).toBe(true);
  });

  it("runs as the fixed non-root uid the StatefulSet expects, owning its volume", () => {
    const [user] = argsOf(runtime, "USER");
    const security = statefulSet.spec?.template.spec?.securityContext;
    expect(user).toBe(`${security?.runAsUser}:${security?.runAsGroup}`);
    expect(security?.fsGroup).toBe(security?.runAsGroup);
    expect(argsOf(runtime, "RUN").join(" ")).toMatch(/useradd .*--uid 10001/);
    const [volume] = argsOf(runtime, "VOLUME");
    const dataMount = keelContainer(statefulSet).volumeMounts?.find((mount) => mount.name === "data");
    expect(volume).toBe(dataMount?.mountPath);
  });

  it("exposes the ports the StatefulSet's container declares, and checks /health on the client port", () => {
    const exposed = (argsOf(runtime, "EXPOSE")[0] ?? "").split(/\s+/).map(Number).sort();
    const declared = (keelContainer(statefulSet).ports ?? []).map((port) => port.containerPort).sort();
    expect(exposed).toEqual(declared);
    const client = keelContainer(statefulSet).ports?.find((port) => port.name === "client")?.containerPort;
    expect(argsOf(runtime, "HEALTHCHECK")[0]).toContain(`'${client}') + '/health'`);
    expect(argsOf(runtime, "STOPSIGNAL")).toEqual(["SIGTERM"]);
    expect(argsOf(runtime, "ENV").join(" ")).toContain("NODE_ENV=production");
  });
});

/** The repository path of the built file the runtime stage places at `imagePath`, if a COPY from /src puts one there. */
function builtFileAt(imagePath: string): string | undefined {
  for (const copy of copiesOf(runtime)) {
    const [source] = copy.sources;
    const destination = posix.resolve(workdirAt(runtime, copy.line), copy.destination);
    if (copy.from !== "build" || source === undefined || !source.startsWith("/src/")) continue;
    if (imagePath.startsWith(`${destination}/`)) {
      return posix.join(source.slice("/src/".length), imagePath.slice(destination.length + 1));
    }
  }
  return undefined;
}

function lineAt(line: number | string): string {
  return dockerfileText.split("\n")[Number(line) - 1] ?? "";
}

function stageNamed(name: string): Stage {
  const stage = stages.find((each) => each.name === name);
  if (stage === undefined) throw new Error(`no stage ${name}`);
  return stage;
}

/** A build-stage path is a repository path under its WORKDIR (built there), or the output of one of its RUNs. */
function producedBy(build: Stage, source: string): boolean {
  const workdir = build.instructions.find((instruction) => instruction.keyword === "WORKDIR")?.args ?? "/";
  if (source.startsWith(`${workdir}/`)) return existsSync(repoPath(source.slice(workdir.length + 1)));
  const outputRoot = `/${source.split("/")[1]}`;
  return argsOf(build, "RUN").some((run) => run.includes(`--out-dir ${outputRoot}`));
}

/** The .dockerignore pattern that keeps `path` out of the context: `**\/name` matches any segment, others a prefix. */
function ignoredBy(path: string): string | undefined {
  const segments = path.split("/");
  return dockerignore.find((pattern) =>
    pattern.startsWith("**/")
      ? segments.includes(pattern.slice(3))
      : path === pattern || path.startsWith(`${pattern}/`),
  );
}
