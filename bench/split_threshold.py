#!/usr/bin/env python3
"""Where splitting a kernel over threads starts to pay, for every op.

    BUFKERN_SPLIT_BYTES=0 python3 bench/split_threshold.py [--dtype f64]

With BUFKERN_SPLIT_BYTES=0 every kernel splits, however small. For every op
of bufkern's table that takes the dtype, at operand sizes from 4 KiB to
16 MiB, the benchmark's one timing method (bufkern_bench.timing) times the
same call with one thread and with all of them, each in rounds of its own,
on the benchmark's operands (bufkern_bench.values). A cell is t(1 thread) /
t(all threads), the median of the ratios of round i to round i; `+` marks a cell whose whole
interquartile range is above 1 (splitting pays), `-` one whose whole range is
below 1 (splitting costs). The library's split sizes (BK_SPLIT_* in
kernels/src/api.c, one per form) are chosen from these tables: the smallest
size from which no op of the form loses.
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import bufkern  # noqa: E402
from bufkern import _core  # noqa: E402
from bufkern_bench import timing, values  # noqa: E402

SIZES_KIB = [4, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384]


def subjects(op: str, spec: dict, dtype: str, nbytes: int, threads: int, rng):
    n = max(1, nbytes // np.dtype(values.NUMPY_NAMES[dtype]).itemsize)
    a, b = values.make_arrays(np, dtype, n, rng)
    result = spec["result"][dtype]
    names = {
        "f": getattr(bufkern, op), "a": a, "b": b,
        "k": values.SCALE_K[values.kind(dtype)], "v": values.FILL_V[values.kind(dtype)],
        "r": np.empty(n, values.NUMPY_NAMES[result]),
    }
    stmt = values.calls(spec["form"], into_other=result != dtype)[0]
    return [timing.PySubject(f"{op} {t}", stmt, names, prepare=lambda t=t: bufkern.set_threads(t))
            for t in (1, threads)]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dtype", default="f64", choices=_core.DTYPES)
    p.add_argument("--reps", type=int, default=9, help="alternating rounds (default 9)")
    args = p.parse_args()
    if os.environ.get("BUFKERN_SPLIT_BYTES") != "0":
        print("note: BUFKERN_SPLIT_BYTES is not 0: operands below the split size run on one "
              "thread both ways")
    threads = bufkern.get_threads()
    ops = {op: spec for op, spec in _core.OPS.items() if args.dtype in spec["dtypes"]}
    rng = np.random.default_rng(1)
    print(f"bufkern {bufkern.__version__}, target {bufkern.target()}, {args.dtype}, "
          f"t(1) / t({threads} threads), median of {args.reps} rounds")
    print(f"{'KiB':>6} " + " ".join(f"{op:>10}" for op in ops))
    gains = {op: [] for op in ops}
    for kib in SIZES_KIB:
        cells = []
        for op, spec in ops.items():
            # each thread count in rounds of its own (bufkern_bench/timing.py says why)
            one, all_ = (timing.measure([s], args.reps, 0.002)[0]
                         for s in subjects(op, spec, args.dtype, kib << 10, threads, rng))
            med, q1, q3 = timing.ratio(one, all_)
            mark = "+" if q1 > 1 else "-" if q3 < 1 else " "
            gains[op].append(q3 >= 1)
            cells.append(f"{med:9.2f}{mark}")
        print(f"{kib:>6} " + " ".join(cells), flush=True)
    bufkern.set_threads(0)
    print("\nsmallest size from which the op never loses (no cell marked -):")
    for op, ok in gains.items():
        i = len(ok)
        while i > 0 and ok[i - 1]:
            i -= 1
        print(f"  {op:<10} {f'{SIZES_KIB[i]} KiB' if i < len(ok) else 'none measured'}")


if __name__ == "__main__":
    main()
