/**
 * Test harness: a real 3-member ensemble (testkit's Ensemble) and clients connected to it, all
 * closed at the end. Members can be paused (SIGSTOP) to model a member that hangs or is cut off
 * without closing its sockets, and resumed (SIGCONT).
 */
import { Ensemble, type EnsembleOptions } from "@keel/testkit";
import { type ConnectOptions, connect, type KeelClient } from "../node.js";

export class Harness {
  private readonly clients: KeelClient[] = [];
  private readonly paused = new Set<number>();

  private constructor(readonly ensemble: Ensemble) {}

  static async start(options: EnsembleOptions = {}): Promise<Harness> {
    const ensemble = await Ensemble.start(options);
    await ensemble.waitForLeader();
    return new Harness(ensemble);
  }

  get servers(): string[] {
    return this.ensemble.members.map((member) => member.clientUrl);
  }

  url(id: number): string {
    return this.ensemble.member(id).clientUrl;
  }

  async client(options: Partial<ConnectOptions> = {}): Promise<KeelClient> {
    const client = await connect({ servers: this.servers, sessionTimeoutMs: 4000, ...options });
    this.clients.push(client);
    return client;
  }

  /** The member id behind a client URL. */
  memberIdOf(url: string | undefined): number {
    const member = this.ensemble.members.find((m) => m.clientUrl === url);
    if (!member) throw new Error(`no member at ${url}`);
    return member.id;
  }

  async leaderId(): Promise<number> {
    return this.ensemble.waitForLeader();
  }

  pause(id: number): void {
    this.ensemble.member(id).process?.kill("SIGSTOP");
    this.paused.add(id);
  }

  resume(id: number): void {
    this.ensemble.member(id).process?.kill("SIGCONT");
    this.paused.delete(id);
  }

  async close(): Promise<void> {
    for (const id of this.paused) this.resume(id);
    await Promise.all(this.clients.map((client) => client.close().catch(() => undefined)));
    await this.ensemble.close();
  }
}

/** Polls `condition` until it holds (conditions, not sleeps); fails after `timeoutMs`. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
