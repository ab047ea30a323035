"""Measures where splitting a kernel over threads starts to pay, per op.

    BUFKERN_SPLIT_BYTES=0 python3 python/tools/measure_threads.py

With BUFKERN_SPLIT_BYTES=0 every kernel splits, however small; the script
times each op with 1 thread and with all threads, in alternating batches in
one process, and prints the ratio (1-thread time / all-threads time, the
median of the batches) by operand size. The split size the library uses
(kernels/src/parallel.c) is the smallest size from which every op gains.
"""

import os
import statistics
import time

import numpy as np

import bufkern

SIZES_KIB = [16, 32, 64, 128, 256, 512, 1024, 4096, 16384]
BATCHES = 9


def cases(nbytes):
    n = nbytes // 8
    a, b = np.ones(n), np.full(n, 1.0000001)
    out = np.empty(n)
    return {
        "sum": lambda: bufkern.sum(a),
        "scale": lambda: bufkern.scale(a, 1.0),
        "add": lambda: bufkern.add(a, b),
        "multiply": lambda: bufkern.multiply(a, b),
        "fill": lambda: bufkern.fill(out, 2.0),
    }


def batch_ns(f, reps):
    t0 = time.perf_counter_ns()
    for _ in range(reps):
        f()
    return (time.perf_counter_ns() - t0) / reps


def main():
    if os.environ.get("BUFKERN_SPLIT_BYTES") != "0":
        print("note: set BUFKERN_SPLIT_BYTES=0 so that small kernels split too")
    cores = bufkern.get_threads()
    print(f"target {bufkern.target()}, threads 1 vs {cores}; ratio = t(1) / t({cores})")
    print("size KiB  " + "  ".join(f"{op:>8}" for op in cases(8)))
    for kib in SIZES_KIB:
        row = []
        for op, f in cases(kib * 1024).items():
            bufkern.set_threads(1)
            reps = max(3, int(2e6 / max(1, batch_ns(f, 3))))  # ~2 ms a batch
            ratios = []
            for _ in range(BATCHES):
                bufkern.set_threads(1)
                t1 = batch_ns(f, reps)
                bufkern.set_threads(cores)
                tn = batch_ns(f, reps)
                ratios.append(t1 / tn)
            row.append(statistics.median(ratios))
        print(f"{kib:>8}  " + "  ".join(f"{r:8.2f}" for r in row))
    bufkern.set_threads(0)


if __name__ == "__main__":
    main()
