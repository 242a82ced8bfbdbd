"""Locks, semaphores, conditions and events of `multiprocessing` and `threading`, when the user's
code creates them. Uncontended acquisitions take a fast path: a few per 10 ms are recorded in full
(LockAcquire + a Hold span), the rest only counted and sent as `Aggregate` records. Contended waits
are always recorded in full (a `Wait*` span, then LockAcquire with waited=1)."""

import itertools
import threading
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
        o._cl_budget = BUDGET


def _after_fork():
    for o in list(_registry):
        o._cl_agg = 0
        o._cl_seen = o._cl_count.__reduce__()[1][0]


def declare(key, objtype, name, capacity, where):
    """Writes the ObjDecl of a user object."""
    R.emit(K.OBJ_DECL, (key, objtype, var_name(where, name), capacity, where), lane=R.tid())


def _init(o, key, what=K.LOCK_ACQUIRE):
    o._cl_key = key
    o._cl_what = what
    o._cl_budget = BUDGET
    o._cl_agg = 0
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
    R.emit(K.LOCK_ACQUIRE, (o._cl_key, 0, waited, where if where is not None else loc(3)))
    if hold:
        o._cl_hold = R.begin(Cat.HOLD, 'hold', '', o._cl_key)


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


# ---- multiprocessing ---------------------------------------------------------------------------


def _mp_classes():
    from multiprocessing import synchronize as S

    class TLock(S.Lock):
        """A user `multiprocessing.Lock`."""

        def _make_methods(self):
            S.Lock._make_methods(self)
            self.acquire = self._cl_acquire
            self.release = self._cl_release

        def _cl_acquire(self, block=True, timeout=None):
            sl = self._semlock
            if sl.acquire(False):
                _fast(self)
                return True
            if not block:
                return False
            return _wait(self, lambda: sl.acquire(True, timeout), Cat.WAIT_LOCK)

        def _cl_release(self):
            if self._cl_hold:
                _released(self)
            self._semlock.release()

        def __enter__(self):
            # The hot path of `with lock:`: one counter call when the lock is free (see the module doc).
            if self._semlock.acquire(False):
                if self._cl_budget > 0:
                    _full(self, 0)
                else:
                    self._cl_n()
                return True
            sl = self._semlock
            return _wait(self, lambda: sl.acquire(True), Cat.WAIT_LOCK)

        def __exit__(self, t, v, tb):
            if self._cl_hold:
                _released(self)
            self._semlock.release()

        def __getstate__(self):
            return (S.SemLock.__getstate__(self), self._cl_key)

        def __setstate__(self, state):
            _init(self, state[1])
            S.SemLock.__setstate__(self, state[0])

    class TRLock(TLock, S.RLock):
        """A user `multiprocessing.RLock` (only the outermost acquire/release is recorded)."""

        def _cl_acquire(self, block=True, timeout=None):
            sl = self._semlock
            if sl._is_mine():
                return sl.acquire(block, timeout)
            return TLock._cl_acquire(self, block, timeout)

        def _cl_release(self):
            if self._semlock._count() == 1 and self._cl_hold:
                _released(self)
            self._semlock.release()

        def __enter__(self):
            return self._cl_acquire()

        def __exit__(self, t, v, tb):
            self._cl_release()

    class TSemaphore(S.Semaphore):
        """A user `multiprocessing.Semaphore` / `BoundedSemaphore` (no hold spans: any process may release)."""

        def _make_methods(self):
            S.Semaphore._make_methods(self)
            self.acquire = self._cl_acquire
            self.release = self._cl_release

        def _cl_acquire(self, block=True, timeout=None):
            sl = self._semlock
            if sl.acquire(False):
                _fast(self, False)
                return True
            if not block:
                return False
            return _wait(self, lambda: sl.acquire(True, timeout), Cat.WAIT_SEMAPHORE, False)

        def _cl_release(self):
            self._semlock.release()
            if self._cl_budget > 0:
                R.emit(K.LOCK_RELEASE, (self._cl_key,))

        def __enter__(self):
            return self._cl_acquire()

        def __exit__(self, t, v, tb):
            self._cl_release()

        __getstate__ = TLock.__getstate__
        __setstate__ = TLock.__setstate__

    class TBoundedSemaphore(TSemaphore, S.BoundedSemaphore):
        pass

    class TCondition(S.Condition):
        """A user `multiprocessing.Condition`: waits are recorded; its own lock is traced under the same key."""

        def wait(self, timeout=None):
            sid = R.begin(Cat.WAIT_CONDITION, 'wait', '', self._cl_key, loc(2))
            ok = S.Condition.wait(self, timeout)
            R.end(sid, Status.OK if ok else Status.TIMEOUT)
            return ok

        def __getstate__(self):
            return (S.Condition.__getstate__(self), self._cl_key)

        def __setstate__(self, state):
            _init(self, state[1])
            S.Condition.__setstate__(self, state[0])

    class TEvent(S.Event):
        """A user `multiprocessing.Event`: a wait on a clear event is recorded."""

        def wait(self, timeout=None):
            if self.is_set():
                return True
            sid = R.begin(Cat.WAIT_EVENT, 'wait', '', self._cl_key, loc(2))
            ok = S.Event.wait(self, timeout)
            R.end(sid, Status.OK if ok else Status.TIMEOUT)
            return ok

    return S, TLock, TRLock, TSemaphore, TBoundedSemaphore, TCondition, TEvent


