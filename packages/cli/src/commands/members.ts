import type { MembersView } from "@keel/api";
import { hostPort } from "@keel/core";
import { integerOption } from "../args.js";
import { CliError, UsageError } from "../cli-error.js";
import type { Command, CommandContext, ParsedArgs } from "../command.js";
import { stringOption } from "../command.js";
import { json, table } from "../format.js";
import {
  isMemberRole,
  isMemberSpec,
  MEMBER_ID_MAX,
  MEMBER_ID_MIN,
  MEMBER_ROLES,
  MEMBERS_TABLE_HEADERS,
  MEMBERSHIP_HINTS,
  type MemberSpec,
  membersTableRows,
  PORT_MAX,
  PORT_MIN,
  parseConfigurationVersion,
  parseDecimal,
  parseMemberSpec,
  showConfigurationVersion,
} from "../members-view.js";

/** What each action takes after its name: [min, max] further positionals, its usage and its options. */
const ACTIONS: Readonly<
  Record<string, { readonly counts: readonly [number, number]; readonly usage: string; readonly options: string[] }>
> = {
  list: { counts: [0, 0], usage: "list", options: [] },
  add: {
    counts: [1, 1],
    usage: "add ID --host HOST --peer-port P --client-port C [--role R] [--from-version V] | add ID=HOST:P:C[:ROLE]",
    options: ["host", "peer-port", "client-port", "role", "from-version"],
  },
  remove: { counts: [1, 1], usage: "remove ID [--from-version V]", options: ["from-version"] },
};
/** The options that spell out a member in the long form of `add`; the compact form carries them. */
const MEMBER_OPTIONS = ["host", "peer-port", "client-port", "role"] as const;

export const membersCommand: Command = {
  name: "members",
  summary: "list the ensemble's members, add one or remove one (changes: admin)",
  synopsis: "list | add ID --host HOST --peer-port P --client-port C [--role R] | add ID=HOST:P:C[:ROLE] | remove ID",
  help: [
    "list          each member's id, role, peer and client address, and the configuration version",
    "add ID        a new member: --host, --peer-port and --client-port, --role voter|observer",
    "              (default voter); or in one word, as the server's --peer flag takes it:",
    "              ID=HOST:PEERPORT:CLIENTPORT[:ROLE], an IPv6 host in brackets",
    "remove ID     takes the member out of the configuration",
    "",
    "Changes need role admin, and go one at a time (RECONFIGINPROGRESS while one is under way). A",
    "change is a replicated write: it takes effect once a quorum of the old voters and a quorum of",
    "the new ones have it. A new member must be started first with --join, so it syncs with the",
    "leader as a non-voting learner before it votes (else NEWCONFIGNOQUORUM). Removing the leader",
    "makes it step down once the change commits, and the others elect a new one.",
    "--from-version V makes the change only if the configuration is still version V (as `list`",
    "shows it, either form; BADVERSION otherwise).",
    "",
    '  # first start member 4\'s server with --join (docs/operations.md, "Membership changes"), then:',
    "  keel --user root --password-file root.pw members add 4=10.0.0.4:7004:7204",
    "  keel --user root --password-file root.pw members add 5 --host 10.0.0.5 --peer-port 7005 \\",
    "      --client-port 7205 --role observer",
    "  keel --user root --password-file root.pw members remove 2 --from-version 0x1:7",
  ].join("\n"),
  options: {
    host: { type: "string", valueName: "HOST", description: "with add: the host the members and clients reach it at" },
    "peer-port": { type: "string", valueName: "P", description: "with add: its peer (replication) port" },
    "client-port": { type: "string", valueName: "C", description: "with add: its client (API) port" },
    role: {
      type: "string",
      valueName: "ROLE",
      choices: MEMBER_ROLES,
      description: "with add: voter (default) or observer",
    },
    "from-version": {
      type: "string",
      valueName: "V",
      description: "with add and remove: only if the configuration is still version V",
    },
  },
  positionals: { min: 1, max: 2 },
  subcommands: Object.keys(ACTIONS),
  async run(context, args) {
    const [action, ...rest] = args.positionals as [string, ...string[]];
    const spec = ACTIONS[action];
    if (spec === undefined)
      throw new UsageError(`members takes ${Object.keys(ACTIONS).join(", ")}, got ${JSON.stringify(action)}`);
    if (rest.length < spec.counts[0] || rest.length > spec.counts[1])
      throw new UsageError(`usage: keel members ${spec.usage}`);
    const stray = Object.keys(membersCommand.options).find(
      (name) => args.values[name] !== undefined && !spec.options.includes(name),
    );
    if (stray !== undefined) throw new UsageError(`members ${action} takes no --${stray}`);
    switch (action) {
      case "list":
        return list(context);
      case "add":
        return add(context, args, rest[0] as string);
      default:
        return remove(context, args, rest[0] as string);
    }
  },
};

