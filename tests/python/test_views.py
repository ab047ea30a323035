"""BufferView and BufferViewMut (SPEC "Views")."""

import array
import gc
import weakref

import numpy as np
import pytest

import bufkern
from conftest import DTYPES, NP

PROPS = ["dtype", "itemsize", "ndim", "shape", "strides", "nbytes", "readonly", "c_contiguous"]
COMMON = ["len", "rows", "cols", "is_empty", "sum"]
MUTATING = ["fill", "scale", "multiply", "add"]


def test_properties_2d():
    x = np.arange(12.0).reshape(3, 4)
    v = bufkern.BufferView(x)
    assert v.dtype == "f64" and v.itemsize == 8 and v.ndim == 2
    assert v.shape == (3, 4) and v.strides == (32, 8) and v.nbytes == 96
    assert v.readonly is True and v.c_contiguous is True
    assert (v.len(), v.rows(), v.cols(), v.is_empty()) == (12, 3, 4, False)
    assert v.sum() == 66.0
    t = bufkern.BufferView(x.T)
    assert t.c_contiguous is False and t.strides == (8, 32) and t.rows() == 4
    m = bufkern.BufferViewMut(x)
    assert m.readonly is False


def test_rows_cols_for_0d_1d_and_empty():
    v0 = bufkern.BufferView(np.array(5, dtype=np.int32))
    assert (v0.ndim, v0.len(), v0.rows(), v0.cols(), v0.shape) == (0, 1, 1, 1, ())
    assert v0.sum() == 5
    v1 = bufkern.BufferView(array.array("d", [1, 2, 3]))
    assert (v1.len(), v1.rows(), v1.cols()) == (3, 3, 1)
    e = bufkern.BufferView(np.zeros((0, 4)))
    assert e.is_empty() and e.len() == 0 and e.rows() == 0 and e.cols() == 4


@pytest.mark.parametrize("dt", DTYPES)
def test_dtype_check_accepts_every_spelling(dt):
    x = np.zeros(3, dtype=NP[dt])
    npname = np.dtype(NP[dt]).name
    for spelling in (dt, npname, NP[dt], np.dtype(NP[dt])):
        assert bufkern.BufferView(x, dtype=spelling).dtype == dt
        assert bufkern.BufferViewMut(x, dtype=spelling).dtype == dt
    other = "f32" if dt != "f32" else "f64"
    with pytest.raises(TypeError):
        bufkern.BufferView(x, dtype=other)
    with pytest.raises(TypeError):
        bufkern.BufferViewMut(x, dtype=other)


@pytest.mark.parametrize("bad", ["float", "double", "f16", "int", 3, object(), float, np.bool_])
def test_unknown_dtype_is_type_error(bad):
    with pytest.raises(TypeError):
        bufkern.BufferView(np.zeros(2), dtype=bad)


def test_byteswapped_dtype_object_refused():
    with pytest.raises(TypeError):
        bufkern.BufferView(np.zeros(2), dtype=np.dtype(">f8"))


def test_mut_of_read_only_is_value_error():
    for ro in (bytes(8), np.broadcast_to(np.zeros(2), (2, 2)), bufkern.BufferView(bytearray(4))):
        with pytest.raises(ValueError, match="read-only"):
            bufkern.BufferViewMut(ro)


def test_mutating_methods_only_on_mut():
    v = bufkern.BufferView(np.zeros(3))
    for name in MUTATING:
        assert not hasattr(v, name)
    m = bufkern.BufferViewMut(np.zeros(3))
    for name in MUTATING:
        assert callable(getattr(m, name))


def test_mut_methods_work():
    x = np.arange(6.0).reshape(2, 3)
    y = np.full((2, 3), 2.0)
    with bufkern.BufferViewMut(x) as m:
        m.scale(2)
        m.multiply(y)
        m.add(bufkern.BufferView(y))
        m.add(bufkern.BufferViewMut(np.ones((2, 3))))
        assert m.sum() == sum(i * 4 + 3 for i in range(6))
        m.fill(1.5)
    assert np.all(x == 1.5)


def test_views_accepted_by_every_function():
    x = np.arange(5.0)
    v, m = bufkern.BufferView(x), bufkern.BufferViewMut(x)
    assert bufkern.sum(v) == bufkern.sum(m) == 10.0
    bufkern.scale(m, 2)
    bufkern.add(m, v)  # overlapping: a += a
    bufkern.multiply(m, bufkern.BufferView(np.full(5, 0.5)))
    assert x.tolist() == [2.0 * i for i in range(5)]
    bufkern.multiply(np.ones(5), v)  # a view as b


@pytest.mark.parametrize("op", ["fill", "scale", "multiply", "add"])
def test_buffer_view_as_destination_is_read_only_error(op):
    x = np.arange(4.0)
    v = bufkern.BufferView(x)
    arg = 1 if op in ("fill", "scale") else np.ones(4)
    with pytest.raises(ValueError, match="read-only"):
        getattr(bufkern, op)(v, arg)
    assert x.tolist() == [0, 1, 2, 3]


def test_release_and_context_manager():
    ba = bytearray(16)
    v = bufkern.BufferViewMut(ba, dtype="u8")
    with pytest.raises(BufferError):
        ba.append(1)  # held
    v.release()
    v.release()  # twice is fine
    ba.append(1)  # released
    del ba[16:]
    for name in PROPS:
        with pytest.raises(ValueError):
            getattr(v, name)
    for name in COMMON + MUTATING:
        args = {"fill": (1,), "scale": (1,), "multiply": (ba,), "add": (ba,)}.get(name, ())
        with pytest.raises(ValueError):
            getattr(v, name)(*args)
    with pytest.raises(ValueError):
        with v:
            pass
    with bufkern.BufferView(ba) as w:
        assert w.len() == 16
    ba.append(1)  # released by the with block
    with pytest.raises(ValueError):
        w.sum()
    assert "released" in repr(w)


def test_release_on_garbage_collection():
    ba = bytearray(8)
    v = bufkern.BufferView(ba)
    r = weakref.ref(v)
    del v
    gc.collect()
    assert r() is None
    ba.append(0)
    # a cycle through the view is collected too
    holder = [bytearray(8)]
    holder.append(bufkern.BufferView(holder[0]))
    ba2 = holder[0]
    del holder
    gc.collect()
    ba2.append(0)


def test_view_exports_a_buffer():
    x = np.arange(6.0).reshape(2, 3)
    m = bufkern.BufferViewMut(x)
    y = np.asarray(m)
    assert np.shares_memory(x, y) and y.flags.writeable
    with pytest.raises(BufferError):
        m.release()  # exported
    del y
    gc.collect()
    ro = np.asarray(bufkern.BufferView(x))
    assert not ro.flags.writeable
    assert memoryview(bufkern.BufferView(x.T)).strides == (8, 24)
    m.release()


def test_repr():
    assert repr(bufkern.BufferView(np.zeros((2, 3), dtype=np.int16))) == \
        "<bufkern.BufferView dtype='i16' shape=(2, 3)>"


def test_docstrings():
    for obj in (bufkern.BufferView, bufkern.BufferViewMut, bufkern.Array, bufkern.IntArray):
        assert obj.__doc__
    for name in PROPS + COMMON + ["release"]:
        assert getattr(bufkern.BufferView, name).__doc__
    for name in MUTATING:
        assert getattr(bufkern.BufferViewMut, name).__doc__
    for name in ["sum", "scale", "multiply", "add", "fill", "target", "available_targets",
                 "set_target"]:
        assert getattr(bufkern, name).__doc__
