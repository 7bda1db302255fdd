"""Runs the differential test's script against one ZooKeeper-compatible server, with kazoo.

Usage: /usr/bin/python3 run_script.py <connect-string>  (the script's JSON steps on stdin)

Prints one JSON line per step, in order: {"step": id, "ok": <result>} or {"step": id, "error":
<kazoo exception class>}. Results are raw (absolute zxids, session ids, times): the caller
normalises them, so both servers' outputs go through the same, unit-tested normalisation.
64-bit values (zxids, ephemeralOwner, session ids) are printed as decimal strings because
JavaScript numbers lose precision above 2^53.

Every request goes through kazoo's own connection (its request queue, reply matching and
watch registration) but is built from kazoo's raw request records, not its high-level
methods: those normalise and validate paths client-side, and the script needs the server's
answer to malformed paths. Ops kazoo 2.8 has no record for (createContainer 19, createTTL 21,
getEphemerals 103, getAllChildrenNumber 104) get small record classes in the same style.
"""
import json
import sys
import time

from kazoo.client import KazooClient
from kazoo.exceptions import ConnectionLoss
from kazoo.protocol.serialization import (
    CheckVersion, Create, Create2, Delete, Exists, GetACL, GetChildren, GetChildren2, GetData,
    SetACL, SetData, Sync, Transaction, int_struct, long_struct, read_string, stat_struct,
    write_buffer, write_string)
from kazoo.protocol.states import ZnodeStat
from kazoo.security import ACL, Id, make_digest_acl_credential

SESSION_TIMEOUT_S = 10.0
CONNECT_WAIT_S = 20.0
EVENT_WAIT_S = 10.0
REPLY_WAIT_S = 20.0


def write_acls(acls):
    b = bytearray(int_struct.pack(len(acls)))
    for acl in acls:
        b.extend(int_struct.pack(acl.perms) + write_string(acl.id.scheme) + write_string(acl.id.id))
    return b


class CreateContainer(Create2):
    """createContainer (op 19): CreateRequest with flags 4, answered with Create2Response."""
    type = 19


class CreateTTL(object):
    """createTTL (op 21): CreateRequest plus a ttl long, answered with Create2Response."""
    type = 21

    def __init__(self, path, data, acl, flags, ttl):
        self.path, self.data, self.acl, self.flags, self.ttl = path, data, acl, flags, ttl

    def serialize(self):
        return (write_string(self.path) + write_buffer(self.data) + write_acls(self.acl)
                + int_struct.pack(self.flags) + long_struct.pack(self.ttl))

    deserialize = Create2.deserialize


class GetEphemerals(object):
    """getEphemerals (op 103): prefix path in, vector of full paths out."""
    type = 103

    def __init__(self, prefix):
        self.path = prefix

    def serialize(self):
        return write_string(self.path)

    @classmethod
    def deserialize(cls, bytes, offset):
        count = int_struct.unpack_from(bytes, offset)[0]
        offset += int_struct.size
        paths = []
        for _ in range(max(count, 0)):
            path, offset = read_string(bytes, offset)
            paths.append(path)
        return paths


class GetAllChildrenNumber(object):
    """getAllChildrenNumber (op 104): path in, int out."""
    type = 104

    def __init__(self, path):
        self.path = path

    def serialize(self):
        return write_string(self.path)

    @classmethod
    def deserialize(cls, bytes, offset):
        return int_struct.unpack_from(bytes, offset)[0]


class CheckAlone(CheckVersion):
    """check (op 13) sent outside multi, which ZooKeeper answers with UNIMPLEMENTED."""

    @classmethod
    def deserialize(cls, bytes, offset):
        return True


def stat_dict(stat):
    d = stat._asdict()
    for key in ('czxid', 'mzxid', 'pzxid', 'ephemeralOwner'):
        d[key] = str(d[key])
    return d


def data_out(data):
    if data is None:
        return None
    if len(data) > 64:
        return {'length': len(data)}
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError:
        return {'hex': data.hex()}


def data_in(step):
    if 'dataBytes' in step:
        return b'x' * step['dataBytes']
    data = step.get('data', '')
    return None if data is None else data.encode('utf-8')


def acls_in(step):
    if 'acl' not in step:
        return [ACL(31, Id('world', 'anyone'))]
    out = []
    for a in step['acl']:
        ident = a['id']
        if a['scheme'] == 'digest' and 'password' in a:
            ident = make_digest_acl_credential(a['id'], a['password'])
        out.append(ACL(a['perms'], Id(a['scheme'], ident)))
    return out


FLAGS = {'persistent': 0, 'ephemeral': 1, 'persistent_sequential': 2, 'ephemeral_sequential': 3,
         'container': 4, 'ttl': 5, 'ttl_sequential': 6}


