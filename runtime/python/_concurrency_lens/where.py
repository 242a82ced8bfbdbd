"""Source locations (`file:line:col`) of the user's code, skipping frames of the standard library
and of this hook, and the test "was this object created by user code?"."""

import os
import sys

_HOOK_DIR = os.path.dirname(os.path.abspath(__file__))
_STDLIB = os.path.dirname(os.__file__)
_internal = {}
_positions = {}


def internal(filename):
    """True for files of the standard library, of this hook, and frozen/builtin code."""
    r = _internal.get(filename)
    if r is None:
        r = (
            filename.startswith('<frozen')
            or filename == '<string>'
            or filename.startswith(_HOOK_DIR)
            or (filename.startswith(_STDLIB) and 'site-packages' not in filename)
        )
        _internal[filename] = r
    return r


def _column(frame):
    code = frame.f_code
    pos = _positions.get(code)
    if pos is None:
        try:
            pos = list(code.co_positions())  # 3.11+
        except AttributeError:
            pos = []
        _positions[code] = pos
    i = frame.f_lasti // 2
    if 0 <= i < len(pos) and pos[i][2] is not None:
        return pos[i][2] + 1
    return 1


def user_frame(depth=2):
    """The innermost frame of user code above the caller, or None."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return None
    while f is not None and internal(f.f_code.co_filename):
        f = f.f_back
    return f


def loc(depth=2):
    """`file:line:col` of the innermost user frame above the caller ('' if none)."""
    f = user_frame(depth + 1)
    if f is None:
        return ''
    return '%s:%d:%d' % (f.f_code.co_filename, f.f_lineno, _column(f))


def called_by_user(depth=2, through=()):
    """True when the caller's caller is user code, allowing only frames from files ending in one of
    `through` (e.g. multiprocessing/context.py) in between."""
    try:
        f = sys._getframe(depth)
    except ValueError:
        return False
    while f is not None and f.f_code.co_filename.endswith(through) and through:
        f = f.f_back
    return f is not None and not internal(f.f_code.co_filename)


def short(value, limit=40):
    """A short repr for span details."""
    try:
        r = repr(value)
    except Exception:
        r = '<%s>' % type(value).__name__
    return r if len(r) <= limit else r[: limit - 1] + '…'


def var_name(location, default):
    """The variable a user statement assigns (`q = Queue()` → 'q'), else `default`."""
    import linecache
    import re

    try:
        path, line, _ = location.rsplit(':', 2)
        m = re.match(r'\s*(?:self\.)?([A-Za-z_]\w*)\s*(?::[^=]*)?=[^=]', linecache.getline(path, int(line)))
    except ValueError:
        m = None
    return m.group(1) if m else default
