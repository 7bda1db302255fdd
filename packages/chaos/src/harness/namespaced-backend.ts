/**
 * Members in their own network namespaces on a private bridge (NetworkLab + NamespacedEnsemble),
 * so that the network nemeses can cut and delay the links between them. The harness's clients in
 * the root namespace always reach every member. Needs root. The lab is destroyed by `close()`, and
 * by the lab's own exit handler if the process dies first.
 */
import { keelPeerPort, NamespacedEnsemble, NetworkLab } from "../net/index.js";
import type { ClusterBackend, MemberSetup } from "./cluster-backend.js";
import type { Random } from "./random.js";

/** Runs in one process get distinct tags, so that a lab left by a failed destroy never blocks the next. */
let labsCreated = 0;

/** `kcr<pid % 1000>s<n>`: at most 10 characters, unique per run among concurrent processes. */
export function runLabTag(): string {
  return `kcr${process.pid % 1000}s${labsCreated++ % 1000}`;
}

export function assertCanBuildNetworks(): void {
  if (process.getuid?.() !== 0) {
    throw new Error(
      "the network nemeses (isolate, isolate-leader, majority-minority, bridge, delay) need root: they " +
        "create network namespaces and iptables rules. Run as root, or pick process nemeses only " +
        "(--nemesis kill,kill-leader,kill-all,pause,pause-leader).",
    );
  }
}

export async function startNamespacedBackend(
  nodes: 3 | 5,
  options: MemberSetup & {
    readonly random: Random;
    readonly log: (line: string) => void;
  },
): Promise<ClusterBackend> {
  assertCanBuildNetworks();
  const tag = runLabTag();
  // The seeded random makes the relay's jitter part of the replayable plan.
  const lab = NetworkLab.create({
    members: nodes,
    tag,
    peerPorts: [keelPeerPort],
    random: () => options.random.next(),
  });
  let ensemble: NamespacedEnsemble;
  try {
    const { memberEnv, dataDir } = options;
    ensemble = NamespacedEnsemble.start({ lab, memberEnv, ...(dataDir === undefined ? {} : { dataDir }) });
  } catch (error) {
    await lab.destroy();
    throw error;
  }
  options.log(`network lab ${tag}: members on 10.${lab.subnetOctet}.0.1–${nodes}`);
  return {
    memberIds: ensemble.ids(),
    lab,
    clientUrl: (id) => ensemble.clientUrl(id),
    startMember: (id) => ensemble.startMember(id),
    isRunning: (id) => ensemble.isRunning(id),
    kill: (id) => ensemble.kill(id, "SIGKILL"),
    signal: (id, signal) => {
      if (!ensemble.isRunning(id)) throw new Error(`${signal} ${id}: no running process`);
      // kill() resolves on exit, which a stop or continue is not: it settles when the member
      // is killed later (close() at the latest), so nothing is left waiting for good.
      void ensemble.kill(id, signal);
    },
    waitForLeader: (timeoutMs) => ensemble.waitForLeader({ timeoutMs }),
    close: async () => {
      try {
        await ensemble.close();
      } finally {
        await lab.destroy();
        const leftovers = lab.leftovers();
        if (leftovers.length > 0) options.log(`network lab ${tag}: left behind ${leftovers.join(", ")}`);
      }
    },
  };
}
