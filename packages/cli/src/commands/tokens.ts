import { PERMS_ALL, parsePerms, parseTokenTtl, TOKEN_HEADERS, tokenCells } from "../auth-values.js";
import { UsageError } from "../cli-error.js";
import type { Command, CommandContext, ParsedArgs } from "../command.js";
import { stringOption } from "../command.js";
import { json, showTime, table } from "../format.js";

/** At most this many path prefixes in a token's scope (the API's bound). */
const SCOPE_PATHS_MAX = 16;

/** What each action takes after its name: [min, max] further positionals. */
const ACTIONS: Readonly<Record<string, readonly [number, number]>> = {
  create: [0, 0],
  list: [0, 0],
  revoke: [1, 1],
};

export const tokensCommand: Command = {
  name: "tokens",
  summary: "create, list and revoke API tokens (yours; an admin's: anyone's)",
  synopsis: "create --ttl TTL [--user U] [--path P]... [--perms rwcda] [--description D] | list [--user U] | revoke ID",
  help: [
    "create   a bearer token for scripts and services (`--token-file` / $KEEL_TOKEN). It is printed",
    "         once, on stdout; only its digest is kept, so it cannot be shown again. --ttl is its",
    "         lifetime (90s, 15m, 12h, 30d, 2w; 60s to 365d). --path (repeatable) limits it to those",
    "         subtrees (default /), --perms to those perms: r read, w write, c create, d delete,",
    "         a admin (default rwcda). A token acts as its user, with the user's role of the moment.",
    "list     your tokens; an admin sees everyone's, or --user U's",
    "revoke   revokes token ID at once (yours; an admin: anyone's)",
    "",
    "After the command name --user names the token's owner (an admin's choice); before it, --user",
    "says who you are:  keel --user root --password-file root.pw tokens create --user ci --ttl 30d",
  ].join("\n"),
  options: {
    ttl: { type: "string", valueName: "TTL", description: "with create: lifetime, e.g. 30d (60s to 365d)" },
    user: { type: "string", valueName: "USER", description: "with create and list: the token's owner (admin)" },
    path: {
      type: "string",
      multiple: true,
      valueName: "PATH",
      description: `with create: a subtree the token may touch (repeatable, up to ${SCOPE_PATHS_MAX}; default /)`,
    },
    perms: {
      type: "string",
      valueName: "PERMS",
      description: "with create: the perms it may use, from rwcda (default all)",
    },
    description: {
      type: "string",
      valueName: "TEXT",
      description: "with create: what the token is for (up to 200 chars)",
    },
  },
  positionals: { min: 1, max: 2 },
  subcommands: Object.keys(ACTIONS),
  async run(context, args) {
    const [action, ...rest] = args.positionals as [string, ...string[]];
    const counts = ACTIONS[action];
    if (counts === undefined)
      throw new UsageError(`tokens takes ${Object.keys(ACTIONS).join(", ")}, got ${JSON.stringify(action)}`);
    if (rest.length < counts[0] || rest.length > counts[1])
      throw new UsageError(
        action === "revoke" ? "usage: keel tokens revoke ID" : `tokens ${action} takes no arguments`,
      );
    switch (action) {
      case "create":
        return create(context, args);
      case "list":
        return list(context, args);
      default: {
        const tokenId = rest[0] as string;
        if (!/^[0-9a-f]{16}$/.test(tokenId))
          throw new UsageError(
            `a token id is 16 hex digits (the TOKEN ID column of tokens list), got ${JSON.stringify(tokenId)}`,
          );
        await context.remote.write((client, signal) => client.auth.tokens.revoke.mutate({ tokenId }, { signal }));
        context.out(context.json ? json({ revoked: tokenId }) : `revoked token ${tokenId}\n`);
        return 0;
      }
    }
  },
};

/** The --path values: absolute, at most SCOPE_PATHS_MAX; undefined when none were given. */
function scopePaths(args: ParsedArgs): string[] | undefined {
  const value = args.values.path;
  const paths = Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
  if (paths.length === 0) return undefined;
  if (paths.length > SCOPE_PATHS_MAX) throw new UsageError(`at most ${SCOPE_PATHS_MAX} --path, got ${paths.length}`);
  for (const path of paths)
    if (!path.startsWith("/")) throw new UsageError(`--path takes an absolute znode path, got ${JSON.stringify(path)}`);
  return paths;
}

async function create(context: CommandContext, args: ParsedArgs): Promise<number> {
  const ttlText = stringOption(args, "ttl");
  if (ttlText === undefined) throw new UsageError("tokens create needs --ttl, e.g. --ttl 30d");
  const ttlMs = parseTokenTtl(ttlText);
  const paths = scopePaths(args);
  const permsText = stringOption(args, "perms");
  const perms = permsText === undefined ? undefined : parsePerms(permsText);
  const user = stringOption(args, "user");
  const description = stringOption(args, "description");
  const scope =
    paths === undefined && perms === undefined ? undefined : { paths: paths ?? ["/"], perms: perms ?? PERMS_ALL };
  const issued = await context.remote.write((client, signal) =>
    client.auth.tokens.create.mutate(
      {
        ttlMs,
        ...(user === undefined ? {} : { user }),
        ...(scope === undefined ? {} : { scope }),
        ...(description === undefined ? {} : { description }),
      },
      { signal },
    ),
  );
  context.out(context.json ? json(issued) : `${issued.token}\n`);
  context.note(
    `token ${issued.tokenId}, expires ${showTime(issued.expiresAtMs)}: keep it now, it cannot be shown again`,
  );
  return 0;
}

async function list(context: CommandContext, args: ParsedArgs): Promise<number> {
  const user = stringOption(args, "user");
  const answer = await context.remote.read((client, signal) =>
    client.auth.tokens.list.query(user === undefined ? {} : { user }, { signal }),
  );
  context.out(context.json ? json(answer) : table(TOKEN_HEADERS, answer.tokens.map(tokenCells)));
  return 0;
}
