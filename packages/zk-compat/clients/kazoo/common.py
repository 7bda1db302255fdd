"""Shared by the kazoo programs: one JSON object per stdout line, a patient client (session
timeout 15 s, commands retried through a leader failover), and polling instead of sleeps.
Hosts are tried in the order given (no shuffling), so a test decides which member each client
talks to first."""
import json
import logging
import sys
import threading
import time

from kazoo.client import KazooClient
from kazoo.retry import KazooRetry

logging.basicConfig(stream=sys.stderr, level=logging.WARNING)

SESSION_TIMEOUT_S = 15.0


def connect(hosts, command_retry=None, states=None):
    """A started client; if `states` is a list, every connection state change is appended to it."""
    retry = dict(max_tries=-1, delay=0.1, max_delay=1.0)
    client = KazooClient(
        hosts=hosts,
        randomize_hosts=False,
        timeout=SESSION_TIMEOUT_S,
        connection_retry=KazooRetry(**retry),
        command_retry=command_retry if command_retry is not None else KazooRetry(**retry),
    )
    if states is not None:
        client.add_listener(lambda state: states.append(str(state)))
    client.start(timeout=60)
    return client


def emit(**fields):
    print(json.dumps(fields), flush=True)


def wait_until(condition, timeout_s=60.0, what="condition"):
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("timed out waiting for " + what)
        time.sleep(0.02)


def text(data):
    return None if data is None else data.decode("utf-8")


def connected_port(client):
    """The server port the client is connected to now (diagnostics; kazoo keeps it private)."""
    try:
        return client._connection._socket.getpeername()[1]
    except Exception:
        return None


def stop_on_eof():
    """An event set once stdin reaches end of file: the test closes stdin to say "finish"."""
    stop = threading.Event()

    def watch():
        sys.stdin.read()
        stop.set()

    threading.Thread(target=watch, daemon=True).start()
    return stop
