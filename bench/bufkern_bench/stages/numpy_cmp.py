"""bufkern against NumPy in one process: every op of bufkern.OPS x every
dtype it takes, at every size, on one thread and (where the kernels split)
on all cores, the subjects alternating batch by batch on the same arrays."""

from __future__ import annotations

import gc

from .. import ceilings, patterns, values
from ..timing import PySubject, measure, ratio, verdict

LARGE = 64 << 20


def blas_setter():
    """A function that sets the BLAS threads (np.dot of floats is BLAS),
    leaving bufkern's own pool alone; None without threadpoolctl."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    libs = [c for c in ThreadpoolController().lib_controllers if c.user_api == "blas"]
    return (lambda n: [c.set_num_threads(n) for c in libs]) if libs else None


def plan(ctx):
    """[(size class, dtype, n)] in the order they run."""
    cfg, out = ctx.cfg, []
    dtypes = [d for d in ctx.bk.DTYPES if not cfg.dtypes or d in cfg.dtypes]
    for n in cfg.small_n:
        out += [("small", d, n) for d in dtypes]
    for cls, sizes in (("cache", cfg.cache_bytes), ("mid", cfg.mid_bytes),
                       ("large", (cfg.large_bytes,) if cfg.large_bytes else ())):
        for b in sizes:
            out += [(cls, d, b // ctx.itemsize[d]) for d in dtypes]
    return out


def ops_for(ctx, dtype):
    return [(name, spec) for name, spec in ctx.bk.OPS.items()
            if dtype in spec["dtypes"] and (not ctx.cfg.ops or name in ctx.cfg.ops)]


def run(ctx) -> list:
    np, bk = ctx.np, ctx.bk
    rng = np.random.default_rng(12345)
    set_blas = blas_setter()
    records = []
    cases = plan(ctx)
    companions = ceilings.Companions(ctx)
    with ctx.bar("numpy", sum(len(ops_for(ctx, d)) for _, d, _ in cases)) as bar:
        for cls, dtype, n in cases:
            nbytes = n * ctx.itemsize[dtype]
            companions.size(nbytes)
            a, b = values.make_arrays(np, dtype, n, rng)
            a0 = a.copy()
            k, v = values.SCALE_K[values.kind(dtype)], values.FILL_V[values.kind(dtype)]
            for op, spec in ops_for(ctx, dtype):
                bar.set_postfix_str(f"{op} {dtype} n={n}")
                np.copyto(a, a0)
                records += one_case(ctx, op, spec, dtype, n, nbytes, cls, a, b, k, v, set_blas,
                                    companions)
                bar.update(1)
            del a, b, a0
            gc.collect()
    companions.size(0)
    bk.set_threads(0)
    if set_blas:
        set_blas(ctx.cores)
    return records


def one_case(ctx, op, spec, dtype, n, nbytes, cls, a, b, k, v, set_blas, companions):
    np, bk, cfg = ctx.np, ctx.bk, ctx.cfg
    form, result = spec["form"], spec["result"][dtype]
    into = result != dtype
    r = np.empty(n, values.NUMPY_NAMES[result]) if into else None
    s_bk, s_np = values.calls(form, into)
    g = values.numpy_func(np, op, form)
    names = {"f": getattr(bk, op), "g": g, "a": a, "b": b, "k": k, "v": v, "r": r}
    threads = ctx.thread_counts(nbytes)
    blas = form == "dot" and set_blas is not None and values.kind(dtype) != "int"
    identity = patterns.is_identity(np, getattr(bk, op), form, dtype, result,
                                    values.NUMPY_NAMES[dtype])
    pattern = patterns.pattern_of(form, dtype, result, ctx.itemsize, identity)
    traffic = patterns.traffic(pattern, nbytes) if pattern else None
    large = nbytes >= LARGE
    # Each thread count in rounds of its own (timing.py says why): bufkern on
    # t threads, NumPy on t (BLAS) or on one thread (measured once, with the
    # one-thread rounds), and the ceiling loops of t threads.
    bk_ms, np_ms, comp_ms = [], [], []
    for t in threads:
        subs = [PySubject(f"bufkern x{t}", s_bk, names, prepare=lambda t=t: bk.set_threads(t))]
        has_np = (g is not None or form == "fill") and (blas or t == threads[0])
        if has_np:
            subs.append(PySubject(f"numpy x{t if blas else 1}", s_np, names,
                                  prepare=(lambda t=t: set_blas(t)) if blas else None))
        comp = (companions.for_case(pattern, [t], {"a": a, "b": b, "c": r})
                if cls != "small" else [])
        subs += [c[1] for c in comp]
        ms = measure(subs, cfg.reps_large if large else cfg.reps, 0 if large else cfg.batch_s)
        bk_ms.append(ms[0])
        np_ms += ms[1:1 + has_np]
        comp_ms += list(zip(comp, ms[1 + has_np:]))
    out = []
    for i, t in enumerate(threads):
        m = bk_ms[i]
        q1, med, q3 = m.q
        rec = {"stage": "numpy", "peer": "numpy", "op": op, "dtype": dtype, "form": form,
               "n": n, "bytes": nbytes, "size_class": cls, "threads": t, "target": bk.target(),
               "pattern": pattern, "traffic_bytes": traffic, "identity_in_place": identity,
               "bufkern_ns": med, "bufkern_ns_q1": q1, "bufkern_ns_q3": q3,
               "gbps": traffic / med if traffic else None,
               "bufkern_call": s_bk.replace("f(", f"bufkern.{op}("),
               "samples_ns": {"bufkern": [round(x, 2) for x in m.ns]}}
        if np_ms:
            nm = np_ms[i] if len(np_ms) > 1 else np_ms[0]
            nq1, nmed, nq3 = nm.q
            rr = ratio(nm, m)
            rec.update({"numpy_ns": nmed, "numpy_ns_q1": nq1, "numpy_ns_q3": nq3,
                        "numpy_threads": t if len(np_ms) > 1 else 1,
                        "numpy_gbps": traffic / nmed if traffic else None,
                        "numpy_call": s_np.replace("g(", f"np.{g.__name__}(") if g else s_np,
                        "ratio": rr[0], "ratio_lo": rr[1], "ratio_hi": rr[2],
                        "verdict": {"met": "faster", "missed": "slower", "noise": "within noise"}
                        [verdict(rr[1], rr[2], 1.0)]})
            rec["samples_ns"]["numpy"] = [round(x, 2) for x in nm.ns]
        else:
            rec.update({"numpy_ns": None, "ratio": None, "ratio_lo": None, "ratio_hi": None,
                        "verdict": "no NumPy counterpart"})
        if t > 1:  # all cores against one, round by round
            sc = ratio(bk_ms[0], m)
            rec.update({"scaling": sc[0], "scaling_lo": sc[1], "scaling_hi": sc[2]})
        ceilings.apply(rec, traffic, m, [(c, cm) for c, cm in comp_ms if c[0] <= t])
        out.append(rec)
    return out
