/**
 * Reads the Dockerfile into its stages and instructions, the way the builder does: `\` joins
 * continuation lines, `#` lines are comments, and each FROM opens a stage.
 */
export interface Instruction {
  /** Upper case: COPY, RUN, ENV, ... */
  readonly keyword: string;
  readonly args: string;
  /** 1-based line where the instruction starts. */
  readonly line: number;
}

export interface Stage {
  /** The `AS` name, or undefined for an unnamed (usually the final) stage. */
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: { name: string | undefined; instructions: Instruction[] }[] = [];
  let pending = "";
  let pendingLine = 0;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    // Docker drops comment lines even inside a continued instruction.
    if (line.startsWith("#") || (pending === "" && line === "")) return;
    if (pending === "") pendingLine = index + 1;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const whole = `${pending}${line}`.trim();
    pending = "";
    const [keyword = "", ...rest] = whole.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(" "), line: pendingLine };
    if (instruction.keyword === "FROM") {
      stages.push({ name: /\bAS\s+(\S+)$/i.exec(instruction.args)?.[1], instructions: [] });
    }
    const stage = stages.at(-1);
    if (stage === undefined) throw new Error(`line ${pendingLine}: ${keyword} before the first FROM`);
    stage.instructions.push(instruction);
  });
  return stages;
}

export interface CopyInstruction {
  /** The stage copied from (`--from=build`), or undefined for the build context. */
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
  readonly line: number;
}

export function copiesOf(stage: Stage): CopyInstruction[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === "COPY")
    .map((instruction) => {
      const words = instruction.args.split(/\s+/);
      const from = words.find((word) => word.startsWith("--from="))?.slice("--from=".length);
      const paths = words.filter((word) => !word.startsWith("--"));
      const destination = paths.pop();
      if (destination === undefined || paths.length === 0)
        throw new Error(`line ${instruction.line}: COPY needs a source and a destination`);
      return { from, sources: paths, destination, line: instruction.line };
    });
}

/** The last WORKDIR before `line` in the stage (relative paths resolve against it). */
export function workdirAt(stage: Stage, line: number): string {
  const workdirs = stage.instructions.filter(
    (instruction) => instruction.keyword === "WORKDIR" && instruction.line < line,
  );
  return workdirs.at(-1)?.args ?? "/";
}

/** `ENV A=1 B=2` instructions of a stage as one map (values here hold no spaces or quotes). */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of stage.instructions.filter((each) => each.keyword === "ENV")) {
    for (const pair of instruction.args.split(/\s+/)) {
      const equals = pair.indexOf("=");
      if (equals <= 0) throw new Error(`line ${instruction.line}: write ENV as NAME=value pairs`);
      env[pair.slice(0, equals)] = pair.slice(equals + 1);
    }
  }
  return env;
}

export function argsOf(stage: Stage, keyword: string): string[] {
  return stage.instructions
    .filter((instruction) => instruction.keyword === keyword)
    .map((instruction) => instruction.args);
}
