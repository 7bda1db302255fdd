/**
 * A token's scope as the Users & tokens page shows and takes it (docs/security.md, "Token scope"):
 * perms as letters (ZooKeeper's r w c d a, the CLI's `--perms rwcda`), paths one per line.
 */
import { PERMS } from "@keel/core";

export const PERM_LETTERS: readonly { letter: string; bit: number; name: string }[] = [
  { letter: "r", bit: PERMS.READ, name: "read" },
  { letter: "w", bit: PERMS.WRITE, name: "write" },
  { letter: "c", bit: PERMS.CREATE, name: "create" },
  { letter: "d", bit: PERMS.DELETE, name: "delete" },
  { letter: "a", bit: PERMS.ADMIN, name: "admin" },
];

/** Scope paths a token may hold (the server's limit: 1..16). */
export const TOKEN_SCOPE_PATHS_MAX = 16;

/** "rwcda" for 31, "r" for 1, "-" for 0. */
export function permsText(mask: number): string {
  const letters = PERM_LETTERS.filter(({ bit }) => (mask & bit) === bit).map(({ letter }) => letter);
  return letters.length === 0 ? "-" : letters.join("");
}

export function permsOfLetters(letters: readonly string[]): number {
  return PERM_LETTERS.filter(({ letter }) => letters.includes(letter)).reduce((mask, { bit }) => mask | bit, 0);
}

/**
 * The paths typed one per line (or comma separated): trimmed, without empties and repeats, and
 * without a trailing slash. An error names the first path the server would refuse; none typed is "/".
 */
export function parseScopePaths(text: string): { paths: string[] } | { error: string } {
  const paths = [
    ...new Set(
      text
        .split(/[\n,]/)
        .map((path) => path.trim())
        .filter((path) => path !== "")
        .map((path) => (path.length > 1 ? path.replace(/\/+$/, "") : path)),
    ),
  ];
  if (paths.length === 0) return { paths: ["/"] };
  const bad = paths.find((path) => !path.startsWith("/"));
  if (bad !== undefined) return { error: `${bad}: a path starts with /` };
  if (paths.length > TOKEN_SCOPE_PATHS_MAX) return { error: `at most ${TOKEN_SCOPE_PATHS_MAX} paths` };
  return { paths };
}

const DAY_MS = 86_400_000;

/** The lifetimes the create-token form offers (the server takes 1 minute to 365 days). */
export const TOKEN_TTL_CHOICES: readonly { label: string; ms: number }[] = [
  { label: "1 hour", ms: 3_600_000 },
  { label: "1 day", ms: DAY_MS },
  { label: "7 days", ms: 7 * DAY_MS },
  { label: "30 days", ms: 30 * DAY_MS },
  { label: "90 days", ms: 90 * DAY_MS },
  { label: "365 days", ms: 365 * DAY_MS },
];
