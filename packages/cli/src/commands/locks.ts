import type { StatView } from "@keel/api";
import { LOCKS_ROOT, type RecipeChild } from "@keel/core";
import { integerOption } from "../args.js";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { stringOption } from "../command.js";
import { json, showTime, table } from "../format.js";
import { LOCK_HEADERS, lockCells, lockView } from "../lock-view.js";
import type { Remote } from "../remote.js";

const CONTENDERS_MAX_DEFAULT = 1_000;

export const locksCommand: Command = {
  name: "locks",
  summary: "lock holders and their queues (from /keel/locks)",
  synopsis: "[NAME]",
  help: [
    "Reads the SDK's lock nodes: /keel/locks/NAME/lock-<seq>. The lowest sequence holds the lock;",
    "the others wait in order. CLIENT, HOST, PID and LABEL come from the node's JSON data; SINCE is",
    "when the holder acquired it (or when a waiter queued).",
  ].join("\n"),
  options: {
    max: {
      type: "string",
      valueName: "N",
      description: `read at most N contenders per lock (default ${CONTENDERS_MAX_DEFAULT})`,
    },
  },
  positionals: { min: 0, max: 1 },
  async run(context, args) {
    const only = args.positionals[0];
    const contendersMax = integerOption("max", stringOption(args, "max"), 1, 1_000_000) ?? CONTENDERS_MAX_DEFAULT;
    const names = only === undefined ? await childNames(context.remote, LOCKS_ROOT) : [only];
    const views = [];
    for (const name of names) {
      const children = await contenders(context.remote, `${LOCKS_ROOT}/${name}`, contendersMax);
      if (children === undefined) {
        if (only !== undefined) throw new CliError(`no lock ${name} (no node ${LOCKS_ROOT}/${name})`, 1, "NONODE");
        continue; // vanished since the listing (a container removed when unused)
      }
      views.push(lockView(name, children));
    }
    if (context.json) context.out(json({ locks: views }));
    else if (views.length === 0) context.note("no locks");
    else
      context.out(
        table(
          LOCK_HEADERS,
          views.flatMap((view) => lockCells(view, showTime)),
        ),
      );
    return 0;
  },
};

async function childNames(remote: Remote, path: string): Promise<string[]> {
  try {
    const { children } = await remote.read((client, signal) => client.node.children.query({ path }, { signal }));
    return children.map((child) => child.name);
  } catch (error) {
    if (error instanceof CliError && error.keelCode === "NONODE") return [];
    throw error;
  }
}

/** The lock's children with their data; undefined when the lock node does not exist. */
async function contenders(remote: Remote, path: string, max: number): Promise<RecipeChild[] | undefined> {
  let listed: { name: string; stat?: StatView }[];
  try {
    ({ children: listed } = await remote.read((client, signal) =>
      client.node.children.query({ path, withStats: true }, { signal }),
    ));
  } catch (error) {
    if (error instanceof CliError && error.keelCode === "NONODE") return undefined;
    throw error;
  }
  const result: RecipeChild[] = [];
  for (const child of listed.slice(0, max)) {
    if (child.stat === undefined) continue;
    let data: string | undefined;
    try {
      ({ data } = await remote.read((client, signal) =>
        client.node.get.query({ path: `${path}/${child.name}` }, { signal }),
      ));
    } catch (error) {
      if (error instanceof CliError && error.keelCode === "NONODE") continue; // released meanwhile
      throw error;
    }
    result.push({ name: child.name, stat: child.stat, data });
  }
  return result;
}
