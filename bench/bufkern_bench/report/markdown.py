"""results.md (everything) and summary.md (what the README shows)."""

from __future__ import annotations

from ..config import GI, KI, MI


def short_loop(row: dict) -> str:
    """A sweep row's loop in a table cell: its width, NT for streaming stores,
    PF for prefetched inputs."""
    return {"string": "rep stosb", "streaming": f"NT {row['isa']}",
            "prefetched": f"PF {row['isa']}",
            "prefetched-streaming": f"PF NT {row['isa']}",
            "lagging": f"PF LAG {row['isa']}"}.get(row["stores"], row["isa"])


def hb(b) -> str:
    if b is None:
        return "?"
    for unit, div in (("GiB", GI), ("MiB", MI), ("KiB", KI)):
        if b >= div:
            v = b / div
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{b:.0f} B"


def table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    out = ["| " + " | ".join(map(str, header)) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def ratio_cell(r, spread=False):
    if r is None or r.get("ratio") is None:
        return "—"
    s = f"{r['ratio']:.2f}"
    if spread:
        s += f" ({r['ratio_lo']:.2f}-{r['ratio_hi']:.2f})"
    v = r.get("verdict")
    return f"**{s}**" if v == "slower" else f"{s}~" if v == "within noise" and r["ratio"] < 1 else s


def frac_cell(r):
    if r is None or r.get("fraction") is None:
        return "—"
    return f"{r['fraction'] * 100:.0f}%"


def grid(recs, cell, ops, dtypes):
    idx = {(r["op"], r["dtype"]): r for r in recs}
    cols = [d for d in dtypes if any((o, d) in idx for o in ops)]
    rows = [[o] + [cell(idx.get((o, d))) if (o, d) in idx else "" for d in cols]
            for o in ops if any((o, d) in idx for d in cols)]
    return table(["op"] + cols, rows)


def environment_block(env, doc) -> list:
    L = []
    c = env.get("caches", {})
    L.append(f"- **CPU**: {env['cpu_model']}; {env['cores']} cores; caches "
             + ", ".join(f"{k} {hb(v)}" for k, v in c.items())
             + f"; SIMD flags used: {' '.join(env.get('cpu_simd_flags', []))}")
    L.append(f"- **Memory**: {hb(env.get('memory_total'))} ({hb(env.get('memory_available'))} "
             f"available at start); **kernel** {env.get('kernel')} ({env.get('os')})")
    cd = env.get("c_driver") or {}
    if cd:
        tf = "; ".join(f"{t}: `{f}`" for t, f in (cd.get("target_flags") or {}).items())
        L.append(f"- **Compiler**: {cd.get('compiler')}, `{cd.get('c_flags')}`"
                 + (f"; per target: {tf}" if tf else "") + f"; **SIMDe** {cd.get('simde') or 'n/a'}")
    npi = env.get("numpy")
    if npi:
        L.append(f"- **NumPy** {npi['version']}: SIMD baseline {' '.join(npi['simd_baseline'])}; "
                 f"dispatched: {' '.join(npi['simd_dispatch_found']) or 'none'}")
    blas = [b for b in env.get("blas", []) if b.get("user_api") == "blas"]
    if blas:
        L.append("- **BLAS**: " + "; ".join(f"{b.get('internal_api')} {b.get('version')} "
                                            f"({b.get('architecture')}, {b.get('num_threads')} "
                                            "threads)" for b in blas))
    bki = env.get("bufkern")
    if bki:
        L.append(f"- **bufkern** {bki.get('version')}: target `{bki['target']}` (available: "
                 f"{', '.join(bki['available_targets'])}), {bki['threads']} threads by default; "
                 f"{bki['ops']} ops x {bki['dtypes']} dtypes")
    ev = env.get("env_vars") or {}
    L.append("- **Environment variables**: " + (", ".join(f"`{k}={v}`" for k, v in ev.items())
                                                or "none of OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE, "
                                                   "*_NUM_THREADS, BUFKERN_* set"))
    peers = []
    if env.get("volk"):
        peers.append(f"VOLK {env['volk']['version']} (machine {env['volk']['machine']})")
    for k, v in (env.get("packages") or {}).items():
        peers.append(f"{k} {v}")
    if env.get("hyperfine"):
        peers.append(f"hyperfine {env['hyperfine']}")
    L.append(f"- **Also**: Python {env.get('python')}; " + ", ".join(peers))
    fl = doc.get("foreign_load_cores") or {}
    busy = [v for v in fl.values() if v is not None]
    L.append(f"- **Run**: {env['date']}, commit {env.get('commit')}, "
             f"`bash tools/bench.sh{' --quick' if env['mode'] == 'quick' else ''}`, "
             f"{doc.get('elapsed_s', 0) / 60:.1f} min; load average (1 min) at start "
             f"{env['load_average_at_start'][0]}, at the end "
             f"{(env.get('load_average_at_end') or ['?'])[0]}; other processes kept "
             f"{max(busy) if busy else 0:.2f} cores busy at most (per stage); batches run again "
             f"after a disturbance: {doc['disturbed_batches']['redone']}, kept disturbed: "
             f"{doc['disturbed_batches']['kept']}")
    if env.get("large_capped"):
        L.append(f"- **Large arrays**: {env['large_capped']}")
    return L


def goals_block(goals) -> list:
    L = []
    for g in goals:
        L.append(f"- **{g['status']}** — {g['goal']}. {g['detail']}")
        for c in g["missed_cases"][:8]:
            L.append(f"  - missed: {c}")
        if len(g["missed_cases"]) > 8:
            L.append(f"  - ... and {len(g['missed_cases']) - 8} more missed (results.json)")
    return L


def sizes_of(recs, cls):
    return sorted({r["bytes"] if cls != "small" else r["n"] for r in recs
                   if r["size_class"] == cls})


def write_results(path, doc, ops, dtypes):
    env, res = doc["environment"], doc
    L = ["# bufkern benchmark results", ""]
    L += environment_block(env, doc) + [""]
    if doc.get("notes"):
        L += ["**Notes:**", ""] + [f"- {k}: {v}" for k, v in doc["notes"].items()] + [""]
    L += ["## SPEC performance goals", ""] + goals_block(doc["goals"]) + [""]
    num = res.get("numpy") or []
    L += ["## bufkern against NumPy", "",
          "NumPy's time per call / bufkern's (> 1: bufkern is faster): the median over "
          "alternating rounds of the per-round ratio, with its interquartile range. **Bold**: "
          "slower (the whole range below 1); `~`: below 1 but within noise (the range "
          "includes 1).", ""]
    for cls, title in (("small", "elements"), ("cache", "per array"), ("mid", "per array"),
                       ("large", "per array")):
        for s in sizes_of(num, cls):
            for t in sorted({r["threads"] for r in num if r["size_class"] == cls}):
                sel = [r for r in num if r["size_class"] == cls and r["threads"] == t and
                       (r["n"] if cls == "small" else r["bytes"]) == s]
                if not sel:
                    continue
                size = f"{s} elements" if cls == "small" else f"{hb(s)} {title}"
                L += [f"### {size}, {t} thread{'s' if t > 1 else ''} ({cls})", "",
                      grid(sel, lambda r: ratio_cell(r, True), ops, dtypes), ""]
    fr = [r for r in num if r.get("fraction") is not None and r["size_class"] != "small"]
    if fr:
        L += ["## Fraction of the ceiling", "",
              "bufkern's GB/s over the ceiling of its access pattern at the same bytes per array "
              "and thread count (see *The ceilings*). Bytes are counted the same way on both "
              "sides (patterns.py).", ""]
        for cls in ("cache", "mid", "large"):
            for s in sizes_of(fr, cls):
                for t in sorted({r["threads"] for r in fr if r["size_class"] == cls}):
                    sel = [r for r in fr if r["size_class"] == cls and r["bytes"] == s
                           and r["threads"] == t]
                    if sel:
                        L += [f"### {hb(s)} per array, {t} thread{'s' if t > 1 else ''}", "",
                              grid(sel, frac_cell, ops, dtypes), ""]
    ce = res.get("ceilings") or []
    if ce:
        L += ["## The ceilings", "",
              "GB/s of the fastest bandwidth loop (bench/bandwidth.c) per access pattern, bytes "
              "per array and thread count, over every vector width, store kind and start (on a "
              "line's edge, or `+16`: 16 bytes past it), as the sweep "
              "measured them (median; in parentheses the interquartile range and the loop). A "
              "case's ceiling is the fastest of those loops at the upper quartile of its rounds, "
              "here or in the case's own rounds (see the README, *How the benchmark "
              "measures*).", ""]
        pats = list(dict.fromkeys(r["pattern"] for r in ce))
        rows = []
        for b in sorted({r["bytes"] for r in ce}):
            for t in sorted({r["threads"] for r in ce if r["bytes"] == b}):
                row = [hb(b), t]
                for p in pats:
                    cand = [r for r in ce if r["pattern"] == p and r["bytes"] == b
                            and r["threads"] == t]
                    if cand:
                        x = max(cand, key=lambda r: r["gbps"])
                        row.append(f"{x['gbps']:.1f} ({x['gbps_lo']:.1f}-{x['gbps_hi']:.1f}, "
                                   f"{short_loop(x)}"
                                   f"{' +' + str(x['offset']) if x.get('offset') else ''})")
                    else:
                        row.append("—")
                rows.append(row)
        L += [table(["bytes per array", "threads"] + pats, rows), ""]
    tg = res.get("targets") or []
    if tg:
        L += ["## SIMD targets against scalar (C driver)", "",
              "Scalar time / target time, one thread, per target; `(mb)`: memory-bound "
              "(scalar already at >= 50% of the ceiling), not judged.", ""]
        for b in sorted({r["bytes"] for r in tg}):
            for t in list(dict.fromkeys(r["target"] for r in tg)):
                sel = [r for r in tg if r["bytes"] == b and r["target"] == t]
                L += [f"### {t}, {hb(b)} per array", "",
                      grid(sel, lambda r: ratio_cell(r) + (" (mb)" if r["memory_bound"] else ""),
                           ops, dtypes), ""]
    for stage, title in (("volk", "Against VOLK (C driver, one thread)"),
                         ("simsimd", "Against SimSIMD (dot, one thread)")):
        recs = res.get(stage) or []
        if not recs:
            continue
        L += [f"## {title}", "", "Peer's time / bufkern's, with the interquartile range.", ""]
        keys = list(dict.fromkeys((r.get("peer_kernel") or r["op"], r["op"], r["dtype"])
                                  for r in recs))
        ns = sorted({r["n"] for r in recs})
        idx = {(r.get("peer_kernel") or r["op"], r["dtype"], r["n"]): r for r in recs}
        rows = [[f"`{k}`" if k != op else op, f"{op} {dt}"]
                + [ratio_cell(idx.get((k, dt, n)), True) if (k, dt, n) in idx else "" for n in ns]
                for k, op, dt in keys]
        L += [table(["kernel", "bufkern"] + [f"n={n}" for n in ns], rows), ""]
    pt = res.get("pythreads") or []
    if pt:
        L += ["## Two Python threads", "",
              "Calls per second of two threads together / one thread's, each on its own array "
              "(bufkern on one kernel thread).", ""]
        L += [table(["op dtype", "bytes", "1 thread calls/s", "ratio (IQR)", "verdict (>= 1.8)",
                     "other processes (cores)"],
                    [[f"{r['op']} {r['dtype']}", hb(r["bytes"]),
                      f"{r['one_thread_calls_per_s']:.0f}",
                      f"{r['ratio']:.2f} ({r['ratio_lo']:.2f}-{r['ratio_hi']:.2f})", r["verdict"],
                      "—" if r["foreign_load_cores"] is None else f"{r['foreign_load_cores']:.2f}"]
                     for r in pt]), ""]
    hf = res.get("hyperfine") or []
    if hf:
        L += ["## hyperfine (whole processes)", "",
              "`bkbench --target T --op OP --dtype D --n N --iters K` per target; ns per call = "
              "(median - median with --iters 0) / K. Beside it, the in-process figure of the "
              "targets stage.", ""]
        targets = list(hf[0]["targets"])
        inproc = {(r["op"], r["dtype"], r["n"], r["target"]): r["bufkern_ns"] for r in tg}
        inproc.update({(r["op"], r["dtype"], r["n"], "scalar"): r["peer_ns"] for r in tg})
        rows = []
        for h in hf:
            row = [f"{h['op']} {h['dtype']}", h["n"], h["calls"]]
            for t in targets:
                v = h["targets"].get(t)
                ip = inproc.get((h["op"], h["dtype"], h["n"], t))
                row.append("—" if not v else f"{v['ns_per_call']:.0f}"
                           + (f" ({ip:.0f})" if ip else ""))
            rows.append(row)
        L += [table(["op dtype", "n", "calls"] + [f"{t} ns (in-process)" for t in targets], rows),
              ""]
    dk = res.get("dask")
    if dk:
        L += ["## Dask (bench/dask_bench.py)", "",
              "dask.array time / bufkern.dask time on one LocalCluster (median of the "
              "alternating repetitions; in parentheses the smallest and largest).", "",
              table(["case", "array", "chunks", "workers", "bufkern.dask s", "dask.array s",
                     "ratio", "bufkern.dask GB/s"],
                    [[r["case"], hb(r["bytes"]), r["chunks"], r["workers"],
                      f"{r['bufkern_s']:.3f}", f"{r['dask_s']:.3f}",
                      f"{r['ratio']:.2f} ({r['ratio_lo']:.2f}-{r['ratio_hi']:.2f})",
                      f"{r['gbps']:.1f}"] for r in dk]), ""]
    path.write_text("\n".join(L) + "\n")


def summary_tables(doc, ops, dtypes) -> list:
    """The few tables the README shows."""
    num = doc.get("numpy") or []
    L = []
    pick = []
    small = [r for r in num if r["size_class"] == "small" and r["n"] == 16]
    if small:
        pick.append(("NumPy time / bufkern time, 16 elements (per-call cost), 1 thread", small,
                     ratio_cell))
    cache = sizes_of(num, "cache")
    if cache:
        b = 64 * KI if 64 * KI in cache else cache[len(cache) // 2]
        pick.append((f"NumPy time / bufkern time, {hb(b)} per array (cache-resident), 1 thread",
                     [r for r in num if r["bytes"] == b and r["threads"] == 1
                      and r["size_class"] == "cache"], ratio_cell))
    big = "large" if any(r["size_class"] == "large" for r in num) else "mid"
    bsel = [r for r in num if r["size_class"] == big]
    if bsel:
        b = bsel[0]["bytes"]
        what = "beyond the LLC" if big == "large" else "between L2 and LLC"
        pick.append((f"NumPy time / bufkern time, {hb(b)} per array ({what}), 1 thread",
                     [r for r in bsel if r["threads"] == 1], ratio_cell))
        for t in sorted({r["threads"] for r in bsel}):
            pick.append((f"Fraction of the ceiling, {hb(b)} per array ({what}), {t} "
                         f"thread{'s' if t > 1 else ''}",
                         [r for r in bsel if r["threads"] == t], frac_cell))
    for title, recs, cell in pick:
        L += [f"**{title}**", "", grid(recs, cell, ops, dtypes), ""]
    return L


def write_summary(path, doc, ops, dtypes):
    env = doc["environment"]
    L = ["# bufkern benchmark: summary", ""]
    L += environment_block(env, doc) + [""]
    L += ["**Goals** (SPEC \"Performance\"):", ""] + goals_block(doc["goals"]) + [""]
    L += ["Cells: **bold** = slower (the whole interquartile range of the per-round ratios "
          "below 1); `~` = below 1 within noise. Fractions are of the ceiling for the same "
          "access pattern, bytes and threads.", ""]
    L += summary_tables(doc, ops, dtypes)
    fr = [r for r in doc.get("numpy") or [] if r.get("fraction") is not None]
    if fr:
        top = max(fr, key=lambda r: r["fraction"])
        L += [f"Largest fraction of a ceiling: {top['fraction'] * 100:.0f}% "
              f"({top['op']} {top['dtype']}, {hb(top['bytes'])} per array, {top['threads']} "
              f"thread{'s' if top['threads'] > 1 else ''}; range "
              f"{top['fraction_lo'] * 100:.0f}-{top['fraction_hi'] * 100:.0f}%).", ""]
    path.write_text("\n".join(L) + "\n")
