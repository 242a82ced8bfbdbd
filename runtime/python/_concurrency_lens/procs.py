"""Process and thread lanes: ProcStart/ProcExit, the `Run` span, joins, sleeps, thread lanes and
uncaught errors, for the root process and every multiprocessing child (fork, spawn, forkserver)."""

import atexit
import os
import signal
import sys
import threading
import time
import traceback

from . import recorder as R
from .schema import K, Cat, Role, Status
from .where import called_by_user, loc, short

ROOT_ENV = 'CONCURRENCY_LENS_PY_ROOT'
# Optional: run the program with this multiprocessing start method (fork, spawn, forkserver).
START_METHOD_ENV = 'CONCURRENCY_LENS_START_METHOD'
_state = {'exit_code': 0, 'run_span': 0, 'expect_child': False, 'forkserver': False}
_reported = set()


def proc_start(ppid, name, role, t=None):
    R.emit(K.PROC_START, (ppid, name, role), R.started_at if t is None else t, 0)


def _helper_name():
    argv = ' '.join(getattr(sys, 'orig_argv', []))
    for name in ('forkserver', 'resource_tracker'):
        if 'multiprocessing.%s import main' % name in argv:
            return name
    return os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else 'python'


def on_process_start():
    """Called once the channel is up in a process started by exec (root, spawn child, helper)."""
    t = R.started_at
    if not os.environ.get(ROOT_ENV):
        os.environ[ROOT_ENV] = str(os.getpid())
        proc_start(os.getppid(), 'MainProcess', Role.ROOT, t)
        _state['run_span'] = R.begin(Cat.RUN, os.path.basename(sys.argv[0] if sys.argv else 'main'), t=t)
        atexit.register(_root_exit)
        _wrap_excepthooks()
        method = os.environ.get(START_METHOD_ENV)
        if method:
            _force_start_method(method)
    elif '--multiprocessing-fork' in sys.argv:
        pass  # a spawned multiprocessing child: ProcStart comes from _bootstrap, with its name
    else:
        name = _helper_name()
        _state['forkserver'] = name == 'forkserver'
        proc_start(os.getppid(), name, Role.OTHER, t)
        atexit.register(lambda: (R.emit(K.PROC_EXIT, (0, ''), lane=0), R.final_flush()))


def _force_start_method(method):
    """Runs the program with `method`; its own set_start_method calls are then ignored."""
    import multiprocessing
    from multiprocessing import context

    multiprocessing.set_start_method(method, force=True)
    context.DefaultContext.set_start_method = lambda self, method, force=False: None
    multiprocessing.set_start_method = context._default_context.set_start_method


def _on_fork_child():
    if not (_state['expect_child'] or _state['forkserver']):
        proc_start(os.getppid(), 'fork', Role.OTHER)
    # A child of Process.start gets its ProcStart from the parent, as soon as start() returns.
    _state['forkserver'] = False
    _state['expect_child'] = False


def _root_exit():
    R.end(_state['run_span'], Status.OK if _state['exit_code'] == 0 else Status.ERROR)
    R.emit(K.PROC_EXIT, (_state['exit_code'], ''), lane=0)
    R.final_flush()


def _error(exc_type, exc, tb, lane=None):
    stack = ''.join(traceback.format_exception(exc_type, exc, tb))
    R.emit(K.ERROR, ('%s: %s' % (exc_type.__name__, exc), stack), lane=lane)


def _wrap_excepthooks():
    orig_hook, orig_exit = sys.excepthook, sys.exit

    def excepthook(exc_type, exc, tb):
        if not issubclass(exc_type, KeyboardInterrupt):
            _error(exc_type, exc, tb, 0)
        _state['exit_code'] = 1
        orig_hook(exc_type, exc, tb)

    def exit(code=None):
        _state['exit_code'] = code if isinstance(code, int) else (0 if code is None else 1)
        orig_exit(code)

    sys.excepthook = excepthook
    sys.exit = exit


def _role_of(proc):
    target = getattr(proc, '_target', None)
    mod, name = getattr(target, '__module__', ''), getattr(target, '__qualname__', '')
    if (mod, name) in (('multiprocessing.pool', 'worker'), ('concurrent.futures.process', '_process_worker')):
        return Role.POOL_WORKER
    if name.endswith('_run_server'):
        return Role.MANAGER
    return Role.PROCESS


def _run_name(proc):
    target = getattr(proc, '_target', None)
    if target is not None and type(proc).run is _BaseProcess.run:
        return getattr(target, '__name__', 'run')
    return '%s.run' % type(proc).__name__


