"""bufkern: SIMD kernels with run-time CPU dispatch, over any Python buffer.

The ops (``OPS``: sum, min, max, dot, fill, scale, add, subtract, multiply,
divide, conjugate, absolute) work on NumPy arrays, ``array.array``,
``memoryview``, ``bytearray``, :class:`Array` and the views, for 12 dtypes
(``DTYPES``), any shape and strides, in place or into ``out=``::

    >>> import array, bufkern
    >>> a = array.array("d", [1.0, 2.0, 3.0])
    >>> bufkern.sum(a)
    6.0
    >>> bufkern.scale(a, 2.0)
    >>> a.tolist()
    [2.0, 4.0, 6.0]

The GIL is released around kernels that touch at least
``GIL_THRESHOLD_DEFAULT`` bytes. NumPy is not needed.
"""

import sys
import warnings

from bufkern import _core
from bufkern._core import (
    DTYPES,
    GIL_THRESHOLD_DEFAULT,
    OPS,
    Array,
    BufferView,
    BufferViewMut,
    IntArray,
    available_targets,
    get_threads,
    set_target,
    set_threads,
    target,
)

from bufkern._core import __version__  # bufkern.h's, compiled in: the code that runs

# One function per op of libbufkern's op table (sum, subtract, dot, ...).
globals().update({_name: getattr(_core, _name) for _name in OPS})


def _warn_target_fallback():
    """An unusable BUFKERN_TARGET fell back to the best target: a
    RuntimeWarning that names the user's import (stacklevel 3: past this
    function and this module; the warnings module skips importlib's frames).
    With warnings turned into errors (-W error), the import still succeeds:
    the fallback is harmless, and the message is printed instead."""
    message = _core._env_target_warning()
    if message is None:
        return
    try:
        warnings.warn(message, RuntimeWarning, stacklevel=3)
    except RuntimeWarning as exc:
        print(f"bufkern: RuntimeWarning: {exc}", file=sys.stderr)

__all__ = [
    "DTYPES",
    "GIL_THRESHOLD_DEFAULT",
    "OPS",
    "Array",
    "BufferView",
    "BufferViewMut",
    "IntArray",
    "available_targets",
    "get_threads",
    "set_target",
    "set_threads",
    "target",
    *OPS,
]

try:  # let threadpoolctl see (and limit) bufkern's threads when it is installed
    from bufkern import _threadpoolctl
except ImportError:
    pass
else:
    _threadpoolctl.register()

_warn_target_fallback()
