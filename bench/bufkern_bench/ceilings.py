"""The ceiling of each case: what its access pattern reaches in its better
rounds.

The bandwidth stage sweeps every loop (pattern x width x store kind) at
every size, each thread count in rounds of its own; a case then runs, in the
same rounds as its kernels on that thread count, the loops of its pattern
that were fastest in the sweep at its bytes per array. The ceiling is the
fastest of those loops at the upper quartile of its rounds, in the sweep or
in the case's own rounds, whichever is higher, over the thread counts the
case may use. Measured on a Xeon Ice Lake, why:
- Dividing each round's kernel by the same round's loop (as this did
  first) compared modes rather than removing noise: around the caches'
  edges one size runs at two speeds from round to round, loops and kernels
  alike (dot u64 at 1 MiB per array: rounds of 49-52 us and of 65-71 us),
  and a kernel in its fast mode over a loop in its slow one gave fractions
  up to 140%.
- The upper quartile rather than the median, and the higher of the two
  places: a ceiling is what the pattern reaches in its better rounds, and a
  few percent of it moves with the neighbours of the loop in its rounds.
Seven things had put fractions above 100% (up to 196%), each now gone:
one-thread kernels sharing rounds with two-thread calls on the same arrays,
and loops starting each batch cold (timing.py says why and what was
measured); loops run on other buffers than the kernel's, or only from a
line's edge (local.py, and OFFSETS in stages/bandwidth.py); all-core loops
timed with their pool's wake-up (bandwidth.c, bb_pattern_batch); and a way
of writing the machine has that no loop used, rep stosb, which fills of
equal bytes get from memset (bandwidth.c, bw_write_string), and of reading,
software prefetch, which the kernels use beyond the caches (the
"prefetched" loops), and both with streaming stores (absolute of complex
into a separate array). Full runs on the Ice Lake went from 19 of 1,727
fractions with their whole interquartile range above 102% (largest 141%)
to between none and three; --quick runs from 196% to 102%. Not explained
yet: complex division in place at 192 MiB on one thread, 104-110% in most
full runs. An order of loads and stores GCC's software-pipelined kernel
loops have, each line stored after the next is loaded, made a C loop as
fast as the division in some runs, so the in-place patterns have such
"lagging" loops too (in a run of divide, multiply and scale they set 15
of 88 ceilings and no fraction passed 98.8%); the next full run still read
divide c128 at 108.6% of a loop storing in step with its loads.
"""

from __future__ import annotations

from .timing import quartiles


class Companions:
    """The ceiling loops of the cases at one size in the C driver (its
    bandwidth buffers follow size())."""

    def __init__(self, ctx):
        self.ctx, self.nbytes, self.subjects = ctx, 0, {}

    def size(self, nbytes):
        d = self.ctx.driver
        if d is None or nbytes == self.nbytes:
            return
        has = any(r["bytes"] == nbytes for r in self.ctx.ceiling_rows)
        if self.nbytes or has:
            d.bwbuf(nbytes if has else 0)
        self.nbytes, self.subjects = (nbytes if has else 0), {}

    def for_case(self, pattern, threads, arrays=None, work=None):
        """[(threads of the loop, subject, sweep row)] for a case on these
        thread counts: per thread count, the loops that were fastest in the
        sweep: the fastest of each store kind, and the next fastest up to
        three (two from 64 MiB, where a pass is long). Which width or store
        kind wins moves with the neighbours, so a few run and the fastest of
        each round is the ceiling (fill u8 at 8 MiB on the Xeon Ice Lake,
        which is rep stosb there, read 105% of streaming loops that had won
        the sweep, while rep stosb itself was not run beside it). The loops
        run on the case's own buffers (local.py says why): its NumPy arrays
        ({"a", "b", "c"}) in this process, or the driver's work its kernels
        use."""
        if not self.nbytes or pattern is None:
            return []
        k = 2 if self.nbytes >= 64 << 20 else 3
        out = []
        for t in threads:
            ranked = sorted((r for r in self.ctx.ceiling_rows if r["pattern"] == pattern
                             and r["bytes"] == self.nbytes and r["threads"] == t),
                            key=lambda r: -r["gbps"])
            rows = list({r["stores"]: r for r in reversed(ranked)}.values())  # each kind's best
            rows += [r for r in ranked if r not in rows][:max(0, k - len(rows))]
            if arrays is not None and self.ctx.local is not None:
                subs = [(self.ctx.local.subject(pattern, r["stores"], r["isa"], r["offset"],
                                                arrays, t), r) for r in rows]
                out += [(t, sub, row) for sub, row in subs if sub is not None]
                continue
            key = (pattern, t, work)
            if key not in self.subjects:
                self.subjects[key] = [(self.ctx.driver.pattern(pattern, r["stores"], r["isa"], t,
                                                               r["offset"], work), r)
                                      for r in rows]
            out += [(t, sub, row) for sub, row in self.subjects[key]]
        return out


def loop_name(row: dict) -> str:
    """How a sweep row's loop stores and at what width: a string store has
    no width of ours (bench/bandwidth.c)."""
    if row["stores"] == "string":
        return "string stores (rep stosb)"
    if row["stores"] == "prefetched":
        return f"ordinary stores, inputs prefetched, {row['isa']}"
    if row["stores"] == "prefetched-streaming":
        return f"streaming stores, inputs prefetched, {row['isa']}"
    if row["stores"] == "lagging":
        return f"ordinary stores a line behind the loads, inputs prefetched, {row['isa']}"
    return f"{row['stores']} stores, {row['isa']}"


def apply(rec: dict, traffic, m, comp_ms):
    """Sets the record's ceiling_gbps, ceiling_how, fraction, fraction_lo and
    fraction_hi from the kernel's rounds m and the loops' rounds comp_ms
    [((threads, subject, sweep row), measured)] it may be compared with;
    null where none applies. The fraction's spread is the kernel's."""
    rec.update({"ceiling_gbps": None, "ceiling_how": None, "fraction": None,
                "fraction_lo": None, "fraction_hi": None})
    if not comp_ms or not traffic:
        return
    # a loop on the case's own buffers moves the bytes of whole steps of them
    seen = [(getattr(sub, "moves", traffic) / quartiles(cm.ns)[0],
             "in the case's rounds" + (", on its buffers" if hasattr(sub, "moves") else ""), row)
            for (_, sub, row), cm in comp_ms]
    seen += [(row["gbps_hi"], "in the sweep", row) for (_, _, row), _ in comp_ms]
    gbps, where, row = max(seen, key=lambda x: x[0])
    q1, med, q3 = quartiles([traffic / ns / gbps for ns in m.ns])
    rec.update({"ceiling_gbps": gbps,
                "ceiling_how": f"{loop_name(row)}, {row['threads']} thread"
                               + ("s" if row["threads"] > 1 else "")
                               + (f", {row['offset']} B past a line" if row["offset"] else "")
                               + f", {where}",
                "fraction": med, "fraction_lo": q1, "fraction_hi": q3})
