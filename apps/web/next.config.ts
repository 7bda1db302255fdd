import type { NextConfig } from "next";

// The console is a pure consumer of the servers' API. No next/font/google (machines here have no
// internet access); telemetry is disabled by the scripts through NEXT_TELEMETRY_DISABLED=1.
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // `KEEL_CONSOLE_DEV=1 npm start` gives each `next dev` its own output folder, so several
  // developers' (or agents') dev servers can run side by side in one checkout.
  ...(process.env.KEEL_WEB_DIST_DIR ? { distDir: process.env.KEEL_WEB_DIST_DIR } : {}),
};

export default config;
