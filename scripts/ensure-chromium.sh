#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the Playwright tests.
# Playwright's own browser download cannot work on machines without internet access, so Keel's
# e2e suite drives the distribution's browser instead.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[keel] installing chromium with apt-get (needed by the e2e tests)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "[keel] /usr/bin/chromium is missing. Install Debian's chromium first, e.g.: sudo apt-get install -y chromium" >&2
exit 1
