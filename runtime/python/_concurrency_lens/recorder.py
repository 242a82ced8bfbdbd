"""The event channel of one process: connects to the run's socket, encodes records with `struct`
exactly as common/wire.ts describes, buffers them and flushes from a background thread every 10 ms
and at exit. When the runner closes the socket the process kills itself (orphan guard)."""

import itertools
import json
import os
import select
import signal
import socket
import struct
import sys
import threading
import _thread
from time import monotonic_ns as now

from .schema import RECORD_FIELDS, SCHEMA_VERSION, ENV_SOCKET, ENV_TOKEN, K

FLUSH_SECONDS = 0.01
# What the runner sends back on a connection it stopped reading (engine/collector.ts STOP_RECORDING).
STOP_RECORDING = b'stop-recording'
# A printed line is sent at once when the stream's previous write was at least this long ago (ns);
# the lines of a burst go with the next tick instead. A send from the printing thread costs a GIL
# hand-off to the flusher and a wake-up of the runner each time: 20,000 prints took 4-9x longer
# when each was sent at once, ~1.2x with bursts left to the ticks.
OUTPUT_GAP_NS = 10_000_000
_U32 = struct.Struct('<I')
_STRDEF_HEAD = struct.Struct('<IBII')
_CODE = {'u32': 'I', 'i32': 'i', 'str': 'I', 'f64': 'd'}


def _compile(kind):
    """Per kind: a struct for fixed-size records (None when a `text` field makes it variable),
    the indexes of `str` fields and the field types."""
    types = [ty for _, ty in RECORD_FIELDS[kind][1]]
    strs = tuple(i for i, ty in enumerate(types) if ty == 'str')
    fixed = None if 'text' in types else struct.Struct('<IBdii' + ''.join(_CODE[ty] for ty in types))
    return fixed, strs, types


_LAYOUT = {k: _compile(k) for k in RECORD_FIELDS if k != K.STR_DEF}

# Per-process state; reset in fork children.
pid = os.getpid()
active = False
started_at = now()  # when this process connected (its lane starts here)
# Re-entrant: a Python signal handler may run traced code while this thread is inside emit(); every
# record goes into the buffer with a single extend, so a nested record never splits another.
_lock = _thread.RLock()
_send_lock = _thread.allocate_lock()
_sender = 0  # ident of the thread sending under _send_lock, 0 when none
_buf = bytearray()
_strings = {'': 0}
_string_ids = itertools.count(1)
_sock = None
_main_ident = threading.get_ident()
_span_ids = itertools.count(1)
_keys = {}
_tick = []  # callables run by the flusher every tick (aggregates, budgets)
_child_hooks = []  # callables run in a fork child once it is connected
_get_ident = threading.get_ident
_get_native_id = threading.get_native_id


def tid():
    """Lane id of the calling thread: 0 for the main thread, else the native thread id (as /proc shows it)."""
    ident = _get_ident()
    return 0 if ident == _main_ident else _get_native_id()


def _intern(s):
    sid = _strings.get(s)
    if sid is None:
        # A signal handler may run (and intern, or raise) between any two steps here: the id comes
        # from one counter step, so no two strings share it, and the string is known only once its
        # StrDef is in the buffer, so no record can use an id that was never defined.
        sid = next(_string_ids)
        b = s.encode('utf-8', 'replace')
        _buf.extend(_STRDEF_HEAD.pack(13 + len(b), K.STR_DEF, sid, len(b)) + b)
        _strings[s] = sid
    return sid


def emit(kind, vals, t=None, lane=None, as_pid=None):
    """Appends one record; `vals` are the fields in wire order, `str` fields as Python strings."""
    if not active:
        return
    if t is None:
        t = now()
    if lane is None:
        lane = tid()
    fixed, strs, types = _LAYOUT[kind]
    with _lock:
        if strs:
            vals = list(vals)
            for i in strs:
                vals[i] = _intern(str(vals[i]))
        if fixed is not None:
            _buf.extend(fixed.pack(fixed.size, kind, float(t), as_pid or pid, lane, *vals))
            return
        parts = [b'']
        for ty, v in zip(types, vals):
            if ty == 'text':
                b = str(v).encode('utf-8', 'replace')
                parts.append(_U32.pack(len(b)))
                parts.append(b)
            else:
                parts.append(struct.pack('<' + _CODE[ty], v))
        body = b''.join(parts)
        _buf.extend(struct.pack('<IBdii', 21 + len(body), kind, float(t), as_pid or pid, lane) + body)


def begin(cat, name, detail='', obj='', loc='', t=None):
    """Opens a span on the calling thread's lane and returns its id."""
    sid = next(_span_ids)  # atomic under the GIL: threads never share an id
    emit(K.BEGIN, (sid, cat, name, detail, obj, loc), t)
    return sid


def end(sid, status=0):
    """Closes a span opened by `begin`."""
    emit(K.END, (sid, status))


def new_key(prefix):
    """A key unique in the run, e.g. `lock:<pid>:<n>`."""
    n = _keys.get(prefix, 0) + 1
    _keys[prefix] = n
    return '%s:%d:%d' % (prefix, pid, n)


