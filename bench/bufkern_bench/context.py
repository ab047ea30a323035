"""What the stages share: the configuration, the libraries, the C driver, the
ceilings measured so far, notes for the report, and the progress bars."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field


@dataclass
class Context:
    cfg: object
    np: object = None
    bk: object = None
    driver: object = None
    local: object = None  # local.Loops: the bandwidth loops in this process
    env: dict = field(default_factory=dict)
    cores: int = 1
    notes: dict = field(default_factory=dict)
    ceiling_rows: list = field(default_factory=list)
    itemsize: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)  # by stage, as they finish

    def bar(self, desc: str, total: int):
        try:
            from tqdm import tqdm
        except ImportError:  # tools/bootstrap.sh installs it; without it, no bar
            return _NoBar()
        tty = sys.stderr.isatty()
        return tqdm(total=total, desc=f"{desc:<10}", disable=not self.cfg.progress,
                    file=sys.stderr, mininterval=0.5 if tty else 15, dynamic_ncols=True,
                    leave=True, unit="case")

    def thread_counts(self, nbytes: int) -> list:
        """1, and all cores where the kernels split their work."""
        if self.cores > 1 and nbytes >= self.cfg.threads_from:
            return [1, self.cores]
        return [1]


class _NoBar:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass

    def set_postfix_str(self, s):
        pass
