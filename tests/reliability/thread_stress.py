#!/usr/bin/env python3
"""Thread stress test of the bufkern module.

Many Python threads run mixed ops for a while, each on private arrays and on
shared read-only operands (NumPy arrays, views, Array) large enough that the
GIL is released, and every result is checked:

  - sums of the shared operands: exactly one of the per-target answers
    computed up front (a sum is deterministic for a given target), each of
    which the NumPy oracle accepts;
  - in-place ops on private arrays: NumPy's answer (bit-exact; complex
    multiply by the SPEC formula);
  - shared operands are never modified.

One more thread keeps switching the active target (set_target) meanwhile,
and a pure-Python counter thread shows the GIL is really released: it must
advance while one long kernel call runs in the main thread.

    python3 tests/reliability/thread_stress.py [--seconds 20] [--threads 8]
"""

import argparse
import os
import sys
import threading
import time

import numpy as np

# The one oracle, tests/oracle.py, shared with tests/python.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import oracle  # noqa: E402

import bufkern  # noqa: E402

N = 1 << 15  # elements of every operand: 32K x 1..16 bytes, 256 KiB for f64


def make_shared(rng):
    """Read-only operands of every dtype, with the sum each target gives."""
    shared = {}
    for name, t in oracle.DTYPES.items():
        dt = np.dtype(t)
        if dt.kind in "iu":
            info = np.iinfo(dt)
            x = rng.integers(info.min, info.max, N, dtype=dt, endpoint=True)
        else:
            x = rng.standard_normal(N).astype(dt)
            if dt.kind == "c":
                x += 1j * rng.standard_normal(N)
        x.flags.writeable = False
        sums = set()
        for tgt in bufkern.available_targets():
            bufkern.set_target(tgt)
            s = bufkern.sum(x)
            msg = oracle.check_sum(x, s)
            if msg:
                raise SystemExit(f"thread_stress: FINDING before threads start: {name} on {tgt}: {msg}")
            sums.add(s)
        bufkern.set_target(bufkern.available_targets()[0])
        shared[name] = (x, x.copy(), sums)
    return shared


def worker(idx, shared, stop, stats, errors):
    rng = np.random.default_rng(1000 + idx)
    names = list(shared)
    n_ops = 0
    try:
        while not stop.is_set():
            name = names[rng.integers(len(names))]
            x, _, sums = shared[name]
            dt = x.dtype
            op = rng.integers(7)
            if op == 0:  # sum of the shared operand, directly or through a view
                s = bufkern.sum(x) if rng.integers(2) else bufkern.BufferView(x).sum()
                if s not in sums and not (isinstance(s, float) and s != s):
                    errors.append(f"thread {idx}: sum {name} = {s!r}, not one of {sums}")
            elif op == 1:  # sum of a shared strided view (walker with chunks)
                v = x[::3]
                s = bufkern.sum(v)
                msg = oracle.check_sum(v, s)
                if msg:
                    errors.append(f"thread {idx}: strided sum {name}: {msg}")
            else:
                a = np.array(x[::-1], copy=True)  # private, reversed copy of the shared data
                with np.errstate(all="ignore"):
                    if op == 2:
                        bufkern.add(a, x)
                        want = x[::-1] + x
                    elif op == 3:
                        bufkern.multiply(a, x)
                        want = (oracle.complex_mul_formula(x[::-1], x) if dt.kind == "c"
                                else x[::-1] * x)
                    elif op == 4:
                        k = dt.type(3) if dt.kind in "iu" else dt.type(1.5)
                        bufkern.scale(a, k)
                        want = (oracle.complex_mul_formula(x[::-1], k) if dt.kind == "c"
                                else x[::-1] * k)
                    elif op == 5:
                        v = dt.type(7)
                        with bufkern.BufferViewMut(a) as m:
                            m.fill(v)
                        want = np.full(N, v, dt)
                    else:  # private 2-D, non-contiguous destination
                        a = a.reshape(128, -1)
                        b = x.reshape(128, -1)
                        bufkern.add(a[:, ::2], b[:, 1::2])
                        want = np.array(x[::-1], copy=True).reshape(128, -1)
                        want[:, ::2] += b[:, 1::2]
                if not oracle.same_values(a, want):
                    errors.append(f"thread {idx}: op {op} on {name}: result differs from NumPy")
            n_ops += 1
    except Exception as e:  # noqa: BLE001 - any exception is a finding
        errors.append(f"thread {idx}: {type(e).__name__}: {e}")
    stats[idx] = n_ops


def switcher(stop, stats, errors):
    targets = bufkern.available_targets()
    n = 0
    try:
        while not stop.is_set():
            bufkern.set_target(targets[n % len(targets)])
            n += 1
            time.sleep(0.001)
    except Exception as e:  # noqa: BLE001
        errors.append(f"switcher: {type(e).__name__}: {e}")
    stats["switches"] = n


def gil_released_check():
    """Counts a pure-Python thread's steps during one long kernel call."""
    big = np.ones(1 << 26, np.uint8)  # 64 MiB: a sum takes milliseconds
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    time.sleep(0.05)
    best = 0
    for _ in range(5):
        c0 = count[0]
        bufkern.sum(big)
        best = max(best, count[0] - c0)
    stop.set()
    t.join()
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--threads", type=int, default=8)
    args = ap.parse_args()
    rng = np.random.default_rng(12345)
    t0 = time.monotonic()
    shared = make_shared(rng)
    steps = gil_released_check()
    print(f"thread_stress: a Python thread advanced {steps} steps during one 64 MiB sum "
          f"(GIL released: {'yes' if steps > 100 else 'NO'})")
    errors = []
    stats = {}
    stop = threading.Event()
    threads = [threading.Thread(target=worker, args=(i, shared, stop, stats, errors))
               for i in range(args.threads)]
    threads.append(threading.Thread(target=switcher, args=(stop, stats, errors)))
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    for t in threads:
        t.join()
    for name, (x, orig, _) in shared.items():
        if not np.array_equal(x.view(np.uint8), orig.view(np.uint8)):
            errors.append(f"shared operand {name} was modified")
    total = sum(v for k, v in stats.items() if k != "switches")
    print(f"thread_stress: {args.threads} threads, {total} checked ops "
          f"({total / args.seconds:.0f}/s) over {args.seconds:.0f} s, "
          f"{stats.get('switches', 0)} target switches, {len(errors)} findings "
          f"({time.monotonic() - t0:.1f} s in all)")
    if steps <= 100:
        errors.append("the GIL was not released around a 64 MiB sum")
    for e in errors[:20]:
        print("thread_stress: FINDING:", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
