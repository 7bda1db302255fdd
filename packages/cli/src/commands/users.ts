import { integerOption } from "../args.js";
import { UsageError } from "../cli-error.js";
import type { Command, CommandContext, ParsedArgs } from "../command.js";
import { stringOption } from "../command.js";
import { json, showTime, table } from "../format.js";
import { readNewPassword } from "../secret-input.js";

const ROLES = ["viewer", "operator", "admin"] as const;
type Role = (typeof ROLES)[number];
const LIMIT_DEFAULT = 1_000;

/** What each action takes after its name: [min, max] further positionals. */
const ACTIONS: Readonly<Record<string, readonly [number, number]>> = {
  list: [0, 0],
  add: [1, 1],
  remove: [1, 1],
  role: [2, 2],
  passwd: [1, 1],
};

export const usersCommand: Command = {
  name: "users",
  summary: "list, add and remove users, set their roles and passwords (admin)",
  synopsis: "list | add NAME --role ROLE | remove NAME | role NAME ROLE | passwd NAME",
  help: [
    "list          users, their roles and when they were added",
    "add NAME      a new user with --role viewer|operator|admin",
    "remove NAME   removes the user and revokes its tokens",
    "role NAME R   sets the user's role (its tokens follow at once)",
    "passwd NAME   sets the user's password; a user who is not admin may change its own: its",
    "              current password (--user NAME --password-file) is sent as the old one",
    "",
    "A new password comes from --password-file FILE given AFTER the command name, else the",
    "first line of stdin when it is a pipe, else it is asked at the terminal (twice, not shown);",
    "never from the command line. Before the command name, --user/--password-file say who YOU are:",
    "  keel --user root --password-file root.pw users add alice --role operator --password-file alice.pw",
    "Needs role admin, except passwd of yourself.",
  ].join("\n"),
  options: {
    role: { type: "string", valueName: "ROLE", choices: ROLES, description: "with add: the new user's role" },
    "password-file": {
      type: "string",
      valueName: "FILE",
      file: true,
      description: "with add and passwd: the new password, from FILE",
    },
    limit: { type: "string", valueName: "N", description: `with list: at most N users (default ${LIMIT_DEFAULT})` },
  },
  positionals: { min: 1, max: 3 },
  subcommands: Object.keys(ACTIONS),
  async run(context, args) {
    const [action, ...rest] = args.positionals as [string, ...string[]];
    const counts = ACTIONS[action];
    if (counts === undefined)
      throw new UsageError(`users takes ${Object.keys(ACTIONS).join(", ")}, got ${JSON.stringify(action)}`);
    if (rest.length < counts[0] || rest.length > counts[1])
      throw new UsageError(`usage: keel users ${usersCommand.synopsis.split(" | ").find((s) => s.startsWith(action))}`);
    switch (action) {
      case "list":
        return list(context, args);
      case "add":
        return add(context, args, rest[0] as string);
      case "remove":
        await context.remote.write((client, signal) =>
          client.auth.users.remove.mutate({ name: rest[0] as string }, { signal }),
        );
        return done(context, { removed: rest[0] }, `removed user ${rest[0]} (and revoked its tokens)`);
      case "role":
        return setRole(context, rest[0] as string, rest[1] as string);
      default:
        return passwd(context, args, rest[0] as string);
    }
  },
};

function done(context: CommandContext, value: unknown, line: string): number {
  context.out(context.json ? json(value) : `${line}\n`);
  return 0;
}

function roleOf(text: string | undefined, what: string): Role {
  if (text === undefined) throw new UsageError(`${what} needs a role: viewer, operator or admin`);
  if (!(ROLES as readonly string[]).includes(text))
    throw new UsageError(`a role is viewer, operator or admin, got ${JSON.stringify(text)}`);
  return text as Role;
}

async function list(context: CommandContext, args: ParsedArgs): Promise<number> {
  const limit = integerOption("limit", stringOption(args, "limit"), 1, 1000) ?? LIMIT_DEFAULT;
  const answer = await context.remote.read((client, signal) => client.auth.users.list.query({ limit }, { signal }));
  if (context.json) context.out(json(answer));
  else {
    context.out(
      table(
        ["NAME", "ROLE", "CREATED"],
        answer.users.map((user) => [user.name, user.role, showTime(user.createdAtMs)]),
      ),
    );
    if (answer.truncated) context.note(`(only the first ${limit}; raise --limit to see more)`);
  }
  return 0;
}

async function add(context: CommandContext, args: ParsedArgs, name: string): Promise<number> {
  const role = roleOf(stringOption(args, "role"), "users add");
  const password = await readNewPassword(context, stringOption(args, "password-file"), name);
  const added = await context.remote.write((client, signal) =>
    client.auth.users.add.mutate({ name, password, role }, { signal }),
  );
  return done(context, added, `added user ${added.name} (${added.role})`);
}

async function setRole(context: CommandContext, name: string, roleText: string): Promise<number> {
  const role = roleOf(roleText, "users role");
  const set = await context.remote.write((client, signal) =>
    client.auth.users.setRole.mutate({ name, role }, { signal }),
  );
  return done(context, set, `user ${set.name} is now ${set.role}`);
}

async function passwd(context: CommandContext, args: ParsedArgs, name: string): Promise<number> {
  const password = await readNewPassword(context, stringOption(args, "password-file"), name);
  // Changing your own password proves the old one: the one you authenticated with.
  const auth = context.connection.auth;
  const oldPassword = auth !== undefined && "user" in auth && auth.user === name ? auth.password : undefined;
  await context.remote.write((client, signal) =>
    client.auth.users.setPassword.mutate(
      { name, password, ...(oldPassword === undefined ? {} : { oldPassword }) },
      { signal },
    ),
  );
  return done(context, { name }, `set the password of ${name}`);
}
