export { DelayProxy, type DelayProxyOptions } from "./delay-proxy.js";
export {
  keelClientPort,
  keelPeerPort,
  NamespacedEnsemble,
  type NamespacedEnsembleOptions,
} from "./namespaced-ensemble.js";
export { NetworkLab, type NetworkLabOptions } from "./network-lab.js";
