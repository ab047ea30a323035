"""The ceiling of each case, measured in the same rounds as the case.

The bandwidth stage sweeps every loop (pattern x width x store kind x
threads) at every size; a case then runs, in the same alternating rounds as
its kernels, the loop of its pattern that was fastest in the sweep at its
bytes per array, for each thread count it may use. A ceiling measured at
another moment would meet other neighbours (the LLC and the memory bus are
shared with other processes); in the same rounds, kernel and ceiling meet
the same ones, and the fraction is taken round by round: in each round, the
kernel's GB/s over the fastest loop its thread count allows.
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

    def for_case(self, pattern, threads):
        """[(threads of the loop, subject, sweep row)] for a case on these
        thread counts: per thread count, the loops that were fastest in the
        sweep (three of them, two from 64 MiB where a pass is long): which
        width or store kind wins moves with the neighbours, so a few run and
        the fastest of each round is the ceiling."""
        if not self.nbytes or pattern is None:
            return []
        k = 2 if self.nbytes >= 64 << 20 else 3
        out = []
        for t in threads:
            key = (pattern, t)
            if key not in self.subjects:
                rows = sorted((r for r in self.ctx.ceiling_rows if r["pattern"] == pattern
                               and r["bytes"] == self.nbytes and r["threads"] == t),
                              key=lambda r: -r["gbps"])[:k]
                self.subjects[key] = [(self.ctx.driver.pattern(pattern, r["stores"], r["isa"], t), r)
                                      for r in rows]
            out += [(t, sub, row) for sub, row in self.subjects[key]]
        return out


def apply(rec: dict, traffic, m, comp_ms):
    """Sets the record's ceiling_gbps, ceiling_how, fraction, fraction_lo and
    fraction_hi from the kernel's rounds m and the loops' rounds comp_ms
    [((threads, subject, sweep row), measured)] it may be compared with;
    null where none applies."""
    rec.update({"ceiling_gbps": None, "ceiling_how": None, "fraction": None,
                "fraction_lo": None, "fraction_hi": None})
    if not comp_ms or not traffic:
        return
    ceil_r = [max(traffic / cm.ns[r] for _, cm in comp_ms) for r in range(len(m.ns))]
    q1, med, q3 = quartiles([traffic / m.ns[r] / ceil_r[r] for r in range(len(m.ns))])
    best = max(comp_ms, key=lambda x: traffic / x[1].median)[0][2]
    rec.update({"ceiling_gbps": quartiles(ceil_r)[1],
                "ceiling_how": f"{best['stores']} stores, {best['isa']}, {best['threads']} thread"
                               + ("s" if best["threads"] > 1 else ""),
                "fraction": med, "fraction_lo": q1, "fraction_hi": q3})
