"""The plots the README embeds: speedup over NumPy per size class, fraction
of the ceiling beyond the LLC, and thread scaling."""

from __future__ import annotations

import math

from .markdown import hb


def _heat(ax, recs, key, ops, dtypes, title, log=True, vmax=None):
    import numpy as np
    idx = {(r["op"], r["dtype"]): r.get(key) for r in recs}
    arr = np.full((len(ops), len(dtypes)), np.nan)
    for i, o in enumerate(ops):
        for j, d in enumerate(dtypes):
            v = idx.get((o, d))
            if v is not None:
                arr[i, j] = v
    shown = np.log2(arr) if log else arr
    im = ax.imshow(shown, cmap="RdYlGn", aspect="auto",
                   vmin=-3 if log else 0.5, vmax=3 if log else (vmax or 1.0))
    ax.set_xticks(range(len(dtypes)), dtypes, fontsize=8)
    ax.set_yticks(range(len(ops)), ops, fontsize=8)
    for i in range(len(ops)):
        for j in range(len(dtypes)):
            v = arr[i, j]
            if v == v:
                txt = (f"{v:.2f}" if v < 9.95 else f"{v:.0f}") if log else f"{v * 100:.0f}"
                ax.text(j, i, txt, ha="center", va="center", fontsize=6.5)
    ax.set_title(title, fontsize=9)
    return im


def make(doc, out, ops, dtypes) -> list:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    num = doc.get("numpy") or []
    cpu = doc["environment"]["cpu_model"]
    paths = []
    # 1. speedup over NumPy, one panel per size class (1 thread)
    panels = []
    for cls in ("small", "cache", "mid", "large"):
        recs = [r for r in num if r["size_class"] == cls and r["threads"] == 1]
        if not recs:
            continue
        key = max({r["n"] if cls == "small" else r["bytes"] for r in recs})
        if cls == "cache":
            sizes = sorted({r["bytes"] for r in recs})
            key = 64 << 10 if 64 << 10 in sizes else sizes[len(sizes) // 2]
        sel = [r for r in recs if (r["n"] if cls == "small" else r["bytes"]) == key]
        panels.append((f"{key} elements" if cls == "small" else f"{hb(key)} per array", sel))
    if panels:
        fig, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 5.6), squeeze=False)
        for ax, (title, sel) in zip(axes[0], panels):
            im = _heat(ax, sel, "ratio", ops, dtypes, title)
        cb = fig.colorbar(im, ax=axes[0].tolist(), fraction=0.02)
        cb.set_ticks([-3, -2, -1, 0, 1, 2, 3], labels=["1/8", "1/4", "1/2", "1", "2", "4", "8"])
        fig.suptitle(f"NumPy time / bufkern time, 1 thread (> 1: bufkern faster)\n{cpu}",
                     fontsize=10)
        p = out / "speedup_vs_numpy.png"
        fig.savefig(p, dpi=80)
        plt.close(fig)
        paths.append(p)
    # 2. fraction of the ceiling at the largest size, 1 thread and all threads
    fr = [r for r in num if r.get("fraction") is not None and r["size_class"] in ("large", "mid")]
    if fr:
        cls = "large" if any(r["size_class"] == "large" for r in fr) else "mid"
        sel = [r for r in fr if r["size_class"] == cls]
        ts = sorted({r["threads"] for r in sel})
        fig, axes = plt.subplots(1, len(ts), figsize=(5 * len(ts), 5.2), squeeze=False)
        for ax, t in zip(axes[0], ts):
            im = _heat(ax, [r for r in sel if r["threads"] == t], "fraction", ops, dtypes,
                       f"{hb(sel[0]['bytes'])} per array, {t} thread{'s' if t > 1 else ''}",
                       log=False, vmax=1.0)
        fig.colorbar(im, ax=axes[0].tolist(), fraction=0.02)
        fig.suptitle(f"Fraction of the ceiling for the access pattern (%)\n{cpu}", fontsize=10)
        p = out / "ceiling_fraction.png"
        fig.savefig(p, dpi=72)
        plt.close(fig)
        paths.append(p)
    # 3. thread scaling: GB/s on 1 thread and all cores per op (median over dtypes),
    #    with the ceilings of each thread count, at each size measured on all cores
    multi = [r for r in num if r["threads"] > 1]
    if multi:
        sizes = sorted({r["bytes"] for r in multi})
        fig, axes = plt.subplots(1, len(sizes), figsize=(5.5 * len(sizes), 4.6), squeeze=False)
        for ax, b in zip(axes[0], sizes):
            ts = sorted({r["threads"] for r in num if r["bytes"] == b})
            width = 0.8 / len(ts)
            for k, t in enumerate(ts):
                ys = []
                for o in ops:
                    g = sorted(r["gbps"] for r in num if r["op"] == o and r["bytes"] == b
                               and r["threads"] == t and r["gbps"])
                    ys.append(g[len(g) // 2] if g else math.nan)
                ax.bar([i + k * width for i in range(len(ops))], ys, width,
                       label=f"{t} thread{'s' if t > 1 else ''}")
            for k, t in enumerate(ts):  # each op's ceiling (median over dtypes) as a tick
                for i, o in enumerate(ops):
                    ce = sorted(r["ceiling_gbps"] for r in num if r["op"] == o and r["bytes"] == b
                                and r["threads"] == t and r.get("ceiling_gbps"))
                    if ce:
                        x0 = i + k * width - width / 2
                        ax.hlines(ce[len(ce) // 2], x0, x0 + width, colors="black", lw=1.2,
                                  label="ceiling" if i == 0 and k == 0 else None)
            ax.set_xticks([i + 0.4 - width / 2 for i in range(len(ops))], ops, rotation=60,
                          fontsize=8)
            ax.set_ylabel("GB/s (median over dtypes)")
            ax.set_title(f"{hb(b)} per array", fontsize=9)
            ax.legend(fontsize=7)
        fig.suptitle(f"bufkern on one thread and on all cores (black: the ceiling of each)\n{cpu}",
                     fontsize=10)
        fig.tight_layout()
        p = out / "thread_scaling.png"
        fig.savefig(p, dpi=72)
        plt.close(fig)
        paths.append(p)
    return paths
