#!/usr/bin/env python3
"""Differential fuzzer of the bufkern module, with NumPy as the oracle.

Hypothesis draws one call at a time: the op, from bufkern.OPS (the
library's op table: every op, with the arguments its form takes), directly
or through the BufferView/BufferViewMut method of the same name; the dtype
(the 12, unsupported ones, non-native byte orders; an op's other dtypes
too, such as divide of ints or min of complex); the exporter (NumPy,
memoryview, array.array, bytearray, bytes, ctypes arrays, unions and packed
structs, bufkern.Array, views, released views, non-buffers), shape, strides
(negative, zero, padded, not multiples of the itemsize), start offsets, b
overlapping a, destinations whose elements share memory (as_strided
windows, zero strides), read-only flags, scalars of every kind (NumPy's 0-d
arrays and scalar types too), for the elementwise ops out= (fresh, a or b
itself, shifted anywhere over a's or b's memory, of any layout including
one whose elements share memory, or of the wrong dtype, shape or
writability), the kernel target, and whether the GIL is released around
even the smallest call. Every call must either give the answer of the one
oracle (tests/oracle.py: NumPy's answer by the SPEC's rules), or raise one
of the exceptions the SPEC says for that call (TypeError, ValueError,
OverflowError, or what the scalar's own __index__/__float__ raised) with
nothing modified. Memory outside the destination's elements must never
change, and no buffer stays exported (the operands' reference counts are
unchanged after the call).

    python3 tests/reliability/fuzz_python.py --seconds 75 [--seed N]

runs rounds of examples (a fresh seed per round) until the time is up, and
prints the examples tried and the findings. Exit status 1 on any finding;
Hypothesis then prints the shrunk failing example.
"""

import argparse
import array
import ctypes
import decimal
import fractions
import os
import sys
import time
import warnings

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

# The one oracle, tests/oracle.py, shared with tests/python.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import oracle  # noqa: E402

import bufkern  # noqa: E402

SUPPORTED = list(oracle.DTYPES.values())
UNSUPPORTED = [
    np.float16, np.bool_, np.longdouble, np.clongdouble, np.object_, "S4", "U2",
    "datetime64[s]", "timedelta64[ms]", [("x", "<f8"), ("y", "<i4")],
]
BYTESWAPPED = [">f4", ">f8", ">i2", ">i4", ">i8", ">u2", ">u4", ">u8", ">c8", ">c16"]
ONE_BYTE_PREFIXED = [">i1", ">u1", "<i1", "=u1", "|u1"]

OPS = bufkern.OPS  # every op of the library's op table, with its form
TARGETS = bufkern.available_targets()
REDUCTIONS = {"reduce", "extreme", "dot"}

COUNTS = {"examples": 0, "ok": 0, "raised": 0, "out": 0, "aliased": 0}
RAISED = {}  # exception and message start -> count
OPS_SEEN = {}  # op -> examples drawn


# ---- scalars ------------------------------------------------------------------


class Index:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v

    def __repr__(self):
        return f"Index({self.v!r})"


class Floaty:
    def __init__(self, v):
        self.v = v

    def __float__(self):
        return self.v

    def __repr__(self):
        return f"Floaty({self.v!r})"


class Complexy:
    def __init__(self, v):
        self.v = v

    def __complex__(self):
        return self.v

    def __repr__(self):
        return f"Complexy({self.v!r})"


class BadIndex:
    def __index__(self):
        raise ZeroDivisionError("bad __index__")

    def __repr__(self):
        return "BadIndex()"


class IndexReturnsStr:
    def __index__(self):
        return "7"

    def __repr__(self):
        return "IndexReturnsStr()"


class FloatReturnsStr:
    def __float__(self):
        return "1.5"

    def __repr__(self):
        return "FloatReturnsStr()"


class IntSub(int):
    pass


class Union8(ctypes.Union):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_int64)]


class Union2(ctypes.Union):
    _fields_ = [("x", ctypes.c_int16), ("y", ctypes.c_uint8)]


class Union4(ctypes.Union):
    _fields_ = [("x", ctypes.c_float), ("y", ctypes.c_int32)]


class Packed9(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_int8)]


class Struct(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int32)]


CTYPES_RECORDS = [Union8, Union2, Union4, Packed9, Struct]


class FloatSub(float):
    pass


