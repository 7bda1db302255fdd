/**
 * A private network for one ensemble: a Linux bridge in the root namespace (10.x.0.254/24) and, per
 * member, a network namespace joined to it by a veth pair (10.x.0.<id>/24, renamed `eth0` inside).
 * Faults are cut between members only: the root namespace (the harness's clients) always reaches
 * every member, because every rule names another member's address, never the bridge's.
 *
 * - Partitions: iptables DROP rules inside each namespace (chain `kpart`), by the other member's
 *   address, and by the conntrack original destination so connections relayed by `delay` are cut
 *   too. Dropped, not rejected: open connections just stop hearing back, as over a dead link (a
 *   new connect from the cut side fails at once with EPERM, from the OUTPUT drop).
 * - Loss: iptables `statistic` DROP rules (chain `kloss`) on member↔member packets.
 * - Delay: a TCP relay per member peer port (see delay-proxy.ts), because this kernel has no netem.
 *
 * Everything is named after the tag, so `destroy()` and `sweep()` find it again after a crash.
 * Needs root, `ip` (iproute2), `iptables` and `ss`.
 */
import { DelayProxy } from "./delay-proxy.js";
import { attempt, run } from "./shell.js";

export interface NetworkLabOptions {
  /** Members 1..members; each gets 10.x.0.<id>. */
  readonly members: number;
  /**
   * Prefix of every name the lab creates (interface names are ≤ 15 characters): lower-case letters
   * and digits, at most 10. Default `kc<pid % 1000>`.
   */
  readonly tag?: string;
  /** The x of 10.x.0.0/24; default: the first one from 100 + pid % 100 that no route uses. */
  readonly subnetOctet?: number;
  /** TCP ports the members talk to each other on (the peer port): what `delay` relays. */
  readonly peerPorts?: readonly number[];
  /** For delay jitter; pass a seeded one to replay a run. Default Math.random. */
  readonly random?: () => number;
}

const membersMax = 253;
const tagPattern = /^[a-z][a-z0-9]{0,9}$/;
const partitionChain = "kpart";
const lossChain = "kloss";

export class NetworkLab {
  private readonly delays = new Map<number, { readonly ms: number; readonly jitterMs: number }>();
  private readonly proxies = new Map<string, DelayProxy>();
  private readonly onExit = () => this.removeAll();
  private destroyed = false;

  private constructor(
    readonly tag: string,
    readonly members: number,
    readonly subnetOctet: number,
    private readonly peerPorts: readonly number[],
    private readonly random: () => number,
  ) {}

  static create(options: NetworkLabOptions): NetworkLab {
    const tag = options.tag ?? `kc${process.pid % 1000}`;
    if (!tagPattern.test(tag)) throw new Error(`network lab: tag ${JSON.stringify(tag)} must match ${tagPattern}`);
    if (!Number.isInteger(options.members) || options.members < 1 || options.members > membersMax) {
      throw new Error(`network lab: members must be 1..${membersMax}`);
    }
    if (attempt(["ip", "link", "show", bridgeName(tag)])) {
      throw new Error(`network lab: ${bridgeName(tag)} exists (another run with tag ${tag}, or sweep("${tag}"))`);
    }
    const octet = options.subnetOctet ?? freeSubnetOctet();
    const lab = new NetworkLab(tag, options.members, octet, options.peerPorts ?? [], options.random ?? Math.random);
    process.on("exit", lab.onExit);
    try {
      lab.build();
    } catch (error) {
      lab.removeAll();
      throw error;
    }
    return lab;
  }