def flush():
    """Sends what is buffered (from any thread). A call made while the calling thread is already
    sending or inside `emit` (a signal handler or a finalizer that prints) leaves its records in the
    buffer for the next flush, at most one tick later: waiting there would deadlock on the thread's
    own lock, and sending would interleave bytes with the send it interrupted."""
    global _buf, _sender
    me = _get_ident()
    if _sender == me or _lock._is_owned():
        return
    with _send_lock:
        _sender = me
        try:
            with _lock:
                data, _buf = _buf, bytearray()
            if data and _sock is not None:
                try:
                    _sock.sendall(data)
                except OSError:
                    _orphaned()
        finally:
            _sender = 0


def final_flush():
    """Runs the tick hooks once more (pending aggregates) and sends everything: call when a process ends."""
    for fn in _tick:
        try:
            fn()
        except Exception:
            pass
    flush()


def _orphaned():
    # The runner is gone or stopped the run: end this process so nothing is left behind.
    os.kill(os.getpid(), signal.SIGKILL)


def _stop_recording():
    # The runner no longer reads this connection (it found a corrupt record): the program goes on
    # unrecorded, its prints through the raw stdout/stderr channels, which are still read.
    global active, _buf
    active = False
    with _lock:
        _buf = bytearray()


def _flusher(sock):
    while sock is _sock:
        try:
            ready, _, _ = select.select([sock], [], [], FLUSH_SECONDS)
            if ready:
                said = sock.recv(64)
                if not said:
                    _orphaned()
                if STOP_RECORDING in said:
                    _stop_recording()
        except (OSError, ValueError):
            if sock is _sock:
                _orphaned()
            return
        if not active:
            continue  # still watching the socket: its end is the end of the run (orphan guard)
        for fn in _tick:
            try:
                fn()
            except Exception:
                pass
        flush()


def _connect(channel):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(os.environ[ENV_SOCKET])
    hello = {'token': os.environ.get(ENV_TOKEN, ''), 'schema': SCHEMA_VERSION, 'pid': pid,
             'runtime': 'python', 'channel': channel}
    s.sendall(json.dumps(hello).encode() + b'\n')
    return s


def _redirect_output():
    for fd, name, stream in ((1, 'stdout', sys.stdout), (2, 'stderr', sys.stderr)):
        try:
            if stream is not None:
                stream.flush()
            s = _connect(name)
            os.dup2(s.fileno(), fd)
            s.close()
        except OSError:
            pass


class _Output:
    """`sys.stdout` / `sys.stderr` while recording: each line Python code writes becomes an `Output`
    record on the events connection, stamped with the time of the write and the writing thread, as the
    Node runtime does (the raw fd channel only gives the runner's arrival time and no thread, so a
    print could not be placed inside the lock hold it happened in). A line is sent at once, as the
    unbuffered fd did, unless it is part of a burst (see OUTPUT_GAP_NS): then the next tick sends it;
    writes that bypass `sys.stdout` (C code, child programs) still take the fd."""

    def __init__(self, stream, code):
        self._cl_stream = stream
        self._cl_code = code
        self._cl_part = {}  # thread ident -> text after its last newline
        self._cl_last = 0  # time of the last write (ns)

    def write(self, text):
        if not active:
            return self._cl_stream.write(text)
        text = str(text)
        ident = _get_ident()
        whole = self._cl_part.pop(ident, '') + text
        cut = whole.rfind('\n') + 1
        if cut < len(whole):
            self._cl_part[ident] = whole[cut:]
        if cut:
            t = now()
            emit(K.OUTPUT, (self._cl_code, whole[:cut]), t)
            if t - self._cl_last >= OUTPUT_GAP_NS:
                flush()
            self._cl_last = t
        return len(text)

    def flush(self):
        """Sends the open lines (a prompt without newline), then flushes the stream underneath."""
        for ident in list(self._cl_part):
            part = self._cl_part.pop(ident, '')
            if part and active:
                emit(K.OUTPUT, (self._cl_code, part))
        if active:
            flush()
        try:
            self._cl_stream.flush()
        except (OSError, ValueError):
            pass

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._cl_stream, name)


def _capture_output():
    for name, code in (('stdout', 1), ('stderr', 2)):
        stream = getattr(sys, name)
        if stream is not None and not isinstance(stream, _Output):
            setattr(sys, name, _Output(stream, code))
        elif isinstance(stream, _Output):
            stream._cl_part.clear()  # a fork child: the parent's open lines are the parent's


def start():
    """Connects this process (events + stdout/stderr) and starts the flusher. False when not in a run."""
    global _sock, active
    if not os.environ.get(ENV_SOCKET):
        return False
    try:
        _sock = _connect('events')
    except OSError:
        return False
    active = True
    global started_at
    started_at = now()
    _redirect_output()
    _capture_output()
    _thread.start_new_thread(_flusher, (_sock,))
    return True


def _after_fork_child():
    global pid, _lock, _send_lock, _sender, _buf, _strings, _string_ids, _sock, _main_ident, _keys, active
    old = _sock
    pid = os.getpid()
    _lock = _thread.RLock()
    _send_lock = _thread.allocate_lock()
    _sender = 0
    _buf = bytearray()
    _strings = {'': 0}
    _string_ids = itertools.count(1)
    _keys = {}
    _main_ident = threading.get_ident()
    _sock = None
    active = False
    if old is not None:
        try:
            old.close()  # the parent's connection: leave it to the parent
        except OSError:
            pass
    if start():
        for fn in _child_hooks:
            fn()


os.register_at_fork(after_in_child=_after_fork_child)
