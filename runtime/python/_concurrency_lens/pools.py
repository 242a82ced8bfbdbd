"""Pool, ProcessPoolExecutor and ThreadPoolExecutor tasks: TaskSubmit in the caller (with chunk
boundaries), TaskStart / a `Task` span / TaskEnd in the worker, TaskResult when the result reaches
the caller, and the caller's waits for results (`WaitResult`) and for the pool to end (`WaitJoin`)."""

import itertools
import traceback

from . import recorder as R
from . import sync
from .schema import K, Cat, Obj, Status
from .where import called_by_user, loc, short


class TracedCall:
    """A task function wrapped so the worker records its start and end (picklable by reference)."""

    def __init__(self, pool, task, name, detail, fn):
        self.pool, self.task, self.name, self.detail, self.fn = pool, task, name, detail, fn
        self.owner = R.pid

    def __call__(self, *args, **kwargs):
        R.emit(K.TASK_START, (self.pool, self.task))
        sid = R.begin(Cat.TASK, self.name, self.detail, self.pool)
        if R.pid != self.owner:
            R.flush()  # a worker process killed during the task must still show that it started it
        status = Status.ERROR
        try:
            r = self.fn(*args, **kwargs)
            status = Status.OK
            return r
        except BaseException as e:
            stack = ''.join(traceback.format_exception(type(e), e, e.__traceback__))
            R.emit(K.ERROR, ('%s: %s' % (type(e).__name__, e), stack))
            raise
        finally:
            R.end(sid, status)
            R.emit(K.TASK_END, (self.pool, self.task, status))
            if R.pid != self.owner:
                R.flush()  # sent before the result: the pool may terminate this worker right after


def _describe(func, args):
    """(function name, short args, chunk length) of a pool task."""
    inner = getattr(func, '__name__', '')
    if inner in ('mapstar', 'starmapstar') and args and isinstance(args[0], tuple) and len(args[0]) == 2:
        fn, chunk = args[0]
        chunk = tuple(chunk)
        return getattr(fn, '__name__', 'task'), short(list(chunk)), len(chunk)
    if inner == '_process_chunk':  # ProcessPoolExecutor.map: partial(_process_chunk, fn, chunk)
        fn, chunk = args
        return getattr(fn, '__name__', 'task'), short(list(chunk)), len(chunk)
    return inner or type(func).__name__, short(args), 1


def _submit(pool, func, args, where, lane):
    task = next(pool._cl_next)
    name, detail, chunk = _describe(func, args)
    R.emit(K.TASK_SUBMIT, (pool._cl_key, task, name, detail, chunk, where), lane=lane)
    return task, TracedCall(pool._cl_key, task, name, detail, func)


def _declare(pool, name, size):
    pool._cl_key = R.new_key('pool')
    pool._cl_next = itertools.count(1)
    pool._cl_jobs = {}
    sync.declare(pool._cl_key, Obj.POOL, name, size, loc(3))


def _result(pool, job, i, ok):
    task = pool._cl_jobs.pop((job, i), None)
    if task is not None:
        R.emit(K.TASK_RESULT, (pool._cl_key, task, Status.OK if ok else Status.ERROR), lane=0)


def _wait_span(name, obj, fn, *a):
    sid = R.begin(Cat.WAIT_RESULT, name, '', obj, loc(3))
    try:
        return fn(*a)
    finally:
        R.end(sid)


