"""Hypothesis property tests: random shapes, strides (negative, zero),
transpositions, byte offsets, overlap, dtypes, values, targets, against NumPy.

The example budget is modest by default; BUFKERN_THOROUGH=1 raises it."""

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bufkern
from conftest import takes_b, takes_k, DTYPES, NP, OPS, TARGETS, THOROUGH, check_op, kind, random_array, random_scalar

EXAMPLES = 5000 if THOROUGH else 300
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _parent(draw, dt, storage_shape, steps, slack, rng, special):
    """A writable array at a random byte offset, big enough for the views."""
    t = np.dtype(NP[dt])
    parent_shape = [max(n - 1, 0) * abs(s) + 1 + sl for n, s, sl in zip(storage_shape, steps, slack)]
    order = draw(st.sampled_from("CF"))
    misalign = draw(st.integers(0, t.itemsize - 1))
    total = int(np.prod(parent_shape)) if parent_shape else 1
    raw = bytearray(total * t.itemsize + misalign)
    parent = np.frombuffer(raw, dtype=t, count=total, offset=misalign)
    parent = parent.reshape(parent_shape, order=order)
    parent[...] = random_array(dt, parent.shape, rng, special)
    return parent


def _carve(parent, storage_shape, steps, starts):
    idx = []
    for n, s, start in zip(storage_shape, steps, starts):
        if n == 0:
            idx.append(slice(start, start))
        elif s > 0:
            idx.append(slice(start, start + (n - 1) * s + 1, s))
        else:
            first = start + (n - 1) * (-s)
            stop = start - 1
            idx.append(slice(first, stop if stop >= 0 else None, s))
    v = parent[tuple(idx)] if idx else parent[...]
    assert v.shape == tuple(storage_shape), (v.shape, storage_shape)
    return v


@st.composite
def case(draw):
    dt = draw(st.sampled_from(DTYPES))
    op = draw(st.sampled_from(OPS))
    nd = draw(st.integers(0, 4))
    shape = tuple(draw(st.lists(st.integers(0, 7), min_size=nd, max_size=nd)))
    if draw(st.booleans()) and nd:
        shape = shape[:-1] + (draw(st.integers(0, 300)),)  # one long dimension
    seed = draw(st.integers(0, 2**32 - 1))
    special = kind(dt) != "int" and draw(st.integers(0, 9)) == 0
    rng = np.random.default_rng(seed)

    perm = draw(st.permutations(range(nd)))
    storage_shape = [shape[p] for p in perm]
    steps = [draw(st.sampled_from([1, 1, 1, 2, 3, -1, -1, -2])) for _ in range(nd)]
    slack = [draw(st.integers(0, 2)) for _ in range(nd)]
    parent = _parent(draw, dt, storage_shape, steps, slack, rng, special)
    starts = [draw(st.integers(0, sl)) for sl in slack]
    inv = np.argsort(perm) if nd else ()
    a = _carve(parent, storage_shape, steps, starts).transpose(inv)
    assert a.shape == shape

    b = None
    if takes_b(op):
        how = draw(st.sampled_from(["fresh", "fresh", "overlap", "same", "flip", "broadcast"]))
        if how == "overlap":  # same parent, shifted starts: partial overlap
            starts_b = [draw(st.integers(0, sl)) for sl in slack]
            b = _carve(parent, storage_shape, steps, starts_b).transpose(inv)
        elif how == "same":
            b = a
        elif how == "flip" and nd:
            b = np.flip(a, axis=draw(st.integers(0, nd - 1)))
        elif how == "broadcast" and nd:
            keep = [draw(st.booleans()) for _ in range(nd)]
            small = random_array(dt, tuple(n if k else 1 for n, k in zip(shape, keep)), rng)
            b = np.broadcast_to(small, shape)
        else:
            perm_b = draw(st.permutations(range(nd)))
            ss_b = [shape[p] for p in perm_b]
            steps_b = [draw(st.sampled_from([1, 2, -1])) for _ in range(nd)]
            parent_b = _parent(draw, dt, ss_b, steps_b, [0] * nd, rng, special)
            b = _carve(parent_b, ss_b, steps_b, [0] * nd).transpose(np.argsort(perm_b) if nd else ())
        assert b.shape == shape
    k = random_scalar(dt, rng) if takes_k(op) else None
    if special and k is not None and draw(st.booleans()):
        k = draw(st.sampled_from([0.0, -0.0, math.inf, -math.inf, math.nan, 5e-324]))
        if kind(dt) == "complex":
            k = complex(k, 1.0)
    target = draw(st.sampled_from(TARGETS))
    return op, dt, a, b, k, target


@SETTINGS
@given(case())
def test_ops_match_numpy(c):
    op, dt, a, b, k, target = c
    before = bufkern.target()
    bufkern.set_target(target)
    try:
        with np.errstate(all="ignore"):
            check_op(op, dt, a, b, k)
    finally:
        bufkern.set_target(before)


@SETTINGS
@given(st.sampled_from([d for d in DTYPES if kind(d) == "int"]), st.integers(-(2**70), 2**70))
def test_int_scalar_range(dt, v):
    info = np.iinfo(NP[dt])
    a = np.zeros(2, dtype=NP[dt])
    if info.min <= v <= info.max:
        bufkern.fill(a, v)
        assert int(a[0]) == v
    else:
        with pytest.raises(OverflowError):
            bufkern.fill(a, v)
        assert not a.any()


@SETTINGS
@given(st.sampled_from(["f32", "f64", "c64", "c128"]),
       st.one_of(st.floats(allow_nan=False), st.integers(-(2**130), 2**130)))
def test_real_scalar_rounded_once(dt, v):
    a = np.zeros(1, dtype=NP[dt])
    real = np.float32 if dt in ("f32", "c64") else np.float64
    if isinstance(v, int):
        # the correctly rounded value, or OverflowError if it is out of range
        try:
            want = real(float(v)) if real is np.float64 else _round_int_to_f32(v)
        except OverflowError:
            with pytest.raises(OverflowError):
                bufkern.fill(a, v)
            return
    else:
        with np.errstate(over="ignore"):
            want = real(v)
        if math.isfinite(v) and math.isinf(want):
            # a finite float beyond the dtype's range, as an int would be
            with pytest.raises(OverflowError):
                bufkern.fill(a, v)
            return
    bufkern.fill(a, v)
    got = a[0].real if kind(dt) == "complex" else a[0]
    assert got == want or (math.isnan(got) and math.isnan(want)), (v, got, want)


def _round_int_to_f32(v):
    """Correctly rounded int -> f32 (ties to even), exactly, in Python ints."""
    if v == 0:
        return np.float32(0.0)
    sign = -1 if v < 0 else 1
    m = abs(v)
    e = m.bit_length() - 24
    if e <= 0:
        return np.float32(sign * m)
    q, r = divmod(m, 1 << e)
    half = 1 << (e - 1)
    if r > half or (r == half and q & 1):
        q += 1
    val = q << e
    if val >= 2**128:
        raise OverflowError
    return np.float32(sign * float(val))
