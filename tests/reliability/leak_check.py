#!/usr/bin/env python3
"""Leak check of the bufkern module: every API path, errors included, many times.

For each path (one call, successful or raising what the SPEC says):

  - tracemalloc: Python-allocator memory (PyMem/PyObject/PyMem_Raw, which
    covers the extension's temporaries) does not keep growing: after a
    warm-up and a first stretch of `--calls` calls, at least one of the next
    three stretches grows it by no more than a tolerance far below one
    leaked object per call;
  - refcounts: every object the path touches (operands, scalars, dtype
    objects, bufkern's types) has the same reference count afterwards (a
    Py_buffer that is never released holds a reference to its exporter);
  - bytearray operands can be resized right after the call (no export left).

Then, without tracemalloc, all paths run for `--rounds` rounds and the
process RSS must stay flat (catches malloc leaks outside Python's allocators).

    python3 tests/reliability/leak_check.py [--calls 1000] [--rounds 200]
"""

import argparse
import array
import ctypes
import decimal
import gc
import hashlib
import os
import sys
import time
import tracemalloc

import numpy as np

import bufkern

DTS = list(bufkern.DTYPES)
NP = {"f32": np.float32, "f64": np.float64, "i8": np.int8, "i16": np.int16, "i32": np.int32,
      "i64": np.int64, "u8": np.uint8, "u16": np.uint16, "u32": np.uint32, "u64": np.uint64,
      "c64": np.complex64, "c128": np.complex128}


class Index:
    def __init__(self, v):
        self.v = v

    def __index__(self):
        return self.v


class BadIndex:
    def __index__(self):
        raise ZeroDivisionError("no")


class Floaty:
    def __float__(self):
        return 2.5


def expect(exc, fn, *args, **kw):
    """Calls fn, which must raise exc."""
    def path():
        try:
            fn(*args, **kw)
        except exc:
            return
        raise AssertionError(f"{getattr(fn, '__name__', fn)} did not raise {exc.__name__}")
    return path


def ok(fn, *args, **kw):
    def path():
        fn(*args, **kw)
    return path