async function list(context: CommandContext): Promise<number> {
  const view = await context.remote.read((client, signal) => client.members.list.query(undefined, { signal }));
  context.out(context.json ? json(view) : membersListing(view));
  return 0;
}

/** The table, then the version a change may name with --from-version. */
function membersListing(view: MembersView): string {
  return `${table(MEMBERS_TABLE_HEADERS, membersTableRows(view))}configuration version ${showConfigurationVersion(view.version)}\n`;
}

async function add(context: CommandContext, args: ParsedArgs, word: string): Promise<number> {
  const member = memberToAdd(args, word);
  const fromVersion = fromVersionOption(args);
  const view = await changing(() =>
    context.remote.write((client, signal) =>
      client.members.add.mutate({ ...member, ...(fromVersion === undefined ? {} : { fromVersion }) }, { signal }),
    ),
  );
  const where = `peer ${hostPort(member.host, member.peerPort)}, client ${hostPort(member.host, member.clientPort)}`;
  return changed(context, view, `added member ${member.id} (${member.role}; ${where})`);
}

async function remove(context: CommandContext, args: ParsedArgs, idText: string): Promise<number> {
  const id = memberId(idText);
  const fromVersion = fromVersionOption(args);
  const view = await changing(() =>
    context.remote.write((client, signal) =>
      client.members.remove.mutate({ id, ...(fromVersion === undefined ? {} : { fromVersion }) }, { signal }),
    ),
  );
  return changed(context, view, `removed member ${id}`);
}

function changed(context: CommandContext, view: MembersView, line: string): number {
  context.out(context.json ? json(view) : `${line}\n${membersListing(view)}`);
  return 0;
}

/** Runs a change; a refusal with a known remedy carries it in its one line. */
async function changing(change: () => Promise<MembersView>): Promise<MembersView> {
  try {
    return await change();
  } catch (error) {
    const hint =
      error instanceof CliError && error.keelCode !== undefined ? MEMBERSHIP_HINTS[error.keelCode] : undefined;
    if (hint === undefined || !(error instanceof CliError)) throw error;
    throw new CliError(`${error.message} (${hint})`, error.exitCode, error.keelCode);
  }
}

/** The member `add` names: the compact word alone, or an id with the long options. */
function memberToAdd(args: ParsedArgs, word: string): MemberSpec {
  if (isMemberSpec(word)) {
    const given = MEMBER_OPTIONS.find((name) => args.values[name] !== undefined);
    if (given !== undefined)
      throw new UsageError(`members add ${word} already says everything; leave out --${given}, or give ID alone`);
    const parsed = parseMemberSpec(word);
    if (parsed.type === "error") throw new UsageError(parsed.message);
    return parsed.member;
  }
  const id = memberId(word);
  const host = stringOption(args, "host");
  const peerPort = integerOption("peer-port", stringOption(args, "peer-port"), PORT_MIN, PORT_MAX);
  const clientPort = integerOption("client-port", stringOption(args, "client-port"), PORT_MIN, PORT_MAX);
  if (host === undefined || host.length === 0 || peerPort === undefined || clientPort === undefined)
    throw new UsageError(
      `members add ${word} needs --host, --peer-port and --client-port (or one word: ${word}=HOST:PEERPORT:CLIENTPORT)`,
    );
  const role = stringOption(args, "role") ?? "voter";
  // parseCommandLine already checked the choices; this narrows the type.
  if (!isMemberRole(role)) throw new UsageError(`--role must be voter or observer, got ${JSON.stringify(role)}`);
  return { id, host, peerPort, clientPort, role };
}

function memberId(text: string): number {
  const id = parseDecimal(text);
  if (id === undefined || id < MEMBER_ID_MIN || id > MEMBER_ID_MAX)
    throw new UsageError(
      `a member id is an integer from ${MEMBER_ID_MIN} to ${MEMBER_ID_MAX}, got ${JSON.stringify(text)}`,
    );
  return id;
}

function fromVersionOption(args: ParsedArgs): string | undefined {
  const text = stringOption(args, "from-version");
  if (text === undefined) return undefined;
  const version = parseConfigurationVersion(text);
  if (version === undefined)
    throw new UsageError(
      `--from-version must be a configuration version as \`keel members list\` shows it (0x1:7 or 4294967303), got ${JSON.stringify(text)}`,
    );
  return version;
}
