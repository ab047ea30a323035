"""Every SIMD target against the scalar one: the C driver runs each kernel of
BK_OPS on each target, on one thread, alternating on the same buffers."""

from __future__ import annotations

from .. import ceilings, patterns
from ..timing import measure, ratio, verdict
from ..values import NUMPY_NAMES


def run(ctx) -> list:
    d, cfg = ctx.driver, ctx.cfg
    info = d.info
    targets = [t["name"] for t in info["targets"] if t["supported"]]
    if "scalar" not in targets or len(targets) < 2:
        ctx.notes["targets"] = f"only {', '.join(targets)} is compiled in and supported here"
        return []
    targets = ["scalar"] + [t for t in targets if t != "scalar"]
    sizes = {x["name"]: x["size"] for x in info["dtypes"]}
    cases = [(nb, dt, op) for nb in cfg.target_bytes for dt in sizes
             if (not cfg.dtypes or dt in cfg.dtypes)
             and (not cfg.target_dtypes or dt in cfg.target_dtypes)
             for op in info["ops"] if dt in op["dtypes"] and (not cfg.ops or op["pyname"] in cfg.ops)]
    out = []
    companions = ceilings.Companions(ctx)
    with ctx.bar("targets", len(cases)) as bar:
        work, current = None, None
        for nbytes, dtype, op in cases:
            n = nbytes // sizes[dtype]
            companions.size(nbytes)
            if current != (dtype, n):
                if work is not None:
                    d.drop(work)
                work, current = d.work(dtype, n), (dtype, n)
            bar.set_postfix_str(f"{op['pyname']} {dtype}")
            spec = ctx.bk.OPS.get(op["pyname"]) if ctx.bk else None
            result = spec["result"][dtype] if spec else dtype
            identity = bool(ctx.bk and ctx.np and patterns.is_identity(
                ctx.np, getattr(ctx.bk, op["pyname"]), op["form"], dtype, result,
                NUMPY_NAMES[dtype]))
            pattern = patterns.pattern_of(op["form"], dtype, result, ctx.itemsize, identity)
            traffic = patterns.traffic(pattern, nbytes)
            subs = [d.kernel(work, op["c_name"], t, 1) for t in targets]
            comp = companions.for_case(pattern, [1], work=work)
            ms = measure(subs + [c[1] for c in comp], cfg.reps, cfg.batch_s)
            comp_ms = list(zip(comp, ms[len(subs):]))
            sc = ms[0]
            scalar_gbps = traffic / sc.median if traffic else None
            sc_rec = {}
            ceilings.apply(sc_rec, traffic, sc, comp_ms)
            # None for an identity or without a ceiling: not judged
            bound = None if sc_rec["fraction"] is None else sc_rec["fraction"] >= 0.5
            for t, m in zip(targets[1:], ms[1:]):
                q1, med, q3 = m.q
                rr = ratio(sc, m)
                rec = {"stage": "targets", "peer": "scalar", "op": op["pyname"], "dtype": dtype,
                       "form": op["form"], "n": n, "bytes": nbytes, "size_class": "cache",
                       "threads": 1, "target": t, "pattern": pattern, "traffic_bytes": traffic,
                       "bufkern_ns": med, "bufkern_ns_q1": q1, "bufkern_ns_q3": q3,
                       "numpy_ns": None, "peer_ns": sc.median,
                       "ratio": rr[0], "ratio_lo": rr[1], "ratio_hi": rr[2],
                       "verdict": verdict(rr[1], rr[2], 1.0),
                       "gbps": traffic / med if traffic else None, "scalar_gbps": scalar_gbps,
                       "scalar_fraction": sc_rec["fraction"], "memory_bound": bound}
                ceilings.apply(rec, traffic, m, comp_ms)
                out.append(rec)
            bar.update(1)
        if work is not None:
            d.drop(work)
    companions.size(0)
    return out