def _patch_mp():
    import multiprocessing
    from multiprocessing import context

    S, TLock, TRLock, TSem, TBSem, TCond, TEvent = _mp_classes()
    globals().update(TLock=TLock, TRLock=TRLock, TSemaphore=TSem, TBoundedSemaphore=TBSem, TCondition=TCond, TEvent=TEvent)
    for cls in (TLock, TRLock, TSem, TBSem, TCond, TEvent):
        cls.__module__ = __name__  # so spawn children unpickle them from here
        cls.__qualname__ = cls.__name__

    # User objects are built as the traced classes from the start (no __class__ swap: that would
    # slow every attribute access of the object on CPython 3.11+).
    def make(cls, prefix, objtype, cap=lambda a: 1):
        def build(ctx, a, kw):
            o = cls(*a, ctx=ctx, **kw)
            new_traced(o, prefix, objtype, objtype_names[objtype], cap(a or tuple(kw.values())), 4)
            return o

        return build

    def condition(ctx, a, kw):
        lock = a[0] if a else kw.get('lock')
        o = TCond(lock, ctx=ctx)
        key = new_traced(o, 'cond', Obj.CONDITION, 'Condition', -1, 4)
        if lock is None:
            o._lock = TRLock(ctx=ctx)
            _init(o._lock, key)
            o._make_methods()
        return o

    semcap = lambda a: a[0] if a else 1
    table = {
        'Lock': make(TLock, 'lock', Obj.LOCK),
        'RLock': make(TRLock, 'rlock', Obj.RLOCK),
        'Semaphore': make(TSem, 'sem', Obj.SEMAPHORE, semcap),
        'BoundedSemaphore': make(TBSem, 'sem', Obj.SEMAPHORE, semcap),
        'Condition': condition,
        'Event': make(TEvent, 'event', Obj.EVENT, lambda a: -1),
    }
    for name, build in table.items():
        orig = getattr(context.BaseContext, name)

        def factory(self, *a, _orig=orig, _build=build, **kw):
            if R.active and called_by_user(2):
                return _build(self.get_context(), a, kw)
            return _orig(self, *a, **kw)

        setattr(context.BaseContext, name, factory)
        setattr(multiprocessing, name, getattr(context._default_context, name))


objtype_names = {Obj.LOCK: 'Lock', Obj.RLOCK: 'RLock', Obj.SEMAPHORE: 'Semaphore', Obj.EVENT: 'Event', Obj.CONDITION: 'Condition'}


# ---- threading ---------------------------------------------------------------------------------


class ThreadLock:
    """A user `threading.Lock` (wraps the C lock)."""

    def __init__(self, raw, key_prefix='tlock', objtype=Obj.LOCK, key=None):
        self._l = raw
        if key is None:
            new_traced(self, key_prefix, objtype, objtype_names[objtype], 1, 4)
        else:
            _init(self, key)  # the lock of a Condition, recorded under the Condition's key

    def acquire(self, blocking=True, timeout=-1):
        raw = self._l
        if raw.acquire(False):
            _fast(self)
            return True
        if not blocking:
            return False
        return _wait(self, lambda: raw.acquire(True, timeout), Cat.WAIT_LOCK)

    __enter__ = acquire

    def release(self):
        if self._cl_hold:
            _released(self)
        self._l.release()

    def __exit__(self, *a):
        self.release()

    def locked(self):
        return self._l.locked()

    def _at_fork_reinit(self):
        self._l._at_fork_reinit()
        self._cl_hold = 0


