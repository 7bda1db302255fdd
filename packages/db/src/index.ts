// Placeholder entry: the storage layer lands with its issue.
export const KEEL_DB_VERSION = "0.1.0";