def _patch_pool():
    from multiprocessing import pool as P

    init, gen, join = P.Pool.__init__, P.Pool._guarded_task_generation, P.Pool.join

    def __init__(self, *a, **kw):
        init(self, *a, **kw)
        if R.active and called_by_user(2, through=('multiprocessing/context.py',)):
            _declare(self, 'Pool', self._processes)

    def _guarded_task_generation(self, result_job, func, iterable):
        tasks = gen(self, result_job, func, iterable)
        if not hasattr(self, '_cl_key'):
            return tasks
        where, lane = loc(2), R.tid()

        def traced():
            for job, i, f, args, kw in tasks:
                task, call = _submit(self, f, args, where, lane)
                self._cl_jobs[(job, i)] = task
                yield (job, i, call, args, kw)

        return traced()

    def apply_async(self, func, args=(), kwds={}, callback=None, error_callback=None):
        self._check_running()
        result = P.ApplyResult(self, callback, error_callback)
        if hasattr(self, '_cl_key'):
            task, func = _submit(self, func, args, loc(2), R.tid())
            self._cl_jobs[(result._job, 0)] = task
        self._taskqueue.put(([(result._job, 0, func, args, kwds)], None))
        return result

    def pool_join(self):
        if not hasattr(self, '_cl_key') or not called_by_user(2):
            return join(self)
        sid = R.begin(Cat.WAIT_JOIN, 'join', 'Pool', self._cl_key, loc(2))
        try:
            join(self)
        finally:
            R.end(sid)

    def wrap_set(cls):
        orig = cls._set

        def _set(self, i, obj):
            pool = getattr(self, '_pool', None)
            if pool is not None and hasattr(pool, '_cl_key'):
                _result(pool, self._job, i, obj[0])
            return orig(self, i, obj)

        cls._set = _set

    for cls in (P.ApplyResult, P.MapResult, P.IMapIterator):
        wrap_set(cls)
    orig_wait, orig_next = P.ApplyResult.wait, P.IMapIterator.next

    def wait(self, timeout=None):
        pool = getattr(self, '_pool', None)
        if self.ready() or pool is None or not hasattr(pool, '_cl_key'):
            return orig_wait(self, timeout)
        return _wait_span('get', pool._cl_key, orig_wait, self, timeout)

    def next(self, timeout=None):
        pool = getattr(self, '_pool', None)
        if self._items or pool is None or not hasattr(pool, '_cl_key'):
            return orig_next(self, timeout)
        return _wait_span('next', pool._cl_key, orig_next, self, timeout)

    P.Pool.__init__, P.Pool._guarded_task_generation = __init__, _guarded_task_generation
    P.Pool.apply_async, P.Pool.join = apply_async, pool_join
    P.ApplyResult.wait, P.IMapIterator.next = wait, next
    P.IMapIterator.__next__ = next


def _patch_executor(E, kind):
    """Patches one concurrent.futures executor class (`kind` names it in the trace)."""
    init, submit, shutdown = E.__init__, E.submit, E.shutdown

    def __init__(self, *a, **kw):
        init(self, *a, **kw)
        if R.active and called_by_user(2):
            _declare(self, kind, self._max_workers)

    def traced_submit(self, fn, *args, **kwargs):
        if not hasattr(self, '_cl_key'):
            return submit(self, fn, *args, **kwargs)
        inner = getattr(fn, 'func', None)
        if getattr(inner, '__name__', '') == '_process_chunk':
            task, call = _submit(self, inner, tuple(fn.args) + args, loc(2), R.tid())
            call.fn = fn
        else:
            task, call = _submit(self, fn, args, loc(2), R.tid())
        fut = submit(self, call, *args, **kwargs)
        fut._cl_pool = self._cl_key
        key = self._cl_key

        def done(f):
            ok = not f.cancelled() and f.exception() is None
            R.emit(K.TASK_RESULT, (key, task, Status.OK if ok else Status.ERROR), lane=0)

        fut.add_done_callback(done)
        return fut

    def traced_shutdown(self, wait=True, **kw):
        if not (wait and hasattr(self, '_cl_key') and called_by_user(2)):
            return shutdown(self, wait, **kw)
        sid = R.begin(Cat.WAIT_JOIN, 'shutdown', kind, self._cl_key, loc(2))
        try:
            return shutdown(self, wait, **kw)
        finally:
            R.end(sid)

    E.__init__, E.submit, E.shutdown = __init__, traced_submit, traced_shutdown


def _patch_future():
    from concurrent.futures import _base

    result = _base.Future.result

    def traced_result(self, timeout=None):
        pool = getattr(self, '_cl_pool', None)
        if pool is None or self.done():
            return result(self, timeout)
        return _wait_span('result', pool, result, self, timeout)

    _base.Future.result = traced_result


def install():
    """Patches multiprocessing.Pool, ProcessPoolExecutor and ThreadPoolExecutor."""
    from concurrent.futures import process, thread

    _patch_pool()
    _patch_executor(process.ProcessPoolExecutor, 'ProcessPoolExecutor')
    _patch_executor(thread.ThreadPoolExecutor, 'ThreadPoolExecutor')
    _patch_future()
