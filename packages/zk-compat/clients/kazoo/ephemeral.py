"""Creates an ephemeral node (and a persistent one), prints them, then holds the session until
its stdin closes, so the test can watch the ephemeral vanish when the kazoo session ends.

usage: ephemeral.py <hosts> <ephemeral path> <persistent path>
"""
import sys

from common import connect, emit


def main():
    hosts, ephemeral, persistent = sys.argv[1:4]
    client = connect(hosts)
    client.create(ephemeral, b"held by kazoo", ephemeral=True, makepath=True)
    client.create(persistent, b"made by kazoo", makepath=True)
    emit(sessionId=hex(client.client_id[0]), ephemeral=ephemeral, persistent=persistent)
    sys.stdin.read()
    client.stop()
    client.close()
    emit(closed=True)


if __name__ == "__main__":
    main()