def _patch_process():
    import multiprocessing.process as mpp
    import multiprocessing.popen_fork as pf
    global _BaseProcess
    _BaseProcess = mpp.BaseProcess
    B = mpp.BaseProcess
    orig_bootstrap, orig_start, orig_join, orig_poll = B._bootstrap, B.start, B.join, pf.Popen.poll

    def _bootstrap(self, *a, **kw):
        role = _role_of(self)
        sid = 0
        if role == Role.PROCESS:
            sid = R.begin(Cat.RUN, _run_name(self), short(getattr(self, '_args', ())))
            run = self.run

            def traced_run():
                try:
                    return run()
                except BaseException as e:
                    if not isinstance(e, SystemExit):
                        _error(type(e), e, e.__traceback__, 0)
                    raise

            self.run = traced_run
        code = orig_bootstrap(self, *a, **kw)
        if sid:
            R.end(sid, Status.OK if code == 0 else Status.ERROR)
        R.emit(K.PROC_EXIT, (code, ''), lane=0)
        R.final_flush()
        return code

    def start(self):
        _state['expect_child'] = True
        t, role = R.now(), _role_of(self)  # start() drops _target
        try:
            orig_start(self)
        finally:
            _state['expect_child'] = False
        # Written here, not by the child: the lane exists even if the child is stopped before it
        # runs a line (the store accepts the child's own records arriving first).
        R.emit(K.PROC_START, (os.getpid(), self.name, role), t, 0, as_pid=self.pid)
        R.flush()

    def join(self, timeout=None):
        popen = getattr(self, '_popen', None)
        if popen is None or popen.poll() is not None or not called_by_user(2):
            return orig_join(self, timeout)
        sid = R.begin(Cat.WAIT_JOIN, 'join', self.name, 'proc:%d' % self.pid, loc())
        try:
            orig_join(self, timeout)
        finally:
            R.end(sid, Status.TIMEOUT if self.exitcode is None else Status.OK)

    def poll(self, flag=os.WNOHANG):
        code = orig_poll(self, flag)
        if code is not None and code < 0 and self.pid not in _reported:
            _reported.add(self.pid)
            try:
                sig = signal.Signals(-code).name
            except ValueError:
                sig = 'SIG%d' % -code
            R.emit(K.PROC_EXIT, (-1, sig), lane=0, as_pid=self.pid)
        return code

    mpp.BaseProcess._bootstrap = _bootstrap
    mpp.BaseProcess.start = start
    mpp.BaseProcess.join = join
    pf.Popen.poll = poll


def _patch_threads():
    orig_inner, orig_start, orig_join = threading.Thread._bootstrap_inner, threading.Thread.start, threading.Thread.join

    def start(self):
        if called_by_user(2) or self.name.startswith('ThreadPoolExecutor'):
            self._cl_user = True
        return orig_start(self)

    def _bootstrap_inner(self):
        if not getattr(self, '_cl_user', False):
            return orig_inner(self)
        R.emit(K.THREAD_START, (self.name,))
        target = getattr(self, '_target', None)
        sid = R.begin(Cat.RUN, getattr(target, '__name__', None) or '%s.run' % type(self).__name__)
        try:
            orig_inner(self)
        finally:
            R.end(sid)
            R.emit(K.THREAD_END, ())

    def join(self, timeout=None):
        if not self.is_alive() or not called_by_user(2):
            return orig_join(self, timeout)
        sid = R.begin(Cat.WAIT_JOIN, 'join', self.name, 'thread:%d:%s' % (R.pid, self.native_id), loc())
        try:
            orig_join(self, timeout)
        finally:
            R.end(sid, Status.TIMEOUT if self.is_alive() else Status.OK)

    orig_hook = threading.excepthook

    def excepthook(args):
        _error(args.exc_type, args.exc_value, args.exc_traceback)
        orig_hook(args)

    threading.Thread.start = start
    threading.Thread._bootstrap_inner = _bootstrap_inner
    threading.Thread.join = join
    threading.excepthook = excepthook


def _patch_sleep():
    orig = time.sleep

    def sleep(seconds):
        if not called_by_user(2):
            return orig(seconds)
        sid = R.begin(Cat.SLEEP, 'sleep', '%gs' % seconds, '', loc())
        try:
            orig(seconds)
        finally:
            R.end(sid)

    time.sleep = sleep


def _patch_os_exit():
    # os._exit skips atexit: what is still buffered (the lines of a print burst, the last records)
    # is sent first. multiprocessing's own children end this way too, after their final flush.
    orig = os._exit

    def _exit(code):
        R.flush()
        orig(code)

    os._exit = _exit


def install():
    """Patches process, thread, sleep and os._exit entry points (call once per exec'd process)."""
    _patch_process()
    _patch_threads()
    _patch_sleep()
    _patch_os_exit()
    R._child_hooks.append(_on_fork_child)
