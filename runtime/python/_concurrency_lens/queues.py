"""Queues and pipes created by the user's code: multiprocessing Queue, JoinableQueue and Pipe, and
queue.Queue for threads. Items and pipe messages are wrapped transparently with (putter pid, item id)
so each get can name its put; queue depth after each put/get is `qsize()` where the platform has it,
else -1 (the store counts)."""

import itertools
import queue as std_queue

from . import recorder as R
from . import sync
from .schema import K, Cat, Obj, Status
from .where import called_by_user, loc

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


def _wait(cat, name, detail, key, full, blocking, *args):
    """Runs `blocking(*args)` inside a wait span (status Timeout when it raises `full`)."""
    sid = R.begin(cat, name, detail, key, loc(3))
    try:
        r = blocking(*args)
    except full:
        R.end(sid, Status.TIMEOUT)
        raise
    except BaseException:
        R.end(sid)
        raise
    R.end(sid)
    return r


def _put(q, base, obj, block, timeout):
    """`base.put` of a traced queue: the item tagged, a wait span only when the queue is full."""
    item = Item(R.pid, next(_ids), obj)
    try:
        base.put(q, item, False)
    except std_queue.Full:
        if not block:
            raise
        _wait(Cat.WAIT_QUEUE_PUT, 'put', 'full', q._cl_key, std_queue.Full, base.put, q, item, True, timeout)
    R.emit(K.QUEUE_PUT, (q._cl_key, item.id, _depth(q)))


def _get(q, base, block, timeout):
    """`base.get` of a traced queue: a wait span only when the queue is empty; the item untagged."""
    try:
        r = base.get(q, False)
    except std_queue.Empty:
        if not block:
            raise
        r = _wait(Cat.WAIT_QUEUE_GET, 'get', 'empty', q._cl_key, std_queue.Empty, base.get, q, True, timeout)
    if isinstance(r, Item):
        R.emit(K.QUEUE_GET, (q._cl_key, r.pid, r.id, _depth(q)))
        return r.obj
    return r


def _queue_classes():
    from multiprocessing import queues as Q

    def mixin(base):
        class Traced(base):
            def put(self, obj, block=True, timeout=None):
                _put(self, base, obj, block, timeout)

            def get(self, block=True, timeout=None):
                return _get(self, base, block, timeout)

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
        sync.present_as(Traced, base)
        return Traced

    class TSimpleQueue(Q.SimpleQueue):
        """A user `SimpleQueue` (no size, no timeout: a get waits only when the queue is empty)."""

        def put(self, obj):
            item = Item(R.pid, next(_ids), obj)
            Q.SimpleQueue.put(self, item)
            R.emit(K.QUEUE_PUT, (self._cl_key, item.id, -1))

        def get(self):
            sid = R.begin(Cat.WAIT_QUEUE_GET, 'get', 'empty', self._cl_key, loc(2)) if self.empty() else 0
            try:
                r = Q.SimpleQueue.get(self)
            finally:
                if sid:
                    R.end(sid)
            if isinstance(r, Item):
                R.emit(K.QUEUE_GET, (self._cl_key, r.pid, r.id, -1))
                return r.obj
            return r

        def __getstate__(self):
            return (Q.SimpleQueue.__getstate__(self), self._cl_key)

        def __setstate__(self, state):
            Q.SimpleQueue.__setstate__(self, state[0])
            self._cl_key = state[1]

    TSimpleQueue.__module__, TSimpleQueue.__qualname__ = __name__, 'TSimpleQueue'
    sync.present_as(TSimpleQueue, Q.SimpleQueue)
    return mixin(Q.Queue), mixin(Q.JoinableQueue), TSimpleQueue


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
    sync.present_as(TConnection, C.Connection)

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
            _put(self, base, item, block, timeout)

        def get(self, block=True, timeout=None):
            if self._cl_key is None:
                return base.get(self, block, timeout)
            return _get(self, base, block, timeout)

    Queue.__module__, Queue.__qualname__ = 'queue', 'Queue'  # pickled by reference as queue.Queue
    std_queue.Queue = Queue

def install():
    """Patches Queue, JoinableQueue, SimpleQueue and Pipe of multiprocessing, and `queue.Queue`."""
    _patch_thread_queue()  # first: multiprocessing.managers registers queue.Queue when it is imported
    global TQueue, TJoinableQueue, TSimpleQueue, TConnection
    TQueue, TJoinableQueue, TSimpleQueue = _queue_classes()
    TConnection = _conn_class()

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

    sync.route('Queue', q_trace(TQueue, 'Queue'))
    sync.route('JoinableQueue', q_trace(TJoinableQueue, 'JoinableQueue'))
    sync.route('SimpleQueue', q_trace(TSimpleQueue, 'SimpleQueue'))
    sync.route('Pipe', pipe_trace)
