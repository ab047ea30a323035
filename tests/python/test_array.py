"""Array and IntArray (SPEC "Exporting a buffer")."""

import gc
import sys

import numpy as np
import pytest

import bufkern
from conftest import DTYPES, NP, kind


@pytest.mark.parametrize("dt", DTYPES)
def test_zeroed_aligned_zero_copy(dt):
    for n in (0, 1, 5, 100):
        arr = bufkern.Array(n, dtype=dt)
        assert len(arr) == n and arr.dtype == dt and arr.itemsize == np.dtype(NP[dt]).itemsize
        x = np.asarray(arr)
        assert x.dtype == NP[dt] and x.shape == (n,) and x.flags.writeable
        assert x.ctypes.data % 64 == 0
        assert not x.any()
        if n:
            assert np.shares_memory(x, arr)
            x[-1] = 3
            assert arr[-1] == 3 and arr[n - 1] == 3
            arr[0] = 2
            assert x[0] == 2
            mv = memoryview(arr)
            assert mv.format == {"c64": "Zf", "c128": "Zd"}.get(dt, mv.format)
            assert mv.shape == (n,) and not mv.readonly and mv.nbytes == n * arr.itemsize


def test_numpy_dtype_spellings():
    assert bufkern.Array(2, dtype=np.float32).dtype == "f32"
    assert bufkern.Array(2, dtype=np.dtype("uint16")).dtype == "u16"
    assert bufkern.Array(2, dtype="complex128").dtype == "c128"
    assert bufkern.Array(2).dtype == "f64"
    with pytest.raises(TypeError):
        bufkern.Array(2, dtype="float")
    with pytest.raises(ValueError):
        bufkern.Array(-1)
    with pytest.raises(TypeError):
        bufkern.Array(2.5)


def test_int_array():
    a = bufkern.IntArray.from_values(1, 2, 3)
    assert repr(a) == "IntArray([1, 2, 3])"
    assert a.dtype == "i64" and isinstance(a, bufkern.Array)
    assert list(a) == [1, 2, 3] and a.tolist() == [1, 2, 3]
    x = np.asarray(a)
    assert x.dtype == np.int64 and np.shares_memory(x, a)
    assert repr(bufkern.IntArray(2)) == "IntArray([0, 0])"
    with pytest.raises(TypeError):
        bufkern.IntArray.from_values(1, dtype="f64")
    with pytest.raises(TypeError):
        bufkern.IntArray(3, dtype="u8")
    with pytest.raises(TypeError):
        bufkern.IntArray.from_values(1.5)
    with pytest.raises(OverflowError):
        bufkern.IntArray.from_values(2**63)


def test_repr_exact():
    assert repr(bufkern.Array.from_values(1.0, 2.5)) == "Array([1.0, 2.5], dtype='f64')"
    assert repr(bufkern.Array.from_values(1, 2, dtype="u8")) == "Array([1, 2], dtype='u8')"
    assert repr(bufkern.Array.from_values(1j, dtype="c128")) == "Array([1j], dtype='c128')"
    assert repr(bufkern.Array(0, dtype="f32")) == "Array([], dtype='f32')"


def test_indexing():
    a = bufkern.Array.from_values(1, 2, 3, dtype="i16")
    assert a[0] == 1 and a[-1] == 3 and a[-3] == 1 and a[np.int64(1)] == 2
    for i in (3, -4, 10**30):
        with pytest.raises(IndexError):
            a[i]
        with pytest.raises(IndexError):
            a[i] = 0
    a[-1] = 7
    assert a.tolist() == [1, 2, 7]
    with pytest.raises(OverflowError):
        a[0] = 2**15
    with pytest.raises(TypeError):
        a[0] = 1.5
    with pytest.raises(TypeError):
        del a[0]
    with pytest.raises(TypeError):
        a["x"]
    assert a.tolist() == [1, 2, 7]


@pytest.mark.parametrize("dt", DTYPES)
def test_from_values_and_ops(dt):
    vals = [1, 2, 3, 4]
    a = bufkern.Array.from_values(*vals, dtype=dt)
    assert a.tolist() == [NP[dt](v).item() for v in vals]
    assert bufkern.sum(a) == 10
    bufkern.scale(a, 2)
    b = bufkern.Array.from_values(*vals, dtype=dt)
    bufkern.multiply(a, b)
    bufkern.add(a, b)
    assert a.tolist() == [2 * v * v + v for v in vals]
    bufkern.fill(a, 0)
    assert not any(a)
    with bufkern.BufferViewMut(a) as m:
        m.fill(1)
    assert list(a) == [1] * 4


def test_scalar_rules_in_arrays():
    f = bufkern.Array.from_values(True, 2, 0.5, dtype="f32")
    assert f.tolist() == [1.0, 2.0, 0.5]
    with pytest.raises(TypeError):
        bufkern.Array.from_values(1j, dtype="f64")
    c = bufkern.Array.from_values(1, 2.5, 3j, dtype="c64")
    assert c.tolist() == [1, 2.5, 3j]
    with pytest.raises(OverflowError):
        bufkern.Array.from_values(256, dtype="u8")


def test_exports_keep_array_alive():
    a = bufkern.Array.from_values(1.0, 2.0)
    x = np.asarray(a)
    del a
    gc.collect()
    assert x.tolist() == [1.0, 2.0]
    x[0] = 5
    assert x.base is not None


def test_refcount_of_exports():
    a = bufkern.IntArray(4)
    base = sys.getrefcount(a)
    views = [memoryview(a) for _ in range(10)]
    assert sys.getrefcount(a) == base + 10
    for v in views:
        v.release()
    assert sys.getrefcount(a) == base


def test_subclass():
    class Mine(bufkern.Array):
        pass

    m = Mine(3, dtype="i8")
    assert repr(m) == "Mine([0, 0, 0], dtype='i8')"
    bufkern.fill(m, 4)
    assert bufkern.sum(m) == 12
    assert Mine.from_values(1, 2, dtype="u8").tolist() == [1, 2]


def test_iteration_types():
    assert [type(x) for x in bufkern.Array.from_values(1, dtype="u64")] == [int]
    assert [type(x) for x in bufkern.Array.from_values(1, dtype="f32")] == [float]
    assert [type(x) for x in bufkern.Array.from_values(1, dtype="c64")] == [complex]
    assert kind("c64") == "complex"
