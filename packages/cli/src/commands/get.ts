import type { Command } from "../command.js";
import { flag } from "../command.js";
import { json } from "../format.js";

export const getCommand: Command = {
  name: "get",
  summary: "print a node's data",
  synopsis: "PATH",
  help: "Writes the data bytes as stored (binary-safe; a newline is added only on a terminal).\n--json prints { path, data, dataBase64, stat }.",
  options: {
    linearizable: {
      type: "boolean",
      short: "l",
      description: "sync through the leader first: see every write acknowledged before the call",
    },
  },
  positionals: { min: 1, max: 1 },
  pathArgument: true,
  async run(context, args) {
    const path = args.positionals[0] as string;
    const node = await context.remote.read((client, signal) =>
      client.node.get.query({ path, linearizable: flag(args, "linearizable") }, { signal }),
    );
    if (context.json) {
      context.out(json(node));
      return 0;
    }
    const bytes = Buffer.from(node.dataBase64, "base64");
    context.io.stdout.write(bytes);
    if (context.io.stdout.isTTY === true && !bytes.toString("latin1").endsWith("\n")) context.out("\n");
    return 0;
  },
};
