/**
 * Znode paths (docs/data-model.md §1): validation with ZooKeeper's PathUtils rules plus
 * Keel's explicit byte and depth limits, and the parent/child helpers the tree uses. Every
 * violation is a BADARGUMENTS KeelError with a message naming the rule, returned, never thrown.
 */

import { utf8ByteLength } from "../codec/bytes.js";
import { type KeelError, keelError } from "../errors.js";
import { PATH_BYTES_MAX, PATH_DEPTH_MAX } from "../limits.js";

export interface PathOptions {
  /**
   * True for a sequential create: the path is checked as if the 10-digit suffix were already
   * appended, so `/a/` (a trailing slash) is legal and yields `/a/0000000003`.
   */
  readonly sequential?: boolean;
}

/** The 10-digit suffix ZooKeeper appends (`%010d`), for validation of sequential prefixes. */
const SEQUENTIAL_SUFFIX_SAMPLE = "0000000000";

/** Returns undefined when `path` is a valid znode path, else a BADARGUMENTS error saying why. */
export function validatePath(path: string, options: PathOptions = {}): KeelError | undefined {
  if (typeof path !== "string" || path.length === 0) return bad("path must be a non-empty string", "");
  const full = options.sequential === true ? path + SEQUENTIAL_SUFFIX_SAMPLE : path;
  if (full.charCodeAt(0) !== 0x2f) return bad("path must start with /", path);
  if (utf8ByteLength(full) > PATH_BYTES_MAX) return bad(`path is longer than ${PATH_BYTES_MAX} bytes`, path);
  if (full.length === 1) return undefined;
  if (full.charCodeAt(full.length - 1) === 0x2f) return bad("path must not end with /", path);
  let depth = 0;
  let segmentStart = 1;
  for (let i = 1; i <= full.length; i++) {
    const code = i < full.length ? full.charCodeAt(i) : 0x2f;
    if (code === 0x2f) {
      const segmentError = checkSegment(full, segmentStart, i, path);
      if (segmentError !== undefined) return segmentError;
      depth++;
      segmentStart = i + 1;
      continue;
    }
    if (isDisallowed(code)) return bad(`path has a disallowed character U+${hex4(code)} at index ${i}`, path);
  }
  if (depth > PATH_DEPTH_MAX) return bad(`path is deeper than ${PATH_DEPTH_MAX} segments`, path);
  return undefined;
}

function checkSegment(full: string, start: number, end: number, path: string): KeelError | undefined {
  if (end === start) return bad("path has an empty segment (//)", path);
  if (end - start === 1 && full.charCodeAt(start) === 0x2e) return bad("path has a . segment", path);
  if (end - start === 2 && full.charCodeAt(start) === 0x2e && full.charCodeAt(start + 1) === 0x2e) {
    return bad("path has a .. segment", path);
  }
  return undefined;
}

/** ZooKeeper's PathUtils ranges: NUL, C0/C1 controls, DEL, surrogates + private use, specials. */
function isDisallowed(code: number): boolean {
  return (
    code === 0 ||
    (code > 0 && code < 0x20) ||
    (code >= 0x7f && code <= 0x9f) ||
    (code >= 0xd800 && code <= 0xf8ff) ||
    (code >= 0xfff0 && code <= 0xffff)
  );
}

function hex4(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, "0");
}

function bad(message: string, path: string): KeelError {
  return keelError("BADARGUMENTS", `invalid path ${JSON.stringify(path)}: ${message}`, path);
}

/** Checks data size against the configured maximum (default 1 MiB, DATA_BYTES_MAX_DEFAULT). */
export function validateData(data: Uint8Array, dataBytesMax: number, path: string): KeelError | undefined {
  if (data.length <= dataBytesMax) return undefined;
  return keelError("BADARGUMENTS", `data of ${data.length} bytes exceeds the ${dataBytesMax}-byte maximum`, path);
}

/** Parent of a valid non-root path (`/a/b` → `/a`, `/a` → `/`). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash <= 0 ? "/" : path.slice(0, slash);
}

/** Last segment of a valid non-root path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function childPath(parent: string, name: string): string {
  return parent === "/" ? `/${name}` : `${parent}/${name}`;
}

/** True when `path` is `ancestor` or below it. */
export function isWithin(path: string, ancestor: string): boolean {
  if (ancestor === "/") return true;
  return path === ancestor || (path.startsWith(ancestor) && path.charCodeAt(ancestor.length) === 0x2f);
}

/**
 * The number a sequential create appends under a parent: how many children were ever created
 * under it, as ZooKeeper numbers them (docs/data-model.md §2). cversion counts child creates and
 * deletes and numChildren is creates minus deletes, so creates = (cversion + numChildren) / 2;
 * genesis parents start at cversion = −(children present), as ZooKeeper reports them. So numbers
 * are unique, increasing and, under a parent whose children are all sequential, gap-free.
 */
export function sequentialNumber(parent: { readonly cversion: number; readonly numChildren: number }): number {
  return int32Add(Math.floor((parent.cversion + parent.numChildren) / 2), 0);
}

/**
 * The sequential suffix: `%010d` of the sequential number. The counter is a signed 32-bit int, so
 * after 2147483647 it wraps negative and ZooKeeper prints e.g. `-2147483648`; Keel keeps Java's
 * `%010d` (sign counted in the width) rather than inventing its own.
 */
export function sequentialSuffix(sequence: number): string {
  if (sequence < 0) return `-${String(-sequence).padStart(9, "0")}`;
  return String(sequence).padStart(10, "0");
}

/** Adds to a signed 32-bit counter with Java's wrap-around, as ZooKeeper's int versions do. */
export function int32Add(value: number, delta: number): number {
  return (value + delta) | 0;
}
