/**
 * The Keel TypeScript SDK. For now it carries only the version; connect(), sessions, watches and
 * the recipes (locks, elections, barriers, queues, counters) arrive with the client SDK issue.
 */
export const KEEL_CLIENT_VERSION = "0.1.0";