def build_paths():
    """[(name, callable, objects whose refcounts must not change)]"""
    P = []

    def add(name, path, *objs):
        P.append((name, path, objs))

    for dt in DTS:
        t = NP[dt]
        a = np.ones(64, t)
        b = np.ones(64, t)
        big = np.ones(16384, t)  # 64 KiB or more for 4+ byte dtypes: the GIL is released
        big2 = np.ones(16384, t)
        grid = np.ones((8, 16), t)
        zero_d = np.array(3, t)
        empty = np.ones(0, t)
        k = {"f": 1.0, "i": 1, "u": 1, "c": 1 + 0j}[np.dtype(t).kind]
        add(f"sum {dt}", ok(bufkern.sum, a), a)
        add(f"sum {dt} strided", ok(bufkern.sum, a[::3]), a)
        add(f"sum {dt} 2-D transposed", ok(bufkern.sum, grid.T), grid)
        add(f"sum {dt} 0-d", ok(bufkern.sum, zero_d), zero_d)
        add(f"sum {dt} empty", ok(bufkern.sum, empty), empty)
        add(f"sum {dt} large", ok(bufkern.sum, big), big)
        add(f"scale {dt}", ok(bufkern.scale, a, k), a)
        add(f"fill {dt}", ok(bufkern.fill, a, k), a)
        add(f"fill {dt} strided", ok(bufkern.fill, grid[:, ::2], k), grid)
        add(f"multiply {dt}", ok(bufkern.multiply, a, b), a, b)
        add(f"add {dt}", ok(bufkern.add, a, b), a, b)
        add(f"add {dt} large", ok(bufkern.add, big, big2), big, big2)
        add(f"add {dt} overlapping run", ok(bufkern.add, a[1:], a[:-1]), a)
        # b overlaps a in a layout the walker must copy first (temporary buffer)
        add(f"multiply {dt} overlapping 2-D", ok(bufkern.multiply, grid[:, :8], grid[:, 4:12]), grid)
        add(f"scale {dt} 2-D strided", ok(bufkern.scale, grid[::2, ::3], k), grid)
    f64 = np.ones(32)
    f32 = np.ones(32, np.float32)
    i8 = np.ones(32, np.int8)
    c128 = np.ones(32, np.complex128)
    ro = np.ones(32)
    ro.flags.writeable = False
    swapped = np.ones(32, ">f8")
    bools = np.ones(32, np.bool_)
    objs = np.empty(4, object)
    half = np.ones(8, np.float16)
    ba = bytearray(64)
    by = bytes(64)
    arr_d = array.array("d", [1.0] * 16)
    mv = memoryview(np.ones(16))
    big_int = 2**200
    huge_neg = -(2**1100)
    idx = Index(3)
    bad_idx = BadIndex()
    floaty = Floaty()
    frac = __import__("fractions").Fraction(1, 3)

    class Union(ctypes.Union):
        _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_int64)]

    class RaisingDtype:
        @property
        def name(self):
            raise RuntimeError("name")

    union = (Union * 4)()

    # ---- other exporters --------------------------------------------------------
    add("sum bytearray", ok(bufkern.sum, ba), ba)
    add("fill bytearray", ok(bufkern.fill, ba, 7), ba)
    add("sum bytes", ok(bufkern.sum, by), by)
    add("scale array.array", ok(bufkern.scale, arr_d, 1.0), arr_d)
    add("sum memoryview", ok(bufkern.sum, mv), mv)
    add("add memoryview array.array", ok(bufkern.add, mv, arr_d), mv, arr_d)
    add("scale f32 by big int", ok(bufkern.scale, f32, 2**100), f32)
    add("fill f32 by Index", ok(bufkern.fill, f32, idx), f32, idx)
    add("fill f64 by Floaty", ok(bufkern.fill, f64, floaty), f64, floaty)
    add("fill f64 by Fraction", ok(bufkern.fill, f64, frac), f64, frac)
    add("fill c128 by numpy complex64", ok(bufkern.fill, c128, np.complex64(1 + 2j)), c128)
    add("fill u64 by 2**64-1", ok(bufkern.fill, np.ones(4, np.uint64), 2**64 - 1))
    # NumPy's 0-d arrays and scalars, exact rationals, destinations that overlap themselves
    zero_d = np.array(2.5)
    add("scale f64 by 0-d array", ok(bufkern.scale, f64, zero_d), f64, zero_d)
    add("fill i8 by numpy bool", ok(bufkern.fill, i8, np.True_), i8)
    add("fill c128 by 0-d long double complex", ok(bufkern.fill, c128, np.array(1j, np.clongdouble)),
        c128)
    add("fill f32 by Fraction (exact)", ok(bufkern.fill, f32, frac), f32, frac)
    add("fill f32 by Decimal NaN", ok(bufkern.fill, f32, decimal.Decimal("NaN")), f32)
    window = np.lib.stride_tricks.as_strided(f64, (4, 16), (8, 8))
    add("scale aliased destination", ok(bufkern.scale, window, 1.0), f64)
    add("add aliased destination", ok(bufkern.add, window, np.zeros((4, 16))), f64)
    add("fill aliased destination", ok(bufkern.fill, window[:, ::-1], 1.0), f64)
    add("hash of a BufferView (a simple buffer)", ok(lambda: hashlib.sha1(bufkern.BufferView(f64))), f64)
    add("repr of a long Array", ok(repr, bufkern.Array(2000)))

    # ---- error paths ------------------------------------------------------------
    add("sum of a list", expect(TypeError, bufkern.sum, [1.0, 2.0]))
    add("sum of None", expect(TypeError, bufkern.sum, None))
    add("sum >f8", expect(TypeError, bufkern.sum, swapped), swapped)
    add("sum bool", expect(TypeError, bufkern.sum, bools), bools)
    add("sum object", expect(TypeError, bufkern.sum, objs), objs)
    add("sum float16", expect(TypeError, bufkern.sum, half), half)
    add("scale read-only", expect(ValueError, bufkern.scale, ro, 2.0), ro)
    add("fill bytes", expect(ValueError, bufkern.fill, by, 1), by)
    add("add dtype mismatch", expect(TypeError, bufkern.add, f64, f32), f64, f32)
    add("add shape mismatch 1-D", expect(ValueError, bufkern.add, f64, f64[:5]), f64)
    add("add shape mismatch 2-D", expect(ValueError, bufkern.add, np.ones((2, 3)),
                                         np.ones((3, 2))))
    add("add b not a buffer", expect(TypeError, bufkern.add, f64, 3.0), f64)
    add("multiply b >f8", expect(TypeError, bufkern.multiply, f64, swapped), f64, swapped)
    add("fill i8 out of range", expect(OverflowError, bufkern.fill, i8, 300), i8)
    add("fill i8 huge", expect(OverflowError, bufkern.fill, i8, big_int), i8, big_int)
    add("fill i8 float", expect(TypeError, bufkern.fill, i8, 1.5), i8)
    add("fill i8 complex", expect(TypeError, bufkern.fill, i8, 1j), i8)
    add("fill i8 str", expect(TypeError, bufkern.fill, i8, "1"), i8)
    add("fill i8 BadIndex", expect(ZeroDivisionError, bufkern.fill, i8, bad_idx), i8, bad_idx)
    add("fill f64 complex", expect(TypeError, bufkern.fill, f64, 1 + 1j), f64)
    add("fill f64 numpy complex", expect(TypeError, bufkern.fill, f64, np.complex64(1)), f64)
    add("fill f64 huge int", expect(OverflowError, bufkern.fill, f64, huge_neg), f64, huge_neg)
    add("fill f32 huge int", expect(OverflowError, bufkern.fill, f32, 2**129), f32)
    add("fill f32 huge int far", expect(OverflowError, bufkern.fill, f32, huge_neg), f32)
    add("fill c128 None", expect(TypeError, bufkern.fill, c128, None), c128)
    add("fill u64 negative", expect(OverflowError, bufkern.fill, np.ones(4, np.uint64), -1))
    add("fill i8 0-d float", expect(TypeError, bufkern.fill, i8, zero_d), i8, zero_d)
    add("fill f32 1e39", expect(OverflowError, bufkern.fill, f32, 1e39), f32)
    add("fill f64 Decimal 1e400", expect(OverflowError, bufkern.fill, f64,
                                         decimal.Decimal("1e400")), f64)
    add("sum ctypes union", expect(TypeError, bufkern.sum, union), union)
    add("Array dtype with NUL", expect(TypeError, bufkern.Array, 2, dtype="f64\x00"))
    add("Array dtype raising", expect(RuntimeError, bufkern.Array, 2, dtype=RaisingDtype()))
    add("set_target with NUL", expect(ValueError, bufkern.set_target, "scalar\x00"))
    add("sum no args", expect(TypeError, bufkern.sum))
    add("scale 3 args", expect(TypeError, bufkern.scale, f64, 1, 2), f64)
    add("multiply keyword", expect(TypeError, bufkern.multiply, f64, b=f64), f64)

    # ---- views --------------------------------------------------------------------
    def view_everything():
        with bufkern.BufferView(f64) as v:
            (v.dtype, v.itemsize, v.ndim, v.shape, v.strides, v.nbytes, v.readonly,
             v.c_contiguous, v.len(), v.rows(), v.cols(), v.is_empty(), v.sum(), repr(v))
            bufkern.sum(v)
            memoryview(v).release()

    def view_mut_everything():
        v = bufkern.BufferViewMut(f64, dtype="float64")
        v.fill(1.0)
        v.scale(2)
        v.multiply(f64)
        v.add(v)
        bufkern.add(v, f64)
        v.release()
        v.release()

    def view_released():
        v = bufkern.BufferView(f64)
        v.release()
        for f in (lambda: v.sum(), lambda: v.shape, lambda: v.len(), lambda: bufkern.sum(v)):
            try:
                f()
            except ValueError:
                continue
            raise AssertionError("released view usable")

    def view_as_destination():
        with bufkern.BufferView(f64) as v:
            try:
                bufkern.scale(v, 2.0)
            except ValueError:
                return
        raise AssertionError("BufferView accepted as a destination")

    def view_dtype_objects():
        bufkern.BufferView(f64, dtype=np.float64).release()
        bufkern.BufferView(f64, dtype=np.dtype("float64")).release()
        bufkern.BufferView(f32, dtype="f32").release()

    add("BufferView everything", view_everything, f64)
    add("BufferViewMut everything", view_mut_everything, f64)
    add("released view", view_released, f64)
    add("BufferView as destination", view_as_destination, f64)
    add("view dtype objects", view_dtype_objects, f64, f32)
    add("view dtype mismatch", expect(TypeError, bufkern.BufferView, f64, dtype="f32"), f64)
    add("view unknown dtype", expect(TypeError, bufkern.BufferView, f64, dtype="f65"), f64)
    add("view dtype >f8 object", expect(TypeError, bufkern.BufferView, f64,
                                        dtype=np.dtype(">f8")), f64)
    add("BufferViewMut read-only", expect(ValueError, bufkern.BufferViewMut, ro), ro)
    add("BufferViewMut bytes", expect(ValueError, bufkern.BufferViewMut, by), by)
    add("BufferView not a buffer", expect(TypeError, bufkern.BufferView, 3))
    add("BufferView bool", expect(TypeError, bufkern.BufferView, bools), bools)

    # ---- Array / IntArray ---------------------------------------------------------
    arr = bufkern.Array(16, dtype="c128")
    ia = bufkern.IntArray.from_values(1, 2, 3)

    def array_everything():
        x = bufkern.Array(16, dtype="f32")
        y = bufkern.Array.from_values(1, 2.5, idx, dtype="f64")
        z = bufkern.IntArray(8)
        w = bufkern.IntArray.from_values(1, True, idx)
        repr(x), repr(y), repr(z), repr(w), x.tolist(), list(y), len(z), w.dtype
        y[0], y[-1], y[1]
        y[0] = 3
        y[-1] = 2.5
        bufkern.sum(y), bufkern.scale(x, 2), bufkern.add(z, z)
        np.asarray(w).sum()
        m = memoryview(y)
        m.release()

    def array_errors():
        for f, exc in ((lambda: ia[3], IndexError), (lambda: ia[-4], IndexError),
                       (lambda: ia.__setitem__(0, 1.5), TypeError),
                       (lambda: ia.__setitem__(0, 2**64), OverflowError),
                       (lambda: ia.__setitem__(9, 1), IndexError),
                       (lambda: bufkern.Array(-1), ValueError),
                       (lambda: bufkern.Array(4, dtype="f16"), TypeError),
                       (lambda: bufkern.Array(4, dtype=">f8"), TypeError),
                       (lambda: bufkern.Array("4"), TypeError),
                       (lambda: bufkern.Array.from_values(1, "x", dtype="f64"), TypeError),
                       (lambda: bufkern.IntArray.from_values(1, 2**70), OverflowError),
                       (lambda: bufkern.Array.from_values(1, 1j, dtype="f32"), TypeError)):
            try:
                f()
            except exc:
                continue
            except (TypeError, ValueError, OverflowError):
                continue  # another SPEC error class: the fuzzer judges which; here: leaks
            raise AssertionError("Array error path did not raise")

    add("Array everything", array_everything, idx)
    add("Array errors", array_errors, ia)
    add("fill Array c128", ok(bufkern.fill, arr, 1 + 2j), arr)
    add("sum IntArray", ok(bufkern.sum, ia), ia)

    # ---- dispatch -----------------------------------------------------------------
    cur = bufkern.target()
    add("target", ok(bufkern.target))
    add("available_targets", ok(bufkern.available_targets))
    add("set_target current", ok(bufkern.set_target, cur))
    add("set_target bogus", expect(ValueError, bufkern.set_target, "bogus"))
    add("set_target empty", expect(ValueError, bufkern.set_target, ""))
    add("set_target int", expect(TypeError, bufkern.set_target, 1))

    # bytearrays must be resizable right after any call that used them
    def resizable():
        ba.append(0)
        ba.pop()
    return P, resizable


