"""Shared helpers for the bufkern tests: dtypes, data, NumPy references, and the
comparisons the SPEC promises (bit-exact, complex within 2 ulp, sum bound)."""

import math
import os

import numpy as np
import pytest

import bufkern

DTYPES = list(bufkern.DTYPES)
NP = {
    "f32": np.float32, "f64": np.float64,
    "i8": np.int8, "i16": np.int16, "i32": np.int32, "i64": np.int64,
    "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
    "c64": np.complex64, "c128": np.complex128,
}
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


# ---- references -------------------------------------------------------------


# The one oracle: NumPy's answer for each op, by name. A new op adds a line.
NUMPY_ELEMENTWISE = {
    "scale": lambda a, k: np.multiply(a, a.dtype.type(k)),
    "fill": lambda a, k: np.full_like(a, a.dtype.type(k)),
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "conjugate": np.conjugate,
    "absolute": np.absolute,
}


def reference(op, a, b=None, k=None):
    """NumPy's answer for elementwise op on copies of a and b (or with k)."""
    a = np.array(a, copy=True)
    f = NUMPY_ELEMENTWISE[op]
    with np.errstate(all="ignore"):
        if op in ("scale", "fill"):
            return np.asarray(f(a, k))
        if b is not None:
            return np.asarray(f(a, np.array(b, copy=True)))
        return np.asarray(f(a))


def reference_reduction(op, a, b=None):
    """The exact answer of a reduction, where one exists (ints; min/max)."""
    flat = np.asarray(a).reshape(-1)
    if op in ("min", "max"):
        if np.issubdtype(flat.dtype, np.floating) and np.isnan(flat).any():
            return math.nan
        return getattr(np, op)(flat).item()
    if op == "dot" and flat.dtype.kind in "iu":
        total = sum(int(x) * int(y) for x, y in zip(flat, np.asarray(b).reshape(-1))) % (1 << 64)
        return total - (1 << 64) if flat.dtype.kind == "i" and total >= 1 << 63 else total
    raise KeyError(op)


def bits(x):
    x = np.array(x, order="C", copy=True)
    return x.reshape(-1).view(np.uint8).reshape(x.shape + (x.itemsize,))


def assert_same(got, ref, dt, op, naive=None):
    """Bit-exact, except complex multiply/scale: within 2 ulp of the larger
    component. NaNs only need to be NaN (their payload is not promised)."""
    got = np.asarray(got)
    ref = np.asarray(ref)
    assert got.shape == ref.shape
    if kind(dt) == "int":
        assert np.array_equal(got, ref)
        return
    if kind(dt) == "complex" and op in ("multiply", "scale"):
        assert_complex_close(got, ref, naive=naive)
        return
    same = np.all(bits(got) == bits(ref), axis=-1)
    if kind(dt) == "complex":
        gparts = [got.real, got.imag]
        rparts = [ref.real, ref.imag]
        nan_ok = np.ones(got.shape, dtype=bool)
        for g, r in zip(gparts, rparts):
            nan_ok &= (np.isnan(g) & np.isnan(r)) | (bits(g) == bits(r)).all(axis=-1)
        same |= nan_ok
    else:
        same |= np.isnan(got) & np.isnan(ref)
    bad = np.argwhere(~same)
    assert bad.size == 0, f"{dt} {op}: first mismatch at {bad[0]}: got {got[tuple(bad[0])]!r}, want {ref[tuple(bad[0])]!r}"


def naive_complex_product(x, y):
    """(ac - bd) + (ad + bc)i with one rounding per real operation (the SPEC's
    formula; NumPy may contract into FMA and differ when products overflow)."""
    x = np.asarray(x)
    real = np.float32 if x.dtype == np.complex64 else np.float64
    y = np.broadcast_to(np.asarray(y, dtype=x.dtype), x.shape)
    with np.errstate(all="ignore"):
        re = (x.real * y.real).astype(real) - (x.imag * y.imag).astype(real)
        im = (x.real * y.imag).astype(real) + (x.imag * y.real).astype(real)
    out = np.empty(x.shape, dtype=x.dtype)
    out.real, out.imag = re, im
    return out


def _complex_close(got, ref, ulps):
    """Per element: each component within ulps ulp of ref's larger component,
    or the same non-finite value (nan matches nan, inf its own sign)."""
    real = np.float32 if got.dtype == np.complex64 else np.float64
    big = np.maximum(np.abs(ref.real), np.abs(ref.imag)).astype(real)
    ok = np.ones(got.shape, dtype=bool)
    for g, r in ((got.real, ref.real), (got.imag, ref.imag)):
        scale = np.where(np.isfinite(big), big, np.abs(r)).astype(real)
        with np.errstate(invalid="ignore", over="ignore"):
            tol = ulps * np.spacing(scale, dtype=real).astype(np.float64)
            near = np.abs(g.astype(np.float64) - r.astype(np.float64)) <= tol
        both_finite = np.isfinite(g) & np.isfinite(r)
        same_nonfinite = (np.isnan(g) & np.isnan(r)) | (np.isinf(g) & (g == r))
        ok &= np.where(both_finite, near, same_nonfinite)
    return ok


def assert_complex_close(got, ref, ulps=2, naive=None):
    """Within 2 ulp of NumPy, or (where NumPy's FMA changed an overflow or
    inf/nan outcome) of the SPEC formula evaluated one rounding at a time."""
    ok = _complex_close(got, ref, ulps)
    if naive is not None:
        ok |= _complex_close(got, naive, ulps)
    bad = np.argwhere(~ok)
    assert bad.size == 0, f"complex mismatch at {bad[0]}: got {got[tuple(bad[0])]!r}, want {ref[tuple(bad[0])]!r}"


