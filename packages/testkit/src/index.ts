export { httpClient, type KeelHttpClient, type KeelWsClient, wsClient } from "./clients.js";
export { Ensemble, type EnsembleOptions, type Member } from "./ensemble.js";
export { freePort, freePorts } from "./ports.js";
