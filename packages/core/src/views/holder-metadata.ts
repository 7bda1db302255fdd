/**
 * The JSON the SDK writes into every queue node (docs/client.md, "Where recipes keep their
 * state"): { clientId, host, pid, label?, acquiredAt?, nonce }. Parsed leniently, for display: a
 * field of the wrong type is dropped rather than the whole record, so a half-right node still
 * shows what it can. (The SDK's own parseHolder is stricter: it needs a string clientId.)
 */

export interface HolderMetadata {
  readonly clientId?: string;
  readonly host?: string;
  readonly pid?: number;
  readonly label?: string;
  readonly acquiredAt?: number;
  /**
   * A semaphore's permits as its user passed them. The SDK does not write this yet (see
   * semaphoreView); read here so the views use it as soon as it does.
   */
  readonly permits?: number;
}

const FIELDS = [
  ["clientId", "string"],
  ["host", "string"],
  ["pid", "number"],
  ["label", "string"],
  ["acquiredAt", "number"],
  ["permits", "number"],
] as const;

/** The holder metadata in a node's data; undefined when the data is not a JSON object. */
export function parseHolderMetadata(data: string | undefined): HolderMetadata | undefined {
  if (data === undefined || data.length === 0) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const metadata: Record<string, string | number> = {};
  for (const [key, type] of FIELDS) {
    const field = record[key];
    if (typeof field === type) metadata[key] = field as string | number;
  }
  return metadata as HolderMetadata;
}
