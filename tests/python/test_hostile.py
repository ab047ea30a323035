"""Hostile and unusual inputs (issue 11): each section is one finding, with
the inputs that showed it and the neighbours of its class."""

import ctypes
import decimal
import fractions
import hashlib
import inspect
import math
import os
import pathlib
import subprocess
import sys
import zlib

import numpy as np
import pytest

import bufkern
from conftest import NP

# ---- 1. every format against its itemsize -----------------------------------


class _Union8(ctypes.Union):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_int64)]


class _Union2(ctypes.Union):
    _fields_ = [("x", ctypes.c_int16), ("y", ctypes.c_uint8)]


class _Union4(ctypes.Union):
    _fields_ = [("x", ctypes.c_float), ("y", ctypes.c_int16)]


class _Union16(ctypes.Union):
    _fields_ = [("x", ctypes.c_double * 2), ("y", ctypes.c_int8)]


class _Packed9(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_int8)]


# ctypes exports all of these as format 'B' with the whole item's size.
@pytest.mark.parametrize("make", [lambda: (_Union8 * 3)(), lambda: (_Union2 * 3)(),
                                  lambda: (_Union4 * 3)(), lambda: (_Union16 * 3)(),
                                  lambda: (_Packed9 * 3)(), lambda: (_Union8 * 3 * 2)(),
                                  lambda: _Union8()],
                         ids=["union8", "union2", "union4", "union16", "packed9", "union8-2d",
                              "union8-0d"])
def test_unions_and_packed_structs_are_type_errors(make):
    u = make()
    m = memoryview(u)
    assert m.format == "B" and m.itemsize > 1
    before = bytes(m)
    calls = [lambda: bufkern.sum(u), lambda: bufkern.fill(u, 7), lambda: bufkern.scale(u, 2),
             lambda: bufkern.add(u, u), lambda: bufkern.multiply(u, u),
             lambda: bufkern.BufferView(u), lambda: bufkern.BufferViewMut(u)]
    for call in calls:
        with pytest.raises(TypeError, match=f"format 'B': itemsize {m.itemsize} does not match"):
            call()
    assert bytes(memoryview(u)) == before


def test_union_is_the_same_error_as_a_packed_struct():
    def message(obj):
        with pytest.raises(TypeError) as e:
            bufkern.sum(obj)
        return str(e.value).replace(str(memoryview(obj).itemsize), "N")

    assert message((_Union8 * 3)()) == message((_Packed9 * 3)())


def test_one_byte_ctypes_and_matching_sizes_still_work():
    assert bufkern.sum((ctypes.c_uint8 * 3)(1, 2, 3)) == 6
    assert bufkern.sum((ctypes.c_int8 * 3)(-1, -2, 3)) == 0
    assert bufkern.sum((ctypes.c_int16 * 2)(1, 2)) == 3
    assert bufkern.sum((ctypes.c_long * 2)(1, 2)) == 3
    assert bufkern.sum((ctypes.c_ssize_t * 2)(1, 2)) == 3


# ---- 2. destinations whose elements share memory ------------------------------

# (shape, strides in elements, offset in elements) of a's self-aliasing view.
ALIASED = [
    ((4, 16), (0, 1), 0),  # the same row four times: one kernel run per row
    ((4, 15), (0, 1), 0),  # inner length 15: gathered in chunks
    ((16, 4), (1, 0), 0),  # zero stride inside
    ((15, 4), (1, 0), 0),
    ((4, 16), (1, 1), 0),  # sliding windows
    ((5, 15), (1, 1), 0),
    ((3, 5), (1, 2), 0),  # NumPy's writeback order is not C order here
    ((4, 8), (-1, 1), 3),  # and here
    ((4, 3, 5), (1, 0, 2), 0),
    ((10,), (0,), 0),
    ((2, 3, 17), (0, 17, 1), 0),
]


def _view(mem, dt, shape, strides, offset):
    isz = np.dtype(dt).itemsize
    return np.ndarray(shape, dt, buffer=mem, offset=offset * isz,
                      strides=tuple(s * isz for s in strides))


def _start(dt):
    return (np.arange(1, 121) % 7 + 1).astype(dt)