class ThreadRLock(ThreadLock):
    """A user `threading.RLock` (only the outermost acquire/release is recorded)."""

    def __init__(self, raw, key=None):
        ThreadLock.__init__(self, raw, 'trlock', Obj.RLOCK, key)

    def acquire(self, blocking=True, timeout=-1):
        raw = self._l
        if raw._is_owned():
            raw.acquire()
            self._cl_depth += 1
            return True
        if ThreadLock.acquire(self, blocking, timeout):
            self._cl_depth = 1
            return True
        return False

    __enter__ = acquire

    def release(self):
        self._cl_depth -= 1
        if self._cl_depth == 0 and self._cl_hold:
            _released(self)
        self._l.release()

    def _is_owned(self):
        return self._l._is_owned()

    def _release_save(self):
        depth, self._cl_depth = self._cl_depth, 0
        if self._cl_hold:
            _released(self)
        return (self._l._release_save(), depth)

    def _acquire_restore(self, state):
        self._l._acquire_restore(state[0])
        self._cl_depth = state[1]


def _patch_threading():
    raw_lock, raw_rlock = threading.Lock, threading.RLock
    base_sem, base_bsem, base_event, base_cond = threading.Semaphore, threading.BoundedSemaphore, threading.Event, threading.Condition

    def Lock():
        return ThreadLock(raw_lock()) if R.active and called_by_user(2) else raw_lock()

    def RLock(*a, **kw):
        return ThreadRLock(raw_rlock()) if R.active and called_by_user(2) else raw_rlock(*a, **kw)

    def sem_class(base):
        class TSem(base):
            """A `threading.Semaphore`, traced when user code created it."""

            _cl_key = None

            def __init__(self, value=1):
                base.__init__(self, value)
                if R.active and called_by_user(2):
                    new_traced(self, 'tsem', Obj.SEMAPHORE, 'Semaphore', value, 3)

            def acquire(self, blocking=True, timeout=None):
                if self._cl_key is None:
                    return base.acquire(self, blocking, timeout)
                if base.acquire(self, False):
                    _fast(self, False)
                    return True
                if not blocking:
                    return False
                return _wait(self, lambda: base.acquire(self, True, timeout), Cat.WAIT_SEMAPHORE, False)

            __enter__ = acquire

            def release(self, n=1):
                base.release(self, n)
                if self._cl_key is not None and self._cl_budget > 0:
                    R.emit(K.LOCK_RELEASE, (self._cl_key,))

        TSem.__name__ = TSem.__qualname__ = base.__name__
        TSem.__module__ = 'threading'  # pickled by reference (e.g. a Manager's registry) as threading.X
        return TSem

    class TEvent(base_event):
        """A `threading.Event`, traced when user code created it."""

        _cl_key = None

        def __init__(self):
            base_event.__init__(self)
            if R.active and called_by_user(2):
                self._cl_key = R.new_key('tevent')
                declare(self._cl_key, Obj.EVENT, 'Event', -1, loc(2))

        def wait(self, timeout=None):
            if self._cl_key is None or self.is_set():
                return base_event.wait(self, timeout)
            sid = R.begin(Cat.WAIT_EVENT, 'wait', '', self._cl_key, loc(2))
            ok = base_event.wait(self, timeout)
            R.end(sid, Status.OK if ok else Status.TIMEOUT)
            return ok

    class TCondition(base_cond):
        """A `threading.Condition`, traced when user code created it."""

        _cl_key = None

        def __init__(self, lock=None):
            user = R.active and called_by_user(2)
            if user:
                self._cl_key = R.new_key('tcond')
                declare(self._cl_key, Obj.CONDITION, 'Condition', -1, loc(2))
                if lock is None:
                    lock = ThreadRLock(raw_rlock(), self._cl_key)
            base_cond.__init__(self, lock)

        def wait(self, timeout=None):
            if self._cl_key is None:
                return base_cond.wait(self, timeout)
            sid = R.begin(Cat.WAIT_CONDITION, 'wait', '', self._cl_key, loc(2))
            ok = base_cond.wait(self, timeout)
            R.end(sid, Status.OK if ok else Status.TIMEOUT)
            return ok

    for cls, base in ((TEvent, base_event), (TCondition, base_cond)):
        cls.__name__ = cls.__qualname__ = base.__name__
        cls.__module__ = 'threading'
    for fn in (Lock, RLock):
        fn.__module__, fn.__qualname__ = 'threading', fn.__name__  # picklable by reference, like the originals
    threading.Lock, threading.RLock = Lock, RLock
    threading.Semaphore, threading.BoundedSemaphore = sem_class(base_sem), sem_class(base_bsem)
    threading.Event, threading.Condition = TEvent, TCondition


def install():
    """Patches multiprocessing and threading synchronisation primitives."""
    _patch_mp()
    _patch_threading()
    R._tick.append(_tick)
    R._child_hooks.append(_after_fork)