  /**
   * Removes every namespace and link whose name starts with `tagPrefix`: leftovers of a run that
   * died before destroy(). A prefix shorter than one run's tag also removes live labs of parallel
   * runs, so pass a full tag unless you know nothing else is running.
   */
  static sweep(tagPrefix: string): void {
    if (!/^[a-z][a-z0-9]*$/.test(tagPrefix)) throw new Error(`sweep: bad prefix ${JSON.stringify(tagPrefix)}`);
    for (const namespace of listNamespaces()) {
      if (namespace.startsWith(tagPrefix)) attempt(["ip", "netns", "del", namespace]);
    }
    for (const link of listLinks()) {
      if (link.startsWith(tagPrefix)) attempt(["ip", "link", "del", link]);
    }
  }

  /** Names of what this lab would leave behind if it had not been destroyed (empty when clean). */
  leftovers(): string[] {
    return [...listNamespaces(), ...listLinks()].filter((name) => name.startsWith(this.tag));
  }

  get bridgeAddress(): string {
    return `10.${this.subnetOctet}.0.254`;
  }

  addressOf(id: number): string {
    this.assertMember(id);
    return `10.${this.subnetOctet}.0.${id}`;
  }

  namespaceOf(id: number): string {
    this.assertMember(id);
    return `${this.tag}n${id}`;
  }

  /** The argv that runs `argv` inside member `id`'s namespace (`ip netns exec` execs, so the pid is argv's). */
  exec(id: number, argv: readonly string[]): string[] {
    return ["ip", "netns", "exec", this.namespaceOf(id), ...argv];
  }

  /** Members in different groups cannot reach each other; members in no group keep every link. Replaces any earlier partition. */
  partition(groups: readonly (readonly number[])[]): void {
    const seen = new Set<number>();
    for (const id of groups.flat()) {
      this.assertMember(id);
      if (seen.has(id)) throw new Error(`partition: member ${id} is in two groups`);
      seen.add(id);
    }
    const pairs: [number, number][] = [];
    groups.forEach((group, index) => {
      for (const other of groups.slice(index + 1)) for (const a of group) for (const b of other) pairs.push([a, b]);
    });
    this.cutPairs(pairs);
  }

  /** `id` can reach no other member (the harness still reaches it). */
  isolate(id: number): void {
    this.partition([[id], this.ids().filter((other) => other !== id)]);
  }

  /** `a` and `b` cannot see each other; every other member still sees both (a non-transitive partition). */
  bridgePartition(a: number, b: number): void {
    this.assertMember(a);
    this.assertMember(b);
    if (a === b) throw new Error("bridgePartition: a and b must differ");
    this.cutPairs([[a, b]]);
  }

  /** Drops `percent` of the packets `id` exchanges with other members, each way. Replaces its earlier loss. */
  loss(id: number, percent: number): void {
    if (!(percent >= 0 && percent <= 100)) throw new Error("loss: percent must be 0..100");
    this.iptables(id, ["-F", lossChain]);
    if (percent === 0) return;
    const statistic = ["-m", "statistic", "--mode", "random", "--probability", String(percent / 100), "-j", "DROP"];
    for (const other of this.ids().filter((o) => o !== id)) {
      this.iptables(id, ["-A", lossChain, "-s", this.addressOf(other), ...statistic]);
      this.iptables(id, ["-A", lossChain, "-d", this.addressOf(other), ...statistic]);
    }
  }

  /**
   * Delays every chunk on `id`'s peer connections (to and from it) by ms ± jitterMs, one way: a
   * round trip between two members gains 2 × the sum of their delays. Existing peer connections of
   * `id` are reset so they reconnect through the relay.
   */
  async delay(id: number, ms: number, jitterMs = 0): Promise<void> {
    this.assertMember(id);
    if (this.peerPorts.length === 0) throw new Error("delay: create the lab with peerPorts");
    if (!(ms >= 0 && jitterMs >= 0 && jitterMs <= ms)) throw new Error("delay: need 0 ≤ jitterMs ≤ ms");
    this.delays.set(id, { ms, jitterMs });
    await this.startProxies();
    this.rebuildRelayRules();
    for (const other of this.ids().filter((o) => o !== id)) {
      this.resetDirectConnections(id, other);
      this.resetDirectConnections(other, id);
    }
  }

