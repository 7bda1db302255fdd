"""Runs kazoo's recipes with two sessions (a and b) under <root> and prints one JSON line per
recipe with what it observed; the vitest file asserts on it.

usage: recipes.py <hosts for a> <hosts for b> <root> <recipe>...
       recipes: lock election counter queue lockingqueue barrier doublebarrier datawatch
       childrenwatch transaction
"""
import sys
import threading
import time
import traceback

from common import connect, emit, text, wait_until


def lock(a, b, root):
    lock_a = a.Lock(root + "/lock", "a")
    lock_b = b.Lock(root + "/lock", "b")
    first = lock_a.acquire(timeout=30)
    second_while_held = lock_b.acquire(blocking=False)
    a.sync(root + "/lock")
    contenders_while_held = lock_a.contenders()
    # b now blocks in a thread; it must get the lock only once a lets go.
    got_b = threading.Event()
    threading.Thread(target=lambda: lock_b.acquire(timeout=60) and got_b.set(), daemon=True).start()
    wait_until(lambda: len(lock_a.contenders()) == 2, what="b to queue for the lock")
    b_held_before_release = got_b.is_set()
    lock_a.release()
    second_after_release = got_b.wait(60)
    contenders_after = lock_b.contenders()
    lock_b.release()
    return dict(first=first, secondWhileHeld=second_while_held, contendersWhileHeld=contenders_while_held,
                bHeldBeforeRelease=b_held_before_release, secondAfterRelease=second_after_release,
                contendersAfter=contenders_after)


def election(a, b, root):
    leaders = []
    released = {"a": threading.Event(), "b": threading.Event()}
    leading = {"a": threading.Event(), "b": threading.Event()}

    def lead(name):
        leaders.append(name)
        leading[name].set()
        released[name].wait(60)

    ea = a.Election(root + "/election", "a")
    eb = b.Election(root + "/election", "b")
    threading.Thread(target=ea.run, args=(lead, "a"), daemon=True).start()
    leading["a"].wait(60)
    threading.Thread(target=eb.run, args=(lead, "b"), daemon=True).start()
    wait_until(lambda: len(ea.contenders()) == 2, what="b to join the election")
    contenders = ea.contenders()
    leaders_while_a = list(leaders)
    released["a"].set()
    leading["b"].wait(60)
    leaders_after = list(leaders)
    released["b"].set()
    return dict(contenders=contenders, leadersWhileA=leaders_while_a, leadersAfter=leaders_after)


