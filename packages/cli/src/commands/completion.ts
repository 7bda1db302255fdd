import { UsageError } from "../cli-error.js";
import type { Command } from "../command.js";
import { bashCompletion, zshCompletion } from "../completion-scripts.js";
import { COMMANDS } from "./index.js";

export const completionCommand: Command = {
  name: "completion",
  summary: "print a shell completion script (bash or zsh)",
  synopsis: "bash|zsh",
  help: [
    "bash:  source <(keel completion bash)     (or save it under /etc/bash_completion.d/keel)",
    "zsh:   source <(keel completion zsh)      (or save it as _keel in a directory on $fpath)",
  ].join("\n"),
  options: {},
  positionals: { min: 1, max: 1 },
  subcommands: ["bash", "zsh"],
  async run(context, args) {
    const shell = args.positionals[0];
    if (shell === "bash") context.out(bashCompletion(COMMANDS));
    else if (shell === "zsh") context.out(zshCompletion(COMMANDS));
    else throw new UsageError(`completion takes bash or zsh, got ${JSON.stringify(shell)}`);
    return 0;
  },
};
