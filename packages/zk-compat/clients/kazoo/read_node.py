"""Reads one node (after a sync, so it sees every committed write) and prints its data and stat.

usage: read_node.py <hosts> <path>
"""
import sys

from common import connect, emit, text


def main():
    hosts, path = sys.argv[1:3]
    client = connect(hosts)
    client.sync(path)
    stat = client.exists(path)
    data = text(client.get(path)[0]) if stat is not None else None
    emit(path=path, exists=stat is not None, data=data,
         ephemeralOwner=None if stat is None else hex(stat.ephemeralOwner),
         children=sorted(client.get_children(path)) if stat is not None else [])
    client.stop()


if __name__ == "__main__":
    main()
