"""What a run measures: sizes, repetitions, batch lengths, stages."""

from __future__ import annotations

from dataclasses import dataclass

KI, MI, GI = 1 << 10, 1 << 20, 1 << 30

STAGES = ("bandwidth", "numpy", "targets", "hyperfine", "volk", "simsimd", "pythreads", "dask")


@dataclass
class Config:
    quick: bool = False
    out: str = "bench/results"
    stages: tuple = STAGES
    dtypes: tuple | None = None  # None: every dtype bufkern has
    ops: tuple | None = None  # None: every op of bufkern.OPS
    # sizes: elements for the small class, bytes per array for the others
    small_n: tuple = (1, 16)
    cache_bytes: tuple = (4 * KI, 64 * KI, 1 * MI)
    mid_bytes: tuple = ()  # between the L2 and the LLC; set from the LLC
    large_bytes: int = 0  # >= 4 x LLC per array; set from the LLC and memory
    large_capped: str = ""  # why large_bytes is below 4 x LLC, if it is
    threads_from: int = 1 * MI  # bytes per array from which all-core runs are measured
    reps: int = 7
    reps_large: int = 5
    batch_s: float = 0.005
    wait_quiet_s: float = 30.0
    target_bytes: tuple = (16 * KI, 256 * KI)
    target_dtypes: tuple | None = None  # None: every dtype
    hyperfine_runs: int = 5
    hyperfine_run_s: float = 0.1
    pythreads_reps: int = 3
    pythreads_s: float = 0.15
    dask_bytes: int = 1024 * MI  # the "at least 1 GiB"
    dask_chunk: int = 64 * MI
    progress: bool = True

    @classmethod
    def make(cls, quick: bool, llc: int, mem_available: int, **kw) -> "Config":
        c = cls(quick=quick, **kw)
        # between L2 and LLC: a quarter of the LLC (a power of two, >= 2 MiB)
        mid = max(2 * MI, 1 << (max(llc // 4, 1).bit_length() - 1))
        c.mid_bytes = (mid,)
        if quick:
            c.small_n = (16,)
            c.cache_bytes = (64 * KI,)
            c.reps, c.reps_large, c.batch_s = 5, 3, 0.002
            c.wait_quiet_s = 2.0
            c.target_bytes = (16 * KI,)
            c.target_dtypes = ("f32", "i8", "c128")
            c.hyperfine_runs, c.hyperfine_run_s = 3, 0.05
            c.pythreads_reps, c.pythreads_s = 3, 0.1
            c.dask_bytes, c.dask_chunk = 32 * MI, 4 * MI
            return c  # no large arrays: they alone take minutes
        # STREAM's rule: each array at least 4 x the LLC. The NumPy stage holds
        # a, its pristine copy, b and out (4 arrays); the C driver at most 3.
        want = 4 * llc
        cap = int(mem_available * 0.6) // 7 // MI * MI
        if want > cap:
            c.large_bytes = cap
            c.large_capped = (f"capped at {cap // MI} MiB per array by the memory available "
                              f"({mem_available // MI} MiB): 4 x LLC would be {want // MI} MiB")
        else:
            c.large_bytes = want
        return c

    def size_class(self, n: int, nbytes: int) -> str:
        if n in self.small_n and nbytes < min(self.cache_bytes):
            return "small"
        if nbytes in self.cache_bytes:
            return "cache"
        if nbytes in self.mid_bytes:
            return "mid"
        if nbytes == self.large_bytes:
            return "large"
        return "other"
