"""The one timing method, for Python calls and the C driver's alike.

Each subject (a call from Python, or a kernel, loop or VOLK call in the C
driver) is first calibrated to a number of calls that fills one batch; then
`reps` rounds run one batch of every subject in turn, the order reversed
every other round (ABBA), on the same buffers. A subject's figure is the
median over the rounds of the batch's time / calls. A ratio between two
subjects is taken per round (the two batches of a round ran under the same
conditions) and reported as the median of those ratios with their
interquartile range as its spread.

Subjects on different thread counts never share rounds. A one-thread batch
right after an all-core batch on the same buffers finds half of them in the
other core's L2, which stays idle and keeps them: measured on a Xeon Ice Lake
(1.25 MiB L2 a core), dot u32 at 1 MiB per array ran at 38-46 GB/s on one
thread in rounds shared with two-thread calls, against 27-32 GB/s for the
same call, and for the read2 loop, in rounds of one-thread subjects only;
kernels measured that way read as up to 141% of their ceiling. Ratios
across thread counts (NumPy's one thread against bufkern's all cores, all
cores against one) pair round i of one set with round i of the other.

A batch of more than one call starts with one untimed call: the subject
before it in the round may have used other buffers. Without it, at 8 MiB per
array (batches of about 8 calls) the C driver's r2w1 loop on its own buffers
ran at 30-33 GB/s beside bufkern.add on NumPy's arrays at 35-42 (which
followed np.add on the same arrays, already warm); with it, at 39-44.

A batch during which another process took the CPU (this thread's CPU time
falls short of the wall time) is run again, up to 3 times, while such
disturbances are occasional; when they are the rule (the machine is busy for
good), retrying only burns time: the batch is kept and counted.
"""

from __future__ import annotations

import statistics
import time
import timeit
from dataclasses import dataclass, field


def quartiles(xs):
    xs = sorted(xs)
    if not xs:
        return None, None, None
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


@dataclass
class Disturbances:
    rate: float = 0.0  # an exponential average: are disturbances the rule?
    redone: int = 0
    kept: int = 0

    def retry(self, disturbed: bool) -> bool:
        self.rate = 0.9 * self.rate + 0.1 * disturbed
        return disturbed and self.rate < 0.5


DISTURBANCES = Disturbances()


class Subject:
    """Something to time: batch(iters) -> (wall seconds, CPU seconds of the
    timing thread or None); prepare() runs before each batch, untimed."""

    name = "?"

    def prepare(self):
        pass

    def batch(self, iters: int):
        raise NotImplementedError


class PySubject(Subject):
    def __init__(self, name: str, stmt: str, names: dict, prepare=None):
        # the names become locals of timeit's loop function: no global lookup is timed
        setup = "; ".join(f"{k} = _g[{k!r}]" for k in names) or "pass"
        self.timer = timeit.Timer(stmt, setup=setup, globals={"_g": names})
        self.name, self.stmt, self._prepare = name, stmt, prepare

    def prepare(self):
        if self._prepare:
            self._prepare()

    def batch(self, iters: int):
        c0 = time.thread_time()
        t = self.timer.timeit(iters)
        return t, time.thread_time() - c0


def timed_batch(s: Subject, iters: int) -> float:
    """Seconds for `iters` calls, a disturbed batch run again (see above)."""
    for attempt in range(4):
        s.prepare()
        if iters > 1:
            s.batch(1)  # warm-up: see the docstring
        wall, cpu = s.batch(iters)
        disturbed = cpu is not None and wall >= 2e-4 and cpu < 0.9 * wall
        if not DISTURBANCES.retry(disturbed) or attempt == 3:
            DISTURBANCES.kept += disturbed
            return wall
        DISTURBANCES.redone += 1
    return wall


def calibrate(s: Subject, batch_s: float) -> int:
    """The number of calls that takes about batch_s (at least 1). The first
    call warms caches, TLB, lazy binding and dispatch; a call that fills a
    batch by itself needs no more."""
    if timed_batch(s, 1) >= batch_s:
        return 1
    iters = 1
    while True:
        t = timed_batch(s, iters)
        if t >= batch_s / 8 or iters >= 1 << 40:
            return max(1, int(iters * batch_s / max(t, 1e-9)))
        iters *= 16 if t < batch_s / 1000 else 2


@dataclass
class Measured:
    ns: list = field(default_factory=list)  # per call, one per round
    iters: int = 0

    @property
    def median(self):
        return statistics.median(self.ns)

    @property
    def q(self):
        return quartiles(self.ns)


def measure(subjects, reps: int, batch_s: float):
    """Every subject's per-call ns over `reps` alternating rounds."""
    out = [Measured(iters=calibrate(s, batch_s)) for s in subjects]
    for r in range(reps):
        order = range(len(subjects)) if r % 2 == 0 else reversed(range(len(subjects)))
        for i in order:
            out[i].ns.append(timed_batch(subjects[i], out[i].iters) / out[i].iters * 1e9)
    return out


def ratio(num: Measured, den: Measured):
    """num / den per round: (median, q1, q3)."""
    q1, med, q3 = quartiles([x / y for x, y in zip(num.ns, den.ns)])
    return med, q1, q3


def verdict(lo: float, hi: float, threshold: float) -> str:
    """'met' when the whole spread is at or above the threshold, 'missed'
    when it is all below, else 'noise' (the spread straddles it)."""
    if lo is None or hi is None:
        return "n/a"
    if lo >= threshold:
        return "met"
    if hi < threshold:
        return "missed"
    return "noise"
