"""The SPEC's performance goals ("Performance" in the SPEC) as a table of
data, and one evaluator for all of them.

Each goal selects records (a stage's list, filtered by field values; ranges
as (low, high), inclusive), reads one metric with its spread (metric,
metric_lo, metric_hi: the interquartile range over the alternating rounds)
and compares it with a threshold (a number, or an expression of `cores`).
A case is met when its whole spread is at or above the threshold, missed
when its whole spread is below, and within noise otherwise. A goal is
MISSED when any case is missed, MET when none is, NOT MEASURED without
cases. Records are annotated before evaluation with the derived fields the
selections use (numpy_no_simd, memory_bound); see annotate().
"""

from __future__ import annotations

from .timing import verdict

GOALS = [
    {"id": "large-ceiling", "stage": "numpy",
     "text": "Large arrays (each >= 4x the LLC): every kernel x dtype at >= 90% of the measured "
             "bandwidth of its access pattern (1 thread)",
     "where": {"size_class": "large", "threads": 1}, "metric": "fraction", "threshold": 0.9,
     "cover_all_kernels": True},
    {"id": "large-numpy", "stage": "numpy",
     "text": "Large arrays: never slower than NumPy (1 thread)",
     "where": {"size_class": "large", "threads": 1, "peer": "numpy"}, "metric": "ratio",
     "threshold": 1.0},
    {"id": "cache-numpy", "stage": "numpy",
     "text": "Cache-resident arrays (4 KiB - 1 MiB): never slower than NumPy for any kernel x dtype",
     "where": {"size_class": "cache", "threads": 1}, "metric": "ratio", "threshold": 1.0},
    {"id": "cache-nosimd", "stage": "numpy",
     "text": ">= 2x NumPy where NumPy has no SIMD loop (taken as: NumPy's loop, its per-call cost "
             "at 16 elements taken off, below 25% of the ceiling at 64 KiB - 1 MiB per array)",
     "where": {"size_class": "cache", "threads": 1, "numpy_no_simd": True}, "metric": "ratio",
     "threshold": 2.0},
    {"id": "int-dot", "stage": "numpy",
     "text": "Integer dot >= 5x np.dot where that fits under the ceiling (taken as: NumPy's "
             "loop, its per-call cost at 16 elements taken off, below 20% of the ceiling at "
             "64 KiB - 1 MiB per array)",
     "where": {"size_class": "cache", "threads": 1, "int_dot": True, "numpy_below_fifth": True},
     "metric": "ratio", "threshold": 5.0},
    {"id": "small-ufunc", "stage": "numpy",
     "text": "Small arrays (1-16 elements): per-call cost <= 1/3 of NumPy's call "
             "(NumPy time / bufkern time >= 3; every op but fill)",
     "where": {"size_class": "small", "threads": 1, "form": ("not", "fill")}, "metric": "ratio",
     "threshold": 3.0},
    {"id": "small-fill", "stage": "numpy",
     "text": "Small arrays: fill within 2x of ndarray.fill (ratio >= 0.5)",
     "where": {"size_class": "small", "threads": 1, "form": "fill"}, "metric": "ratio",
     "threshold": 0.5},
    {"id": "volk", "stage": "volk",
     "text": "Against VOLK, on every kernel both have: never slower (1 thread)",
     "where": {}, "metric": "ratio", "threshold": 1.0},
    {"id": "simsimd", "stage": "simsimd",
     "text": "Against SimSIMD on dot: never slower (1 thread)",
     "where": {}, "metric": "ratio", "threshold": 1.0},
    {"id": "cores-cache", "stage": "numpy",
     "text": "Several cores, operands from 1 MiB up to the LLC: >= 0.8 x cores x NumPy",
     "where": {"threads": "all", "bytes": (1 << 20, "llc")}, "metric": "ratio",
     "threshold": "0.8 * cores"},
    {"id": "cores-large", "stage": "numpy",
     "text": "Several cores, beyond the LLC: >= 90% of the all-core bandwidth ceiling",
     "where": {"size_class": "large", "threads": "all"}, "metric": "fraction",
     "threshold": 0.9},
    {"id": "cores-scaling", "stage": "numpy",
     "text": "All cores against one on the same kernel >= 0.8 x cores where the kernel is not "
             "memory-bound (taken as: 1 MiB up to the LLC, one thread below 50% of its ceiling)",
     "where": {"threads": "all", "bytes": (1 << 20, "llc"), "memory_bound": False},
     "metric": "scaling", "threshold": "0.8 * cores"},
    {"id": "pythreads", "stage": "pythreads",
     "text": "Two Python threads on two cores, each on its own cache-resident array: >= 1.8x the "
             "throughput of one",
     "where": {}, "metric": "ratio", "threshold": 1.8},
    {"id": "targets", "stage": "targets",
     "text": "Each SIMD target beats scalar where the kernel is not memory-bound (taken as: "
             "scalar below 50% of the ceiling)",
     "where": {"memory_bound": False}, "metric": "ratio", "threshold": 1.0},
    {"id": "dask", "stage": "dask",
     "text": "Scale-out: bufkern.dask at least as fast as dask.array's own operations",
     "where": {}, "metric": "ratio", "threshold": 1.0},
]


