/**
 * Pure: the zoo.cfg of one member of a loopback ZooKeeper ensemble. ZooKeeper's own defaults
 * (the Debian example config) apart from what a benchmark on one machine needs: loopback ports,
 * forceSync=yes spelled out (fsync before ack, as Keel and etcd do), no admin HTTP server (it
 * would take port 8080), the four-letter words we use to find the leader, no per-IP connection cap.
 */
export interface ZkMember {
  id: number;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
}

export interface ZkConfigInput {
  dataDir: string;
  self: ZkMember;
  /** Every member, self included; one member means standalone. */
  members: readonly ZkMember[];
  tickTimeMs?: number;
  initLimit?: number;
  syncLimit?: number;
}

export function zooCfg(input: ZkConfigInput): string {
  const lines = [
    `tickTime=${input.tickTimeMs ?? 2000}`,
    `initLimit=${input.initLimit ?? 10}`,
    `syncLimit=${input.syncLimit ?? 5}`,
    `dataDir=${input.dataDir}`,
    "clientPortAddress=127.0.0.1",
    `clientPort=${input.self.clientPort}`,
    "forceSync=yes",
    "maxClientCnxns=0",
    "admin.enableServer=false",
    "4lw.commands.whitelist=srvr,ruok,mntr",
    "autopurge.purgeInterval=0",
  ];
  if (input.members.length > 1) {
    for (const m of input.members) lines.push(`server.${m.id}=127.0.0.1:${m.quorumPort}:${m.electionPort}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The `myid` file's content. */
export function myid(member: ZkMember): string {
  return `${member.id}\n`;
}
