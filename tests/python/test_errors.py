"""Every error row of SPEC "Errors": the right exception, raised before any
write (nothing modified), with every buffer released (bytearray resizable)."""

import array
import math

import numpy as np
import pytest

import bufkern
from conftest import takes_b, takes_k, DTYPES, NP, kind


def snapshot(*objs):
    return [bytes(memoryview(o).cast("B")) if isinstance(o, (bytearray, array.array)) else
            np.array(o, copy=True).tobytes() for o in objs]


def assert_resizable(ba):
    """A bytearray can change size only when no buffer of it is held."""
    n = len(ba)
    ba.append(0)
    del ba[n:]
    assert len(ba) == n


def raises_unchanged(exc, fn, *objs, match=None):
    before = snapshot(*objs)
    with pytest.raises(exc, match=match):
        fn()
    assert snapshot(*objs) == before, "an op that raised modified its operand"
    for o in objs:
        if isinstance(o, bytearray):
            assert_resizable(o)


# ---- TypeError --------------------------------------------------------------

@pytest.mark.parametrize("obj", [None, 3, 2.5, "abc", [1.0, 2.0], (1, 2), object()])
def test_no_buffer_protocol(obj):
    for fn in (lambda: bufkern.sum(obj), lambda: bufkern.fill(obj, 1),
               lambda: bufkern.scale(obj, 1), lambda: bufkern.multiply(obj, obj),
               lambda: bufkern.add(np.zeros(2), obj)):
        with pytest.raises(TypeError, match="buffer protocol"):
            fn()


@pytest.mark.parametrize(
    "make,fmt",
    [
        (lambda: np.zeros(4, dtype=bool), "?"),
        (lambda: np.zeros(4, dtype=np.float16), "e"),
        (lambda: np.zeros(4, dtype=np.longdouble), "g"),
        (lambda: np.zeros(4, dtype=np.clongdouble), "Zg"),
        (lambda: np.zeros(4, dtype=">f8"), ">d"),
        (lambda: np.zeros(4, dtype=">i4"), ">i"),
        (lambda: np.zeros(4, dtype=">c16"), ">Zd"),
        (lambda: np.zeros(4, dtype="f8,f8"), "T{"),
        (lambda: np.zeros(4, dtype=[("x", "f8", 2)]), "(2)d"),
        (lambda: np.zeros(4, dtype=object), "O"),
        (lambda: memoryview(bytearray(16)).cast("P"), "P"),
        (lambda: memoryview(bytearray(16)).cast("c"), "c"),
        (lambda: memoryview(bytearray(4)).cast("?"), "?"),
    ],
)
def test_unsupported_formats(make, fmt):
    x = make()
    with pytest.raises(TypeError) as info:
        bufkern.sum(x)
    msg = str(info.value)
    assert "format" in msg and fmt in msg
    if not isinstance(x, memoryview):
        y = np.array(x, copy=True)
        if x.dtype != object:
            raises_unchanged(TypeError, lambda: bufkern.fill(x, 1), x)
            assert np.array_equal(np.asarray(x).view(np.uint8), y.view(np.uint8))


def test_format_messages_say_why():
    with pytest.raises(TypeError, match="byte order"):
        bufkern.sum(np.zeros(2, dtype=">f8"))
    with pytest.raises(TypeError, match="bool"):
        bufkern.sum(np.zeros(2, dtype=bool))
    with pytest.raises(TypeError, match="half"):
        bufkern.sum(np.zeros(2, dtype=np.float16))


def test_one_byte_formats_take_any_prefix():
    assert bufkern.sum(np.ones(3, dtype=">i1")) == 3
    assert bufkern.sum(np.ones(3, dtype="<u1")) == 3
    assert bufkern.sum(memoryview(bytes(3)).cast("B")) == 0


def test_datetime_arrays_are_type_errors():
    with pytest.raises(TypeError):
        bufkern.sum(np.zeros(3, dtype="M8[D]"))


@pytest.mark.parametrize("op", ["multiply", "add"])
def test_dtype_mismatch(op):
    a = np.arange(4.0)
    for b in (np.arange(4, dtype=np.float32), np.arange(4, dtype=np.int64),
              np.arange(4, dtype=np.complex128), bytearray(32)):
        raises_unchanged(TypeError, lambda: getattr(bufkern, op)(a, b), a, match="dtype")
    ba = bytearray(4)
    raises_unchanged(TypeError, lambda: getattr(bufkern, op)(ba, array.array("h", [1, 2, 3, 4])), ba)


@pytest.mark.parametrize("dt", DTYPES)
def test_scalar_of_wrong_kind(dt):
    a = np.arange(5).astype(NP[dt])
    bad = ["1", None, [1], object(), b"x"]
    if kind(dt) == "int":
        bad += [1.0, 2.5, np.float64(1), np.float32(2), 1j, np.complex64(1), math.nan]
    elif kind(dt) == "float":
        bad += [1j, 1 + 0j, np.complex64(1), np.complex128(2)]
    for v in bad:
        raises_unchanged(TypeError, lambda: bufkern.fill(a, v), a)
        raises_unchanged(TypeError, lambda: bufkern.scale(a, v), a)


# ---- ValueError -------------------------------------------------------------

