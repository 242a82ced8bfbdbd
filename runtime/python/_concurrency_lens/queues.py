"""Queues, pipes, shared values and Manager proxies created by the user's code. Queue items and pipe
messages are wrapped transparently with (putter pid, item id) so each get can name its put; queue
depth after each put/get is `qsize()` where the platform has it, else -1 (the store counts)."""

import itertools
import math
import queue as std_queue

from . import recorder as R
from . import sync
from .schema import K, Cat, Obj, Status
from .where import called_by_user, loc, short

_ids = itertools.count(1)


class Item:
    """A queue item or pipe message on its way, tagged with its sender."""

    __slots__ = ('pid', 'id', 'obj')

    def __init__(self, pid, id, obj):
        self.pid, self.id, self.obj = pid, id, obj

    def __reduce__(self):
        return (Item, (self.pid, self.id, self.obj))


def _depth(q):
    try:
        return q.qsize()
    except (NotImplementedError, OSError, AttributeError):
        return -1


def _queue_classes():
    from multiprocessing import queues as Q

    def mixin(base):
        class Traced(base):
            def put(self, obj, block=True, timeout=None):
                item = Item(R.pid, next(_ids), obj)
                try:
                    base.put(self, item, False)
                except std_queue.Full:
                    if not block:
                        raise
                    sid = R.begin(Cat.WAIT_QUEUE_PUT, 'put', 'full', self._cl_key, loc(2))
                    try:
                        base.put(self, item, True, timeout)
                    except std_queue.Full:
                        R.end(sid, Status.TIMEOUT)
                        raise
                    R.end(sid)
                R.emit(K.QUEUE_PUT, (self._cl_key, item.id, _depth(self)))

            def get(self, block=True, timeout=None):
                try:
                    r = base.get(self, False)
                except std_queue.Empty:
                    if not block:
                        raise
                    sid = R.begin(Cat.WAIT_QUEUE_GET, 'get', 'empty', self._cl_key, loc(2))
                    try:
                        r = base.get(self, True, timeout)
                    except std_queue.Empty:
                        R.end(sid, Status.TIMEOUT)
                        raise
                    R.end(sid)
                if isinstance(r, Item):
                    R.emit(K.QUEUE_GET, (self._cl_key, r.pid, r.id, _depth(self)))
                    return r.obj
                return r

            def __getstate__(self):
                return (base.__getstate__(self), self._cl_key)

            def __setstate__(self, state):
                base.__setstate__(self, state[0])
                self._cl_key = state[1]

        if hasattr(base, 'task_done'):

            def join(self):
                sid = R.begin(Cat.WAIT_JOIN, 'join', 'unfinished tasks', self._cl_key, loc(2))
                try:
                    base.join(self)
                finally:
                    R.end(sid)

            Traced.join = join
        Traced.__name__ = Traced.__qualname__ = 'T' + base.__name__
        Traced.__module__ = __name__
        return Traced

    return mixin(Q.Queue), mixin(Q.JoinableQueue)


def _conn_class():
    from multiprocessing import connection as C, reduction

    class TConnection(C.Connection):
        """An end of a user `Pipe()`."""

        def send(self, obj):
            item = Item(R.pid, next(_ids), obj)
            C.Connection.send(self, item)
            R.emit(K.PIPE_SEND, (self._cl_key, item.id))

        def recv(self):
            sid = 0
            if not self.poll():
                sid = R.begin(Cat.WAIT_RECV, 'recv', '', self._cl_key, loc(2))
            try:
                r = C.Connection.recv(self)
            finally:
                if sid:
                    R.end(sid)
            if isinstance(r, Item):
                R.emit(K.PIPE_RECV, (self._cl_key, r.pid, r.id))
                return r.obj
            return r

    TConnection.__module__ = __name__
    TConnection.__qualname__ = 'TConnection'

    def reduce_traced(conn):
        fn, args = C.reduce_connection(conn)
        return _rebuild_connection, (fn, args, conn._cl_key)

    reduction.register(TConnection, reduce_traced)
    return TConnection


def _rebuild_connection(fn, args, key):
    conn = fn(*args)
    conn.__class__ = TConnection
    conn._cl_key = key
    return conn


def _value_classes():
    from multiprocessing import sharedctypes as SC

    orig_get, orig_set = SC.Synchronized.value.fget, SC.Synchronized.value.fset

    class TValue(SC.Synchronized):
        """A user `Value`: a few writes per tick recorded with their value, the rest counted."""

        def _set(self, value):
            self.acquire()
            try:
                self._obj.value = value
            finally:
                self.release()
            if self._cl_budget > 0:
                _write(self, -1, value)
            else:
                self._cl_n()

        value = property(orig_get, _set)

        def __reduce__(self):
            return _rebuild_value, (self._obj, self._lock, TValue, self._cl_key)

    class TArray(SC.SynchronizedArray):
        """A user `Array`: element writes recorded (a few per tick, the rest counted)."""

        def __setitem__(self, i, value):
            SC.SynchronizedArray.__setitem__(self, i, value)
            if self._cl_budget > 0:
                _write(self, i if isinstance(i, int) else -1, value if isinstance(i, int) else math.nan)
            else:
                self._cl_n()

        def __reduce__(self):
            return _rebuild_value, (self._obj, self._lock, TArray, self._cl_key)

    for cls in (TValue, TArray):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
    return SC, TValue, TArray


