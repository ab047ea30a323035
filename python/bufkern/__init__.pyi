"""Type stubs for bufkern (the functions and types live in bufkern._core)."""

import sys
from types import TracebackType
from typing import Any, Literal, SupportsComplex, SupportsFloat, SupportsIndex, TypeAlias, final

from typing_extensions import Buffer, Self

__all__ = [
    "DTYPES",
    "GIL_THRESHOLD_DEFAULT",
    "Array",
    "BufferView",
    "BufferViewMut",
    "IntArray",
    "OPS",
    "absolute",
    "add",
    "available_targets",
    "conjugate",
    "divide",
    "dot",
    "fill",
    "get_threads",
    "max",
    "min",
    "multiply",
    "scale",
    "set_target",
    "set_threads",
    "subtract",
    "sum",
    "target",
]

__version__: str
DTYPES: tuple[str, ...]
OPS: dict[str, dict[str, Any]]
GIL_THRESHOLD_DEFAULT: int

_DTypeName: TypeAlias = Literal[
    "f32", "f64", "i8", "i16", "i32", "i64", "u8", "u16", "u32", "u64", "c64", "c128",
    "float32", "float64", "int8", "int16", "int32", "int64",
    "uint8", "uint16", "uint32", "uint64", "complex64", "complex128",
]
#: A dtype name, or a NumPy dtype object / scalar type (recognised by name).
_DTypeLike: TypeAlias = _DTypeName | str | type | Any
#: Any number the scalar rules accept for some dtype.
_Scalar: TypeAlias = SupportsIndex | SupportsFloat | SupportsComplex | complex
#: Anything an op accepts: a buffer exporter or a view. Before Python 3.12
#: (PEP 688) NumPy's stubs do not declare ndarray a Buffer, so anything goes.
if sys.version_info >= (3, 12):
    _BufferLike: TypeAlias = Buffer | BufferView | BufferViewMut
else:
    _BufferLike: TypeAlias = Any

_Number: TypeAlias = int | float | complex

# The ops of libbufkern's op table (bufkern.OPS); tests/python/test_stubs.py
# checks that every op and view method is declared here with its form.
def sum(a: _BufferLike, /) -> _Number:
    """Sum of all elements: int (integer dtypes, wrapping), float (f32/f64), complex."""

def min(a: _BufferLike, /) -> int | float:
    """The smallest element (NaN if any is NaN). ValueError when empty."""

def max(a: _BufferLike, /) -> int | float:
    """The largest element (NaN if any is NaN). ValueError when empty."""

def dot(a: _BufferLike, b: _BufferLike, /) -> _Number:
    """sum(a[i] * b[i]); integers exact modulo 2**64 in int64/uint64."""

def fill(a: _BufferLike, v: _Scalar, /) -> None:
    """a[i] = v for every element."""

def scale(a: _BufferLike, k: _Scalar, /, *, out: _BufferLike | None = None) -> None:
    """a[i] * k, into a (in place) or out."""

