/**
 * A child process that owns one namespaced Keel ensemble and its delay relays
 * (drivers/keel-namespaced.ts starts it). Why a separate process: the relays are Node sockets and
 * timers; in the load generator's process a busy client would hold back peer traffic, heartbeats
 * included, and turn client load into network delay (it did: writes over HTTP lost the leader).
 *
 * Protocol, one JSON line each on stdout:
 * - argv: `<peerDelayMs> <members> <tag>`;
 * - `{"ready":true,"clientUrls":[...],"namespaces":[...]}` once a leader is elected, or `{"error":"..."}`;
 * - on stdin's end (the parent stopped or died) or SIGTERM/SIGINT: kills the servers, removes the
 *   lab, prints `{"bytesRelayed":N}` and exits. The lab's own exit handler is the last resort.
 */
import { loadChaosNet, type NamespacedEnsemble, type NetworkLab } from "./chaos-net.js";

/** The server defaults (tick 50 ms, syncLimit 8 ticks), as the local Keel driver runs them. */
const tickMs = 50;
const syncLimitTicks = 8;
const leaderWaitMs = 60_000;

const say = (message: object): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

async function main(): Promise<void> {
  const [delayText, membersText, tag] = process.argv.slice(2);
  const peerDelayMs = Number(delayText);
  const members = Number(membersText);
  if (!(peerDelayMs >= 0) || !Number.isInteger(members) || tag === undefined) {
    throw new Error("usage: lab-host <peerDelayMs> <members> <tag>");
  }
  const net = await loadChaosNet();
  const lab: NetworkLab = net.NetworkLab.create({ members, tag, peerPorts: [net.keelPeerPort] });
  let ensemble: NamespacedEnsemble | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      try {
        await ensemble?.close();
      } finally {
        const bytesRelayed = lab.bytesRelayed();
        await lab.destroy();
        say({ bytesRelayed });
      }
    })();
    return stopping;
  };
  const stopAndExit = (code: number) => () => void stop().finally(() => process.exit(code));
  process.stdin.on("end", stopAndExit(0));
  process.stdin.resume();
  process.once("SIGTERM", stopAndExit(143));
  process.once("SIGINT", stopAndExit(130));
  try {
    // Each end of a link holds a chunk for its own delay: half each makes `peerDelayMs` one way.
    // Delayed before the servers start, so that the election already runs over slow links.
    if (peerDelayMs > 0) for (let id = 1; id <= members; id++) await lab.delay(id, peerDelayMs / 2);
    ensemble = net.NamespacedEnsemble.start({ lab, tickMs, syncLimitTicks });
    await ensemble.waitForLeader({ timeoutMs: leaderWaitMs });
    const ids = ensemble.ids();
    say({
      ready: true,
      clientUrls: ids.map((id) => ensemble?.clientUrl(id)),
      namespaces: ids.map((id) => lab.namespaceOf(id)),
    });
  } catch (error) {
    say({ error: (error as Error).message });
    await stop();
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  say({ error: (error as Error).stack ?? String(error) });
  process.exit(1);
});
