"""Loads the Concurrency Lens hook into every Python process of a run (root, fork, spawn and
forkserver children inherit this PYTHONPATH), then chains to the user's own sitecustomize, if any."""

import os
import sys


def _chain_user_sitecustomize():
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if os.path.abspath(entry or '.') == here:
            continue
        for name in ('sitecustomize.py', 'sitecustomize.pyc'):
            path = os.path.join(entry or '.', name)
            if os.path.isfile(path):
                import importlib.util

                spec = importlib.util.spec_from_file_location('_user_sitecustomize', path)
                module = importlib.util.module_from_spec(spec)
                spec.loader.exec_module(module)
                return


if os.environ.get('CONCURRENCY_LENS_SOCKET'):
    try:
        import _concurrency_lens

        _concurrency_lens.install()
    except Exception as _e:  # never break the user's program because of the hook
        sys.stderr.write('concurrency-lens: hook not loaded: %r\n' % (_e,))
_chain_user_sitecustomize()
