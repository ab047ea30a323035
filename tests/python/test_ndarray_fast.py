"""NumPy arrays are read from their fields, not through the buffer protocol
(python/src/ndarray.c); everything else, and any array it is not sure of,
takes the buffer protocol. The two paths must agree: for every array below,
each op on the array gives what the same op gives on memoryview(array),
which always takes the buffer path: the same result and the same writes, or
an exception of the same type and nothing written."""

import numpy as np
import pytest

import bufkern
from conftest import DTYPES, NP, OPS


class Sub(np.ndarray):
    pass


def arrays():
    """(name, make()) for NumPy arrays of every kind the fast path meets or
    must refuse."""
    rng = np.random.default_rng(11)
    out = []
    for dt in DTYPES:
        t = np.dtype(NP[dt])
        base = (rng.standard_normal(24) * 10).astype(t) if t.kind != "c" else (
            rng.standard_normal(24) + 1j * rng.standard_normal(24)).astype(t)
        out += [
            (f"{dt} 1-d", lambda b=base: b.copy()),
            (f"{dt} 2-d", lambda b=base: b.copy().reshape(4, 6)),
            (f"{dt} fortran", lambda b=base: np.asfortranarray(b.copy().reshape(4, 6))),
            (f"{dt} reversed", lambda b=base: b.copy()[::-1]),
            (f"{dt} every 3rd", lambda b=base: b.copy()[::3]),
            (f"{dt} 0-d", lambda b=base: np.array(b[0])),
            (f"{dt} empty", lambda b=base: b.copy()[:0]),
            (f"{dt} read-only", lambda b=base: _readonly(b.copy())),
            (f"{dt} non-native order", lambda b=base: b.copy().astype(b.dtype.newbyteorder())),
            (f"{dt} zero stride", lambda b=base: np.lib.stride_tricks.as_strided(b.copy(), (3, 8), (0, b.itemsize))),
            (f"{dt} subclass", lambda b=base: b.copy().view(Sub)),
            (f"{dt} broadcast_to", lambda b=base: np.broadcast_to(b.copy()[:6], (4, 6))),
        ]
    for t in ("?", "e", "g", "G", "O", "M8[s]", "m8[s]", "U3", "S3", "V8", "i8,f8", np.intc, np.uintc, np.int_,
              np.uint, np.longlong, np.ulonglong, np.short, np.ushort, np.byte, np.ubyte):
        out.append((f"dtype {t}", lambda t=t: np.zeros(6, dtype=t)))
    return out


def _readonly(a):
    a.flags.writeable = False
    return a


def _args(op, a):
    """The extra positional arguments of op on array a."""
    form = bufkern.OPS[op]["form"]
    if form == "dot":
        return (a.copy(),)
    if form == "fill":
        return (1,)
    if form == "scalar":
        return (2,)
    if form == "binary":
        return (a,)
    return ()


def _run(op, a, on_view):
    arg = memoryview(a) if on_view else a
    extra = tuple(memoryview(x) if on_view and isinstance(x, np.ndarray) else x for x in _args(op, a))
    try:
        with np.errstate(all="ignore"):
            r = getattr(bufkern, op)(arg, *extra)
    except Exception as e:  # compared below, type and message
        return ("raised", type(e), str(e), a.tobytes() if a.dtype.kind != "O" else None)
    return ("returned", np.asarray(r).tobytes() if r is not None else None, a.tobytes())


ARRAYS = arrays()


@pytest.mark.parametrize("name,make", ARRAYS, ids=[n for n, _ in ARRAYS])
@pytest.mark.parametrize("op", OPS)
def test_fast_path_agrees_with_buffer_path(op, name, make):
    try:
        memoryview(make())
    except (ValueError, TypeError, BufferError):
        pytest.skip("NumPy exports no buffer for it: only the array path exists")
    fast, slow = make(), make()
    got, want = _run(op, fast, on_view=False), _run(op, slow, on_view=True)
    if want[0] == "raised":
        assert got[0] == "raised", (got, want)
        assert got[1] is want[1], (got, want)
        assert got[3] == want[3]  # nothing written
    else:
        assert got == want


def test_write_to_broadcast_arrays_result_keeps_numpy_warning():
    """np.broadcast_arrays' results warn when written (NumPy's rule, applied
    when it exports a writable buffer); the fast path leaves them to it.
    (memoryview() of one is read-only, so the test above cannot compare.)"""
    x = np.broadcast_arrays(np.ones(6), np.zeros((4, 1)))[0]
    with pytest.warns(DeprecationWarning, match="broadcast_arrays"):
        bufkern.fill(x, 2.0)
    assert (x == 2.0).all()
