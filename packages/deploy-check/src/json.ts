/** JSON values as YAML and JSON parsers hand them over, and the narrowing the checks need. */
export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function objectField(value: JsonObject, key: string, where: string): JsonObject {
  const field = value[key];
  if (!isJsonObject(field)) throw new Error(`${where}: ${key} must be an object`);
  return field;
}

export function stringField(value: JsonObject, key: string, where: string): string {
  const field = value[key];
  if (typeof field !== "string") throw new Error(`${where}: ${key} must be a string`);
  return field;
}

export function arrayField(value: JsonObject, key: string, where: string): readonly Json[] {
  const field = value[key];
  if (!Array.isArray(field)) throw new Error(`${where}: ${key} must be a list`);
  return field;
}