def annotate(results: dict, env: dict):
    """Derived fields the goals select on."""
    num = results.get("numpy") or []
    call = {(r["op"], r["dtype"]): r["numpy_ns"] for r in num
            if r["n"] == 16 and r["threads"] == 1 and r.get("numpy_ns")}
    for r in num:
        r["numpy_no_simd"] = r["numpy_below_fifth"] = False
        c = call.get((r["op"], r["dtype"]))
        if (r["size_class"] == "cache" and r["threads"] == 1 and r["bytes"] >= 64 << 10 and c
                and r.get("numpy_ns") and r["numpy_ns"] > c and r.get("ceiling_gbps")):
            loop_gbps = r["traffic_bytes"] / (r["numpy_ns"] - c)
            r["numpy_loop_fraction"] = loop_gbps / r["ceiling_gbps"]
            r["numpy_no_simd"] = r["numpy_loop_fraction"] < 0.25
            r["numpy_below_fifth"] = r["numpy_loop_fraction"] < 0.2
        r["int_dot"] = r["form"] == "dot" and r["dtype"][0] in "iu"
    one = {(r["op"], r["dtype"], r["bytes"]): r for r in num if r["threads"] == 1}
    for r in num:
        if r["threads"] > 1:
            o = one.get((r["op"], r["dtype"], r["bytes"]))
            # None (not judged) where no ceiling applies: an op that moves no byte
            r["memory_bound"] = (None if not o or o.get("fraction") is None
                                 else o["fraction"] >= 0.5)


def _threshold(t, env):
    return eval(t, {"cores": env.get("cores", 1)}) if isinstance(t, str) else t


def _match(r, where, env):
    for k, want in where.items():
        v = r.get(k)
        if want == "all":
            if not (v and v > 1):
                return False
        elif isinstance(want, tuple) and want and want[0] == "not":
            if v == want[1]:
                return False
        elif isinstance(want, tuple):
            lo, hi = (env.get("llc_bytes") or 0 if x == "llc" else x for x in want)
            if v is None or not lo <= v <= hi:
                return False
        elif v != want:
            return False
    return True


def label(r):
    s = f"{r.get('op') or r.get('case', '?')} {r.get('dtype', '')} n={r.get('n', r.get('bytes', '?'))}"
    if (r.get("threads") or 1) > 1:
        s += f" x{r['threads']}"
    if r.get("peer_kernel"):
        s += f" ({r['peer_kernel']})"
    if r.get("stage") == "targets":
        s += f" [{r['target']}]"
    return s


def evaluate(results: dict, env: dict, notes: dict) -> list:
    annotate(results, env)
    out = []
    for g in GOALS:
        thr = _threshold(g["threshold"], env)
        m = g["metric"]
        recs = [r for r in (results.get(g["stage"]) or []) if _match(r, g["where"], env)
                and r.get(m) is not None and r.get(m + "_lo") is not None]
        cases = []
        for r in recs:
            cases.append((verdict(r[m + "_lo"], r[m + "_hi"], thr), r))
        met = sum(v == "met" for v, _ in cases)
        noise = sum(v == "noise" for v, _ in cases)
        missed = [(v, r) for v, r in cases if v == "missed"]
        if not cases:
            status = "NOT MEASURED"
            why = notes.get(g["stage"]) or ("not in a --quick run" if env.get("mode") == "quick"
                                            and "large" in str(g["where"]) else "no case")
            detail = why
        else:
            status = "MISSED" if missed else "MET"
            worst = min(cases, key=lambda c: c[1][m])[1]
            pct = m == "fraction"
            fmt = (lambda x: f"{x * 100:.0f}%") if pct else (lambda x: f"{x:.2f}")
            detail = (f"{len(cases)} cases judged: {met} met, {noise} within noise, "
                      f"{len(missed)} missed; threshold {fmt(thr)}; lowest {label(worst)}: "
                      f"{fmt(worst[m])} ({fmt(worst[m + '_lo'])}-{fmt(worst[m + '_hi'])})")
            if g.get("cover_all_kernels") and results.get("numpy"):
                want = {(r["op"], r["dtype"]) for r in results["numpy"] if r.get("pattern")}
                have = {(r["op"], r["dtype"]) for _, r in cases}
                ident = {(r["op"], r["dtype"]) for r in results["numpy"] if not r.get("pattern")}
                detail += (f"; covers {len(have)} of the {len(want)} kernel x dtype that move "
                           f"bytes ({len(ident)} more are the identity in place: no ceiling)")
        out.append({"id": g["id"], "goal": g["text"], "status": status, "detail": detail,
                    "threshold": thr, "judged": len(cases), "met": met, "within_noise": noise,
                    "missed": len(missed),
                    "missed_cases": [f"{label(r)}: {r[m]:.3g} ({r[m + '_lo']:.3g}-"
                                     f"{r[m + '_hi']:.3g})"
                                     for _, r in sorted(missed, key=lambda c: c[1][m])]})
    return out
