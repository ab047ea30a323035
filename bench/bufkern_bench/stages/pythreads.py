"""Two Python threads against one, each calling a kernel on its own
cache-resident array (bufkern on one kernel thread: this measures the GIL
being released, not the pool), at two sizes (SIZES). Calls per second of all threads together;
one- and two-thread batches alternate, and the ratio is taken per round."""

from __future__ import annotations

import threading
import time

from .. import patterns, values
from ..machine import ForeignLoad
from ..timing import quartiles, verdict


def _throughput(fns, seconds):
    stop, counts = [False], [0] * len(fns)
    barrier = threading.Barrier(len(fns) + 1)

    def worker(i, fn):
        c = 0
        barrier.wait()
        while not stop[0]:
            fn()
            fn()
            fn()
            fn()
            c += 4
        counts[i] = c

    ths = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(fns)]
    for t in ths:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop[0] = True
    for t in ths:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


# Two cache-resident sizes: below the GIL threshold (bufkern.GIL_THRESHOLD_DEFAULT,
# 256 KiB) a call keeps the GIL, so two threads take turns; above it they
# run at once. Both are reported, and the goal is judged on both.
SIZES = (64 << 10, 1 << 20)


def cases(ctx):
    bk, np = ctx.bk, ctx.np
    # an identity in place (conjugate of f64) returns at once: only the GIL is left to measure
    ops = [o for o, d in bk.OPS.items() if "f64" in d["dtypes"] and not patterns.is_identity(
        np, getattr(bk, o), d["form"], "f64", d["result"]["f64"], values.NUMPY_NAMES["f64"])]
    if ctx.cfg.quick:
        ops = ["sum", "add"]
    return [(op, "f64", nbytes) for nbytes in SIZES for op in ops]


def run(ctx) -> list:
    np, bk, cfg = ctx.np, ctx.bk, ctx.cfg
    if ctx.cores < 2:
        ctx.notes["pythreads"] = "one core: two threads cannot run at once"
        return []
    rng = np.random.default_rng(7)
    bk.set_threads(1)
    out = []
    todo = cases(ctx)
    with ctx.bar("pythreads", len(todo)) as bar:
        for op, dtype, nbytes in todo:
            bar.set_postfix_str(f"{op} {dtype}")
            spec = bk.OPS[op]
            n = nbytes // ctx.itemsize[dtype]
            k, v = values.SCALE_K[values.kind(dtype)], values.FILL_V[values.kind(dtype)]
            fns = []
            for _ in range(2):
                a, b = values.make_arrays(np, dtype, n, rng)
                r = np.empty(n, values.NUMPY_NAMES[spec["result"][dtype]])
                stmt = values.calls(spec["form"], spec["result"][dtype] != dtype)[0]
                fns.append(eval("lambda: " + stmt, {"f": getattr(bk, op), "a": a, "b": b,
                                                    "k": k, "v": v, "r": r}))
            one, two, loads = [], [], []
            for rep in range(cfg.pythreads_reps):
                for which in ((1, 2) if rep % 2 == 0 else (2, 1)):
                    fl = ForeignLoad().start()
                    rate = _throughput(fns[:which], cfg.pythreads_s)
                    loads.append(fl.stop())
                    (one if which == 1 else two).append(rate)
            q1, med, q3 = quartiles([t / o for t, o in zip(two, one)])
            busy = sorted(x for x in loads if x is not None)
            out.append({"op": op, "dtype": dtype, "bytes": nbytes, "n": n,
                        "one_thread_calls_per_s": sorted(one)[len(one) // 2],
                        "two_threads_calls_per_s": sorted(two)[len(two) // 2],
                        "ratio": med, "ratio_lo": q1, "ratio_hi": q3,
                        "verdict": verdict(q1, q3, 1.8),
                        "foreign_load_cores": busy[len(busy) // 2] if busy else None})
            bar.update(1)
    bk.set_threads(0)
    return out
