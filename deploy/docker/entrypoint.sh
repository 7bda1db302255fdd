#!/bin/sh
# keel-server's container entry point. In a StatefulSet every pod is named <set>-<ordinal>
# (keel-0, keel-1, ...) and keeps that name across restarts, so the ordinal gives each member a
# stable id: ordinal + 1, because ids start at 1 (docs/operations.md, "Options"). KEEL_ID, when
# set, wins over the pod name.
set -eu

if [ -z "${KEEL_ID:-}" ]; then
  # POD_NAME comes from the downward API; HOSTNAME is the pod name too, for `docker run --hostname`.
  pod_name="${POD_NAME:-${HOSTNAME:-}}"
  ordinal="${pod_name##*-}"
  # Without a '-', ordinal is the whole name (a docker container id may even be all digits).
  [ "$ordinal" = "$pod_name" ] && ordinal=""
  case "$ordinal" in
    "" | *[!0-9]*)
      echo "keel-entrypoint: KEEL_ID is not set and pod name '$pod_name' does not end in -<ordinal>" >&2
      exit 2
      ;;
  esac
  KEEL_ID=$((ordinal + 1))
  export KEEL_ID
fi

# exec replaces the shell, so node is PID 1 and gets the SIGTERM itself (it stops cleanly on it).
exec node apps/server/dist/main.js "$@"