def _write(o, index, value):
    o._cl_budget -= 1
    try:
        v = float(value)
    except (TypeError, ValueError):
        v = math.nan
    R.emit(K.VALUE_WRITE, (o._cl_key, index, v))


def _rebuild_value(obj, lock, cls, key):
    o = cls(obj, lock)
    sync._init(o, key, K.VALUE_WRITE)
    return o


def _patch_manager():
    from multiprocessing import managers as M

    orig = M.BaseProxy._callmethod
    declared = set()

    def _callmethod(self, methodname, args=(), kwds={}):
        if not R.active or methodname[0] in '_#' and not (methodname[:2] == '__' and methodname[-2:] == '__'):
            return orig(self, methodname, args, kwds)
        tok = self._token
        key = 'mgr:%s:%s' % (tok.address if isinstance(tok.address, str) else tok.address[1], tok.id)
        if key not in declared:
            declared.add(key)
            R.emit(K.OBJ_DECL, (key, Obj.MANAGER, tok.typeid, -1, loc(2)))
        sid = R.begin(Cat.WAIT_MANAGER, methodname, short(args), key, loc(2))
        status = Status.ERROR
        try:
            r = orig(self, methodname, args, kwds)
            status = Status.OK
            return r
        finally:
            R.end(sid, status)

    M.BaseProxy._callmethod = _callmethod


def _patch_thread_queue():
    base = std_queue.Queue

    class Queue(base):
        """A `queue.Queue`, traced (items wrapped, waits recorded) when user code created it."""

        _cl_key = None

        def __init__(self, maxsize=0):
            base.__init__(self, maxsize)
            if R.active and called_by_user(2):
                self._cl_key = R.new_key('tqueue')
                sync.declare(self._cl_key, Obj.QUEUE, 'Queue', maxsize if maxsize > 0 else -1, loc(2))

        def put(self, item, block=True, timeout=None):
            if self._cl_key is None:
                return base.put(self, item, block, timeout)
            it = Item(R.pid, next(_ids), item)
            try:
                base.put(self, it, False)
            except std_queue.Full:
                if not block:
                    raise
                sid = R.begin(Cat.WAIT_QUEUE_PUT, 'put', 'full', self._cl_key, loc(2))
                try:
                    base.put(self, it, True, timeout)
                finally:
                    R.end(sid)
            R.emit(K.QUEUE_PUT, (self._cl_key, it.id, self.qsize()))

        def get(self, block=True, timeout=None):
            if self._cl_key is None:
                return base.get(self, block, timeout)
            try:
                r = base.get(self, False)
            except std_queue.Empty:
                if not block:
                    raise
                sid = R.begin(Cat.WAIT_QUEUE_GET, 'get', 'empty', self._cl_key, loc(2))
                try:
                    r = base.get(self, True, timeout)
                finally:
                    R.end(sid)
            if isinstance(r, Item):
                R.emit(K.QUEUE_GET, (self._cl_key, r.pid, r.id, self.qsize()))
                return r.obj
            return r

    Queue.__module__, Queue.__qualname__ = 'queue', 'Queue'  # pickled by reference as queue.Queue
    std_queue.Queue = Queue


def install():
    """Patches Queue, JoinableQueue, Pipe, Value, Array, Manager proxies and `queue.Queue`."""
    _patch_thread_queue()  # first: multiprocessing.managers registers queue.Queue when it is imported
    import multiprocessing
    from multiprocessing import context

    global TQueue, TJoinableQueue, TConnection, TValue, TArray
    TQueue, TJoinableQueue = _queue_classes()
    TConnection = _conn_class()
    SC, TValue, TArray = _value_classes()

    def q_trace(cls, name):
        def trace(o, a, kw):
            o.__class__ = cls
            o._cl_key = R.new_key('queue')
            size = a[0] if a else kw.get('maxsize', 0)
            sync.declare(o._cl_key, Obj.QUEUE, name, size if size > 0 else -1, loc(3))
            return o

        return trace

    def pipe_trace(ends, a, kw):
        key = R.new_key('pipe')
        for end in ends:
            end.__class__ = TConnection
            end._cl_key = key
        sync.declare(key, Obj.PIPE, 'Pipe', -1, loc(3))
        return ends

    def value_trace(o, a, kw):
        # Rebuilt as the traced class around the same shared memory and lock (no __class__ swap: see sync.py).
        if type(o) is SC.Synchronized:
            o = TValue(o._obj, o._lock)
            sync.new_traced(o, 'value', Obj.VALUE, 'Value', -1, 4)
        elif type(o) is SC.SynchronizedArray:
            o = TArray(o._obj, o._lock)
            sync.new_traced(o, 'array', Obj.ARRAY, 'Array', len(o), 4)
        else:
            return o
        o._cl_what = K.VALUE_WRITE
        return o

    table = {
        'Queue': q_trace(TQueue, 'Queue'),
        'JoinableQueue': q_trace(TJoinableQueue, 'JoinableQueue'),
        'Pipe': pipe_trace,
        'Value': value_trace,
        'Array': value_trace,
    }
    for name, trace in table.items():
        orig = getattr(context.BaseContext, name)

        def factory(self, *a, _orig=orig, _trace=trace, **kw):
            o = _orig(self, *a, **kw)
            if R.active and called_by_user(2):
                return _trace(o, a, kw)
            return o

        setattr(context.BaseContext, name, factory)
        setattr(multiprocessing, name, getattr(context._default_context, name))
    _patch_manager()
