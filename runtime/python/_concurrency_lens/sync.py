"""Locks, semaphores, conditions and events of `multiprocessing` and `threading`, when the user's
code creates them. Uncontended acquisitions take a fast path: a few per 10 ms are recorded in full
(LockAcquire + a Hold span), the rest only counted and sent as `Aggregate` records (semaphore releases
past the budget too, with `what` = LockRelease). Contended waits
are always recorded in full (a `Wait*` span, then LockAcquire with waited=1)."""
import itertools
import weakref

from . import recorder as R
from .schema import K, Cat, Obj, Status
from .where import called_by_user, loc, var_name

BUDGET = 8  # acquisitions recorded in full per object, process and flush tick
_registry = weakref.WeakSet()
_last_tick = [R.now()]


def _tick():
    t = R.now()
    since = float(_last_tick[0])
    _last_tick[0] = t
    for o in list(_registry):
        total = o._cl_count.__reduce__()[1][0]
        n = o._cl_agg + total - o._cl_seen
        if n:
            o._cl_agg = 0
            o._cl_seen = total
            R.emit(K.AGGREGATE, (o._cl_key, o._cl_what, n, since), t, 0)
        rel = o._cl_rel
        if rel:
            # Semaphore releases past the budget: counted, not silently left out.
            o._cl_rel -= rel
            R.emit(K.AGGREGATE, (o._cl_key, K.LOCK_RELEASE, rel, since), t, 0)
        o._cl_budget = BUDGET


def _after_fork():
    for o in list(_registry):
        o._cl_agg = 0
        o._cl_rel = 0
        o._cl_seen = o._cl_count.__reduce__()[1][0]


def present_as(cls, base):
    """Makes the traced class `cls` look like `base` to the user: its `__name__` and repr are base's
    (`<Lock(owner=None)>`, `<multiprocessing.queues.Queue object at ...>`), so a program that prints
    one, and a Run span that shows a process's arguments, read as without the hook. `__module__` and
    `__qualname__` stay the hook's: pickling finds the traced class by them."""
    hook, plain = cls.__qualname__, base.__qualname__
    full_hook, full_plain = '%s.%s' % (cls.__module__, hook), '%s.%s' % (base.__module__, plain)
    cls.__name__ = base.__name__

    def __repr__(self):
        return base.__repr__(self).replace(full_hook, full_plain).replace(hook, plain)

    cls.__repr__ = __repr__


def declare(key, objtype, name, capacity, where):
    """Writes the ObjDecl of a user object."""
    R.emit(K.OBJ_DECL, (key, objtype, var_name(where, name), capacity, where), lane=R.tid())


def _init(o, key, what=K.LOCK_ACQUIRE):
    o._cl_key = key
    o._cl_what = what
    o._cl_budget = BUDGET
    o._cl_agg = 0
    o._cl_rel = 0
    o._cl_hold = 0
    o._cl_depth = 0
    o._cl_count = itertools.count()
    o._cl_n = o._cl_count.__next__
    o._cl_seen = 0
    _registry.add(o)


def new_traced(o, prefix, objtype, name, capacity, depth=3):
    """Gives `o` a run-wide key, registers it and declares it; returns the key."""
    key = R.new_key(prefix)
    _init(o, key)
    declare(key, objtype, name, capacity, loc(depth))
    return key


def _full(o, waited, where=None, hold=True):
    o._cl_budget -= 1
    where = where if where is not None else loc(3)
    R.emit(K.LOCK_ACQUIRE, (o._cl_key, 0, waited, where))
    if hold:
        # The hold carries the acquire's line too, as in Node runs (lints name the hold's site).
        o._cl_hold = R.begin(Cat.HOLD, 'hold', '', o._cl_key, where)


def _released(o):
    h = o._cl_hold
    o._cl_hold = 0
    R.end(h)
    R.emit(K.LOCK_RELEASE, (o._cl_key,))


def _wait(o, acquire, cat, hold=True):
    """Blocking path: records the wait span, then the acquisition. `acquire()` blocks."""
    where = loc(3)
    sid = R.begin(cat, 'acquire', '', o._cl_key, where)
    ok = acquire()
    R.end(sid, Status.OK if ok else Status.TIMEOUT)
    if ok:
        o._cl_budget += 1  # a contended acquisition does not use the budget
        _full(o, 1, where, hold)
    return ok


def _fast(o, hold=True):
    if o._cl_budget > 0:
        _full(o, 0, None, hold)
    else:
        o._cl_agg += 1


def barrier_wait(o, wait, timeout):
    """A barrier wait as a `WaitCondition` span named 'barrier' (status Error when the barrier broke)."""
    sid = R.begin(Cat.WAIT_CONDITION, 'barrier', '%d parties' % o.parties, o._cl_key, loc(3))
    status = Status.ERROR
    try:
        r = wait(o, timeout)
        status = Status.OK
        return r
    finally:
        R.end(sid, status)


objtype_names = {
    Obj.LOCK: 'Lock', Obj.RLOCK: 'RLock', Obj.SEMAPHORE: 'Semaphore', Obj.EVENT: 'Event', Obj.CONDITION: 'Condition',
    Obj.BARRIER: 'Barrier',
}


def route(name, trace):
    """Wraps the multiprocessing context factory `name` (Queue, Pipe, Value...): when user code calls
    it, `trace(obj, args, kwargs)` returns the traced object."""
    import multiprocessing
    from multiprocessing import context

    orig = getattr(context.BaseContext, name)

    def factory(self, *a, **kw):
        o = orig(self, *a, **kw)
        return trace(o, a, kw) if R.active and called_by_user(2) else o

    setattr(context.BaseContext, name, factory)
    setattr(multiprocessing, name, getattr(context._default_context, name))


def install():
    """Patches multiprocessing and threading synchronisation primitives."""
    from . import sync_mp, sync_threads

    sync_mp.install()
    sync_threads.install()
    R._tick.append(_tick)
    R._child_hooks.append(_after_fork)
