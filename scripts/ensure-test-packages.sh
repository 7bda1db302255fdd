#!/usr/bin/env bash
# Makes sure the Debian packages the test suites drive are installed:
# - chromium at /usr/bin/chromium for the Playwright console tests (Playwright's own browser
#   download cannot work on machines without internet access);
# - zookeeper (zkCli.sh, and the server the differential test compares against), python3-kazoo,
#   Curator's jars and a JDK (Curator's test program is compiled at test time) for the ZooKeeper
#   wire compatibility suite (packages/zk-compat);
# - iproute2 and iptables: the fault harness (packages/chaos) partitions real servers in network
#   namespaces, and libfaketime steps their wall clocks (the clock-skew nemesis).
set -euo pipefail
needed=(chromium zookeeper python3-kazoo libcurator-framework-java libcurator-recipes-java openjdk-17-jdk-headless iproute2 iptables libfaketime)
missing=()
for pkg in "${needed[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "[keel] installing ${missing[*]} with apt-get (needed by the tests)..."
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "[keel] Debian packages missing for the tests: ${missing[*]}. Install them first, e.g.: sudo apt-get install -y ${missing[*]}" >&2
exit 1
