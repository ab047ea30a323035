"""Every op x dtype x available target against NumPy: lengths 0..300 and a
large one, misaligned addresses, special values, scalar kinds."""

import array
import math

import numpy as np
import pytest

import bufkern
from conftest import (
    takes_b, takes_k,
    COMPLEX_DTYPES, DTYPES, FLOAT_DTYPES, INT_DTYPES, NP, OPS, check_op, kind,
    random_array, random_scalar,
)

LENGTHS = list(range(0, 301))


def _inputs(op, dt, n, rng, special=False):
    a = random_array(dt, (n,), rng, special)
    b = random_array(dt, (n,), rng, special) if takes_b(op) else None
    k = random_scalar(dt, rng) if takes_k(op) else None
    return a, b, k


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_lengths_0_to_300(op, dt, target):
    rng = np.random.default_rng(1234)
    for n in LENGTHS:
        a, b, k = _inputs(op, dt, n, rng)
        check_op(op, dt, a, b, k)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_large(op, dt, target):
    rng = np.random.default_rng(99)
    n = 100_003  # crosses every block size and the GIL threshold, leaves a tail
    a, b, k = _inputs(op, dt, n, rng)
    check_op(op, dt, a, b, k)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_misaligned(op, dt, target):
    """Arrays at every byte offset inside an element (views of one bytearray)."""
    rng = np.random.default_rng(7)
    t = np.dtype(NP[dt])
    for n in (1, 3, 17, 64, 133):
        for off_a in range(1, t.itemsize + 1, max(1, t.itemsize // 4)):
            buf_a = bytearray(n * t.itemsize + 32)
            buf_b = bytearray(n * t.itemsize + 32)
            a = np.frombuffer(buf_a, dtype=t, count=n, offset=off_a)
            b = np.frombuffer(buf_b, dtype=t, count=n, offset=(off_a * 3) % t.itemsize + 1)
            a[...] = random_array(dt, (n,), rng)
            b[...] = random_array(dt, (n,), rng)
            k = random_scalar(dt, rng)
            check_op(op, dt, a, b if takes_b(op) else None, k)


@pytest.mark.parametrize("dt", FLOAT_DTYPES + COMPLEX_DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_special_values(op, dt, target):
    """+-0, subnormals, inf, nan, extremes: IEEE results as NumPy gives them."""
    rng = np.random.default_rng(5)
    for n in (1, 2, 7, 16, 31, 64, 200, 1000):
        a, b, _ = _inputs(op, dt, n, rng, special=True)
        for k in (0.0, -0.0, math.inf, -math.inf, math.nan, 1e-310, -3.5):
            if kind(dt) == "complex":
                k = complex(k, -k if not math.isnan(k) else 1.0)
            with np.errstate(all="ignore"):
                check_op(op, dt, a.copy(), None if b is None else b.copy(), k)


@pytest.mark.parametrize("dt", FLOAT_DTYPES)
def test_sum_signed_zero_and_empty(dt):
    t = NP[dt]
    z = bufkern.sum(np.array([-0.0] * 300, dtype=t))
    assert z == 0.0 and math.copysign(1, z) == -1
    e = bufkern.sum(np.array([], dtype=t))
    assert e == 0.0 and math.copysign(1, e) == 1 and type(e) is float


@pytest.mark.parametrize("dt", DTYPES)
def test_empty_results(dt):
    a = np.zeros(0, dtype=NP[dt])
    s = bufkern.sum(a)
    want = {"int": 0, "float": 0.0, "complex": 0j}[kind(dt)]
    assert s == want and type(s) is type(want)
    for op in ("scale", "fill"):
        getattr(bufkern, op)(a, 1)
    bufkern.multiply(a, a.copy())
    bufkern.add(a, a.copy())


@pytest.mark.parametrize("dt", INT_DTYPES)
def test_integer_wraparound(dt):
    info = np.iinfo(NP[dt])
    a = np.array([info.max, info.min, info.max, -1 if dt[0] == "i" else 1], dtype=NP[dt])
    check_op("add", dt, a.copy(), a.copy())
    check_op("multiply", dt, a.copy(), a.copy())
    check_op("scale", dt, a.copy(), None, int(info.max))
    big = np.full(100_000, info.max, dtype=NP[dt])
    check_op("sum", dt, big)


@pytest.mark.parametrize("dt", FLOAT_DTYPES + COMPLEX_DTYPES)
def test_sum_accuracy_hard_cases(dt, target):
    """Sums that naive summation gets badly wrong stay within the SPEC bound."""
    from conftest import assert_sum_ok
    rng = np.random.default_rng(3)
    t = NP[dt]
    for n in (10, 1000, 123_457):
        x = rng.standard_normal(n) * 10.0 ** rng.integers(-3, 4, size=n)
        x[::2] = -x[1::2][: len(x[::2])] if n % 2 == 0 else x[::2]
        a = x.astype(t) if kind(dt) == "float" else (x + 1j * x[::-1]).astype(t)
        assert_sum_ok(bufkern.sum(a), a, dt)
        ones = np.ones(n, dtype=t) + (np.float32(1e-7) if dt in ("f32", "c64") else 1e-16)
        assert_sum_ok(bufkern.sum(ones), ones, dt)


@pytest.mark.parametrize(
    "typecode,dt", [("b", "i8"), ("B", "u8"), ("h", "i16"), ("H", "u16"), ("i", "i32"),
                    ("I", "u32"), ("l", "i64"), ("L", "u64"), ("q", "i64"), ("Q", "u64"),
                    ("f", "f32"), ("d", "f64")],
)
def test_array_array_inputs(typecode, dt):
    if typecode in "lL" and array.array(typecode).itemsize != 8:
        dt = dt[0] + "32"
    a = array.array(typecode, range(10))
    b = array.array(typecode, [2] * 10)
    assert bufkern.sum(a) == 45
    bufkern.multiply(a, b)
    bufkern.add(a, b)
    bufkern.scale(a, 3)
    assert list(a) == [(2 * i + 2) * 3 for i in range(10)]
    bufkern.fill(a, 1)
    assert list(a) == [1] * 10
    assert bufkern.BufferView(a).dtype == dt


def test_memoryview_bytearray_bytes_inputs():
    ba = bytearray(range(10))
    assert bufkern.sum(ba) == 45
    assert bufkern.sum(bytes(range(10))) == 45
    bufkern.scale(ba, 2)
    assert list(ba) == [2 * i for i in range(10)]
    mv = memoryview(ba)
    bufkern.add(mv, bytes([1] * 10))
    assert list(ba) == [2 * i + 1 for i in range(10)]
    bufkern.add(mv[::2], mv[1::2])  # strided memoryviews into the same bytes
    assert list(ba) == [(2 * i + 1) + (2 * i + 3) if i % 2 == 0 else 2 * i + 1 for i in range(10)]
    d = memoryview(bytearray(8 * 6)).cast("d", (2, 3))
    bufkern.fill(d, 1.5)
    assert bufkern.sum(d) == 9.0
    assert bufkern.sum(memoryview(bytearray(16)).cast("q")) == 0


@pytest.mark.parametrize("dt", DTYPES)
def test_scalar_kinds_accepted(dt):
    """Scalars per SPEC: ints (and bools, __index__) everywhere; floats for
    float and complex dtypes; complex numbers only for complex dtypes."""
    a = np.zeros(3, dtype=NP[dt])
    for v in (True, 3, np.int8(5), np.uint64(7)):
        bufkern.fill(a, v)
        assert a[0] == int(v)
    if kind(dt) != "int":
        for v in (2.5, np.float32(0.25), np.float64(1.5)):
            bufkern.fill(a, v)
            assert a[0] == NP[dt](float(v))
        from fractions import Fraction
        from decimal import Decimal
        bufkern.fill(a, Fraction(1, 3))
        assert a[0] == NP[dt](1 / 3)
        bufkern.fill(a, Decimal("0.1"))
        assert a[0] == NP[dt](0.1)
    if kind(dt) == "complex":
        for v in (1 + 2j, np.complex64(3 - 1j), np.complex128(-2j)):
            bufkern.fill(a, v)
            assert a[0] == NP[dt](complex(v))


@pytest.mark.parametrize("dt", ["f32", "c64"])
def test_large_int_rounds_once_to_f32(dt):
    # 2^64 + 2^40 + 1: int -> double -> float would round twice (to 2^64);
    # rounding once gives the float above 2^64.
    v = 2**64 + 2**40 + 1
    a = np.zeros(1, dtype=NP[dt])
    bufkern.fill(a, v)
    up = np.nextafter(np.float32(2.0**64), np.float32(np.inf))
    assert (a[0].real if kind(dt) == "complex" else a[0]) == up
    bufkern.fill(a, -v)
    assert (a[0].real if kind(dt) == "complex" else a[0]) == -up


def test_f64_scale_is_one_rounding():
    """No FMA contraction, no flush to zero: subnormal results as NumPy."""
    a = np.array([1e-308, 3e-320, -2.5e-310], dtype=np.float64)
    check_op("scale", "f64", a, None, 0.3)