  /** Bytes the delay relays have carried so far (0 until `delay` is first called). */
  bytesRelayed(): number {
    let total = 0;
    for (const proxy of this.proxies.values()) total += proxy.bytesRelayed;
    return total;
  }

  /** Removes every partition, loss and delay rule. Relayed connections stay up (with no delay). */
  heal(): void {
    this.delays.clear();
    for (const id of this.ids()) {
      this.iptables(id, ["-F", partitionChain]);
      this.iptables(id, ["-F", lossChain]);
      this.iptables(id, ["-t", "nat", "-F", "OUTPUT"]);
    }
  }

  /** Removes everything this lab created; safe to call twice and after a failed create. */
  async destroy(): Promise<void> {
    const proxies = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all(proxies.map((proxy) => proxy.close()));
    this.removeAll();
  }

  // --- building and removing -------------------------------------------------------------------

  private build(): void {
    const bridge = bridgeName(this.tag);
    run(["ip", "link", "add", bridge, "type", "bridge"]);
    run(["ip", "addr", "add", `${this.bridgeAddress}/24`, "dev", bridge]);
    run(["ip", "link", "set", bridge, "up"]);
    for (const id of this.ids()) this.buildMember(id, bridge);
  }

  private buildMember(id: number, bridge: string): void {
    const namespace = this.namespaceOf(id);
    const outside = `${this.tag}v${id}`;
    const inside = `${this.tag}p${id}`;
    run(["ip", "netns", "add", namespace]);
    run(["ip", "link", "add", outside, "type", "veth", "peer", "name", inside]);
    run(["ip", "link", "set", inside, "netns", namespace]);
    run(this.exec(id, ["ip", "link", "set", inside, "name", "eth0"]));
    run(this.exec(id, ["ip", "addr", "add", `${this.addressOf(id)}/24`, "dev", "eth0"]));
    run(this.exec(id, ["ip", "link", "set", "eth0", "up"]));
    run(this.exec(id, ["ip", "link", "set", "lo", "up"]));
    run(["ip", "link", "set", outside, "master", bridge]);
    run(["ip", "link", "set", outside, "up"]);
    for (const chain of [partitionChain, lossChain]) {
      this.iptables(id, ["-N", chain]);
      this.iptables(id, ["-A", "INPUT", "-j", chain]);
      this.iptables(id, ["-A", "OUTPUT", "-j", chain]);
    }
  }

  /** Synchronous so that it can run from the exit handler. Namespaces hold the veths: deleting them frees both ends. */
  private removeAll(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    process.off("exit", this.onExit);
    for (const id of this.ids()) attempt(["ip", "netns", "del", `${this.tag}n${id}`]);
    for (const id of this.ids()) attempt(["ip", "link", "del", `${this.tag}v${id}`]);
    attempt(["ip", "link", "del", bridgeName(this.tag)]);
  }

  // --- faults ----------------------------------------------------------------------------------

  /** Installs exactly these cut pairs (both directions, in both namespaces), replacing earlier ones. */
  private cutPairs(pairs: readonly [number, number][]): void {
    for (const id of this.ids()) this.iptables(id, ["-F", partitionChain]);
    for (const [a, b] of pairs) {
      this.dropBetween(a, b);
      this.dropBetween(b, a);
    }
  }

  /** In `id`'s namespace, drops its packets to and from `other`, direct or relayed. */
  private dropBetween(id: number, other: number): void {
    const address = this.addressOf(other);
    this.iptables(id, ["-A", partitionChain, "-s", address, "-j", "DROP"]);
    this.iptables(id, ["-A", partitionChain, "-d", address, "-j", "DROP"]);
    // A relayed connection's packets carry the bridge's address; conntrack still knows the member.
    this.iptables(id, ["-A", partitionChain, "-m", "conntrack", "--ctorigdst", address, "-j", "DROP"]);
  }

