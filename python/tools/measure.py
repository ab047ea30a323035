"""Measures what the GIL threshold and the per-call overhead are based on.

    python3 python/tools/measure.py            # everything
    python3 python/tools/measure.py gil        # GIL release cost vs kernel time
    python3 python/tools/measure.py scaling    # 2 threads vs 1, by size and threshold
    python3 python/tools/measure.py overhead   # n=1 calls vs NumPy

Numbers are medians (or best of repeats) in ns; run on an idle machine.
"""

import statistics
import sys
import threading
import time
import timeit

import numpy as np

import bufkern
from bufkern import _core


def best_ns(stmt, globs, number=20000, repeat=7):
    t = timeit.Timer(stmt, globals=globs)
    return min(t.repeat(repeat=repeat, number=number)) / number * 1e9


def release_cost():
    """Uncontended cost of one Py_BEGIN/END_ALLOW_THREADS pair: the same
    tiny call with the GIL always released minus never released."""
    old = _core._gil_threshold()
    out = {}
    for name, stmt, g in (
        ("sum f64[1]", "s(a)", {"s": bufkern.sum, "a": np.ones(1)}),
        ("scale f64[64]", "f(a, 1.0)", {"f": bufkern.scale, "a": np.ones(64)}),
    ):
        diffs = []
        for _ in range(5):
            _core._gil_threshold(1 << 62)
            held = best_ns(stmt, g)
            _core._gil_threshold(0)
            rel = best_ns(stmt, g)
            diffs.append(rel - held)
        out[name] = statistics.median(diffs)
    _core._gil_threshold(old)
    return out


def contended_release_cost():
    """Cost per call, for the calling thread, of releasing while another
    thread spins in Python and wants the GIL (it is handed over and must be
    asked back)."""
    stop = threading.Event()

    def spin():
        x = 0
        while not stop.is_set():
            x += 1

    old = _core._gil_threshold()
    a = np.ones(64)
    res = {}
    th = threading.Thread(target=spin)
    th.start()
    try:
        for label, thr in (("held", 1 << 62), ("released", 0)):
            _core._gil_threshold(thr)
            n = 2000
            t0 = time.perf_counter()
            for _ in range(n):
                bufkern.scale(a, 1.0)
            res[label] = (time.perf_counter() - t0) / n * 1e9
    finally:
        stop.set()
        th.join()
        _core._gil_threshold(old)
    return res


def kernel_ns_per_byte():
    """GIL held, cache-resident sizes: ns per byte of a for each op (f64, i8, c128)."""
    old = _core._gil_threshold(1 << 62)
    rows = []
    for dt in (np.float64, np.int8, np.complex128):
        for nbytes in (4096, 65536, 262144):
            a = np.ones(nbytes // np.dtype(dt).itemsize, dtype=dt)
            b = np.ones_like(a)
            g = {"bk": bufkern, "a": a, "b": b}
            num = max(10, 2_000_000 // nbytes)
            for op, stmt in (("sum", "bk.sum(a)"), ("scale", "bk.scale(a, 1)"),
                             ("multiply", "bk.multiply(a, b)"), ("fill", "bk.fill(a, 1)")):
                ns = best_ns(stmt, g, number=num, repeat=5)
                rows.append((np.dtype(dt).name, nbytes, op, ns, ns / nbytes))
    _core._gil_threshold(old)
    return rows


def scaling(seconds=0.4):
    """Throughput of two threads (each on its own array) over one, by array
    size and GIL threshold: what releasing buys on a multi-core machine."""
    old = _core._gil_threshold()
    rows = []
    for nbytes in (4096, 16384, 65536, 262144, 1048576):
        for thr in (0, 16384, 65536, 1 << 62):
            _core._gil_threshold(thr)

            def worker(counts, i):
                a = np.ones(nbytes // 8)
                n = 0
                end = time.perf_counter() + seconds
                while time.perf_counter() < end:
                    for _ in range(10):
                        bufkern.scale(a, 1.0)
                    n += 10
                counts[i] = n

            tput = []
            for nthreads in (1, 2):
                counts = [0] * nthreads
                ths = [threading.Thread(target=worker, args=(counts, i)) for i in range(nthreads)]
                for t in ths:
                    t.start()
                for t in ths:
                    t.join()
                tput.append(sum(counts))
            rows.append((nbytes, thr, tput[1] / tput[0]))
    _core._gil_threshold(old)
    return rows


def overhead():
    a = np.ones(1)
    b = np.ones(1)
    g = {"bk": bufkern, "np": np, "a": a, "b": b, "arr": bufkern.Array(1),
         "s": bufkern.sum, "m": bufkern.multiply, "f": bufkern.fill,
         "nsum": np.sum, "nmul": np.multiply, "nadd": np.add}
    pairs = [
        ("sum", "s(a)", "nsum(a)"),
        ("multiply", "m(a, b)", "nmul(a, b, out=a)"),
        ("add", "bk.add(a, b)", "nadd(a, b, out=a)"),
        ("fill", "f(a, 1.0)", "a.fill(1.0)"),
    ]
    rows = []
    for name, ours, theirs in pairs:
        rows.append((name, best_ns(ours, g, number=200000), best_ns(theirs, g, number=200000)))
    rows.append(("sum(Array[1])", best_ns("s(arr)", g, number=200000), float("nan")))
    rows.append(("empty loop", best_ns("pass", g, number=200000), float("nan")))
    return rows


def main(what):
    if what in ("all", "gil"):
        print("uncontended release+reacquire cost (ns/call):")
        for k, v in release_cost().items():
            print(f"  {k:16s} {v:7.1f}")
        c = contended_release_cost()
        print("scale f64[64] with another thread spinning in Python (ns/call, calling thread):")
        print(f"  GIL held         {c['held']:10.0f}\n  GIL released     {c['released']:10.0f}")
        print("kernel time, GIL held (dtype, bytes, op, ns/call, ns/byte):")
        for r in kernel_ns_per_byte():
            print(f"  {r[0]:10s} {r[1]:7d} {r[2]:9s} {r[3]:10.0f} {r[4]:7.3f}")
    if what in ("all", "scaling"):
        print("two threads / one thread throughput, scale f64 (bytes, threshold, ratio):")
        for nbytes, thr, ratio in scaling():
            t = "never" if thr >= 1 << 62 else str(thr)
            print(f"  {nbytes:8d} {t:>8s} {ratio:5.2f}")
    if what in ("all", "overhead"):
        print(f"per-call cost at n=1, target {bufkern.target()} (ns/call; bufkern vs NumPy):")
        for name, ours, theirs in overhead():
            print(f"  {name:14s} {ours:7.0f} {theirs:7.0f}  ratio {ours / theirs:5.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "all")