def add(a: _BufferLike, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None:
    """a[i] + b[i], into a (in place) or out; any overlap gives NumPy's answer."""

def subtract(a: _BufferLike, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None:
    """a[i] - b[i], into a (in place) or out."""

def multiply(a: _BufferLike, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None:
    """a[i] * b[i], into a (in place) or out."""

def divide(a: _BufferLike, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None:
    """a[i] / b[i] (floats and complex), into a (in place) or out."""

def conjugate(a: _BufferLike, /, *, out: _BufferLike | None = None) -> None:
    """conj(a[i]), into a (in place) or out."""

def absolute(a: _BufferLike, /, *, out: _BufferLike | None = None) -> None:
    """|a[i]|, into a or out; complex: the magnitude, out= (real dtype) required."""

def target() -> str:
    """The active kernel target."""

def available_targets() -> list[str]:
    """Targets compiled in that this CPU supports, best first."""

def get_threads() -> int:
    """How many threads kernels on large operands split over (the caller included)."""

def set_threads(n: SupportsIndex, /) -> None:
    """Split kernels over at most n threads (1: never; 0: the default). ValueError if n < 0."""

def set_target(name: str, /) -> None:
    """Make name the active target; ValueError if it is not available."""

@final
class BufferView:
    """A read-only view of a buffer, held until release()."""

    def __new__(cls, obj: _BufferLike, dtype: _DTypeLike | None = None) -> Self: ...
    if sys.version_info >= (3, 12):
        def __buffer__(self, flags: int, /) -> memoryview: ...
    @property
    def dtype(self) -> str: ...
    @property
    def itemsize(self) -> int: ...
    @property
    def ndim(self) -> int: ...
    @property
    def shape(self) -> tuple[int, ...]: ...
    @property
    def strides(self) -> tuple[int, ...]: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def readonly(self) -> bool: ...
    @property
    def c_contiguous(self) -> bool: ...
    def len(self) -> int: ...
    def rows(self) -> int: ...
    def cols(self) -> int: ...
    def is_empty(self) -> bool: ...
    def sum(self) -> _Number: ...
    def min(self) -> int | float: ...
    def max(self) -> int | float: ...
    def dot(self, b: _BufferLike, /) -> _Number: ...
    def release(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        /,
    ) -> None: ...

@final
class BufferViewMut:
    """A writable view of a buffer, held until release(), with the in-place ops."""

    def __new__(cls, obj: _BufferLike, dtype: _DTypeLike | None = None) -> Self: ...
    if sys.version_info >= (3, 12):
        def __buffer__(self, flags: int, /) -> memoryview: ...
    @property
    def dtype(self) -> str: ...
    @property
    def itemsize(self) -> int: ...
    @property
    def ndim(self) -> int: ...
    @property
    def shape(self) -> tuple[int, ...]: ...
    @property
    def strides(self) -> tuple[int, ...]: ...
    @property
    def nbytes(self) -> int: ...
    @property
    def readonly(self) -> bool: ...
    @property
    def c_contiguous(self) -> bool: ...
    def len(self) -> int: ...
    def rows(self) -> int: ...
    def cols(self) -> int: ...
    def is_empty(self) -> bool: ...
    def sum(self) -> _Number: ...
    def min(self) -> int | float: ...
    def max(self) -> int | float: ...
    def dot(self, b: _BufferLike, /) -> _Number: ...
    def release(self) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
        /,
    ) -> None: ...
    def fill(self, v: _Scalar, /) -> None: ...
    def scale(self, k: _Scalar, /, *, out: _BufferLike | None = None) -> None: ...
    def add(self, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None: ...
    def subtract(self, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None: ...
    def multiply(self, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None: ...
    def divide(self, b: _BufferLike, /, *, out: _BufferLike | None = None) -> None: ...
    def conjugate(self, /, *, out: _BufferLike | None = None) -> None: ...
    def absolute(self, /, *, out: _BufferLike | None = None) -> None: ...

class Array:
    """Owned, zeroed, 64-byte-aligned storage exporting a writable 1-D buffer."""

    def __new__(cls, n: SupportsIndex, dtype: _DTypeLike = "f64") -> Self: ...
    @classmethod
    def from_values(cls, *values: _Scalar, dtype: _DTypeLike = ...) -> Self: ...
    if sys.version_info >= (3, 12):
        def __buffer__(self, flags: int, /) -> memoryview: ...
    @property
    def dtype(self) -> str: ...
    @property
    def itemsize(self) -> int: ...
    def __len__(self) -> int: ...
    def __getitem__(self, i: SupportsIndex, /) -> Any: ...
    def __setitem__(self, i: SupportsIndex, v: _Scalar, /) -> None: ...
    def tolist(self) -> list[Any]: ...

@final
class IntArray(Array):
    """An Array of dtype i64."""

    def __new__(cls, n: SupportsIndex, dtype: _DTypeLike = "i64") -> Self: ...
    def __getitem__(self, i: SupportsIndex, /) -> int: ...
    def tolist(self) -> list[int]: ...