def sum_bound(values, eps):
    n = max(len(values), 1)
    return 4 * (math.log2(n) + 1) * eps * math.fsum(abs(v) for v in values)


def assert_sum_ok(got, a, dt):
    """Integers: NumPy's wrapping int64/uint64 sum, exactly. Floats: within
    4 (log2 n + 1) eps sum|a| of math.fsum; NaN/inf as IEEE says."""
    flat = np.asarray(a).reshape(-1)
    if kind(dt) == "int":
        acc = np.uint64 if dt[0] == "u" else np.int64
        want = int(np.sum(flat, dtype=acc))
        assert isinstance(got, int) and got == want, (got, want)
        return
    if kind(dt) == "float":
        assert isinstance(got, float)
        _check_real_sum(got, [float(x) for x in flat], dt)
        return
    assert isinstance(got, complex)
    _check_real_sum(got.real, [float(x) for x in flat.real], dt)
    _check_real_sum(got.imag, [float(x) for x in flat.imag], dt)


def _check_real_sum(got, values, dt):
    fi = np.finfo(np.float32 if dt in ("f32", "c64") else np.float64)
    eps, limit = float(fi.eps), float(fi.max)
    if math.fsum(abs(v) / limit for v in values if math.isfinite(v)) > 0.5:
        # Partial sums may overflow to +inf and -inf and meet as NaN: no
        # promise beyond a float result (as for any pairwise sum).
        return
    if any(math.isnan(v) for v in values) or (
        any(v == math.inf for v in values) and any(v == -math.inf for v in values)
    ):
        assert math.isnan(got), got
        return
    if any(math.isinf(v) for v in values):
        inf = next(v for v in values if math.isinf(v))
        assert got == inf, (got, inf)
        return
    if not values:
        assert got == 0.0 and math.copysign(1, got) == 1, got
        return
    exact = math.fsum(values)
    assert abs(got - exact) <= sum_bound(values, eps), (got, exact, sum_bound(values, eps))
    if all(v == 0.0 and math.copysign(1, v) < 0 for v in values):
        assert math.copysign(1, got) < 0  # a sum of -0.0 is -0.0


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


def _real(dt):
    return np.float32 if dt in ("f32", "c64") else np.float64


def assert_elementwise(op, dt, got, ref, a=None, b=None, k=None):
    """Bit-exact with NumPy, except where the SPEC gives a tolerance: complex
    multiply/scale (2 ulp, or the SPEC formula where NumPy's FMA changed an
    overflow), complex divide (4 ulp), complex absolute (2 ulp)."""
    if kind(dt) == "complex" and op in ("multiply", "scale"):
        naive = naive_complex_product(a, np.array(b, copy=True) if op == "multiply" else k)
        assert_complex_close(np.asarray(got), np.asarray(ref), naive=naive)
    elif kind(dt) == "complex" and op == "divide":
        # Within 4 ulp where NumPy's quotient is finite; where it is not, the
        # same kind of non-finite value per component (NaN, or inf of either
        # sign: the SPEC promises the class, not the sign, of an infinity).
        got, ref = np.asarray(got), np.asarray(ref)
        finite = np.isfinite(ref.real) & np.isfinite(ref.imag)
        assert_complex_close(got[finite], ref[finite], ulps=4)
        for g, r in ((got.real, ref.real), (got.imag, ref.imag)):
            g, r = g[~finite], r[~finite]
            bad = (np.isnan(g) != np.isnan(r)) | (np.isinf(g) != np.isinf(r))
            assert not bad.any(), (g[bad][:3], r[bad][:3])
    elif kind(dt) == "complex" and op == "absolute":
        got, ref = np.asarray(got), np.asarray(ref)
        assert_complex_close(got.astype(NP[dt]), ref.astype(NP[dt]), ulps=2)
    else:
        assert_same(got, ref, dt, op)


def assert_reduction(op, dt, got, a, b=None):
    if op == "sum":
        assert_sum_ok(got, a, dt)
    elif op in ("min", "max"):
        want = reference_reduction(op, a)
        assert (math.isnan(got) and math.isnan(want)) or got == want, (got, want)
        assert type(got) is type(want)
    elif kind(dt) == "int":  # dot
        assert got == reference_reduction(op, a, b), (got, reference_reduction(op, a, b))
    else:
        fa, fb = np.asarray(a).reshape(-1), np.asarray(b).reshape(-1)
        wide = np.complex256 if kind(dt) == "complex" and hasattr(np, "complex256") else np.complex128
        prods = (fa.astype(wide) * fb.astype(wide)) if kind(dt) == "complex" else None
        parts = [(np.asarray(prods.real), got.real), (np.asarray(prods.imag), got.imag)] if prods is not None \
            else [(fa.astype(np.float64) * fb.astype(np.float64), got)]
        fi = np.finfo(_real(dt))
        for p, g in parts:
            with np.errstate(all="ignore"):
                total_abs = float(np.sum(np.abs(p)))
            if not math.isfinite(total_abs) or total_abs > float(fi.max) / 2:
                continue  # non-finite or near-overflow products: no bound promised
            vals = [float(x) for x in p]
            n = max(len(vals), 1)
            bound = (4 * (math.log2(n) + 1) + 1) * float(fi.eps) * math.fsum(abs(v) for v in vals)
            assert abs(g - math.fsum(vals)) <= bound, (g, math.fsum(vals), bound)


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
        assert_elementwise(op, dt, out, reference(op, before, b, k), before, b, k)
        assert np.array_equal(bits(before), bits(a))
        return
    ref = reference(op, before, b, k)
    run_op(op, a, b, k)
    assert_elementwise(op, dt, a, ref, before, b, k)