ints = st.one_of(
    st.integers(-300, 300),
    st.sampled_from([0, 1, -1, 127, 128, -128, -129, 255, 256, 2**15, 2**16, 2**31, -(2**31) - 1,
                     2**32, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 2**64 - 1,
                     2**64, 2**100, -(2**1000), 2**128 - 2**103, 2**128 - 2**104, 2**1024,
                     2**1024 - 2**970, 2**1024 - 2**971]),
    st.integers(),
    # ints whose rounding to f32 through a double would round twice
    st.builds(lambda e, sign: sign * (2**e + 2**(e - 24) + 1), st.integers(25, 200),
              st.sampled_from([1, -1])),
)
floats = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 0.5, 1e300, -1e300, 3.4028235677973366e38, 3.5e38, 5e-324,
                     1e-45, 1.401298464324817e-45 / 2]),
)
complexes = st.complex_numbers(allow_nan=True, allow_infinity=True)


def numpy_scalars():
    return st.one_of(
        st.builds(lambda t, v: t(v), st.sampled_from([np.int8, np.int16, np.int32, np.int64]),
                  st.integers(-128, 127)),
        st.builds(lambda t, v: t(v), st.sampled_from([np.uint8, np.uint16, np.uint32,
                                                       np.uint64]), st.integers(0, 255)),
        st.builds(lambda t, v: t(v), st.sampled_from([np.float16, np.float32, np.float64,
                                                       np.longdouble]), floats),
        st.builds(lambda t, v: t(v), st.sampled_from([np.complex64, np.complex128]), complexes),
        st.sampled_from([np.True_, np.False_, np.uint64(2**64 - 1), np.int64(-(2**63))]),
    )


NUMPY_NUMBER_TYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16,
                      np.uint32, np.uint64, np.float16, np.float32, np.float64, np.longdouble,
                      np.complex64, np.complex128, np.clongdouble]


def _numpy_number(t, v, zero_d):
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = np.array(v).astype(t)
    return x if zero_d else x[()]


# NumPy's 0-d arrays and scalars of every numeric type, of any value.
numpy_numbers = st.builds(_numpy_number, st.sampled_from(NUMPY_NUMBER_TYPES),
                          st.one_of(st.integers(-300, 300), st.integers(-(2**63), 2**63 - 1),
                                    floats, complexes),
                          st.booleans())

scalars = st.one_of(
    ints, floats, complexes, st.booleans(), numpy_scalars(), numpy_numbers,
    st.builds(Index, ints), st.builds(Floaty, floats), st.builds(Complexy, complexes),
    st.builds(IntSub, st.integers(-200, 200)), st.builds(FloatSub, floats),
    st.builds(fractions.Fraction, st.integers(-50, 50), st.integers(1, 7)),
    st.sampled_from([decimal.Decimal("1.25"), decimal.Decimal("NaN"), decimal.Decimal("-0"),
                     None, "1", b"1", [1], (1,), object(), BadIndex(), IndexReturnsStr(),
                     FloatReturnsStr(), Index(True), Index(IntSub(3))]),
)


# Mostly scalars of the right kind for the array, so that most calls compute.
scalars_for = {
    "i": st.one_of(st.integers(-130, 130), ints, st.booleans(), st.builds(Index, ints),
                   numpy_numbers),
    "f": st.one_of(floats, st.integers(-1000, 1000), ints, st.builds(Floaty, floats),
                   numpy_numbers, st.builds(fractions.Fraction, st.integers(), st.integers(1))),
    "c": st.one_of(complexes, floats, ints, st.builds(Complexy, complexes), numpy_numbers),
}
scalars_for["u"] = st.one_of(st.integers(0, 260), scalars_for["i"])


# ---- arrays -------------------------------------------------------------------


