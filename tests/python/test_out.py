"""out= on every elementwise op: results into another buffer, read-only
operands, any overlap of out with the operands (NumPy's np.op(a, b, out=out)),
and the error rows (nothing written on error)."""

import numpy as np
import pytest

import bufkern
from conftest import (
    DTYPES, ELEMENTWISE, NP, assert_elementwise, bits, random_array, random_scalar,
    takes_b, takes_k,
)

OUT_OPS = [op for op in ELEMENTWISE if op != "fill"]


def _args(op, dt, n, rng):
    a = random_array(dt, (n,), rng)
    b = random_array(dt, (n,), rng) if takes_b(op) else None
    k = random_scalar(dt, rng) if takes_k(op) else None
    return a, b, k


def _call(op, a, b, k, out):
    f = getattr(bufkern, op)
    args = (a, b) if takes_b(op) else (a, k) if takes_k(op) else (a,)
    return f(*args, out=out)


def _copies(a, b):
    """The operands' values before a call whose out may overwrite them."""
    return np.array(a, copy=True), None if b is None else np.array(b, copy=True)


def _result_dtype(op, dt):
    return bufkern.OPS[op]["result"][dt]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", OUT_OPS)
def test_out_fresh_and_read_only_operands(op, dt, target):
    if dt not in bufkern.OPS[op]["dtypes"]:
        pytest.skip("not taken")
    rng = np.random.default_rng(5)
    for n in (0, 1, 7, 64, 301, 20_000):
        a, b, k = _args(op, dt, n, rng)
        a.flags.writeable = False
        if b is not None:
            b.flags.writeable = False
        out = np.empty(n, dtype=NP[_result_dtype(op, dt)])
        assert _call(op, a, b, k, out) is None
        assert_elementwise(op, dt, out, a, b, k)


@pytest.mark.parametrize("dt", ["f64", "i32", "c64", "u8"])
@pytest.mark.parametrize("op", OUT_OPS)
def test_out_overlapping_operands(op, dt):
    """out is a, b, or shifted over them by whole elements, forwards and
    backwards, also strided: the result is computed from the inputs as they
    were (NumPy copies them first)."""
    if dt not in bufkern.OPS[op]["dtypes"] or _result_dtype(op, dt) != dt:
        pytest.skip("not taken, or the result has another dtype")
    rng = np.random.default_rng(9)
    n = 500
    for shift in (0, 1, 3, -1, -5, 17):
        for step in (1, 2):
            base = random_array(dt, (5 * n,), rng)
            lo = n + 40
            a = base[lo : lo + n * step : step]
            b = random_array(dt, (n,), rng) if takes_b(op) else None
            k = random_scalar(dt, rng) if takes_k(op) else None
            out = base[lo + shift : lo + shift + n * step : step]
            a0, b0 = _copies(a, b)
            _call(op, a, b, k, out)
            assert_elementwise(op, dt, out, a0, b0, k)
            if takes_b(op):  # out over b instead
                base = random_array(dt, (5 * n,), rng)
                a = random_array(dt, (n,), rng)
                b = base[lo : lo + n * step : step]
                out = base[lo + shift : lo + shift + n * step : step]
                a0, b0 = _copies(a, b)
                _call(op, a, b, k, out)
                assert_elementwise(op, dt, out, a0, b0, k)


def test_out_between_a_and_b_partly_over_both():
    """The case no single walk serves: out lies over the end of a and the start
    of b."""
    base = np.arange(3000, dtype=np.float64)
    a, b, out = base[0:1000], base[1500:2500], base[700:1700]
    want = a + b
    bufkern.add(a, b, out=out)
    assert np.array_equal(out, want)


def test_absolute_of_complex_into_its_own_memory():
    z = (np.arange(200) + 1j * np.arange(200, 400)).astype(np.complex128)
    want = np.abs(z)
    out = z.view(np.float64)[:200]  # the magnitudes over the first half of z
    bufkern.absolute(z, out=out)
    np.testing.assert_array_max_ulp(out, want, maxulp=2)


def test_out_that_overlaps_itself_gets_numpys_answer():
    """out whose rows share memory: computed from the inputs, then written in
    C order, so the last row wins as in NumPy."""
    x = np.zeros(16)
    out = np.lib.stride_tricks.as_strided(x, (4, 16), (0, 8))
    a = np.arange(64.0).reshape(4, 16)
    b = np.ones((4, 16))
    bufkern.add(a, b, out=out)
    assert np.array_equal(x, a[3] + 1)


@pytest.mark.parametrize("op", OUT_OPS)
def test_out_errors_write_nothing(op):
    dt = "f64" if "f64" in bufkern.OPS[op]["dtypes"] else bufkern.OPS[op]["dtypes"][0]
    rng = np.random.default_rng(1)
    a, b, k = _args(op, dt, 10, rng)
    res = NP[_result_dtype(op, dt)]
    cases = [
        (np.zeros(9, dtype=res), ValueError, "same length"),
        (np.zeros((2, 5), dtype=res), ValueError, "same shape"),
        (np.zeros(10, dtype=np.int16), TypeError, "out must be"),
        (np.zeros(10, dtype=res), ValueError, "read-only"),
        (b"0123456789", ValueError, "read-only"),
        ([0.0] * 10, TypeError, "buffer protocol"),
    ]
    cases[3][0].flags.writeable = False
    for out, exc, match in cases:
        before_a = np.array(a, copy=True)
        plain = isinstance(out, (bytes, list))
        before_out = None if plain else np.array(out, copy=True)
        with pytest.raises(exc, match=match):
            _call(op, a, b, k, out)
        assert np.array_equal(bits(a), bits(before_a))
        if not plain:
            assert np.array_equal(bits(out), bits(before_out))


def test_out_keyword_only_and_refused_elsewhere():
    a = np.ones(4)
    with pytest.raises(TypeError, match="positional"):
        bufkern.add(a, a, a)
    with pytest.raises(TypeError, match="unexpected keyword"):
        bufkern.sum(a, out=a)
    with pytest.raises(TypeError, match="unexpected keyword"):
        bufkern.add(a, a, where=a)
    bufkern.add(a, a, out=None)  # None: in place
    assert np.array_equal(a, np.full(4, 2.0))


def test_views_carry_every_op():
    x = np.arange(1.0, 5.0)
    with bufkern.BufferView(x) as v:
        assert v.min() == 1.0 and v.max() == 4.0 and v.dot(x) == 30.0 and v.sum() == 10.0
        assert not hasattr(v, "subtract")
    with bufkern.BufferViewMut(x) as m:
        out = np.empty(4)
        m.subtract(np.ones(4), out=out)
        assert np.array_equal(out, [0.0, 1.0, 2.0, 3.0])
        m.divide(np.full(4, 2.0))
        assert np.array_equal(x, [0.5, 1.0, 1.5, 2.0])
        m.conjugate()
        m.absolute()
    assert set(bufkern.OPS) <= set(dir(bufkern.BufferViewMut))
