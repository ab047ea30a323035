"""The ceilings: the C driver's bandwidth loops (bench/bandwidth.c) for each
access pattern, at every bytes-per-array size the kernels are compared at,
at every vector width, with every kind of loop the pattern has (ordinary
stores; streaming ones for the writing patterns; a string store for write;
ordinary stores with the inputs prefetched, for the patterns that read;
streaming stores with the input prefetched, for r1wh; prefetched with each
line stored after the next is loaded, for rmw and r2w1), on one thread and
on all cores."""

from __future__ import annotations

from .. import patterns
from ..timing import measure

# Where the loops start, in bytes past a cache line: NumPy's arrays sit 16
# bytes past one, and from DRAM line-straddling streams measured faster than
# aligned ones (read2 at 192 MiB on a Xeon Ice Lake: 12.9-13.3 GB/s against
# 12.1-12.5), while in the caches aligned ones are: the sweep has both
# (streaming stores only on a line's edge: they need their vector's alignment).
OFFSETS = (0, 16)
LARGE = 64 << 20  # from here a single pass fills a batch


def sizes(cfg) -> list:
    s = set(cfg.cache_bytes) | set(cfg.mid_bytes) | set(cfg.target_bytes)
    if cfg.large_bytes:
        s.add(cfg.large_bytes)
    return sorted(s)


def run(ctx) -> list:
    d, cfg = ctx.driver, ctx.cfg
    info = d.info
    rows = []
    todo = sizes(cfg)
    with ctx.bar("bandwidth", len(todo)) as bar:
        for nbytes in todo:
            bar.set_postfix_str(f"{nbytes >> 10} KiB per array")
            d.bwbuf(nbytes)
            for t in ctx.thread_counts(nbytes):  # rounds of their own: timing.py
                subs, meta = [], []
                for p in info["patterns"]:
                    if p not in patterns.PATTERNS:
                        continue  # a loop the byte accounting does not know
                    for st in info["stores"][p]:
                        # a string store (rep stosb) has no width of ours: once
                        for isa in info["isas"] if st != "string" else info["isas"][:1]:
                            for off in OFFSETS if st in ("ordinary", "prefetched") else (0,):
                                subs.append(d.pattern(p, st, isa, t, off))
                                meta.append((p, st, isa, t, off))
                rows += sweep(cfg, nbytes, subs, meta)
            bar.update(1)
    d.bwbuf(0)
    ctx.ceiling_rows = rows
    return rows


def sweep(cfg, nbytes, subs, meta) -> list:
    large = nbytes >= LARGE
    ms = measure(subs, cfg.reps_large if large else cfg.reps, 0 if large else cfg.batch_s)
    rows = []
    for (p, st, isa, t, off), m in zip(meta, ms):
        traffic = patterns.traffic(p, nbytes)
        q1, med, q3 = m.q
        rows.append({"pattern": p, "stores": st, "isa": isa, "threads": t, "offset": off,
                     "bytes": nbytes, "traffic_bytes": traffic, "iters": m.iters,
                     "gbps": traffic / med, "gbps_lo": traffic / q3,
                     "gbps_hi": traffic / q1, "samples_ns": [round(x, 1) for x in m.ns]})
    return rows
