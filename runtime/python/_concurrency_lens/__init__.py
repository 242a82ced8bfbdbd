"""Concurrency Lens hook for unchanged Python programs: see runtime/python/README.md."""

_installed = False


def install():
    """Connects this process to the run and patches multiprocessing, threading and friends."""
    global _installed
    if _installed:
        return
    _installed = True
    from . import recorder, procs, sync, queues, shared, pools

    if not recorder.start():
        return
    procs.install()
    sync.install()
    queues.install()
    shared.install()
    pools.install()
    procs.on_process_start()
