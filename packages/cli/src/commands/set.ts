import { integerOption } from "../args.js";
import type { Command } from "../command.js";
import { stringOption } from "../command.js";
import { json, showZxid } from "../format.js";
import { dataArgument } from "../input.js";

export const setCommand: Command = {
  name: "set",
  summary: "replace a node's data",
  synopsis: "PATH [DATA]",
  help: "DATA is UTF-8 text; `-` reads the bytes from stdin (binary-safe); no DATA sets empty data.\nWith -v the write applies only if the node is still at that version (BADVERSION otherwise).",
  options: {
    version: { type: "string", short: "v", valueName: "N", description: "only if the node's version is N" },
  },
  positionals: { min: 1, max: 2 },
  pathArgument: true,
  async run(context, args) {
    const path = args.positionals[0] as string;
    const version = integerOption("version", stringOption(args, "version"), -1, 2_147_483_647) ?? -1;
    const data = await dataArgument(context.io, args.positionals[1]);
    const { stat } = await context.remote.write((client, signal) =>
      client.node.set.mutate({ path, version, ...data }, { signal }),
    );
    if (context.json) context.out(json({ path, stat }));
    else context.out(`${path}  version ${stat.version}  mzxid ${showZxid(stat.mzxid)}\n`);
    return 0;
  },
};
