"""SimSIMD's dot (simsimd.dot, the SIMD library over Python buffers) beside
bufkern.dot, from Python, one thread, alternating on the same arrays, for
every dtype both take."""

from __future__ import annotations

from .. import ceilings, patterns, values
from ..timing import PySubject, measure, ratio, verdict
from .volk import sizes_n


def run(ctx) -> list:
    import simsimd
    np, bk, cfg = ctx.np, ctx.bk, ctx.cfg
    rng = np.random.default_rng(99)
    dtypes = []
    for dt in bk.OPS["dot"]["dtypes"]:
        a, b = values.make_arrays(np, dt, 8, rng)
        try:
            simsimd.dot(a, b)
            dtypes.append(dt)
        except (TypeError, ValueError, LookupError):  # a dtype it does not take
            pass
    ctx.notes["simsimd"] = (f"simsimd.dot takes {', '.join(dtypes)} of bufkern's dtypes; "
                            "the others are not compared")
    todo = [(dt, cls, n) for dt in dtypes for cls, n in sizes_n(cfg, ctx.itemsize[dt])]
    out = []
    companions = ceilings.Companions(ctx)
    with ctx.bar("simsimd", len(todo)) as bar:
        for dt, cls, n in todo:
            bar.set_postfix_str(f"dot {dt} n={n}")
            a, b = values.make_arrays(np, dt, n, rng)
            names = {"f": bk.dot, "g": simsimd.dot, "a": a, "b": b}
            nbytes = n * ctx.itemsize[dt]
            companions.size(nbytes)
            comp = companions.for_case("read2", [1], {"a": a, "b": b})
            big = nbytes >= 64 << 20
            ms = measure([PySubject("bufkern", "f(a, b)", names,
                                    prepare=lambda: bk.set_threads(1)),
                          PySubject("simsimd", "g(a, b)", names)] + [c[1] for c in comp],
                         cfg.reps_large if big else cfg.reps, 0 if big else cfg.batch_s)
            mb, ms_ = ms[:2]
            traffic = patterns.traffic("read2", nbytes)
            q1, med, q3 = mb.q
            rr = ratio(ms_, mb)
            rec = {"stage": "simsimd", "peer": "simsimd", "op": "dot", "dtype": dt, "form": "dot",
                   "n": n, "bytes": nbytes, "size_class": cls, "threads": 1,
                   "target": bk.target(), "pattern": "read2", "traffic_bytes": traffic,
                   "bufkern_ns": med, "bufkern_ns_q1": q1, "bufkern_ns_q3": q3,
                   "numpy_ns": None, "peer_ns": ms_.median,
                   "ratio": rr[0], "ratio_lo": rr[1], "ratio_hi": rr[2],
                   "verdict": verdict(rr[1], rr[2], 1.0), "gbps": traffic / med}
            ceilings.apply(rec, traffic, mb, list(zip(comp, ms[2:])))
            out.append(rec)
            bar.update(1)
    companions.size(0)
    bk.set_threads(0)
    return out
