import type { NextConfig } from "next";

// The console is a pure consumer of the servers' API. No next/font/google (machines here have no
// internet access); telemetry is disabled by the scripts through NEXT_TELEMETRY_DISABLED=1.
const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
