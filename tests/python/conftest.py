"""Shared helpers for the bufkern tests: dtypes, data, and the calls; what
the answers should be comes from the one oracle, tests/oracle.py."""

import os
import sys

import numpy as np
import pytest

import bufkern

# The oracle lives beside tests/python and tests/reliability, which both use it.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import oracle  # noqa: E402

DTYPES = list(bufkern.DTYPES)
NP = oracle.DTYPES
INT_DTYPES = [d for d in DTYPES if d[0] in "iu"]
FLOAT_DTYPES = ["f32", "f64"]
COMPLEX_DTYPES = ["c64", "c128"]
OPS = list(bufkern.OPS)  # every op of libbufkern's op table
ELEMENTWISE = [op for op, d in bufkern.OPS.items() if d["form"] not in ("reduce", "extreme", "dot")]
TARGETS = bufkern.available_targets()
THOROUGH = os.environ.get("BUFKERN_THOROUGH", "") not in ("", "0")


def kind(dt):
    return "int" if dt in INT_DTYPES else "float" if dt in FLOAT_DTYPES else "complex"


@pytest.fixture(params=TARGETS)
def target(request):
    """Runs the test once per target this machine supports, restoring the default."""
    before = bufkern.target()
    bufkern.set_target(request.param)
    try:
        yield request.param
    finally:
        bufkern.set_target(before)


# ---- data -------------------------------------------------------------------


def random_array(dt, shape, rng, special=False):
    """Values over the dtype's whole range for ints; moderate finite floats
    (or special values: +-0, subnormals, inf, nan, huge) for floats."""
    t = np.dtype(NP[dt])
    if kind(dt) == "int":
        info = np.iinfo(t)
        return np.asarray(rng.integers(info.min, info.max, size=shape, dtype=t, endpoint=True)).reshape(shape)
    real = np.float32 if dt in ("f32", "c64") else np.float64

    def reals():
        x = rng.uniform(-8, 8, size=shape) * 2.0 ** rng.integers(-6, 6, size=shape)
        x = x.astype(real)
        if special:
            fi = np.finfo(real)
            pool = np.array(
                [0.0, -0.0, np.inf, -np.inf, np.nan, fi.tiny, -fi.tiny, fi.tiny / 8,
                 -fi.smallest_subnormal, fi.max, -fi.max, 1.0, -1.0, fi.eps],
                dtype=real,
            )
            mask = rng.random(size=shape) < 0.5
            x = np.where(mask, rng.choice(pool, size=shape), x).astype(real)
        return x

    if kind(dt) == "float":
        return np.asarray(reals()).reshape(shape)
    out = np.empty(shape, dtype=t)
    out.real = reals()
    out.imag = reals()
    return out


def random_scalar(dt, rng):
    """A Python number of the kind the dtype takes."""
    if kind(dt) == "int":
        info = np.iinfo(NP[dt])
        return int(rng.integers(info.min, info.max, endpoint=True, dtype=NP[dt]))
    x = float(rng.uniform(-4, 4))
    if kind(dt) == "float":
        return x
    return complex(x, float(rng.uniform(-4, 4)))


# ---- checks against the oracle ---------------------------------------------


def bits(x):
    x = np.array(x, order="C", copy=True)
    return x.reshape(-1).view(np.uint8).reshape(x.shape + (x.itemsize,))


def assert_sum_ok(got, a, dt):
    """Integers: NumPy's wrapping int64/uint64 sum, exactly. Floats: within
    4 (log2 n + 1) eps sum|a| of math.fsum; NaN/inf as IEEE says."""
    msg = oracle.check_sum(np.asarray(a), got)
    assert msg is None, msg


def form(op):
    return bufkern.OPS[op]["form"]


def takes_b(op):
    return form(op) in ("binary", "dot")


def takes_k(op):
    return form(op) in ("fill", "scalar")


def run_op(op, a, b=None, k=None, out=None):
    """Calls bufkern's op with the arguments its form takes."""
    f = getattr(bufkern, op)
    args = (a, b) if takes_b(op) else (a, k) if takes_k(op) else (a,)
    return f(*args) if out is None else f(*args, out=out)


def assert_elementwise(op, dt, got, a, b=None, k=None):
    """got is an acceptable result of op on the values a (and b, or the
    scalar k) had before the call, by the oracle's rules."""
    k = None if k is None else oracle.convert_scalar(k, NP[dt])
    msg = oracle.check_elementwise(op, np.asarray(got), np.asarray(a), b, k)
    assert msg is None, msg


def assert_reduction(op, dt, got, a, b=None):
    msg = oracle.check(op, got, np.asarray(a), None if b is None else np.asarray(b))
    assert msg is None, msg


def check_op(op, dt, a, b=None, k=None):
    """Runs op on a (in place for the elementwise ops) and checks it against
    the oracle; a dtype the op does not take is a TypeError that writes nothing."""
    before = np.array(a, copy=True)
    if dt not in bufkern.OPS[op]["dtypes"]:
        with pytest.raises(TypeError, match="does not take"):
            run_op(op, a, b, k)
        assert np.array_equal(bits(before), bits(a))
        return
    if form(op) in ("reduce", "extreme", "dot"):
        if form(op) == "extreme" and before.size == 0:
            with pytest.raises(ValueError, match="zero-size"):
                run_op(op, a, b, k)
            return
        got = run_op(op, a, b, k)
        assert_reduction(op, dt, got, before, b)
        assert np.array_equal(bits(before), bits(a))  # reductions write nothing
        return
    result = bufkern.OPS[op]["result"][dt]
    if result != dt:  # absolute of complex: real, so out= is required
        with pytest.raises(TypeError, match="needs out="):
            run_op(op, a, b, k)
        out = np.empty(before.shape, dtype=NP[result])
        run_op(op, a, b, k, out=out)
        assert_elementwise(op, dt, out, before, b, k)
        assert np.array_equal(bits(before), bits(a))
        return
    b_before = None if b is None else np.array(b, copy=True)  # b may be a itself
    run_op(op, a, b, k)
    assert_elementwise(op, dt, a, before, b_before, k)
