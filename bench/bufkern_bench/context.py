"""What the stages share: the configuration, the libraries, the C driver, the
ceilings measured so far, notes for the report, and the progress bars."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from . import patterns


@dataclass
class Context:
    cfg: object
    np: object = None
    bk: object = None
    driver: object = None
    env: dict = field(default_factory=dict)
    cores: int = 1
    notes: dict = field(default_factory=dict)
    ceiling_rows: list = field(default_factory=list)
    itemsize: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)  # by stage, as they finish

    def bar(self, desc: str, total: int):
        from tqdm import tqdm
        tty = sys.stderr.isatty()
        return tqdm(total=total, desc=f"{desc:<10}", disable=not self.cfg.progress,
                    file=sys.stderr, mininterval=0.5 if tty else 15, dynamic_ncols=True,
                    leave=True, unit="case")

    def thread_counts(self, nbytes: int) -> list:
        """1, and all cores where the kernels split their work."""
        if self.cores > 1 and nbytes >= self.cfg.threads_from:
            return [1, self.cores]
        return [1]

    def ceiling(self, pattern: str | None, nbytes: int, threads: int):
        """The fastest loop of this pattern at these bytes per array that a
        kernel on `threads` threads could match: every width and store kind,
        on 1 thread or up to `threads`. (gbps, lo, hi, how) or None."""
        if pattern is None:
            return None
        best = None
        for r in self.ceiling_rows:
            if r["pattern"] == pattern and r["bytes"] == nbytes and r["threads"] <= threads:
                if best is None or r["gbps"] > best["gbps"]:
                    best = r
        if best is None:
            return None
        how = f"{best['stores']} stores, {best['isa']}, {best['threads']} thread" + \
              ("s" if best["threads"] > 1 else "")
        return best["gbps"], best["gbps_lo"], best["gbps_hi"], how

    def add_ceiling(self, rec: dict, pattern: str | None, nbytes: int, threads: int):
        """Sets the record's ceiling and fraction fields (null where none applies)."""
        c = self.ceiling(pattern, nbytes, threads)
        traffic = patterns.traffic(pattern, nbytes)
        rec["ceiling_gbps"] = c[0] if c else None
        rec["ceiling_how"] = c[3] if c else None
        if c and traffic and rec.get("bufkern_ns_q1"):
            rec["fraction"] = rec["gbps"] / c[0]
            rec["fraction_lo"] = traffic / rec["bufkern_ns_q3"] / c[0]
            rec["fraction_hi"] = traffic / rec["bufkern_ns_q1"] / c[0]
        else:
            rec["fraction"] = rec["fraction_lo"] = rec["fraction_hi"] = None
