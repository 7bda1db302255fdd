"""One contender for a kazoo Lock or Election, for the leader-kill test. Round after round, until
its stdin closes, it takes the lock (or wins the election), appends "enter <id> <round>" to a log
file shared by every contender, writes its id to a shared node and reads it back through the
server, appends "exit <id> <round>", and lets go. The test checks the log for overlapping
holders; the program also reports the rounds it finished and the connection states it went
through.

usage: contender.py <hosts> <lock|election> <path> <log file> <id>
"""
import os
import sys

from common import connect, connected_port, emit, stop_on_eof, text


def append(log_path, line):
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def main():
    hosts, mode, path, log_path, ident = sys.argv[1:6]
    states = []
    client = connect(hosts, states=states)
    first_port = connected_port(client)
    holder_path = path + "-holder"
    client.retry(client.ensure_path, holder_path)
    mismatches = []
    stop = stop_on_eof()

    def critical_section(round_no):
        append(log_path, "enter %s %d" % (ident, round_no))
        client.retry(client.set, holder_path, ident.encode())
        seen = text(client.retry(client.get, holder_path)[0])
        if seen != ident:
            mismatches.append(dict(round=round_no, seen=seen))
        append(log_path, "exit %s %d" % (ident, round_no))

    rounds = 0
    while not stop.is_set():
        try:
            if mode == "lock":
                with client.Lock(path, ident):
                    critical_section(rounds)
            else:
                client.Election(path, ident).run(critical_section, rounds)
        except Exception as error:
            emit(error=repr(error), port=connected_port(client), round=rounds, states=states)
            raise
        rounds += 1
    emit(id=ident, rounds=rounds, mismatches=mismatches, states=states, firstPort=first_port)
    client.stop()


if __name__ == "__main__":
    main()
