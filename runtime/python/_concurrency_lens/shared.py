"""`Value` and `Array` writes (a few per tick with their values, the rest counted) and `Manager`
proxy calls (each a `WaitManager` span: the caller waits for the manager process to answer)."""

import math

from . import recorder as R
from . import sync
from .schema import K, Cat, Obj, Status
from .where import loc, short


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

    for cls, base in ((TValue, SC.Synchronized), (TArray, SC.SynchronizedArray)):
        cls.__module__ = __name__
        cls.__qualname__ = cls.__name__
        sync.present_as(cls, base)
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


def install():
    """Patches Value, Array and Manager proxies."""
    global TValue, TArray
    SC, TValue, TArray = _value_classes()

    def value_trace(o, a, kw):
        # Rebuilt as the traced class around the same shared memory and lock (no __class__ swap: see sync_mp).
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

    sync.route('Value', value_trace)
    sync.route('Array', value_trace)
    _patch_manager()