class Runner(object):
    def __init__(self, hosts):
        self.hosts = hosts
        self.clients = {}
        self.events = {}

    def client(self, name):
        zk = self.clients.get(name)
        if zk is None:
            raise RuntimeError('client %s is not open' % name)
        deadline = time.time() + CONNECT_WAIT_S
        while not zk.connected and time.time() < deadline:
            time.sleep(0.05)   # after a dropped connection kazoo reconnects on its own
        return zk

    def call(self, name, request, reply_wait_s=REPLY_WAIT_S):
        zk = self.client(name)
        result = zk.handler.async_result()
        zk._call(request, result)
        return result.get(timeout=reply_wait_s)

    def watcher(self, name):
        def record(event):
            self.events[name].append([event.type, event.path])
        return record

    def run(self, step):
        op = step['op']
        name = step.get('client', 'a')
        path = step.get('path')
        watch = self.watcher(name) if step.get('watch') else None
        if op == 'open':
            zk = KazooClient(hosts=self.hosts, timeout=SESSION_TIMEOUT_S)
            zk.start(timeout=CONNECT_WAIT_S)
            self.clients[name] = zk
            self.events[name] = []
            return {'sessionId': str(zk._session_id)}
        if op == 'close':
            zk = self.clients.pop(name)
            zk.stop()
            zk.close()
            return {}
        if op == 'addAuth':
            self.client(name).add_auth(step['scheme'], step['credential'])
            return {}
        if op in ('create', 'create2'):
            flags = FLAGS[step.get('mode', 'persistent')]
            args = (path, data_in(step), acls_in(step), flags)
            if 'ttl' in step:
                created, stat = self.call(name, CreateTTL(*args, step['ttl']))
            elif flags == 4:
                created, stat = self.call(name, CreateContainer(*args))
            elif op == 'create2':
                created, stat = self.call(name, Create2(*args))
            else:
                return {'path': self.call(name, Create(*args))}
            return {'path': created, 'stat': stat_dict(stat)}
        if op == 'delete':
            self.call(name, Delete(path, step.get('version', -1)))
            return {}
        if op == 'exists':
            stat = self.call(name, Exists(path, watch))
            return {'stat': None if stat is None else stat_dict(stat)}
        if op == 'get':
            data, stat = self.call(name, GetData(path, watch))
            return {'data': data_out(data), 'stat': stat_dict(stat)}
        if op == 'set':
            return {'stat': stat_dict(self.call(name, SetData(path, data_in(step), step.get('version', -1))))}
        if op == 'children':
            return {'children': self.call(name, GetChildren(path, watch))}
        if op == 'children2':
            children, stat = self.call(name, GetChildren2(path, watch))
            return {'children': children, 'stat': stat_dict(stat)}
        if op == 'getAcl':
            acls, stat = self.call(name, GetACL(path))
            return {'acl': [[a.perms, a.id.scheme, a.id.id] for a in acls], 'stat': stat_dict(stat)}
        if op == 'setAcl':
            return {'stat': stat_dict(self.call(name, SetACL(path, acls_in(step), step.get('version', -1))))}
        if op == 'sync':
            return {'path': self.call(name, Sync(path))}
        if op == 'check':
            self.call(name, CheckAlone(path, step.get('version', -1)), step.get('replyWaitS', REPLY_WAIT_S))
            return {}
        if op == 'ephemerals':
            return {'paths': self.call(name, GetEphemerals(path))}
        if op == 'allChildrenNumber':
            return {'count': self.call(name, GetAllChildrenNumber(path))}
        if op == 'multi':
            return {'results': [self.multi_result(r) for r in self.call(name, Transaction(
                [self.multi_op(o) for o in step['ops']]))]}
        if op == 'events':
            return {'events': self.wait_events(name, step['count'])}
        raise RuntimeError('unknown op %s' % op)

    def multi_op(self, o):
        if o['op'] == 'create':
            return Create(o['path'], data_in(o), acls_in(o), FLAGS[o.get('mode', 'persistent')])
        if o['op'] == 'delete':
            return Delete(o['path'], o.get('version', -1))
        if o['op'] == 'set':
            return SetData(o['path'], data_in(o), o.get('version', -1))
        if o['op'] == 'check':
            return CheckVersion(o['path'], o.get('version', -1))
        raise RuntimeError('unknown multi op %s' % o['op'])

    @staticmethod
    def multi_result(r):
        if isinstance(r, Exception):
            return {'error': type(r).__name__}
        if isinstance(r, ZnodeStat):
            return {'stat': stat_dict(r)}
        if isinstance(r, str):
            return {'path': r}
        return {'done': r}

    def wait_events(self, name, count):
        """Waits for `count` watch events (the next step would race them), then one more beat's
        worth of nothing: a server that fires twice shows up as an extra event."""
        deadline = time.time() + EVENT_WAIT_S
        while len(self.events[name]) < count and time.time() < deadline:
            time.sleep(0.02)
        self.call(name, Sync('/'))   # events precede the replies that follow them on one session
        seen, self.events[name] = self.events[name], []
        return seen

    def close_all(self):
        for zk in self.clients.values():
            try:
                zk.stop()
                zk.close()
            except Exception:   # noqa: best effort at exit
                pass


def main():
    hosts = sys.argv[1]
    steps = json.load(sys.stdin)
    runner = Runner(hosts)
    try:
        for step in steps:
            try:
                out = {'step': step['id'], 'ok': runner.run(step)}
            except ConnectionLoss:
                out = {'step': step['id'], 'error': 'ConnectionLoss'}
            except Exception as exc:   # the server's answer, as kazoo's exception class
                out = {'step': step['id'], 'error': type(exc).__name__}
            print(json.dumps(out), flush=True)
    finally:
        runner.close_all()


main()