@st.composite
def layouts(draw, itemsize, readonly_operand, shape=None, whole_items=False):
    """(shape, strides, lo, hi): strides in bytes; [lo, hi) the bytes the
    elements span relative to the first element (hi - lo = 0 when empty).
    Any operand may be "wild": zero and overlapping strides, its elements
    sharing memory (for a writable one, a destination that overlaps itself,
    as numpy.lib.stride_tricks.as_strided makes); with whole_items, only by
    whole elements. A writable one may also be a "window": contiguous rows,
    of lengths around the walker's thresholds (runs from 16 elements, 4 KiB
    chunks), that overlap each other or repeat."""
    if shape is None and not readonly_operand and draw(st.integers(0, 9)) == 0:
        rows = tuple(draw(st.lists(st.integers(2, 5), min_size=1, max_size=2)))
        length = draw(st.sampled_from([15, 16, 17, 33, 4096 // itemsize + 3]))
        inner = draw(st.sampled_from([itemsize, -itemsize]))
        outer = tuple(draw(st.sampled_from([0, itemsize, 2 * itemsize, -itemsize,
                                            length // 2 * itemsize])) for _ in rows)
        shape, strides = rows + (length,), outer + (inner,)
        lo = sum(min(0, (n - 1) * s) for n, s in zip(shape, strides))
        hi = sum(max(0, (n - 1) * s) for n, s in zip(shape, strides)) + itemsize
        return shape, strides, lo, hi
    if shape is None:
        ndim = draw(st.integers(0, 4))
        big = draw(st.integers(0, 9)) == 0
        shape = []
        for d in range(ndim):
            if big and d == ndim - 1:
                shape.append(draw(st.integers(0, 3000)))
            else:
                shape.append(draw(st.integers(0, 6)))
        shape = tuple(shape)
    ndim = len(shape)
    strides = [0] * ndim
    style = draw(st.sampled_from(["C", "F", "perm", "padded", "wild"] if readonly_operand
                                 else ["C", "F", "perm", "padded"] * 2 + ["wild"]))
    if style == "wild":
        steps = [0, itemsize, -itemsize, 2 * itemsize, 3 * itemsize]
        if not whole_items:
            steps += [itemsize + 1, -3, 1]
        for d in range(ndim):
            strides[d] = draw(st.sampled_from(steps))
    else:
        order = list(range(ndim))[::-1]  # innermost first (C order)
        if style == "F":
            order = list(range(ndim))
        elif style in ("perm", "padded"):
            order = draw(st.permutations(list(range(ndim))))
        running = itemsize
        for d in order:
            pad = draw(st.integers(0, 2 * itemsize + 3)) if style == "padded" else 0
            step = running + pad
            strides[d] = step
            running = step * max(shape[d], 1)
        for d in range(ndim):
            if draw(st.integers(0, 3)) == 0:
                strides[d] = -strides[d]
    if 0 in shape:
        return shape, tuple(strides), 0, 0
    lo = sum(min(0, (n - 1) * s) for n, s in zip(shape, strides))
    hi = sum(max(0, (n - 1) * s) for n, s in zip(shape, strides)) + itemsize
    return shape, tuple(strides), lo, hi


def fill_bytes(rng, buf, dt, mode):
    """Random element values into the uint8 array buf."""
    n = len(buf)
    if mode == "raw" or dt is None or np.dtype(dt).kind not in "fciu":
        buf[:] = rng.integers(0, 256, n, dtype=np.uint8)
        return
    dt = np.dtype(dt)
    count = n // dt.itemsize
    if mode == "small":
        vals = rng.integers(-8, 9, count)
        if dt.kind == "u":
            vals = np.abs(vals)
        arr = vals.astype(dt)
    elif mode == "normal":
        if dt.kind in "iu":
            arr = rng.integers(np.iinfo(dt).min, np.iinfo(dt).max, count, dtype=dt, endpoint=True)
        else:
            arr = rng.standard_normal(count).astype(dt)
            if dt.kind == "c":
                arr += 1j * rng.standard_normal(count)
            arr *= 10.0 ** rng.integers(-3, 4)
    else:  # specials sprinkled among raw values
        buf[:] = rng.integers(0, 256, n, dtype=np.uint8)
        if dt.kind in "fc":
            specials = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0, 5e-324,
                                 np.finfo(np.float64).max, np.finfo(np.float32).max])
            arr = np.frombuffer(buf[: count * dt.itemsize].tobytes(), dtype=dt).copy()
            pick = rng.integers(0, 3, count) == 0
            sp = specials[rng.integers(0, len(specials), count)]
            with np.errstate(all="ignore"):
                arr[pick] = sp[pick].astype(dt)
        else:
            return
    raw = arr.view(np.uint8)
    buf[: len(raw)] = raw


class Operand:
    """An operand for one call: the object handed to bufkern, the bytes it
    lives in (a uint8 NumPy view of them, to snapshot and compare), and the
    NumPy view of its elements. kind tells which errors it must cause."""

    def __init__(self, obj, mem, npview, dtype, errors, readonly, keep=()):
        self.obj = obj
        self.mem = mem  # uint8 view of the exporter's memory, or None
        self.npview = npview  # elements as NumPy sees them, or None
        self.dtype = dtype  # NumPy dtype of a supported operand, else None
        self.errors = errors  # exception classes this operand alone causes
        self.readonly = readonly
        self.keep = keep
        self.desc = ""

    def __repr__(self):
        if self.npview is None:
            return f"<{type(self.obj).__name__} {self.desc}errors={sorted(e.__name__ for e in self.errors)}>"
        v = self.npview
        start = v.__array_interface__["data"][0] - self.mem.__array_interface__["data"][0]
        return (f"<{type(self.obj).__name__} {self.desc}dtype={v.dtype.str} shape={v.shape} "
                f"strides={v.strides} offset={start} of {len(self.mem)} bytes "
                f"readonly={self.readonly} errors={sorted(e.__name__ for e in self.errors)}>")


def numpy_operand(buf, dtype_spec, shape, strides, offset, readonly, readonly_buffer):
    dt = np.dtype(dtype_spec)
    view = np.ndarray(shape, dtype=dt, buffer=buf, offset=offset, strides=strides)
    if readonly and not readonly_buffer:
        view.flags.writeable = False
    return view


@st.composite
def operand(draw, rng, role, dtype_spec, a_layout=None, share=None):
    """Builds operand `role` ('a', 'b' or 'out'; b is read-only) of dtype_spec. With share = (buf,
    itemsize), b lives in a's buffer (overlapping it); a_layout gives b a's
    shape unless a different shape is drawn."""
    readonly_op = role == "b" or draw(st.integers(0, 9)) == 0
    try:
        dt = np.dtype(dtype_spec)
    except TypeError:
        dt = np.dtype(np.float64)
    supported = dt in oracle.NAME_OF and dt.isnative
    one_byte_ok = dt.itemsize == 1 and dt.kind in "iu"
    fmt_error = not (supported or one_byte_ok)

    exporter = draw(st.sampled_from(
        ["numpy"] * 24 + ["memoryview"] * 4 + ["bufviewmut"] * 3 + ["array", "ctypes", "bkarray"] * 2
        + ["bufview", "released", "bytearray", "bytes", "nonbuffer"]))
    if exporter == "nonbuffer":
        obj = draw(st.sampled_from([None, 1, 2.5, [1.0, 2.0], "abc", object(), range(3)]))
        return Operand(obj, None, None, None, {TypeError}, True)

    itemsize = dt.itemsize
    shape = a_layout[0] if a_layout is not None and draw(st.integers(0, 7)) else None
    if shape is not None and draw(st.integers(0, 15)) == 0:
        shape = None  # a different shape, most likely
    # Elements of a writable float operand share memory only by whole items:
    # NumPy and bufkern may give NaNs different payloads, which bytes
    # overlapping by part of an item would mix into other values.
    shape, strides, lo, hi = draw(layouts(itemsize, readonly_op, shape,
                                          whole_items=not readonly_op and dt.kind not in "iu"))
    mode = draw(st.sampled_from(["raw", "small", "normal", "specials"]))

    if exporter in ("array", "bytearray", "bytes", "ctypes", "bkarray"):
        # 1-D contiguous exporters of their own memory
        n = shape[0] if len(shape) == 1 else draw(st.integers(0, 40))
        if exporter in ("bytearray", "bytes"):
            dt = np.dtype(np.uint8)
            raw = np.zeros(n, np.uint8)
            fill_bytes(rng, raw, dt, mode)
            obj = bytearray(raw.tobytes()) if exporter == "bytearray" else raw.tobytes()
            mem = np.frombuffer(obj, np.uint8)
            npview = np.frombuffer(obj, dt)
            return Operand(obj, mem, npview, dt, set(), exporter == "bytes")
        if exporter == "array":
            codes = {"b": np.int8, "B": np.uint8, "h": np.int16, "H": np.uint16, "i": np.int32,
                     "I": np.uint32, "l": np.int64, "L": np.uint64, "q": np.int64,
                     "Q": np.uint64, "f": np.float32, "d": np.float64, "u": None}
            code = draw(st.sampled_from(sorted(codes)))
            if codes[code] is None:
                return Operand(array.array("u", "xy"), None, None, None, {TypeError}, False)
            dt = np.dtype(codes[code])
            raw = np.zeros(n * dt.itemsize, np.uint8)
            fill_bytes(rng, raw, dt, mode)
            obj = array.array(code, raw.tobytes())
            return Operand(obj, np.frombuffer(obj, np.uint8), np.frombuffer(obj, dt), dt, set(),
                           False)
        if exporter == "ctypes":
            ctypes_types = [(ctypes.c_int8, np.int8), (ctypes.c_uint16, np.uint16),
                            (ctypes.c_int32, np.int32), (ctypes.c_long, np.int64),
                            (ctypes.c_double, np.float64), (ctypes.c_float, np.float32),
                            (ctypes.c_uint64, np.uint64), (ctypes.c_ssize_t, np.int64),
                            (ctypes.c_int32.__ctype_be__, None), (ctypes.c_double.__ctype_be__,
                                                                  None),
                            (ctypes.c_bool, None), (ctypes.c_longdouble, None),
                            (ctypes.c_uint8.__ctype_be__, np.uint8)]
            # Unions and packed structs export 'B' with the whole item's size.
            ctypes_types += [(t, None) for t in CTYPES_RECORDS]
            ct, npt = draw(st.sampled_from(ctypes_types))
            rows = draw(st.sampled_from([None, None, 1, 3]))  # a 2-d ctypes array
            obj = (ct * n)() if rows is None else (ct * n * rows)()
            mem = np.frombuffer(obj, np.uint8)  # ctypes memory is writable
            fill_bytes(rng, mem, None if npt is None else np.dtype(npt), mode)
            if npt is None:
                return Operand(obj, mem, None, None, {TypeError}, False)
            npview = np.frombuffer(obj, npt).reshape(memoryview(obj).shape)
            return Operand(obj, mem, npview, np.dtype(npt), set(), False)
        # bufkern.Array
        if not supported:
            return Operand(None, None, None, None, {TypeError}, True)
        obj = bufkern.Array(n, dtype=oracle.NAME_OF[dt])
        npview = np.asarray(obj)
        mem = npview.view(np.uint8)
        fill_bytes(rng, mem, dt, mode)
        return Operand(obj, mem, npview, dt, set(), False)

    # NumPy-backed exporters over a buffer with room before and after
    if share is not None:
        buf = share
        span = len(buf)
        if hi - lo > span:
            return None  # does not fit in a's buffer: the caller draws again
        offset = -lo + draw(st.integers(0, span - (hi - lo)))
        readonly_buffer = not buf.flags.writeable
    else:
        before, after = draw(st.integers(0, 17)), draw(st.integers(0, 17))
        readonly_buffer = readonly_op and draw(st.booleans())
        buf = np.zeros(before + (hi - lo) + after, np.uint8)
        fill_bytes(rng, buf, dt if supported else None, mode)
        offset = before - lo
        if readonly_buffer:
            buf = np.frombuffer(buf.tobytes(), np.uint8)  # read-only memory
    try:
        npview = numpy_operand(buf, dtype_spec, shape, strides, offset, readonly_op,
                               readonly_buffer)
    except (TypeError, ValueError):
        return None
    errors = {TypeError} if fmt_error else set()
    out_dt = dt if not fmt_error else None
    if exporter == "memoryview":
        try:
            obj = memoryview(npview)
        except (ValueError, TypeError, BufferError):
            return None
    elif exporter in ("bufview", "bufviewmut", "released"):
        cls = bufkern.BufferViewMut if exporter == "bufviewmut" else bufkern.BufferView
        try:
            obj = cls(npview)
        except (TypeError, ValueError):
            return None
        if exporter == "released":
            obj.release()
            errors = errors | {ValueError}
        if exporter != "bufviewmut":
            readonly_op = True  # a BufferView is read-only for mutating ops
    else:
        obj = npview
    return Operand(obj, buf, npview, out_dt, errors, readonly_op or not npview.flags.writeable,
                   keep=(buf, npview))


# ---- one call -------------------------------------------------------------------


class Finding(AssertionError):
    pass


def element_offsets(npview, mem):
    """Where each of npview's elements starts in mem, in C order."""
    start = npview.__array_interface__["data"][0] - mem.__array_interface__["data"][0]
    offs = np.array([start])
    for n, s in zip(npview.shape, npview.strides):
        offs = (offs[:, None] + np.arange(n) * s).ravel()
    return offs


def element_mask(npview, mem):
    """Boolean mask over mem of the bytes npview's elements occupy."""
    mask = np.zeros(len(mem), bool)
    if npview.size == 0:
        return mask
    offs = element_offsets(npview, mem)
    for k in range(npview.itemsize):
        mask[offs + k] = True
    return mask


def overlaps_itself(npview, mem):
    """Whether elements of npview share memory with each other."""
    offs = np.sort(element_offsets(npview, mem))
    return bool(np.any(np.diff(offs) < npview.itemsize))


def form(op):
    return OPS[op]["form"]


def takes_b(op):
    return form(op) in ("binary", "dot")


def takes_k(op):
    return form(op) in ("fill", "scalar")


def takes_out(op):
    return form(op) in ("scalar", "binary", "unary", "magnitude")


def writeback_winners(dest):
    """For a destination whose elements share memory by whole items: for
    each element (C order), the flat index of the element whose result it
    holds after NumPy assigns the results to it. The indices go through
    NumPy's own assignment into a view of the same geometry (strides scaled
    to 8-byte slots), so its order decides which writer wins."""
    v, isz = dest.npview, dest.npview.itemsize
    offs = element_offsets(v, dest.mem)
    base = offs.min()
    slots = np.full((offs.max() - base) // isz + 1, -1, np.int64)
    idx = np.ndarray(v.shape, np.int64, buffer=slots, offset=(offs[0] - base) // isz * 8,
                     strides=tuple(st // isz * 8 for st in v.strides))
    idx[...] = np.arange(v.size).reshape(v.shape)
    return np.array(idx, copy=True).ravel()


def bytewise_result(dest, mem_before, values):
    """dest's elements after NumPy writes the exact results `values` into a
    copy of its memory: where elements overlap by part of an item, the bytes
    of the last one written win."""
    mem = mem_before.copy()
    start = dest.npview.__array_interface__["data"][0] - dest.mem.__array_interface__["data"][0]
    view = np.ndarray(dest.npview.shape, dest.dtype, buffer=mem, offset=start,
                      strides=dest.npview.strides)
    view[...] = values
    return np.array(view, copy=True)


def call(op, via, a, b, k, out):
    args = (a,) + ((b,) if takes_b(op) else ()) + ((k,) if takes_k(op) else ())
    if via == "view":  # the same op through a view's method
        with (bufkern.BufferView if form(op) in REDUCTIONS else bufkern.BufferViewMut)(a) as v:
            return getattr(v, op)(*args[1:])
    f = getattr(bufkern, op)
    return f(*args) if out is None else f(*args, out=out)


def result_spec(op, a, dspec):
    """The dtype op's result has for a (a's own where the op does not say)."""
    if a.dtype is None or a.dtype not in oracle.NAME_OF:
        return dspec
    res = OPS[op]["result"].get(oracle.NAME_OF[a.dtype])
    return a.dtype if res is None else oracle.DTYPES[res]


def placed(draw, rng, role, spec, shape, under=None):
    """An operand of spec, in the memory of the NumPy-backed operand under
    (anywhere over it) where it fits, else in memory of its own."""
    if under is not None and under.npview is not None and under.mem is not None \
            and isinstance(under.obj, np.ndarray):
        for _ in range(5):
            x = draw(operand(rng, role, spec, a_layout=shape, share=under.mem))
            if x is not None:
                return x
    while True:
        x = draw(operand(rng, role, spec, a_layout=shape))
        if x is not None:
            return x


@st.composite
def cases(draw):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    op = draw(st.sampled_from(sorted(OPS)))
    r = draw(st.integers(0, 39))
    if r < 34:
        dspec = draw(st.sampled_from(SUPPORTED))
    elif r < 37:
        dspec = draw(st.sampled_from(BYTESWAPPED + ONE_BYTE_PREFIXED))
    else:
        dspec = draw(st.sampled_from(UNSUPPORTED))
    a = None
    while a is None:
        a = draw(operand(rng, "a", dspec))
    shape = (a.npview.shape,) if a.npview is not None else None
    b = None
    k = None
    if takes_b(op):
        placement = draw(st.sampled_from(["separate", "separate", "shared", "same"]))
        bspec = dspec if draw(st.integers(0, 9)) else draw(st.sampled_from(SUPPORTED))
        if placement == "same":
            b = a
        else:
            b = placed(draw, rng, "b", bspec, shape, a if placement == "shared" else None)
    if takes_k(op):
        k = draw(scalars if a.dtype is None or draw(st.integers(0, 3)) == 0
                 else scalars_for[a.dtype.kind])
    out = None
    if takes_out(op) and draw(st.integers(0, 2)):
        ospec = result_spec(op, a, dspec)
        if not draw(st.integers(0, 9)):
            ospec = draw(st.sampled_from(SUPPORTED))  # most likely the wrong dtype
        placement = draw(st.sampled_from(["fresh"] * 3 + ["a", "b", "over a", "over b"]))
        # a.dtype is None for an unsupported format, and NumPy's dtype('f8') == None
        # is True (None means float64 to it): compare only real dtypes.
        if placement == "a" and a.dtype is not None and np.dtype(ospec) == a.dtype:
            out = a
        elif placement == "b" and b is not None and b.dtype is not None \
                and np.dtype(ospec) == b.dtype:
            out = b  # read-only (b always is), unless its memory is writable and
            # its layout one a writable operand may have (see operand(): a float
            # destination shares memory only by whole items):
            whole = b.npview is not None and all(st % b.dtype.itemsize == 0
                                                 for st in b.npview.strides)
            if isinstance(b.obj, np.ndarray) and b.mem is not None and b.mem.flags.writeable \
                    and (b.dtype.kind in "iu" or whole):
                try:
                    twin = np.ndarray(b.npview.shape, b.dtype, buffer=b.mem, strides=b.npview.strides,
                                      offset=b.npview.__array_interface__["data"][0]
                                      - b.mem.__array_interface__["data"][0])
                    out = Operand(twin, b.mem, twin, b.dtype, set(), False, keep=b.keep)
                except ValueError:  # NumPy refuses some empty layouts it made itself
                    pass
        else:
            under = {"over a": a, "over b": b or a}.get(placement)
            out = placed(draw, rng, "out", ospec, shape, under)
        if out.obj is None:  # out=None is no out at all
            out = None
    via = ("view" if out is None and draw(st.integers(0, 9)) == 0 and isinstance(a.obj, np.ndarray)
           else "func")
    # Every target, and sometimes the GIL released around every kernel call.
    knobs = (draw(st.sampled_from(TARGETS)), draw(st.sampled_from([None, None, 0])))
    return op, via, a, b, k, out, knobs


def expected_errors(op, via, a, b, k, out):
    """The exception classes the SPEC allows for this call (empty: it must
    succeed), and the scalar k converted to a's dtype."""
    spec = OPS[op]
    errors = set(a.errors)
    elementwise = form(op) not in REDUCTIONS
    name = oracle.NAME_OF.get(a.dtype) if not a.errors else None
    if name is not None and name not in spec["dtypes"]:
        errors.add(TypeError)  # e.g. divide of ints, min of complex
    if name is not None and form(op) == "extreme" and a.npview.size == 0:
        errors.add(ValueError)
    if elementwise and out is None:
        if not a.errors and a.readonly:
            errors.add(ValueError)
        if name in spec["result"] and spec["result"][name] != name:
            errors.add(TypeError)  # absolute of complex needs out=
    if takes_b(op):
        errors |= b.errors
        if not a.errors and not b.errors:
            if a.dtype != b.dtype:
                errors.add(TypeError)
            elif a.npview.shape != b.npview.shape:
                errors.add(ValueError)
    kk = None
    if takes_k(op) and not a.errors:
        try:
            kk = oracle.convert_scalar(k, a.dtype)
        except Exception as e:  # noqa: BLE001 - whatever the scalar raises
            errors.add(type(e))
    if out is not None:
        errors |= out.errors
        if not out.errors:
            if name is not None and name in spec["result"] and \
                    out.dtype != oracle.DTYPES[spec["result"][name]]:
                errors.add(TypeError)
            if not a.errors and out.npview.shape != a.npview.shape:
                errors.add(ValueError)
            if out.readonly:
                errors.add(ValueError)
    if via == "view" and elementwise and a.readonly:
        errors = {ValueError}  # BufferViewMut of a read-only buffer is refused
    return errors, kk


def check(case):
    op, via, a, b, k, out, (target, gil) = case
    COUNTS["examples"] += 1
    OPS_SEEN[op] = OPS_SEEN.get(op, 0) + 1
    bufkern.set_target(target)
    bufkern._core._gil_threshold(bufkern.GIL_THRESHOLD_DEFAULT if gil is None else gil)
    if via == "view" and a.errors:
        return  # the view constructor itself refuses a: nothing more to learn
    errors, kk = expected_errors(op, via, a, b, k, out)

    ops = [x for x in (a, b, out) if x is not None]
    mems = list({id(x.mem): x.mem for x in ops if x.mem is not None}.values())
    before = [m.copy() for m in mems]
    a_vals = b_vals = None
    if not errors:  # the values as they were: "as if b were copied first"
        a_vals = np.array(a.npview, copy=True)
        b_vals = np.array(b.npview, copy=True) if takes_b(op) else None
    owners = [x.obj for x in ops if x.mem is not None]
    refs = [sys.getrefcount(o) for o in owners]
    try:
        got = call(op, via, a.obj, b.obj if b is not None else None, k,
                   out.obj if out is not None else None)
    except Exception as e:  # noqa: BLE001
        e.__traceback__ = None  # its frames would hold the operands
        if [sys.getrefcount(o) for o in owners] != refs:
            raise Finding(f"{op} raised {type(e).__name__} and left a reference to an operand "
                          "(a buffer not released?)")
        if not errors:
            raise Finding(f"{op} raised {type(e).__name__}: {e} where NumPy gives an answer")
        if not isinstance(e, tuple(errors)):
            raise Finding(f"{op} raised {type(e).__name__}: {e}; expected one of "
                          f"{sorted(x.__name__ for x in errors)}")
        for m, m0 in zip(mems, before):
            if not np.array_equal(m, m0):
                raise Finding(f"{op} raised {type(e).__name__} but modified memory")
        COUNTS["raised"] += 1
        key = f"{type(e).__name__}: {str(e)[:50]}"
        RAISED[key] = RAISED.get(key, 0) + 1
        return
    if [sys.getrefcount(o) for o in owners] != refs:
        raise Finding(f"{op} left a reference to an operand (a buffer not released?)")
    if errors:
        raise Finding(f"{op} returned {got!r}; expected one of "
                      f"{sorted(x.__name__ for x in errors)}")

    if form(op) in REDUCTIONS:
        msg = oracle.check(op, got, a_vals, b_vals)
        if msg:
            raise Finding(msg)
        for m, m0 in zip(mems, before):
            if not np.array_equal(m, m0):
                raise Finding(f"{op} modified memory")
        COUNTS["ok"] += 1
        return
    if got is not None:
        raise Finding(f"{op} returned {got!r}, not None")
    dest = out if out is not None else a
    # Bytes outside the destination's elements are untouched, the operands'
    # own memory included.
    for m, m0 in zip(mems, before):
        keep = ~element_mask(dest.npview, m) if m is dest.mem else np.ones(len(m), bool)
        if not np.array_equal(m[keep], m0[keep]):
            raise Finding(f"{op} wrote outside the destination's elements")
    gotv = np.array(dest.npview, copy=True)
    if not overlaps_itself(dest.npview, dest.mem):
        msg = oracle.check_elementwise(op, gotv, a_vals, b_vals, kk)
    elif all(st % dest.npview.itemsize == 0 for st in dest.npview.strides):
        # Elements sharing whole items: each holds the result of the last
        # element NumPy writes there, checked against the inputs of that one.
        w = writeback_winners(dest)
        msg = oracle.check_elementwise(op, gotv.ravel(), a_vals.ravel()[w],
                                       None if b_vals is None else b_vals.ravel()[w], kk)
    else:  # integers overlapping by part of an item: the bytes mix, exactly
        want = bytewise_result(dest, before[[id(m) for m in mems].index(id(dest.mem))],
                               oracle.answer(op, a_vals, b_vals, kk))
        msg = None if oracle.same_values(gotv, want) else (
            f"{op} {dest.dtype} shape {dest.npview.shape} strides {dest.npview.strides}: "
            "result differs from NumPy's writeback")
    if msg:
        raise Finding(msg)
    COUNTS["ok"] += 1
    COUNTS["out"] += out is not None
    COUNTS["aliased"] += overlaps_itself(dest.npview, dest.mem)


def make_test():
    @given(cases())
    def fuzz_one(case):
        check(case)

    return fuzz_one


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=75.0)
    ap.add_argument("--seed", type=int, default=None, help="first round's seed (default: time)")
    ap.add_argument("--round", type=int, default=500, help="examples per round")
    ap.add_argument("--verbose", action="store_true", help="list the exceptions raised")
    args = ap.parse_args()
    # NumPy's own overflow / invalid / complex-cast warnings are expected noise here.
    np.seterr(all="ignore")
    warnings.simplefilter("ignore", RuntimeWarning)
    warnings.simplefilter("ignore", np.exceptions.ComplexWarning)
    first = args.seed if args.seed is not None else int(time.time())
    t0 = time.monotonic()
    rounds = 0
    while time.monotonic() - t0 < args.seconds:
        s = first + rounds
        test = settings(max_examples=args.round, deadline=None, database=None,
                        phases=[Phase.generate, Phase.shrink],
                        suppress_health_check=list(HealthCheck))(seed(s)(make_test()))
        try:
            test()
        except Exception:
            el = time.monotonic() - t0
            print(f"fuzz_python: FINDING in round seed {s} after {COUNTS['examples']} examples "
                  f"({el:.0f} s); reproduce with --seed {s} --round {args.round}", flush=True)
            raise
        rounds += 1
    el = time.monotonic() - t0
    print(f"fuzz_python: {COUNTS['examples']} examples in {el:.1f} s "
          f"({COUNTS['examples'] / el:.0f}/s; {COUNTS['ok']} answers checked against NumPy, "
          f"{COUNTS['raised']} expected exceptions), {rounds} rounds from seed {first}, "
          f"0 findings")
    print(f"  of the answers: {COUNTS['out']} into out=, {COUNTS['aliased']} into a "
          "destination whose elements share memory")
    print("  examples per op: " + ", ".join(f"{op} {n}" for op, n in sorted(OPS_SEEN.items())))
    if args.verbose:
        for key, n in sorted(RAISED.items(), key=lambda kv: -kv[1])[:40]:
            print(f"  {n:6d}  {key}")


if __name__ == "__main__":
    main()