def _b_for(kind, mem, dt, shape, strides, offset):
    """b: separate with distinct values (so the order of writes shows), a
    itself, or another view into a's memory."""
    if kind == "separate":
        return (np.arange(np.prod(shape)).reshape(shape) % 5 + 2).astype(dt)
    if kind == "same":
        return _view(mem, dt, shape, strides, offset)
    return _view(mem, dt, shape, strides, offset + 1)  # a's memory, one element on


def _numpy_answer(op, dt, layout, b_kind, k):
    mem = _start(dt)
    a = _view(mem, dt, *layout)
    if op == "scale":
        np.multiply(a, k, out=a)
    elif op == "fill":
        a.fill(k)
    else:
        getattr(np, op)(a, _b_for(b_kind, mem, dt, *layout), out=a)
    return mem


def _bufkern_answer(op, dt, layout, b_kind, k, gil):
    mem = _start(dt)
    a = _view(mem, dt, *layout)
    old = bufkern._core._gil_threshold(gil)
    try:
        if op in ("scale", "fill"):
            getattr(bufkern, op)(a, k)
        else:
            getattr(bufkern, op)(a, _b_for(b_kind, mem, dt, *layout))
    finally:
        bufkern._core._gil_threshold(old)
    return mem


@pytest.mark.parametrize("layout", ALIASED, ids=[f"{s}-{t}" for s, t, _ in ALIASED])
@pytest.mark.parametrize("op, b_kind", [("scale", None), ("fill", None), ("add", "separate"),
                                        ("multiply", "separate"), ("add", "same"),
                                        ("multiply", "same"), ("add", "shifted"),
                                        ("multiply", "shifted")])
@pytest.mark.parametrize("dt", [np.float64, np.int32, np.uint8])
def test_aliased_destination_gives_numpy_answer(layout, op, b_kind, dt):
    want = _numpy_answer(op, dt, layout, b_kind, 3)
    for gil in (bufkern.GIL_THRESHOLD_DEFAULT, 0):
        got = _bufkern_answer(op, dt, layout, b_kind, 3, gil)
        assert np.array_equal(got, want), (got, want)


def test_aliased_destination_the_issue_example():
    x = np.arange(1.0, 100.0)
    bufkern.scale(np.lib.stride_tricks.as_strided(x, (4, 16), (0, 8)), 2.0)
    assert list(x[:3]) == [2.0, 4.0, 6.0] and x[16] == 17.0


@pytest.mark.parametrize("op", ["scale", "fill", "add"])
def test_elements_overlapping_by_part_of_an_item(op):
    """Strides smaller than the itemsize: element bytes overlap; the last
    element written wins byte by byte, as in NumPy's writeback."""
    for shape, strides in (((6,), (4,)), ((3, 4), (4, 12)), ((2, 3), (-12, 4))):
        base = np.arange(1.0, 21.0)
        mems = []
        for mine in (False, True):
            mem = base.view(np.uint8).copy()
            a = np.ndarray(shape, np.float64, buffer=mem, offset=64, strides=strides)
            b = np.full(shape, 0.5) + np.arange(np.prod(shape)).reshape(shape)
            if op == "fill":
                (bufkern.fill if mine else np.ndarray.fill)(a, 2.5)
            elif op == "scale":
                bufkern.scale(a, 3.0) if mine else np.multiply(a, 3.0, out=a)
            else:
                bufkern.add(a, b) if mine else np.add(a, b, out=a)
            mems.append(mem)
        assert np.array_equal(mems[0], mems[1]), (shape, strides)


def test_aliased_destination_too_large_to_copy_is_a_memory_error():
    """The copy is made before anything is written; when it cannot be, the
    MemoryError leaves a untouched."""
    x = np.zeros(4, np.uint8)
    huge = np.lib.stride_tricks.as_strided(x, (2**60,), (0,))
    with pytest.raises(MemoryError):
        bufkern.fill(huge, 1)
    with pytest.raises(MemoryError):
        bufkern.add(huge, np.broadcast_to(np.uint8(1), huge.shape))
    assert not x.any()


# ---- 4. an exporter's errors are not swallowed --------------------------------

PEP688 = pytest.mark.skipif(sys.version_info < (3, 12),
                            reason="__buffer__ in Python classes needs 3.12 (PEP 688)")


