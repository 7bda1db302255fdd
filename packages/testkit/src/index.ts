export { makeTestCertificates, type PemFiles, readPem, type TestCertificates } from "./certificates.js";
export {
  basicAuth,
  createOnce,
  httpClient,
  type KeelHttpClient,
  type KeelWsClient,
  keelCodeOf,
  type RetryClass,
  type RetryOptions,
  retryClassOf,
  retryRead,
  retrySafe,
  writeOnce,
  wsClient,
} from "./clients.js";
export { Ensemble, type EnsembleOptions, type EnsembleTls, type Member, writePeerSecret } from "./ensemble.js";
export { freePort, freePorts } from "./ports.js";
export { fourLetterWord, startZooKeeper, ZooKeeperEnsemble, type ZooKeeperMember } from "./zookeeper.js";
