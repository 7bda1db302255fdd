/** Where the files under test live, from this package's place in the monorepo (packages/deploy-check/src). */
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export function repoPath(relative: string): string {
  return join(repoRoot, relative);
}
