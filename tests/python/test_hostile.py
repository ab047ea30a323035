"""Hostile and unusual inputs (issue 11): each section is one finding, with
the inputs that showed it and the neighbours of its class."""

import ctypes

import numpy as np
import pytest

import bufkern

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
