"""`multiprocessing` Lock, RLock, Semaphore, BoundedSemaphore, Condition and Event created by user
code: built as traced subclasses (picklable by reference, so spawn children get them too)."""

from . import recorder as R
from .schema import K, Cat, Obj, Status
from .sync import _fast, _full, _init, _released, _wait, barrier_wait, new_traced, objtype_names, present_as
from .where import called_by_user, loc


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
            else:
                self._cl_rel += 1  # counted, sent as an Aggregate at the next tick

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

    class TBarrier(S.Barrier):
        """A user `multiprocessing.Barrier`: each wait is recorded."""

        def wait(self, timeout=None):
            return barrier_wait(self, S.Barrier.wait, timeout)

        def __getstate__(self):
            return (S.Barrier.__getstate__(self), self._cl_key)

        def __setstate__(self, state):
            if len(state) == 2:  # ours: (Barrier state, key); Barrier.__init__ passes its own 5-tuple
                state, self._cl_key = state
            S.Barrier.__setstate__(self, state)

    return S, TLock, TRLock, TSemaphore, TBoundedSemaphore, TCondition, TEvent, TBarrier


def install():
    """Routes the user's `multiprocessing.Lock()` and friends to the traced classes."""
    import multiprocessing
    from multiprocessing import context

    S, TLock, TRLock, TSem, TBSem, TCond, TEvent, TBarrier = _mp_classes()
    globals().update(
        TLock=TLock, TRLock=TRLock, TSemaphore=TSem, TBoundedSemaphore=TBSem, TCondition=TCond, TEvent=TEvent,
        TBarrier=TBarrier,
    )
    for cls, base in ((TLock, S.Lock), (TRLock, S.RLock), (TSem, S.Semaphore), (TBSem, S.BoundedSemaphore),
                      (TCond, S.Condition), (TEvent, S.Event), (TBarrier, S.Barrier)):
        cls.__module__ = __name__  # so spawn children unpickle them from here
        cls.__qualname__ = cls.__name__
        present_as(cls, base)

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
        'Barrier': make(TBarrier, 'barrier', Obj.BARRIER, semcap),
    }
    for name, build in table.items():
        orig = getattr(context.BaseContext, name)

        def factory(self, *a, _orig=orig, _build=build, **kw):
            if R.active and called_by_user(2):
                return _build(self.get_context(), a, kw)
            return _orig(self, *a, **kw)

        setattr(context.BaseContext, name, factory)
        setattr(multiprocessing, name, getattr(context._default_context, name))
