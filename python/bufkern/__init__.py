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

from bufkern._core import (
    GIL_THRESHOLD_DEFAULT,
    Array,
    BufferView,
    BufferViewMut,
    IntArray,
    add,
    available_targets,
    fill,
    get_threads,
    multiply,
    scale,
    set_target,
    set_threads,
    sum,
    target,
)

from bufkern._core import __version__  # bufkern.h's, compiled in: the code that runs

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
    "get_threads",
    "multiply",
    "scale",
    "set_target",
    "set_threads",
    "sum",
    "target",
]

try:  # let threadpoolctl see (and limit) bufkern's threads when it is installed
    from bufkern import _threadpoolctl
except ImportError:
    pass
else:
    _threadpoolctl.register()