class _Exporter:
    """A PEP 688 exporter that counts the requests it gets and raises
    `exc` for writable ones (or all of them)."""

    def __init__(self, data, exc=None, only_writable=True):
        self.data, self.exc, self.only_writable = data, exc, only_writable
        self.requests = []

    def __buffer__(self, flags):
        self.requests.append(flags)
        if self.exc is not None and (flags & inspect.BufferFlags.WRITABLE or
                                     not self.only_writable):
            raise self.exc
        return memoryview(self.data)


@PEP688
@pytest.mark.parametrize("exc", [KeyboardInterrupt(), SystemExit(3), MemoryError(),
                                 RuntimeError("boom"), ZeroDivisionError()],
                         ids=lambda e: type(e).__name__)
def test_exporter_errors_propagate_and_it_is_asked_once(exc):
    data = bytearray(8)
    for call in (lambda e: bufkern.fill(e, 1), lambda e: bufkern.add(e, bytes(8)),
                 lambda e: bufkern.BufferViewMut(e)):
        e = _Exporter(data, exc)
        with pytest.raises(type(exc)):
            call(e)
        assert len(e.requests) == 1
    assert data == bytearray(8)
    e = _Exporter(data, exc, only_writable=False)  # read-only requests too
    with pytest.raises(type(exc)):
        bufkern.sum(e)
    assert len(e.requests) == 1


@PEP688
def test_exporter_refusing_writable_is_read_only():
    """BufferError on the writable request is the exporter's "read-only":
    asked again read-only, it is the SPEC's ValueError."""
    e = _Exporter(bytes(8), BufferError("not writable"))
    with pytest.raises(ValueError, match="read-only"):
        bufkern.fill(e, 1)
    assert len(e.requests) == 2
    assert bufkern.sum(_Exporter(bytes([1, 2]), BufferError("not writable"))) == 3


@pytest.mark.parametrize("make", [lambda: bytes(8), lambda: memoryview(bytes(8)),
                                  lambda: np.frombuffer(bytes(8), np.uint8),
                                  lambda: np.zeros(8, np.uint8)[::-1]],
                         ids=["bytes", "memoryview", "numpy-readonly-memory", "numpy-flag"])
def test_read_only_exporters_refuse_writable_with_value_error(make):
    x = make()
    if isinstance(x, np.ndarray):
        x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        bufkern.fill(x, 1)
    assert bufkern.sum(x) == 0


# ---- 5. NumPy's 0-d arrays and scalars as scalars -----------------------------

def test_zero_d_arrays_as_scalars_the_issue_examples():
    a = np.ones(3)
    bufkern.scale(a, np.array(2.5))
    assert list(a) == [2.5] * 3
    z = np.zeros(2, np.complex128)
    bufkern.fill(z, np.array(2 + 1j))
    assert list(z) == [2 + 1j] * 2
    i = np.zeros(2, np.int32)
    bufkern.fill(i, np.True_)
    assert list(i) == [1, 1]
    bufkern.fill(i, np.array(2))
    assert list(i) == [2, 2]


_SCALAR_TYPES = [np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
                 np.uint64, np.float16, np.float32, np.float64, np.longdouble, np.complex64,
                 np.complex128, np.clongdouble]


def _rank(t):
    """bool < ints < floats < complex: NumPy's same_kind casts go up."""
    return {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}[np.dtype(t).kind]


