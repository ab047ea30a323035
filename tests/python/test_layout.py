"""Layouts: non-contiguous, F-order, negative and zero strides, 0-d, mixed
layouts, and overlap between a and b (NumPy's out= answer)."""

import numpy as np
import pytest

import bufkern
from conftest import takes_b, takes_k, DTYPES, NP, OPS, check_op, random_array, random_scalar


def layouts(dt, rng):
    """(name, array) pairs over many layouts of fresh random data."""
    base = random_array(dt, (6, 7, 5), rng)
    big = random_array(dt, (40, 300), rng)
    yield "c", base.copy()
    yield "f", np.asfortranarray(base)
    yield "transposed", base.transpose(2, 0, 1)
    yield "step2", base[::2, :, ::2]
    yield "neg1d", random_array(dt, (50,), rng)[::-1]
    yield "neg_nd", base[::-1, ::-2, :]
    yield "mixed_neg", base[:, ::-1, 1:4]
    yield "0d", np.array(random_array(dt, (1,), rng)[0])
    yield "0d_view", base[2, 3, 1:2].reshape(())
    yield "len1_dims", base[1:2, :, 2:3]
    # C-contiguous but for the stride of a length-1 dimension: one kernel call
    # without a plan (ops.c), from the view's first element
    yield "len1_outer", base[2:3, 4, :]
    yield "row_view", big[7:8, 10:200].reshape(1, 1, 190)
    yield "inner_rows", big[:, 3:250]  # long contiguous inner runs
    yield "short_rows", big[:, 3:9]  # short inner runs: gathered
    yield "col", big[:, 5]
    yield "empty_nd", base[:, 0:0, :]
    yield "many_dims", random_array(dt, (2,) * 12, rng)[:, ::-1]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_layouts(op, dt, target):
    rng = np.random.default_rng(11)
    for name, a in layouts(dt, rng):
        # b in the same shape, in several layouts of its own
        bs = [None]
        if takes_b(op):
            b0 = random_array(dt, a.shape, rng)
            bs = [b0, np.asfortranarray(b0).reshape(a.shape), np.flip(random_array(dt, a.shape, rng))]
            if a.ndim:
                bs.append(np.broadcast_to(random_array(dt, a.shape[-1:], rng), a.shape))
        k = random_scalar(dt, rng)
        for b in bs:
            check_op(op, dt, a, b, k)  # a keeps its layout; values change as it goes


@pytest.mark.parametrize("dt", ["f64", "i32", "c64", "u8"])
def test_zero_stride_reads(dt):
    rng = np.random.default_rng(2)
    row = random_array(dt, (9,), rng)
    b = np.broadcast_to(row, (13, 9))
    check_op("sum", dt, b)
    a = random_array(dt, (13, 9), rng)
    check_op("multiply", dt, a, b)
    a = random_array(dt, (13, 9), rng)
    check_op("add", dt, a, np.broadcast_to(row[:1], (13, 9)))
    scalar_b = np.broadcast_to(random_array(dt, (1,), rng).reshape(()), (1000,))
    a = random_array(dt, (1000,), rng)
    check_op("add", dt, a, scalar_b)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("op", ["multiply", "add"])
def test_overlap_1d(op, dt, target):
    """b a shifted or reversed window of a's memory: the out= answer."""
    rng = np.random.default_rng(4)
    for n in (1, 5, 33, 700, 5000):
        for shift in (-3, -1, 0, 1, 2, 17):
            x = random_array(dt, (n + 40,), rng)
            a = x[20:20 + n]
            b = x[20 + shift:20 + shift + n]
            check_op(op, dt, a, b)
        x = random_array(dt, (n,), rng)
        check_op(op, dt, x, x[::-1])  # reversed onto itself
        x = random_array(dt, (2 * n + 2,), rng)
        check_op(op, dt, x[: 2 * n : 2], x[1::2][:n])  # interleaved
        x = random_array(dt, (2 * n + 2,), rng)
        check_op(op, dt, x[: 2 * n : 2], x[:n])  # strided a, contiguous b overlapping


@pytest.mark.parametrize("dt", ["f64", "i16", "c128", "u64"])
@pytest.mark.parametrize("op", ["multiply", "add"])
def test_overlap_nd(op, dt, target):
    rng = np.random.default_rng(8)
    x = random_array(dt, (30, 40), rng)
    check_op(op, dt, x[:, :20], x[:, 5:25])  # same rows, shifted columns
    x = random_array(dt, (30, 40), rng)
    check_op(op, dt, x[:20], x[3:23])  # shifted rows
    x = random_array(dt, (30, 40), rng)
    check_op(op, dt, x[:20, :20], x[:20, :20].T)  # transpose of itself
    x = random_array(dt, (30, 40), rng)
    check_op(op, dt, x[::-1, :], x)  # flipped rows
    x = random_array(dt, (30, 30), rng)
    check_op(op, dt, x, x.T)
    x = random_array(dt, (30, 40), rng)
    check_op(op, dt, x, x)  # squaring / doubling in place
    x = np.asfortranarray(random_array(dt, (30, 40), rng))
    check_op(op, dt, x, x)


def test_multiply_self_is_squaring():
    a = np.arange(10, dtype=np.int64)
    bufkern.multiply(a, a)
    assert a.tolist() == [i * i for i in range(10)]
    b = np.arange(12.0).reshape(3, 4)[:, ::2]
    want = b * b
    bufkern.multiply(b, b)
    assert np.array_equal(b, want)


def test_sum_0d_is_its_value():
    assert bufkern.sum(np.array(2.5)) == 2.5
    assert bufkern.sum(np.array(-7, dtype=np.int8)) == -7
    assert bufkern.sum(np.array(1 + 2j, dtype=np.complex64)) == 1 + 2j