@pytest.mark.parametrize("op", ["multiply", "add"])
def test_shape_mismatch_1d(op):
    a, b = np.arange(3.0), np.arange(4.0)
    raises_unchanged(ValueError, lambda: getattr(bufkern, op)(a, b), a, match="same length")
    ba = bytearray(3)
    raises_unchanged(ValueError, lambda: getattr(bufkern, op)(ba, bytes(4)), ba, match="same length")


@pytest.mark.parametrize("op", ["multiply", "add"])
def test_shape_mismatch_nd(op):
    a = np.zeros((2, 3))
    for b in (np.zeros((3, 2)), np.zeros(6), np.zeros((2, 3, 1)), np.zeros(())):
        with pytest.raises(ValueError) as info:
            getattr(bufkern, op)(a, b)
        msg = str(info.value)
        assert "(2, 3)" in msg and str(b.shape) in msg
    assert not a.any()


@pytest.mark.parametrize("op", ["scale", "fill", "multiply", "add"])
def test_read_only_destination(op):
    arg = lambda a: (a, 1) if takes_k(op) else (a, a)  # noqa: E731
    ro = np.arange(4.0)
    ro.flags.writeable = False
    for a in (bytes(8), ro, np.broadcast_to(np.arange(4.0), (3, 4)), memoryview(bytearray(8)).toreadonly(),
              np.frombuffer(bytes(16), dtype=np.float64)):
        fn = getattr(bufkern, op)
        args = arg(a)
        if takes_b(op):
            args = (a, np.array(a, copy=True))
            if isinstance(a, (bytes, memoryview)):
                args = (a, bytes(len(a) if isinstance(a, bytes) else a.nbytes))
        raises_unchanged(ValueError, lambda: fn(*args), a, match="read-only")


def test_released_view_is_value_error():
    v = bufkern.BufferViewMut(np.zeros(3))
    v.release()
    for fn in (lambda: bufkern.sum(v), lambda: bufkern.fill(v, 1), lambda: bufkern.add(v, v),
               lambda: bufkern.multiply(np.zeros(3), v)):
        with pytest.raises(ValueError, match="released"):
            fn()


# ---- OverflowError ----------------------------------------------------------

@pytest.mark.parametrize("dt", [d for d in DTYPES if kind(d) == "int"])
def test_integer_scalar_out_of_range(dt):
    info = np.iinfo(NP[dt])
    a = np.arange(4).astype(NP[dt])
    for v in (int(info.max) + 1, int(info.min) - 1, 2**200, -(2**200)):
        raises_unchanged(OverflowError, lambda: bufkern.fill(a, v), a)
        raises_unchanged(OverflowError, lambda: bufkern.scale(a, v), a)
    bufkern.fill(a, int(info.max))
    assert a[0] == info.max
    bufkern.fill(a, int(info.min))
    assert a[0] == info.min


@pytest.mark.parametrize("dt", ["f32", "f64", "c64", "c128"])
def test_int_too_large_for_float(dt):
    a = np.zeros(3, dtype=NP[dt])
    big = 2**128 if dt in ("f32", "c64") else 2**1024
    raises_unchanged(OverflowError, lambda: bufkern.fill(a, big), a)
    raises_unchanged(OverflowError, lambda: bufkern.fill(a, -big), a)


# ---- buffers released on every path ----------------------------------------

def test_bytearray_resizable_after_every_call_and_error():
    ba = bytearray(8)
    other = bytearray(8)
    calls = [
        lambda: bufkern.sum(ba), lambda: bufkern.fill(ba, 3), lambda: bufkern.scale(ba, 2),
        lambda: bufkern.add(ba, other), lambda: bufkern.multiply(ba, other),
        lambda: bufkern.fill(ba, 300), lambda: bufkern.fill(ba, 1.5), lambda: bufkern.scale(ba, "x"),
        lambda: bufkern.add(ba, bytearray(9)), lambda: bufkern.add(ba, array.array("h", [0] * 4)),
        lambda: bufkern.add(ba, None), lambda: bufkern.multiply(ba, np.zeros(8, dtype=bool)),
        lambda: bufkern.add(bytes(8), ba), lambda: bufkern.BufferView(ba, dtype="f64"),
        lambda: bufkern.BufferViewMut(ba, dtype="nope"),
    ]
    for call in calls:
        try:
            call()
        except (TypeError, ValueError, OverflowError):
            pass
        assert_resizable(ba)
        assert_resizable(other)


def test_wrong_argument_counts():
    a = np.zeros(2)
    for fn, args in ((bufkern.sum, ()), (bufkern.sum, (a, a)), (bufkern.fill, (a,)),
                     (bufkern.scale, (a, 1, 2)), (bufkern.multiply, (a,)), (bufkern.add, (a, a, a))):
        with pytest.raises(TypeError):
            fn(*args)
    with pytest.raises(TypeError):
        bufkern.sum(a=a)


def test_nothing_crashes_on_odd_inputs():
    # 0-length with odd strides, huge broadcast, many dims
    huge = np.broadcast_to(np.float64(1.0), (10**6, 10**3))
    assert bufkern.sum(huge[:10, :10]) == 100.0
    assert bufkern.sum(np.zeros((0, 10**9), dtype=np.int8)[:, ::7]) == 0
    deep = np.zeros((1,) * 32)
    bufkern.fill(deep, 2)
    assert bufkern.sum(deep) == 2.0

