#!/bin/sh
# keel-server's container entry point. In a StatefulSet every pod is named <set>-<ordinal>
# (keel-0, keel-1, ...) and keeps that name across restarts, so the ordinal gives each member a
# stable id: ordinal + 1, because ids start at 1 (docs/operations.md, "Options"). KEEL_ID, when
# set, wins over the pod name.
#
# Growing the ensemble online (docs/operations.md, "Scaling"): BOOTSTRAP_MEMBER_COUNT says how many
# members the ensemble was first started with (the members KEEL_PEERS lists). A member whose id is
# above it was added later with `keel members add`, or is about to be: it starts with --join and its
# own peer entry, <pod name>.<PEER_DOMAIN>, is appended to the list, since the server refuses a
# configuration whose own id is not in it. These two variables are the entry point's, not the
# server's, hence no KEEL_ prefix (the server warns about KEEL_* variables it does not know).
# Without BOOTSTRAP_MEMBER_COUNT every member starts as listed.
set -eu

# POD_NAME comes from the downward API; HOSTNAME is the pod name too, for `docker run --hostname`.
pod_name="${POD_NAME:-${HOSTNAME:-}}"

if [ -z "${KEEL_ID:-}" ]; then
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

# The ports the StatefulSet's container declares (peer, client), as in every KEEL_PEERS entry.
join_peer_port=7001
join_client_port=8001

if [ -n "${BOOTSTRAP_MEMBER_COUNT:-}" ]; then
  case "$BOOTSTRAP_MEMBER_COUNT" in
    *[!0-9]* | 0*)
      echo "keel-entrypoint: BOOTSTRAP_MEMBER_COUNT must be a positive whole number, not '$BOOTSTRAP_MEMBER_COUNT'" >&2
      exit 2
      ;;
  esac
  # A KEEL_ID that is not a number is left for the server to refuse with its own message.
  case "$KEEL_ID" in
    "" | *[!0-9]*) joining=false ;;
    *) if [ "$KEEL_ID" -gt "$BOOTSTRAP_MEMBER_COUNT" ]; then joining=true; else joining=false; fi ;;
  esac
  if [ "$joining" = true ]; then
    if [ -z "${PEER_DOMAIN:-}" ] || [ -z "$pod_name" ]; then
      echo "keel-entrypoint: member $KEEL_ID is above BOOTSTRAP_MEMBER_COUNT=$BOOTSTRAP_MEMBER_COUNT, so it joins; its own peer entry <pod name>.<PEER_DOMAIN> needs PEER_DOMAIN and POD_NAME (or HOSTNAME)" >&2
      exit 2
    fi
    own_peer="$KEEL_ID=$pod_name.$PEER_DOMAIN:$join_peer_port:$join_client_port"
    # --peer flags replace KEEL_PEERS as a whole (lists are never merged), so the entry goes where
    # the list is: after the container's --peer flags if it has any, else at the end of KEEL_PEERS.
    peer_flags=false
    for arg in "$@"; do
      case "$arg" in --peer | --peer=*) peer_flags=true ;; esac
    done
    if [ "$peer_flags" = true ]; then
      set -- "$@" --peer "$own_peer"
    else
      KEEL_PEERS="${KEEL_PEERS:+$KEEL_PEERS,}$own_peer"
      export KEEL_PEERS
    fi
    # The variable, not the flag: a --join among the container's arguments then still wins (a
    # flag given twice is an error, a variable shadowed by its flag is not).
    KEEL_JOIN=true
    export KEEL_JOIN
  fi
fi

# exec replaces the shell, so node is PID 1 and gets the SIGTERM itself (it stops cleanly on it).
exec node apps/server/dist/main.js "$@"