TYPES = [bufkern.Array, bufkern.IntArray, bufkern.BufferView, bufkern.BufferViewMut]


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1000,
                    help="calls per stretch (4 stretches per path) under tracemalloc")
    ap.add_argument("--rounds", type=int, default=200, help="rounds of every path for RSS")
    ap.add_argument("--tolerance", type=int, default=4096, help="bytes of growth per path")
    ap.add_argument("--self-test", action="store_true",
                    help="run two deliberately leaky paths, which must be reported")
    args = ap.parse_args()
    t0 = time.monotonic()
    paths, resizable = build_paths()
    if args.self_test:  # two deliberately leaky paths: both must be reported
        hoard, victim = [], np.ones(4)
        paths = paths[:3] + [("self-test: leaks memory", lambda: hoard.append(bytearray(64)), ()),
                             ("self-test: leaks a reference",
                              lambda: hoard.append(victim) if len(hoard) < 10**9 else None,
                              (victim,))]
    failures = []
    total_calls = 0
    worst = (0, "")

    tracemalloc.start()
    for name, path, objs in paths:
        tracked = list(objs) + TYPES
        try:
            for _ in range(50):  # warm-up: caches, freelists, interned strings
                path()
        except AssertionError as e:
            failures.append(f"{name}: {e}")
            continue
        resizable()
        gc.collect()
        refs = [sys.getrefcount(o) for o in tracked]
        # Memory after four stretches of calls: a leak grows it in every
        # stretch by at least one object per call; allocator noise (dict
        # resizes, caches filled on a first error) dies down.
        mem = []
        for _ in range(4):
            for _ in range(args.calls):
                path()
            gc.collect()
            mem.append(tracemalloc.get_traced_memory()[0])
        total_calls += 4 * args.calls + 50
        try:
            resizable()
        except BufferError:
            failures.append(f"{name}: a bytearray is still exported after the call")
        gc.collect()
        steps = [b - a for a, b in zip(mem, mem[1:])]
        grown = min(steps)
        refs2 = [sys.getrefcount(o) for o in tracked]
        if grown > worst[0]:
            worst = (grown, name)
        if grown > args.tolerance:
            failures.append(f"{name}: grew by {steps} bytes over three stretches of "
                            f"{args.calls} calls (tracemalloc)")
        for o, r1, r2 in zip(tracked, refs, refs2):
            if r1 != r2:
                failures.append(f"{name}: refcount of {type(o).__name__} {r1} -> {r2}")
    tracemalloc.stop()
    t1 = time.monotonic()
    print(f"leak_check: {len(paths)} paths x 4 x {args.calls} calls under tracemalloc "
          f"({total_calls} calls, {t1 - t0:.1f} s): largest steady growth {worst[0]} bytes "
          f"({worst[1] or '-'}), tolerance {args.tolerance}")

    # RSS over many rounds of everything (no tracemalloc). --rounds 0 skips
    # it (under ASan, whose quarantine keeps freed memory, RSS means nothing).
    if args.rounds:
        samples = []
        rss_calls = 0
        for r in range(args.rounds):
            for _name, path, _objs in paths:
                for _ in range(100):
                    path()
                rss_calls += 100
            gc.collect()
            samples.append(rss_kib())
        start = samples[min(2, len(samples) - 1)]  # after the allocator has settled
        growth = samples[-1] - start
        print(f"leak_check: RSS over {args.rounds} rounds ({rss_calls} calls, "
              f"{time.monotonic() - t1:.1f} s): {start} KiB after round 3 -> {samples[-1]} KiB "
              f"at the end ({growth:+d} KiB)")
        if growth > 2048:
            failures.append(f"RSS grew by {growth} KiB over {args.rounds - 3} rounds")
    for f in failures:
        print("leak_check: FINDING:", f)
    print(f"leak_check: {len(failures)} findings")
    if args.self_test:
        caught = len({f.split(":")[1] for f in failures if f.startswith("self-test")})
        print(f"leak_check: self-test: {caught} of 2 deliberate leaks caught")
        return 0 if caught >= 2 else 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
