"""results.json: every figure of a run, machine-readable.

Schema (version 2):

    {
      "schema": 2,
      "environment": {...},        # the environment block (machine.environment)
      "config": {...},             # sizes, repetitions, batch length, stages
      "notes": {stage: why},       # what could not run, and why
      "records": [ {...} ],        # bufkern against a peer, one per case (below)
      "ceilings": [ {...} ],       # every bandwidth loop: pattern, stores, isa, threads,
                                   # offset (bytes past a line it starts at),
                                   # bytes, traffic_bytes, gbps, gbps_lo, gbps_hi
      "pythreads": [ {...} ],      # two Python threads against one
      "hyperfine": [ {...} ],      # whole-process figures per target
      "dask": [ {...} ],           # bench/dask_bench.py's records, as it returns them
      "goals": [ {...} ],          # id, goal, status, judged, met, within_noise, missed, ...
      "disturbed_batches": {"redone": n, "kept": n},
      "foreign_load_cores": {stage: cores other processes kept busy},
      "stage_seconds": {stage: s}, "elapsed_s": s
    }

A record (every field is always present; null where it does not apply):

    stage        "numpy", "targets", "volk" or "simsimd"
    peer         what bufkern is compared with: "numpy", "scalar" (the scalar target,
                 for "targets"), "volk" (peer_kernel names VOLK's kernel), "simsimd"
    op, dtype    bufkern's op (its Python name) and dtype; form: its form in the op table
    n, bytes     elements and bytes per operand array
    size_class   "small" (1-16 elements), "cache" (4 KiB-1 MiB), "mid" (between L2 and
                 LLC), "large" (>= 4x LLC per array, or capped: environment.large_capped)
    threads      bufkern's kernel threads (1, or all cores)
    target       bufkern's SIMD target
    pattern      the access pattern (patterns.py); traffic_bytes: bytes one call moves
    bufkern_ns   median ns per call; bufkern_ns_q1, bufkern_ns_q3: its quartiles
    numpy_ns     NumPy's median ns per call (peer "numpy" only; numpy_threads: BLAS
                 threads for np.dot); peer_ns: the other peers' median
    ratio        peer time / bufkern time, the median over rounds of the per-round ratio
                 (> 1: bufkern is faster); ratio_lo, ratio_hi: its interquartile range
    verdict      "faster", "slower" or "within noise" (spread above, below, across 1)
    gbps         traffic_bytes / bufkern_ns
    ceiling_gbps the ceiling for this pattern, bytes and thread count (null for small
                 sizes); ceiling_how: which loop; fraction, fraction_lo, fraction_hi:
                 gbps / ceiling_gbps with bufkern's quartiles
    scaling      (threads > 1) one-thread time / all-core time, per round; _lo, _hi
"""

from __future__ import annotations

import json

REQUIRED = ("stage", "peer", "op", "dtype", "n", "bytes", "threads", "target", "bufkern_ns",
            "numpy_ns", "ratio", "ratio_lo", "ratio_hi", "gbps", "ceiling_gbps")


def records(results: dict) -> list:
    out = []
    for stage in ("numpy", "targets", "volk", "simsimd"):
        for r in results.get(stage) or []:
            for k in REQUIRED + ("fraction", "fraction_lo", "fraction_hi"):
                r.setdefault(k, None)
            out.append(r)
    return out


def write(path, doc: dict):
    path.write_text(json.dumps(doc, indent=1, default=str) + "\n")