  private async startProxies(): Promise<void> {
    for (const target of this.ids()) {
      for (const port of this.peerPorts) {
        const key = `${target}:${port}`;
        if (this.proxies.has(key)) continue;
        const proxy = await DelayProxy.start({
          listenHost: this.bridgeAddress,
          targetHost: this.addressOf(target),
          targetPort: port,
          delayMsFor: (sourceHost) => this.delayMsOf(this.memberAt(sourceHost)) + this.delayMsOf(target),
        });
        this.proxies.set(key, proxy);
      }
    }
  }

  /** Connections between two members go through the relay when either of them is delayed. */
  private rebuildRelayRules(): void {
    for (const from of this.ids()) {
      this.iptables(from, ["-t", "nat", "-F", "OUTPUT"]);
      for (const to of this.ids()) {
        if (to === from || !(this.delays.has(from) || this.delays.has(to))) continue;
        for (const port of this.peerPorts) {
          const proxy = this.proxies.get(`${to}:${port}`);
          if (proxy === undefined) throw new Error(`delay: no relay for ${to}:${port}`);
          const destination = ["-p", "tcp", "-d", this.addressOf(to), "--dport", String(port)];
          const target = ["-j", "DNAT", "--to-destination", `${this.bridgeAddress}:${proxy.port}`];
          this.iptables(from, ["-t", "nat", "-A", "OUTPUT", ...destination, ...target]);
        }
      }
    }
  }

  /** NAT applies to new connections only: abort `from`'s open, unrelayed connections to `to`'s peer ports. */
  private resetDirectConnections(from: number, to: number): void {
    for (const port of this.peerPorts) {
      attempt(this.exec(from, ["ss", "-K", "-t", "dst", this.addressOf(to), "dport", "=", `:${port}`]));
    }
  }

  private delayMsOf(id: number | undefined): number {
    const delay = id === undefined ? undefined : this.delays.get(id);
    if (delay === undefined) return 0;
    return delay.ms + (this.random() * 2 - 1) * delay.jitterMs;
  }

  private memberAt(address: string): number | undefined {
    const prefix = `10.${this.subnetOctet}.0.`;
    const plain = address.replace(/^::ffff:/, "");
    if (!plain.startsWith(prefix)) return undefined;
    const id = Number(plain.slice(prefix.length));
    return id >= 1 && id <= this.members ? id : undefined;
  }

  private iptables(id: number, args: readonly string[]): void {
    run(this.exec(id, ["iptables", "-w", ...args]));
  }

  private ids(): number[] {
    return Array.from({ length: this.members }, (_, index) => index + 1);
  }

  private assertMember(id: number): void {
    if (!Number.isInteger(id) || id < 1 || id > this.members) throw new Error(`network lab: no member ${id}`);
  }
}

function bridgeName(tag: string): string {
  return `${tag}br`;
}

function listNamespaces(): string[] {
  // `ip netns list` prints "name" or "name (id: 3)".
  return run(["ip", "netns", "list"])
    .split("\n")
    .map((line) => line.split(" ")[0] ?? "")
    .filter((name) => name.length > 0);
}

function listLinks(): string[] {
  // `ip -o link show` prints "7: name@peer: <FLAGS> ...".
  return run(["ip", "-o", "link", "show"])
    .split("\n")
    .map((line) => line.split(": ")[1]?.split("@")[0] ?? "")
    .filter((name) => name.length > 0);
}

/** The first 10.x.0.0/24 from 100 + pid % 100 (wrapping within 100..249) that no route on this host uses. */
function freeSubnetOctet(): number {
  const routes = run(["ip", "-4", "route", "show"]);
  for (let step = 0; step < 150; step++) {
    const octet = 100 + (((process.pid % 100) + step) % 150);
    if (!routes.includes(`10.${octet}.`)) return octet;
  }
  throw new Error("network lab: no free 10.x.0.0/24 in 10.100–10.249");
}
