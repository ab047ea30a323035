"""bufkern: SIMD kernels with run-time CPU dispatch, over any Python buffer.

The ops work in place on NumPy arrays, ``array.array``, ``memoryview``,
``bytearray``, :class:`Array` and the views, for 12 dtypes (f32 f64 i8 i16
i32 i64 u8 u16 u32 u64 c64 c128), any shape and strides::

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
    GIL_THRESHOLD_DEFAULT,
    Array,
    BufferView,
    BufferViewMut,
    IntArray,
    add,
    available_targets,
    fill,
    multiply,
    scale,
    set_target,
    sum,
    target,
)

__version__ = "0.1.0"


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


#: The 12 dtypes, by their bufkern names.
DTYPES = ("f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "c64", "c128")

__all__ = [
    "DTYPES",
    "GIL_THRESHOLD_DEFAULT",
    "Array",
    "BufferView",
    "BufferViewMut",
    "IntArray",
    "add",
    "available_targets",
    "fill",
    "multiply",
    "scale",
    "set_target",
    "sum",
    "target",
]

_warn_target_fallback()
