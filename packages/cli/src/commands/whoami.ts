import { identityRows } from "../auth-values.js";
import { CliError } from "../cli-error.js";
import type { Command } from "../command.js";
import { json, keyValues } from "../format.js";

export const whoamiCommand: Command = {
  name: "whoami",
  summary: "who the ensemble takes you to be: user, role, how you authenticated, a token's scope",
  synopsis: "",
  help: [
    "Authenticates with the global --user/--password-file or --token-file (or $KEEL_PASSWORD,",
    "$KEEL_TOKEN) and prints the identity a server resolved (auth.whoami). Without credentials it",
    "prints the anonymous identity; refused credentials exit 3 with AUTHFAILED.",
  ].join("\n"),
  options: {},
  positionals: { min: 0, max: 0 },
  async run(context) {
    const identity = await context.remote.read((client, signal) => client.auth.whoami.query(undefined, { signal }));
    // whoami answers even for refused credentials (the console asks it before logging in).
    if (identity.authenticationFailed) throw new CliError("authentication failed", 1, "AUTHFAILED");
    context.out(context.json ? json(identity) : keyValues(identityRows(identity)));
    return 0;
  },
};
