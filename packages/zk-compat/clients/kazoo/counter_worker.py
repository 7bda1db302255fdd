"""Increments a kazoo Counter until its stdin closes and reports how many increments were
acknowledged. kazoo's Counter is a read + versioned set, retried on a version conflict; here a
lost connection is not retried blindly (the set may have applied, and a retry would count it
twice) but reported as "ambiguous", so the test can bound the final value:
acked <= final <= acked + ambiguous. Prints {"progress": n} every 5 attempts.

usage: counter_worker.py <hosts> <path>
"""
import sys

from common import connect, connected_port, emit, stop_on_eof, wait_until
from kazoo.exceptions import ConnectionLoss, OperationTimeoutError, SessionExpiredError
from kazoo.protocol.states import KazooState
from kazoo.retry import ForceRetryError, KazooRetry


def main():
    hosts, path = sys.argv[1], sys.argv[2]
    cas_retry = KazooRetry(max_tries=-1, delay=0.01, max_delay=0.2)
    cas_retry.retry_exceptions = (ForceRetryError,)
    states = []
    client = connect(hosts, command_retry=cas_retry, states=states)
    first_port = connected_port(client)
    counter = client.Counter(path)
    stop = stop_on_eof()
    acked = 0
    ambiguous = 0
    while not stop.is_set():
        try:
            counter += 1
            acked += 1
        except (ConnectionLoss, OperationTimeoutError, SessionExpiredError):
            ambiguous += 1
            wait_until(lambda: client.state == KazooState.CONNECTED, what="the session to reconnect")
        except Exception as error:
            # Anything else is an answer no ZooKeeper server gives here: say where it came from.
            emit(error=repr(error), port=connected_port(client), acked=acked, ambiguous=ambiguous, states=states)
            raise
        if (acked + ambiguous) % 5 == 0:
            emit(progress=acked + ambiguous)
    emit(acked=acked, ambiguous=ambiguous, states=states, firstPort=first_port)
    client.stop()


if __name__ == "__main__":
    main()
