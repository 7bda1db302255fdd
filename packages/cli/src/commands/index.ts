/** Every command, in the order `keel --help` lists them. */
import type { Command } from "../command.js";
import { clusterCommand } from "./cluster.js";
import { completionCommand } from "./completion.js";
import { createCommand } from "./create.js";
import { deleteCommand } from "./delete.js";
import { electCommand } from "./elect.js";
import { getCommand } from "./get.js";
import { lockCommand } from "./lock.js";
import { locksCommand } from "./locks.js";
import { lsCommand } from "./ls.js";
import { membersCommand } from "./members.js";
import { rollingRestartCommand } from "./rolling-restart.js";
import { sessionsCommand } from "./sessions.js";
import { setCommand } from "./set.js";
import { snapshotCommand } from "./snapshot.js";
import { statCommand } from "./stat.js";
import { tokensCommand } from "./tokens.js";
import { usersCommand } from "./users.js";
import { watchCommand } from "./watch.js";
import { whoamiCommand } from "./whoami.js";
import { zkImportCommand } from "./zk-import.js";

export const COMMANDS: readonly Command[] = [
  getCommand,
  setCommand,
  createCommand,
  deleteCommand,
  lsCommand,
  statCommand,
  watchCommand,
  lockCommand,
  electCommand,
  clusterCommand,
  membersCommand,
  sessionsCommand,
  locksCommand,
  snapshotCommand,
  rollingRestartCommand,
  zkImportCommand,
  whoamiCommand,
  usersCommand,
  tokensCommand,
  completionCommand,
];
