"""`threading` Lock, RLock, Semaphore, BoundedSemaphore, Event and Condition created by user code.
Lock and RLock become wrappers around the C locks; the others are subclasses that stay untraced
(and behave exactly as before) when the standard library creates them."""

import threading

from . import recorder as R
from .schema import K, Cat, Obj, Status
from .sync import _fast, _init, _released, _wait, barrier_wait, declare, new_traced, objtype_names
from .where import called_by_user, loc


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

    def __repr__(self):
        return repr(self._l)  # what the user would see without the hook, its state included


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


def install():
    """Replaces the threading factories and classes with their traced versions."""
    raw_lock, raw_rlock = threading.Lock, threading.RLock
    # Named as the C locks they wrap (`type(lock).__name__` is 'lock' without the hook).
    for cls, raw in ((ThreadLock, raw_lock), (ThreadRLock, raw_rlock)):
        kind = type(raw())
        cls.__name__, cls.__qualname__, cls.__module__ = kind.__name__, kind.__qualname__, kind.__module__
    base_sem, base_bsem = threading.Semaphore, threading.BoundedSemaphore
    base_event, base_cond = threading.Event, threading.Condition

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
                if self._cl_key is not None:
                    if self._cl_budget > 0:
                        R.emit(K.LOCK_RELEASE, (self._cl_key,))
                    else:
                        self._cl_rel += 1  # counted, sent as an Aggregate at the next tick

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

    base_barrier = threading.Barrier

    class TBarrier(base_barrier):
        """A `threading.Barrier`, traced when user code created it."""

        _cl_key = None

        def __init__(self, parties, action=None, timeout=None):
            base_barrier.__init__(self, parties, action, timeout)
            if R.active and called_by_user(2):
                self._cl_key = R.new_key('tbarrier')
                declare(self._cl_key, Obj.BARRIER, 'Barrier', parties, loc(2))

        def wait(self, timeout=None):
            if self._cl_key is None:
                return base_barrier.wait(self, timeout)
            return barrier_wait(self, base_barrier.wait, timeout)

    threading.Barrier = TBarrier
    for cls, base in ((TEvent, base_event), (TCondition, base_cond), (TBarrier, base_barrier)):
        cls.__name__ = cls.__qualname__ = base.__name__
        cls.__module__ = 'threading'
    for fn in (Lock, RLock):
        fn.__module__, fn.__qualname__ = 'threading', fn.__name__  # picklable by reference, like the originals
    threading.Lock, threading.RLock = Lock, RLock
    threading.Semaphore, threading.BoundedSemaphore = sem_class(base_sem), sem_class(base_bsem)
    threading.Event, threading.Condition = TEvent, TCondition