@pytest.mark.parametrize("st", _SCALAR_TYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("zero_d", [False, True], ids=["scalar", "0-d"])
@pytest.mark.parametrize("dt", list(NP))
def test_numpy_scalars_and_zero_d_arrays_follow_numpy_kinds(st, zero_d, dt):
    """Accepted where NumPy's same_kind cast is (bool into anything, ints
    into ints and up, floats into floats and complex, complex into complex),
    with NumPy's value; a TypeError otherwise, with nothing written."""
    v = np.array(3 if np.dtype(st).kind != "b" else True, st)
    s = v if zero_d else v[()]
    a = np.full(2, 5, NP[dt])
    if _rank(st) <= _rank(NP[dt]):
        bufkern.fill(a, s)
        assert a[0] == v.astype(NP[dt])
        bufkern.scale(a, s)
        assert a[1] == (v.astype(NP[dt]) * v.astype(NP[dt]))
    else:
        with pytest.raises(TypeError, match="needs"):
            bufkern.fill(a, s)
        assert list(a) == [5, 5]


def test_zero_d_values_keep_their_kind_and_range():
    i8 = np.zeros(2, np.int8)
    with pytest.raises(TypeError, match=r"got numpy.ndarray \(0-d, holding float\)"):
        bufkern.fill(i8, np.array(2.5))
    with pytest.raises(OverflowError):
        bufkern.fill(i8, np.array(300))
    with pytest.raises(TypeError):
        bufkern.fill(np.zeros(2), np.array(1 + 1j))
    f32 = np.zeros(1, np.float32)
    bufkern.fill(f32, np.array(0.1))  # a double, rounded once to f32
    assert f32[0] == np.float32(0.1)
    bufkern.fill(f32, memoryview(np.array(-2.0)))  # any 0-d buffer
    assert f32[0] == -2.0
    u64 = np.zeros(1, np.uint64)
    bufkern.fill(u64, np.array(2**64 - 1, np.uint64))
    assert u64[0] == 2**64 - 1


def test_arrays_of_one_element_are_not_scalars():
    """Only 0-d: a 1-element array would be broadcasting, which is not done."""
    for s in (np.array([2.0]), np.ones((1, 1)), bytes([1])):
        with pytest.raises(TypeError):
            bufkern.scale(np.ones(3), s)


# ---- 6. names: NUL inside, and dtype objects that raise -----------------------

@pytest.mark.parametrize("name", ["sse2\x00junk", "scalar\x00", "\x00scalar"])
def test_target_name_with_nul_is_refused(name):
    before = bufkern.target()
    with pytest.raises(ValueError, match="not available"):
        bufkern.set_target(name)
    assert bufkern.target() == before


@pytest.mark.parametrize("name", ["f64\x00", "f64\x00junk", "float64\x00", "\x00i8"])
def test_dtype_name_with_nul_is_refused(name):
    with pytest.raises(TypeError, match="unknown dtype"):
        bufkern.Array(2, dtype=name)
    with pytest.raises(TypeError, match="unknown dtype"):
        bufkern.Array.from_values(1, dtype=name)
    with pytest.raises(TypeError, match="unknown dtype"):
        bufkern.BufferView(np.zeros(2), dtype=name)


class _Boom(Exception):
    pass


class _RaisingName:
    @property
    def name(self):
        raise _Boom("name")


class _RaisingByteorder:
    name = "float64"

    @property
    def byteorder(self):
        raise _Boom("byteorder")


class _RaisingMeta(type):
    @property
    def __name__(cls):
        raise _Boom("__name__")


@pytest.mark.parametrize("dtype", [_RaisingName(), _RaisingByteorder(),
                                   _RaisingMeta("T", (), {})],
                         ids=["name", "byteorder", "__name__"])
def test_dtype_object_whose_attributes_raise_propagates_the_error(dtype):
    for call in (lambda: bufkern.Array(2, dtype=dtype),
                 lambda: bufkern.BufferViewMut(np.zeros(2), dtype=dtype)):
        with pytest.raises(_Boom):
            call()


def test_dtype_object_without_a_name_is_a_type_error():
    class NoName:
        pass

    for dtype in (NoName(), 3, None):
        with pytest.raises(TypeError, match="dtype must be"):
            bufkern.Array(2, dtype=dtype)


# ---- 7. one rule beyond a float dtype's range; rounded once -------------------

_HALFWAY_TO_2_128 = 2.0**128 - 2.0**103  # from here on, f32 rounds to inf


@pytest.mark.parametrize("dt", ["f32", "c64"])
def test_finite_value_beyond_f32_is_overflow_error_like_an_int(dt):
    a = np.ones(2, NP[dt])
    for v in (1e39, -1e39, _HALFWAY_TO_2_128, 10**39, 2**128, 1e308,
              fractions.Fraction(10**39), decimal.Decimal("1e39")):
        for op in (bufkern.fill, bufkern.scale):
            with pytest.raises(OverflowError, match="out of range for"):
                op(a, v)
    assert list(a) == [1, 1]
    below = np.nextafter(_HALFWAY_TO_2_128, 0)  # rounds down to FLT_MAX
    bufkern.fill(a, below)
    assert a[0] == np.finfo(np.float32).max
    for v in (math.inf, -math.inf, math.nan):  # inf and nan themselves are allowed
        bufkern.fill(a, v)
        assert np.isnan(a[0]) if math.isnan(v) else a[0] == v


def test_complex_parts_beyond_f32_are_overflow_errors():
    a = np.ones(2, np.complex64)
    for v in (complex(1e39, 0), complex(0, -1e39)):
        with pytest.raises(OverflowError):
            bufkern.fill(a, v)
    bufkern.fill(a, complex(math.inf, 1.0))
    assert a[0] == complex(math.inf, 1.0)


def test_finite_decimal_beyond_f64_is_overflow_error():
    """float(Decimal("1e400")) is inf; the value is finite, so out of range."""
    a = np.ones(2)
    for v in (decimal.Decimal("1e400"), decimal.Decimal("-1e400"), fractions.Fraction(10**400)):
        with pytest.raises(OverflowError):
            bufkern.fill(a, v)
    bufkern.fill(a, decimal.Decimal("Infinity"))
    assert a[0] == math.inf


def _up(x):
    return np.nextafter(np.float32(x), np.float32(np.inf))


@pytest.mark.parametrize("dt", ["f32", "c64"])
def test_fractions_and_decimals_round_once_to_f32(dt):
    """Just above the midpoint between two floats, by less than a double can
    hold: through a double the value lands on the midpoint and ties to even
    (down); rounded once, it goes up."""
    a = np.zeros(1, NP[dt])
    F, D = fractions.Fraction, decimal.Decimal
    with decimal.localcontext() as ctx:
        ctx.prec = 80
        twice_is_wrong = [
            (F(1) + F(1, 2**24) + F(1, 2**80), _up(1.0)),
            (-(F(1) + F(1, 2**24) + F(1, 2**80)), -_up(1.0)),
            (D(1) + D(2) ** -24 + D(2) ** -80, _up(1.0)),
            # subnormal: 2.5 * 2^-149 ties down to 2 * 2^-149; a bit above, up to 3 * 2^-149
            (F(5, 2**150) + F(1, 2**220), np.float32(3 * 2.0**-149)),
        ]
    for v, want in twice_is_wrong:
        assert np.float32(float(v)) != want
    for v, want in twice_is_wrong + [(F(1, 2**200), np.float32(0.0)), (F(3, 7), np.float32(3 / 7))]:
        bufkern.fill(a, v)
        got = a[0].real if dt == "c64" else a[0]
        assert got == want, (v, got, want)


def test_signed_zero_and_nan_of_decimal():
    a = np.ones(1, np.float32)
    bufkern.fill(a, decimal.Decimal("-0"))
    assert a[0] == 0 and math.copysign(1, a[0]) < 0
    bufkern.fill(a, decimal.Decimal("NaN"))
    assert np.isnan(a[0])


# ---- 8. "an" before a vowel sound ---------------------------------------------

@pytest.mark.parametrize("dt", list(NP))
def test_messages_put_the_right_article_before_dtype_names(dt):
    article = "an" if dt[0] in "if" else "a"  # "an i8", "an f32"; "a u8", "a c64"
    wrong = object() if dt[0] == "c" else 1j
    with pytest.raises(TypeError) as e:
        bufkern.fill(np.zeros(1, NP[dt]), wrong)
    assert str(e.value).startswith(f"{article} {dt} array needs "), str(e.value)
    other = np.zeros(1, np.int8 if dt != "i8" else np.uint8)
    with pytest.raises(TypeError) as e:
        bufkern.BufferView(other, dtype=dt)
    assert f"needs {article} {dt} buffer" in str(e.value), str(e.value)


# ---- 9. repr of long arrays ---------------------------------------------------

def test_repr_summarises_long_arrays_as_numpy_does():
    assert repr(bufkern.Array(10**7)) == "Array([0.0, 0.0, 0.0, ..., 0.0, 0.0, 0.0], dtype='f64')"
    assert repr(bufkern.IntArray.from_values(*range(1001))) == \
        "IntArray([0, 1, 2, ..., 998, 999, 1000])"
    assert repr(bufkern.Array.from_values(*(i % 256 for i in range(2000)), dtype="u8")) == \
        "Array([0, 1, 2, ..., 205, 206, 207], dtype='u8')"
    assert repr(bufkern.Array(1001, dtype="c64")).startswith("Array([0j, 0j, 0j, ..., 0j")
    # up to NumPy's threshold of 1000 elements, every element
    full = repr(bufkern.IntArray.from_values(*range(1000)))
    assert "..." not in full and full == f"IntArray({list(range(1000))!r})"
    assert np.get_printoptions()["threshold"] == 1000 and np.get_printoptions()["edgeitems"] == 3


# ---- 10. a BufferView honours the request flags -------------------------------

@pytest.mark.parametrize("cls", [bufkern.BufferView, bufkern.BufferViewMut])
@pytest.mark.parametrize("x", [np.arange(24.0).reshape(2, 3, 4), np.arange(6, dtype=np.int16),
                               np.array(2.5), np.zeros((0, 3))],
                         ids=["3-d", "1-d", "0-d", "empty"])
def test_simple_buffer_request_of_a_contiguous_view(cls, x):
    """hashlib and zlib ask for a simple buffer (the bytes, no shape)."""
    v = cls(x)
    assert hashlib.sha1(v).hexdigest() == hashlib.sha1(x.tobytes()).hexdigest()
    assert zlib.crc32(v) == zlib.crc32(x.tobytes())
    m, mx = memoryview(v), memoryview(x)  # a full request still gets everything
    assert (m.ndim, m.shape, m.strides, m.format) == (mx.ndim, mx.shape, mx.strides, mx.format)
    m.release()
    v.release()  # no export left behind


@pytest.mark.parametrize("x", [np.arange(24.0).reshape(2, 3, 4)[:, :, ::2],
                               np.asfortranarray(np.arange(6.0).reshape(2, 3))],
                         ids=["strided", "fortran"])
def test_simple_buffer_request_of_a_non_contiguous_view_is_refused(x):
    v = bufkern.BufferView(x)
    with pytest.raises(BufferError):
        hashlib.sha1(v)
    assert np.array_equal(np.asarray(v), x)  # a strided request works
    v.release()


# ---- 11. a sum of negative zeros ----------------------------------------------

def test_sum_of_negative_zeros_is_negative_zero_and_the_readme_says_numpy_differs():
    for dt in (np.float32, np.float64, np.complex128):
        got = bufkern.sum(np.full(3, -0.0, dt))
        assert math.copysign(1, got.real) < 0
        assert math.copysign(1, np.full(3, -0.0, dt).sum().real) > 0  # NumPy 2.x: +0.0
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text()
    bullet = readme[readme.index("- **Floats**"):readme.index("- **Complex**")]
    assert "negative zeros is `-0.0`" in bullet and "NumPy" in bullet.split("negative zeros")[1]


# ---- 12. the BUFKERN_TARGET warning -------------------------------------------

def _run_script(tmp_path, code, *flags):
    script = tmp_path / "user_code.py"
    script.write_text(code)
    env = dict(os.environ, BUFKERN_TARGET="bogus")
    return script, subprocess.run([sys.executable, *flags, str(script)], env=env,
                                  capture_output=True, text=True, cwd=tmp_path)


def test_target_warning_points_at_the_users_import(tmp_path):
    script, out = _run_script(tmp_path, "import os\nimport bufkern\n")
    assert out.returncode == 0, out.stderr
    assert f"{script}:2: RuntimeWarning: BUFKERN_TARGET=bogus" in out.stderr, out.stderr
    assert "importlib" not in out.stderr
    _, out = _run_script(tmp_path, (
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    import bufkern\n"
        "print(w[0].filename, w[0].lineno, w[0].category.__name__)\n"))
    assert out.stdout.split() == [str(script), "4", "RuntimeWarning"], out


def test_target_warning_as_error_does_not_fail_the_import(tmp_path):
    _, out = _run_script(tmp_path, "import bufkern\nprint(bufkern.target())\n", "-W", "error")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == bufkern.available_targets()[0]
    assert "BUFKERN_TARGET=bogus" in out.stderr and "Traceback" not in out.stderr