def counter(a, b, root):
    ca = a.Counter(root + "/counter")
    cb = b.Counter(root + "/counter")
    ca += 5
    cb += 3
    cb -= 2
    # Each session reads from its own member: sync first, or a follower may not have the write yet.
    a.sync(root + "/counter")
    sequential = ca.value
    per_thread = 20

    def bump(c):
        for _ in range(per_thread):
            c += 1

    threads = [threading.Thread(target=bump, args=(c,)) for c in (a.Counter(root + "/counter"), b.Counter(root + "/counter"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    b.sync(root + "/counter")
    return dict(sequential=sequential, concurrentIncrements=2 * per_thread, final=cb.value)


def queue(a, b, root):
    qa = a.Queue(root + "/queue")
    qb = b.Queue(root + "/queue")
    qa.put(b"one")
    qa.put(b"two")
    qa.put(b"urgent", priority=10)
    b.sync(root + "/queue")
    length = len(qb)
    got = [text(qb.get()) for _ in range(4)]
    return dict(lengthAfterPuts=length, got=got)


def lockingqueue(a, b, root):
    qa = a.LockingQueue(root + "/lockingqueue")
    qb = b.LockingQueue(root + "/lockingqueue")
    qa.put(b"job-1")
    qa.put_all([b"job-2", b"job-3"])
    consumed = []
    for _ in range(3):
        item = qb.get(timeout=30)
        held = qb.holds_lock()
        consumed.append(dict(item=text(item), held=held, done=qb.consume()))
    a.sync(root + "/lockingqueue")
    return dict(consumed=consumed, lengthAfter=len(qa))


def barrier(a, b, root):
    ba = a.Barrier(root + "/barrier")
    bb = b.Barrier(root + "/barrier")
    ba.create()
    b.sync(root + "/barrier")
    blocked = bb.wait(timeout=1)
    passed = {}
    waiter = threading.Thread(target=lambda: passed.update(value=bb.wait(timeout=60)), daemon=True)
    waiter.start()
    ba.remove()
    waiter.join()
    return dict(waitWhileUp=blocked, waitAfterRemove=passed.get("value"))


def doublebarrier(a, b, root):
    times = {}
    da = a.DoubleBarrier(root + "/doublebarrier", 2, identifier="a")
    db = b.DoubleBarrier(root + "/doublebarrier", 2, identifier="b")

    def party(name, barrier, before_enter=None):
        if before_enter:
            before_enter.wait(60)
        times[name + "EnterCalled"] = time.monotonic()
        barrier.enter()
        times[name + "Entered"] = time.monotonic()
        barrier.leave()
        times[name + "Left"] = time.monotonic()

    a_started = threading.Event()
    ta = threading.Thread(target=party, args=("a", da), daemon=True)
    ta.start()
    # a is alone for a while: it must not pass enter() until b calls it.
    wait_until(lambda: a.exists(root + "/doublebarrier") and len(a.get_children(root + "/doublebarrier")) == 1,
               what="a to register")
    a_started.set()
    tb = threading.Thread(target=party, args=("b", db, a_started), daemon=True)
    tb.start()
    ta.join(90)
    tb.join(90)
    a.sync(root + "/doublebarrier")
    return dict(aEnteredAfterBCalled=times.get("aEntered", 0) >= times.get("bEnterCalled", float("inf")),
                bothLeft="aLeft" in times and "bLeft" in times,
                childrenAfter=a.get_children(root + "/doublebarrier") if a.exists(root + "/doublebarrier") else [])


def datawatch(a, b, root):
    path = root + "/datawatch"
    a.create(path, b"v0", makepath=True)
    events = []

    @a.DataWatch(path)
    def watch(data, stat):
        events.append(dict(data=text(data), version=None if stat is None else stat.version))

    wait_until(lambda: len(events) == 1, what="the initial call")
    b.sync(path)
    b.set(path, b"v1")
    wait_until(lambda: len(events) == 2, what="the v1 event")
    b.set(path, b"v2")
    wait_until(lambda: len(events) == 3, what="the v2 event")
    b.delete(path)
    wait_until(lambda: len(events) == 4, what="the delete event")
    return dict(events=events)


def childrenwatch(a, b, root):
    path = root + "/childrenwatch"
    a.ensure_path(path)
    seen = []

    @a.ChildrenWatch(path)
    def watch(children):
        seen.append(sorted(children))

    wait_until(lambda: len(seen) == 1, what="the initial call")
    b.sync(path)
    b.create(path + "/c1")
    wait_until(lambda: len(seen) == 2, what="c1")
    b.create(path + "/c2")
    wait_until(lambda: len(seen) == 3, what="c2")
    b.delete(path + "/c1")
    wait_until(lambda: len(seen) == 4, what="c1 gone")
    return dict(seen=seen)


def transaction(a, b, root):
    base = root + "/txn"
    a.ensure_path(base)
    a.create(base + "/existing", b"old")
    ok = a.transaction()
    ok.create(base + "/t1", b"x")
    ok.set_data(base + "/existing", b"new", version=0)
    ok.check(base + "/existing", 1)
    ok.delete(base + "/t1")
    ok.create(base + "/t2", b"y")
    results = ok.commit()
    committed = [r if isinstance(r, (str, bool)) else type(r).__name__ for r in results]
    b.sync(base)
    bad = b.transaction()
    bad.create(base + "/t3", b"z")
    bad.check(base + "/existing", 99)
    bad.set_data(base + "/t2", b"never")
    failed = [r if isinstance(r, (str, bool)) else type(r).__name__ for r in bad.commit()]
    return dict(committed=committed, existing=text(b.get(base + "/existing")[0]),
                t1=b.exists(base + "/t1") is not None, t2=text(b.get(base + "/t2")[0]),
                failed=failed, t3=b.exists(base + "/t3") is not None)


RECIPES = dict(lock=lock, election=election, counter=counter, queue=queue, lockingqueue=lockingqueue,
               barrier=barrier, doublebarrier=doublebarrier, datawatch=datawatch,
               childrenwatch=childrenwatch, transaction=transaction)


def main():
    # a and b may talk to different members: b syncs before it first relies on a's writes.
    hosts_a, hosts_b, root, names = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    a = connect(hosts_a)
    b = connect(hosts_b)
    a.ensure_path(root)
    for name in names:
        try:
            emit(recipe=name, **RECIPES[name](a, b, root))
        except Exception:
            emit(recipe=name, error=traceback.format_exc())
    a.stop()
    b.stop()


if __name__ == "__main__":
    main()
