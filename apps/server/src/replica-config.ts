/** Maps the server's validated configuration onto the pure replica's (ids, voters, tick counts). */
import { type PeerId, peerId, REPLICA_CONFIG_DEFAULTS, type ReplicaConfig } from "@keel/core";
import type { ServerConfig } from "./config.js";
import { bootstrapPeers } from "./membership.js";

export function replicaConfigFrom(config: ServerConfig): ReplicaConfig {
  const ids = (role: "voter" | "observer"): PeerId[] =>
    bootstrapPeers(config)
      .filter((peer) => peer.role === role)
      .map((peer) => peerId(peer.id));
  const own = config.peers.find((peer) => peer.id === config.id);
  return {
    self: peerId(config.id),
    ...(config.join && own !== undefined ? { joining: own.role } : {}),
    voters: ids("voter"),
    observers: ids("observer"),
    initLimitTicks: config.initLimitTicks,
    syncLimitTicks: config.syncLimitTicks,
    electionTimeoutTicks: config.electionTimeoutTicks,
    electionTimeoutMaxTicks: Math.max(config.electionTimeoutTicks, REPLICA_CONFIG_DEFAULTS.electionTimeoutMaxTicks),
    finalizeWaitTicks: REPLICA_CONFIG_DEFAULTS.finalizeWaitTicks,
  };
}
