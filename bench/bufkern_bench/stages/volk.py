"""GNU Radio's VOLK beside bufkern on the kernels both have (the C driver:
VOLK's dispatcher against bufkern's typed entry point, in place, one thread,
alternating on the same buffers)."""

from __future__ import annotations

from .. import ceilings, patterns
from ..timing import measure, ratio, verdict


def sizes_n(cfg, itemsize):
    out = [("small", 16)] + [("cache", b // itemsize) for b in cfg.cache_bytes]
    out += [("mid", b // itemsize) for b in cfg.mid_bytes]
    if cfg.large_bytes:
        out.append(("large", cfg.large_bytes // itemsize))
    return out


def run(ctx) -> list:
    d, cfg = ctx.driver, ctx.cfg
    kernels = d.info["volk"]["kernels"]
    todo = [(k, cls, n) for k in kernels for cls, n in sizes_n(cfg, ctx.itemsize[k["dtype"]])]
    out = []
    companions = ceilings.Companions(ctx)
    with ctx.bar("volk", len(todo)) as bar:
        for k, cls, n in todo:
            bar.set_postfix_str(f"{k['name']} n={n}")
            nbytes = n * ctx.itemsize[k["dtype"]]
            form = ctx.bk.OPS[k["op"]]["form"] if ctx.bk else None
            pattern = patterns.pattern_of(form, k["dtype"], k["dtype"], ctx.itemsize)
            traffic = patterns.traffic(pattern, nbytes)
            companions.size(nbytes)
            work = d.work(k["dtype"], n)
            comp = companions.for_case(pattern, [1], work=work)
            subs = [d.volk(work, k["name"], "bufkern"), d.volk(work, k["name"], "volk")]
            big = nbytes >= 64 << 20
            ms = measure(subs + [c[1] for c in comp], cfg.reps_large if big else cfg.reps,
                         0 if big else cfg.batch_s)
            mb, mv = ms[:2]
            d.drop(work)
            q1, med, q3 = mb.q
            rr = ratio(mv, mb)
            rec = {"stage": "volk", "peer": "volk", "peer_kernel": k["name"], "op": k["op"],
                   "dtype": k["dtype"], "form": form, "n": n, "bytes": nbytes, "size_class": cls,
                   "threads": 1, "target": d.info["active"], "pattern": pattern,
                   "traffic_bytes": traffic, "bufkern_ns": med, "bufkern_ns_q1": q1,
                   "bufkern_ns_q3": q3, "numpy_ns": None, "peer_ns": mv.median,
                   "ratio": rr[0], "ratio_lo": rr[1], "ratio_hi": rr[2],
                   "verdict": verdict(rr[1], rr[2], 1.0),
                   "gbps": traffic / med if traffic else None}
            ceilings.apply(rec, traffic, mb, list(zip(comp, ms[2:])))
            out.append(rec)
            bar.update(1)
    companions.size(0)
    return out
