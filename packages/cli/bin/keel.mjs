#!/usr/bin/env node
// The `keel` bin. A committed plain-JS shim rather than dist/main.js itself: npm links a
// workspace's bin into the root node_modules/.bin only if the target exists at install time, and
// dist/ does not exist until the first build. So `npx keel` works from a fresh clone after
// `npm ci` and a build (and says how to build when dist/ is missing).
import { existsSync } from "node:fs";

const entry = new URL("../dist/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write("keel: the CLI is not built yet; run `npm run build` (or `npm run keel -- …`) in the repo\n");
  process.exit(1);
}
const { runFromProcess } = await import(entry.href);
await runFromProcess();
