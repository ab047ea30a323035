#!/usr/bin/env python3
"""bufkern's benchmark runner: every kernel against NumPy, across targets,
against the machine's bandwidth, against VOLK, and with two threads.

    python3 bench/run.py            # the full run (about 8 minutes here)
    python3 bench/run.py --quick    # a smaller run, under a minute

Writes to bench/results/ (or --out): results.json (every figure), results.md
(the tables, the method and every SPEC goal as MET or MISSED), and one PNG per
op of GB/s against size. tools/bench.sh builds what this needs first.

Stages, each skipped with a note when what it needs is missing:

  bandwidth  the C driver's bandwidth loops per access pattern and array size
  numpy      bufkern (Python) and NumPy in alternating batches, in this process
  targets    the C driver on every target, in-process, interleaved
  hyperfine  hyperfine over the C driver, one command per target
  volk       the C driver: VOLK's kernels beside bufkern's
  threads    two Python threads against one, each on its own array

Method: every figure is the median of several batches, with the interquartile
range as its spread; the subjects being compared run in alternating batches
(ABBA order) on the same buffers. See results.md for the details.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gc
import json
import math
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# ---- what is measured -------------------------------------------------------

OPS = ["sum", "scale", "multiply", "add", "fill"]
C_OP = {"sum": "sum", "scale": "scale", "multiply": "mul", "add": "add", "fill": "fill"}
PATTERN = {"sum": "read", "scale": "rmw", "multiply": "r2w1", "add": "r2w1", "fill": "write"}
PATTERN_TEXT = {
    "read": "read (sum)",
    "rmw": "read-modify-write (scale)",
    "r2w1": "two reads + one write (multiply, add)",
    "write": "write (fill)",
}
TRAFFIC = {"read": 1, "rmw": 2, "r2w1": 3, "write": 1}  # bytes moved per byte of one array
ARRAYS = {"read": 1, "rmw": 1, "r2w1": 2, "write": 1}  # arrays in the working set

# name, NumPy name, itemsize, kind
DTYPES = [
    ("f32", "float32", 4, "float"),
    ("f64", "float64", 8, "float"),
    ("i8", "int8", 1, "int"),
    ("i16", "int16", 2, "int"),
    ("i32", "int32", 4, "int"),
    ("i64", "int64", 8, "int"),
    ("u8", "uint8", 1, "int"),
    ("u16", "uint16", 2, "int"),
    ("u32", "uint32", 4, "int"),
    ("u64", "uint64", 8, "int"),
    ("c64", "complex64", 8, "complex"),
    ("c128", "complex128", 16, "complex"),
]
DT = {d[0]: d for d in DTYPES}

KI, MI, GI = 1 << 10, 1 << 20, 1 << 30
FULL_SIZES = [1, 16, KI, 16 * KI, 256 * KI, 4 * MI, 64 * MI]
QUICK_SIZES = [1, 16, 16 * KI, 256 * KI, 4 * MI]
CACHE_LO, CACHE_HI = 4 * KI, 1 * MI  # "cache-resident": bytes per array, SPEC
LLC_COLUMN = "LLC+"  # the extra, per-dtype size beyond the last-level cache

# The values (the same as the C driver's; bkbench.h): every in-process op
# stays finite and normal however often it repeats, so no denormal or inf
# changes the speed. Floats: a in [1, 2), b = +-1, k = -1 (a sign flip),
# v = 1.5. Complex: components of a in [1, 2), b in {1, -1, i, -i}, k = i
# (a quarter turn, exact), v = 1+2i. Integers: random a, odd random b, k = 3,
# v = 7 (they wrap, at the same speed).
SCALE_K = {"float": -1.0, "int": 3, "complex": 1j}
FILL_V = {"float": 1.5, "int": 7, "complex": 1 + 2j}


def human(n: int) -> str:
    for unit, div in (("Gi", GI), ("Mi", MI), ("Ki", KI)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return str(n)


def human_bytes(b: float) -> str:
    for unit, div in (("GiB", GI), ("MiB", MI), ("KiB", KI)):
        if b >= div:
            v = b / div
            return f"{v:.0f} {unit}" if v == int(v) else f"{v:.1f} {unit}"
    return f"{b:.0f} B"


def quartiles(xs):
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], statistics.median(xs), q[2]


# ---- progress -----------------------------------------------------------------


class Progress:
    """A one-line progress bar on stderr (a line per step when not a terminal)."""

    def __init__(self, total: float, enabled: bool = True):
        self.total = max(total, 1e-9)
        self.done = 0.0
        self.stage = ""
        self.t0 = time.monotonic()
        self.enabled = enabled
        self.tty = sys.stderr.isatty()
        self.last_pct = -1

    def set_stage(self, name: str):
        self.stage = name
        self.draw(name)

    def advance(self, units: float, detail: str = ""):
        self.done = min(self.total, self.done + units)
        self.draw(detail)

    def draw(self, detail: str = ""):
        if not self.enabled:
            return
        frac = self.done / self.total
        el = time.monotonic() - self.t0
        eta = el / frac - el if frac > 0.02 else float("nan")
        bar = "#" * int(frac * 30)
        eta_s = f", ~{int(eta // 60)}:{int(eta % 60):02d} left" if eta == eta else ""
        line = (f"[{bar:<30}] {frac * 100:3.0f}% {int(el // 60)}:{int(el % 60):02d}"
                f"{eta_s} | {self.stage}: {detail}")
        if self.tty:
            cols = shutil.get_terminal_size((100, 20)).columns
            sys.stderr.write("\r" + line[: cols - 1].ljust(cols - 1))
        else:
            pct = int(frac * 100)
            if pct // 5 != self.last_pct // 5 or detail == self.stage:
                sys.stderr.write(line + "\n")
                self.last_pct = pct
        sys.stderr.flush()

    def note(self, msg: str):
        if self.tty and self.enabled:
            sys.stderr.write("\r" + " " * (shutil.get_terminal_size((100, 20)).columns - 1) + "\r")
        sys.stderr.write(msg + "\n")
        sys.stderr.flush()
        self.draw()

    def finish(self):
        if self.enabled and self.tty:
            sys.stderr.write("\n")


# ---- the machine ----------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_flags() -> list:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                fl = line.split(":", 1)[1].split()
                keep = ("sse2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq", "avx512vl")
                return [f for f in keep if f in fl]
    except OSError:
        pass
    return []


def cache_sizes() -> dict:
    """Data and unified caches by level, from sysfs (as the OS reports them)."""
    out = {}
    base = Path("/sys/devices/system/cpu/cpu0/cache")
    for idx in sorted(base.glob("index*")):
        try:
            typ = (idx / "type").read_text().strip()
            if typ == "Instruction":
                continue
            lvl = int((idx / "level").read_text())
            size = (idx / "size").read_text().strip()
            mult = {"K": KI, "M": MI, "G": GI}.get(size[-1], 1)
            out[f"L{lvl}"] = int(size.rstrip("KMG")) * mult
        except (OSError, ValueError):
            continue
    return out


def mem_available() -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * KI
    except OSError:
        pass
    return 8 * GI


def busy_seconds() -> float | None:
    """CPU seconds all processes have used (from /proc/stat), or None."""
    try:
        vals = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = vals[3] + vals[4]
    return (sum(vals) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the C driver)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


class ForeignLoad:
    """How many cores other processes kept busy between start() and stop():
    the machine's busy time minus this process's (and its children's) CPU
    time, over wall time."""

    def start(self):
        self.b0, self.p0, self.t0 = busy_seconds(), own_cpu_seconds(), time.monotonic()
        return self

    def stop(self) -> float | None:
        b1, p1, t1 = busy_seconds(), own_cpu_seconds(), time.monotonic()
        if self.b0 is None or b1 is None or t1 - self.t0 < 0.05:
            return None
        return max(0.0, ((b1 - self.b0) - (p1 - self.p0)) / (t1 - self.t0))


def wait_quiet(max_wait: float, progress=None) -> float | None:
    """Waits (up to max_wait s) until other processes use < 0.2 cores; returns the load."""
    t_end = time.monotonic() + max_wait
    while True:
        fl = ForeignLoad().start()
        time.sleep(1.0)
        load = fl.stop()
        if load is None or load < 0.2 or time.monotonic() >= t_end:
            return load
        if progress:
            progress.note(f"bench: waiting for a quieter machine (other processes use "
                          f"{load:.1f} cores)")


def git_commit() -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                           capture_output=True, text=True, timeout=10)
        if r.returncode == 0:
            dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                   cwd=ROOT, capture_output=True, text=True, timeout=10)
            return r.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def rel(p: Path) -> str:
    """A path as committed files may show it: relative to the repository."""
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return str(p)


# ---- the C driver -----------------------------------------------------------


def find_bkbench(arg: str | None) -> Path | None:
    cands = [arg] if arg else []
    cands += [os.environ.get("BKBENCH")] if os.environ.get("BKBENCH") else []
    cands += [ROOT / "build/bench/bench/bkbench", ROOT / "build/bench/bkbench",
              ROOT / "build/release/bench/bkbench", ROOT / "build/bench-simd/bench/bkbench",
              ROOT / "build/bench-dev/bench/bkbench"]
    for c in cands:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return Path(c)
    return None


def run_json_lines(cmd, progress: Progress | None = None, units_per_line: float = 0.0,
                   label=lambda d: ""):
    """Runs cmd, yielding each JSON line of its stdout as it comes."""
    proc = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, cwd=ROOT)
    out = []
    for line in proc.stdout:
        line = line.strip()
        if not line.startswith("{"):
            continue
        d = json.loads(line)
        out.append(d)
        if progress:
            progress.advance(units_per_line, label(d))
    err = proc.stderr.read()
    if proc.wait() != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}): {err.strip()}")
    return out


# ---- in-process timing ------------------------------------------------------


def make_timer(stmt: str, names: dict) -> timeit.Timer:
    """A timeit loop around stmt whose names are locals of the loop's function
    (timeit runs the setup inside it), so no global lookup is timed."""
    setup = "; ".join(f"{k} = _g[{k!r}]" for k in names) or "pass"
    return timeit.Timer(stmt, setup=setup, globals={"_g": names})


def calibrate(timer: timeit.Timer, target_s: float) -> int:
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= target_s / 5 or number >= 1 << 30:
            return max(1, int(number * target_s / max(t, 1e-9)))
        number *= 10 if t < target_s / 100 else 2


REDONE = {"python": 0, "python_kept_disturbed": 0}


class Disturbance:
    """How often batches are disturbed lately (an exponential average). While
    disturbances are occasional a disturbed batch is run again; when they are
    the rule (the machine is busy for good) retrying only burns time, so the
    batch is kept and counted as kept disturbed."""

    def __init__(self):
        self.rate = 0.0

    def retry(self, disturbed: bool) -> bool:
        self.rate = 0.9 * self.rate + 0.1 * disturbed
        return disturbed and self.rate < 0.5


DISTURBANCE = Disturbance()


def timed_batch(timer: timeit.Timer, number: int) -> float:
    """Seconds for `number` calls. On a shared machine another process may take
    the core during a batch: this thread's CPU time then falls short of the
    wall time, and the batch is run again (up to 3 times; counted in REDONE)."""
    for attempt in range(4):
        c0 = time.thread_time()
        t = timer.timeit(number)
        cpu = time.thread_time() - c0
        disturbed = t >= 2e-4 and cpu < 0.9 * t
        if not DISTURBANCE.retry(disturbed) or attempt == 3:
            if disturbed:
                REDONE["python_kept_disturbed"] += 1
            break
        REDONE["python"] += 1
    return t


def alternate(timers: list, reps: int, target_s: float) -> list:
    """Per-call ns of each timer over `reps` batches, in ABBA order."""
    numbers = []
    for t in timers:
        first = t.timeit(1)  # warm: caches, lazy resolution, first-call work
        # a call that fills a batch by itself needs no calibration
        numbers.append(1 if first >= target_s else calibrate(t, target_s))
    samples = [[] for _ in timers]
    for r in range(reps):
        order = range(len(timers)) if r % 2 == 0 else reversed(range(len(timers)))
        for i in order:
            samples[i].append(timed_batch(timers[i], numbers[i]) / numbers[i] * 1e9)
    return samples, numbers


def side(samples, bytes_per_call):
    q1, med, q3 = quartiles(samples)
    return {"ns_median": med, "ns_q1": q1, "ns_q3": q3,
            "gbps": bytes_per_call / med if med > 0 else None,
            "samples_ns": [round(s, 3) for s in samples]}


# ---- values ---------------------------------------------------------------------


def make_arrays(np, dtype: str, n: int, rng):
    """a and b as described at SCALE_K; built from a random block of at most
    1 Mi elements repeated, so that even 1 GiB arrays are made in a blink."""
    name, npname, size, kind = DT[dtype]
    m = max(1, min(n, MI))
    if kind == "float":
        a0 = 1 + rng.random(m)
        b0 = rng.choice([-1.0, 1.0], m)
    elif kind == "complex":
        a0 = (1 + rng.random(m)) + 1j * (1 + rng.random(m))
        b0 = rng.choice(np.array([1, -1, 1j, -1j]), m)
    else:
        a0 = rng.integers(0, 1 << 62, m, dtype=np.int64)
        b0 = rng.integers(0, 1 << 62, m, dtype=np.int64) | 1
        a0 = a0.astype(np.uint64).astype(npname, casting="unsafe")
        b0 = b0.astype(np.uint64).astype(npname, casting="unsafe")
    a0 = np.asarray(a0).astype(npname)
    b0 = np.asarray(b0).astype(npname)
    a = np.resize(a0, n) if n != m else a0.copy()
    b = np.resize(b0, n) if n != m else b0.copy()
    return a, b


def agreement_check(np, bk, rng) -> dict:
    """Before timing: does each bufkern op give NumPy's answer (on copies)?"""
    out = {}
    for name, npname, size, kind in DTYPES:
        a, b = make_arrays(np, name, 1000, rng)
        k, v = SCALE_K[kind], FILL_V[kind]
        res = {}
        try:
            s1, s2 = bk.sum(a), np.sum(a)
            if kind == "int":
                res["sum"] = int(s1) == int(s2)
            else:
                res["sum"] = bool(abs(complex(s1) - complex(s2)) <= 1e-3 * abs(complex(s2)))
            for op, f_bk, f_np in (
                ("scale", lambda x: bk.scale(x, k), lambda x: np.multiply(x, k, out=x)),
                ("multiply", lambda x: bk.multiply(x, b), lambda x: np.multiply(x, b, out=x)),
                ("add", lambda x: bk.add(x, b), lambda x: np.add(x, b, out=x)),
                ("fill", lambda x: bk.fill(x, v), lambda x: x.fill(v)),
            ):
                x1, x2 = a.copy(), a.copy()
                f_bk(x1)
                f_np(x2)
                res[op] = bool(np.array_equal(x1, x2)) if kind != "complex" else bool(
                    np.allclose(x1, x2, rtol=1e-6, atol=0))
        except Exception as e:  # noqa: BLE001 - recorded, and the op is still timed
            res["error"] = f"{type(e).__name__}: {e}"
        out[name] = res
    return out


# ---- stage: bandwidth ---------------------------------------------------------


def _by_process(records):
    """Splits C-driver records into one group per driver process (the
    redone-batches counter restarts at each), by a drop of that counter."""
    groups, cur, last = [], [], -1
    for d in records:
        v = d.get("redone_batches", 0)
        if v < last and cur:
            groups.append(cur)
            cur = []
        cur.append(d)
        last = v
    if cur:
        groups.append(cur)
    return groups


def stage_bandwidth(ctx, byte_sizes, progress):
    bk = ctx["bkbench"]
    reps = 5 if not ctx["quick"] else 3
    batch = 10 if not ctx["quick"] else 4
    sizes = sorted(set(byte_sizes))
    lines = run_json_lines(
        [bk, "--bandwidth", "--json", "--reps", reps, "--batch-ms", batch,
         "--bytes", ",".join(str(b) for b in sizes)],
        progress, ctx["units"]["bandwidth"] / max(1, 7 * ctx["n_isas"] * len(sizes)),
        lambda d: f"{d['pattern']} {d['stores']} {d.get('isa', '')} {human_bytes(d['bytes'])}")
    return lines


def bandwidth_limit(bw_lines):
    """{(pattern, bytes): (limit GB/s, how)}: the fastest loop (width, stores)."""
    best = {}
    for d in bw_lines:
        key = (d["pattern"], d["bytes"])
        if key not in best or d["gbps_median"] > best[key][0]:
            best[key] = (d["gbps_median"], f"{d['stores']} stores, {d.get('isa', 'widest')}")
    return best


def limit_for(limits, pattern, nbytes):
    if (pattern, nbytes) in limits:
        return limits[(pattern, nbytes)]
    cands = [(abs(math.log2(b) - math.log2(max(nbytes, 1))), v) for (p, b), v in limits.items()
             if p == pattern]
    return min(cands)[1] if cands else (None, None)


# ---- stage: NumPy ---------------------------------------------------------------


def stage_numpy(ctx, plan, progress):
    np, bk = ctx["np"], ctx["bk"]
    rng = np.random.default_rng(12345)
    reps = ctx["reps"]
    records = []
    for dtype, sizes in plan:
        name, npname, isz, kind = DT[dtype]
        for n in sizes:
            need = 2 * n * isz
            if need > ctx["mem_budget"]:
                for op in OPS:
                    records.append({"op": op, "dtype": dtype, "n": n, "skipped": "memory"})
                progress.advance(len(OPS) * cost_numpy(n, isz), f"{dtype} n={human(n)} skipped")
                continue
            a, b = make_arrays(np, dtype, n, rng)
            k, v = SCALE_K[kind], FILL_V[kind]
            names = {"bk": bk, "np": np, "a": a, "b": b, "k": k, "v": v}
            stmts = {
                "sum": ("bk.sum(a)", "np.sum(a)"),
                "scale": ("bk.scale(a, k)", "np.multiply(a, k, out=a)"),
                "multiply": ("bk.multiply(a, b)", "np.multiply(a, b, out=a)"),
                "add": ("bk.add(a, b)", "np.add(a, b, out=a)"),
                "fill": ("bk.fill(a, v)", "a.fill(v)"),
            }
            for op in OPS:
                progress.advance(0, f"{op} {dtype} n={human(n)}")
                pat = PATTERN[op]
                bpc = TRAFFIC[pat] * n * isz
                s_bk, s_np = stmts[op]
                target = ctx["batch_s"] if n * isz < 64 * MI else 0.0
                (xb, xn), (nb, nn) = alternate(
                    [make_timer(s_bk, names), make_timer(s_np, names)],
                    reps if n * isz < 256 * MI else 3, target)
                paired = [x / y for x, y in zip(xn, xb)]
                pq1, pmed, pq3 = quartiles(paired)
                rec = {
                    "op": op, "dtype": dtype, "n": n, "itemsize": isz,
                    "bytes_per_array": n * isz, "working_set": ARRAYS[pat] * n * isz,
                    "pattern": pat, "bytes_per_call": bpc, "calls_per_batch": [nb, nn],
                    "bufkern": side(xb, bpc), "numpy": side(xn, bpc),
                    "bufkern_stmt": s_bk, "numpy_stmt": s_np,
                    "speedup": statistics.median(xn) / statistics.median(xb),
                    "speedup_paired": {"median": pmed, "q1": pq1, "q3": pq3},
                    "a_alignment": a.ctypes.data % 64,
                }
                lim, stores = limit_for(ctx["limits"], pat, n * isz)
                if lim:
                    rec["bandwidth_gbps"] = lim
                    rec["bandwidth_stores"] = stores
                    rec["bw_fraction"] = rec["bufkern"]["gbps"] / lim
                    rec["numpy_bw_fraction"] = rec["numpy"]["gbps"] / lim
                records.append(rec)
                progress.advance(cost_numpy(n, isz), f"{op} {dtype} n={human(n)}: "
                                 f"{rec['speedup']:.2f}x NumPy")
            del a, b, names
            gc.collect()
    return records


def cost_numpy(n, isz):
    """Rough seconds one op x dtype x size costs in stage_numpy (for the bar)."""
    return 0.08 + 10 * 2 * 3 * n * isz / 20e9


# ---- stage: targets (C driver, in-process) --------------------------------------


def stage_targets(ctx, plan, progress):
    bk = ctx["bkbench"]
    out = []
    for dtype, sizes in plan:
        isz = DT[dtype][2]
        # across targets, the SPEC's sizes (up to 64 Mi elements) are enough:
        # beyond the caches every target meets the same memory
        sizes = [n for n in sizes if n in ctx["sizes"]]
        small = [n for n in sizes if n * isz < 64 * MI]
        big = [n for n in sizes if n * isz >= 64 * MI and 2 * n * isz <= ctx["mem_budget"]]
        for group, reps, batch in ((small, ctx["c_reps"], ctx["c_batch_ms"]), (big, 3, 1)):
            if not group:
                continue
            units = sum(cost_targets(n, isz) for n in group) * len(OPS)
            out += run_json_lines(
                [bk, "--sweep", "--json", "--dtypes", dtype, "--reps", reps, "--batch-ms", batch,
                 "--sizes", ",".join(map(str, group))],
                progress, units / (len(group) * len(OPS) * len(ctx["targets"])),
                lambda d: f"{d['target']} {d['op']} {d['dtype']} n={human(d['n'])}")
    for d in out:
        lim, stores = limit_for(ctx["limits"], d["pattern"], d["n"] * DT[d["dtype"]][2])
        if lim:
            d["bandwidth_gbps"] = lim
            d["bw_fraction"] = d["gbps_median"] / lim
    return out


def cost_targets(n, isz):
    return 4 * (0.08 + 7 * 3 * n * isz / 20e9)


# ---- stage: hyperfine ------------------------------------------------------------


def stage_hyperfine(ctx, cases, c_records, progress):
    """One hyperfine run per case: a command per target plus the set-up-only
    baseline; per-call time = (median command time - baseline) / calls."""
    hf = shutil.which("hyperfine")
    outdir = ctx["out"] / "hyperfine"
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*"):
        old.unlink()
    try:
        helptext = subprocess.run([hf, "--help"], capture_output=True, text=True).stdout
    except OSError:
        helptext = ""
    no_shell = "--shell" in helptext and "none" in helptext
    exe = rel(ctx["bkbench"])
    exe = exe if "/" in exe else "./" + exe
    results = []
    for op, dtype, n in cases:
        isz = DT[dtype][2]
        # calls per command: the slowest target runs for about run_s
        known = [d["ns_median"] for d in c_records
                 if d["op"] == C_OP[op] and d["dtype"] == dtype and d["n"] == n]
        if known:
            slowest = max(known)
        else:
            r = subprocess.run([exe, "--target", "scalar", "--op", C_OP[op], "--dtype", dtype,
                                "--n", str(n), "--seconds", "0.05", "--json"], cwd=ROOT,
                               capture_output=True, text=True, check=True)
            slowest = json.loads(r.stdout)["ns_per_call"]
        iters = max(1, int(ctx["hf_run_s"] * 1e9 / slowest))
        base = [exe, "--op", C_OP[op], "--dtype", dtype, "--n", str(n)]
        cmd = [hf, "--warmup", "1", "--runs", str(ctx["hf_runs"]), "--style", "none",
               "--export-json", str(outdir / f"{op}-{dtype}-{n}.json"),
               "--export-markdown", str(outdir / f"{op}-{dtype}-{n}.md")]
        if no_shell:
            cmd.append("--shell=none")
        cmd += ["--command-name", "setup only (--iters 0)",
                " ".join(base + ["--target", ctx["targets"][0], "--iters", "0"])]
        for t in ctx["targets"]:
            cmd += ["--command-name", t, " ".join(base + ["--target", t, "--iters", str(iters)])]
        progress.advance(0, f"{op} {dtype} n={human(n)}")
        r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        if r.returncode != 0:
            progress.note(f"hyperfine failed for {op} {dtype} {n}: {r.stderr.strip()[:300]}")
            continue
        data = json.loads((outdir / f"{op}-{dtype}-{n}.json").read_text())
        # hyperfine records the commands with the path as given: relative already
        rows = data["results"]
        baseline = rows[0]["median"]
        rec = {"op": op, "dtype": dtype, "n": n, "iters": iters, "baseline_s": baseline,
               "json": rel(outdir / f"{op}-{dtype}-{n}.json"),
               "markdown": rel(outdir / f"{op}-{dtype}-{n}.md"), "targets": {}}
        for row in rows[1:]:
            per = (row["median"] - baseline) / iters * 1e9
            q = sorted(row["times"])
            rec["targets"][row["command"]] = {
                "median_s": row["median"], "mean_s": row["mean"], "stddev_s": row.get("stddev"),
                "ns_per_call": per, "gbps": TRAFFIC[PATTERN[op]] * n * isz / per if per > 0 else None,
                "min_s": q[0], "max_s": q[-1]}
        sc = rec["targets"].get("scalar")
        for t, v in rec["targets"].items():
            v["speedup_vs_scalar"] = sc["ns_per_call"] / v["ns_per_call"] if sc and v["ns_per_call"] > 0 else None
        results.append(rec)
        progress.advance(ctx["units"]["hyperfine"] / max(1, len(cases)), f"{op} {dtype} done")
    # one Markdown file with every table
    with open(outdir / "all.md", "w") as f:
        for op, dtype, n in cases:
            p = outdir / f"{op}-{dtype}-{n}.md"
            if p.exists():
                f.write(f"### {op} {dtype}, n = {human(n)}\n\n{p.read_text()}\n")
    return results


# ---- stage: VOLK ----------------------------------------------------------------


def stage_volk(ctx, sizes, progress):
    bk = ctx["bkbench"]
    units = ctx["units"]["volk"] / max(1, 9 * len(sizes))
    return run_json_lines(
        [bk, "--volk", "--json", "--reps", ctx["c_reps"], "--batch-ms", ctx["c_batch_ms"],
         "--sizes", ",".join(map(str, sizes))],
        progress, units, lambda d: f"{d['volk']} n={human(d['n'])}")


# ---- stage: threads ----------------------------------------------------------------


def thread_throughput(fn_list, seconds):
    """Calls per second of all threads together, each thread calling its own fn,
    and the cores other processes kept busy meanwhile. A batch during which
    they used more than 0.15 cores is run again (up to 2 times)."""
    for attempt in range(3):
        fl = ForeignLoad().start()
        rate = _thread_throughput(fn_list, seconds)
        load = fl.stop()
        if load is None or load <= 0.15 or attempt == 2:
            break
        REDONE["threads"] = REDONE.get("threads", 0) + 1
    return rate, load


def _thread_throughput(fn_list, seconds):
    stop = [False]
    counts = [0] * len(fn_list)
    barrier = threading.Barrier(len(fn_list) + 1)

    def worker(i, fn):
        c = 0
        barrier.wait()
        while not stop[0]:
            fn()
            fn()
            fn()
            fn()
            c += 4
        counts[i] = c

    ths = [threading.Thread(target=worker, args=(i, f)) for i, f in enumerate(fn_list)]
    for t in ths:
        t.start()
    barrier.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop[0] = True
    for t in ths:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


def stage_threads(ctx, cases, progress):
    np, bk = ctx["np"], ctx["bk"]
    rng = np.random.default_rng(7)
    out = []
    reps, secs = ctx["thread_reps"], ctx["thread_s"]
    for op, dtype, n in cases:
        kind = DT[dtype][3]
        k, v = SCALE_K[kind], FILL_V[kind]
        arrs = [make_arrays(np, dtype, n, rng) for _ in range(2)]

        def fns(lib, a, b):
            if lib == "bufkern":
                return {"sum": lambda: bk.sum(a), "scale": lambda: bk.scale(a, k),
                        "multiply": lambda: bk.multiply(a, b), "add": lambda: bk.add(a, b),
                        "fill": lambda: bk.fill(a, v)}[op]
            return {"sum": lambda: np.sum(a), "scale": lambda: np.multiply(a, k, out=a),
                    "multiply": lambda: np.multiply(a, b, out=a), "add": lambda: np.add(a, b, out=a),
                    "fill": lambda: a.fill(v)}[op]

        rec = {"op": op, "dtype": dtype, "n": n, "bytes_per_array": n * DT[dtype][2],
               "seconds_per_batch": secs}
        for lib in ("bufkern", "numpy"):
            f0 = fns(lib, *arrs[0])
            f1 = fns(lib, *arrs[1])
            one, two, loads = [], [], []
            for r in range(reps):
                for which in ((0, 1) if r % 2 == 0 else (1, 0)):
                    rate, load = thread_throughput([f0] if which == 0 else [f0, f1], secs)
                    (one if which == 0 else two).append(rate)
                    loads.append(load)
            ratios = [t / o for t, o in zip(two, one)]
            q1, med, q3 = quartiles(ratios)
            rec[lib] = {"one_thread_calls_per_s": statistics.median(one),
                        "two_threads_calls_per_s": statistics.median(two),
                        "ratio": statistics.median(two) / statistics.median(one),
                        "ratio_paired": {"median": med, "q1": q1, "q3": q3},
                        "one_samples": one, "two_samples": two,
                        "foreign_load_cores": [None if x is None else round(x, 3) for x in loads]}
            progress.advance(ctx["units"]["threads"] / max(1, 2 * len(cases)),
                             f"{lib} {op} {dtype}: {rec[lib]['ratio']:.2f}x")
        out.append(rec)
    return out


# ---- goals --------------------------------------------------------------------------


def evaluate_goals(res, ctx):
    """Every SPEC performance goal, MET / MISSED / NOT MEASURED, from the numbers."""
    goals = []
    llc = ctx["llc"]
    num = [r for r in res.get("numpy", []) if "skipped" not in r]

    def add(name, status, detail, cases=None):
        goals.append({"goal": name, "status": status, "detail": detail, "cases": cases or []})

    def fmt(r, val):
        return f"{r['op']} {r['dtype']} n={human(r['n'])}: {val}"

    # 1. beyond the last-level cache
    big = [r for r in num if r["working_set"] > llc]
    if not big:
        add("Large arrays (working set beyond the LLC): every kernel x dtype >= 90% of the "
            "measured bandwidth of its access pattern", "NOT MEASURED",
            f"no case had a working set beyond the LLC ({human_bytes(llc)}); run without --quick")
        add("Large arrays: never slower than NumPy", "NOT MEASURED", "as above")
    else:
        low = [r for r in big if r.get("bw_fraction") is not None and r["bw_fraction"] < 0.9]
        covered = sorted({(r["op"], r["dtype"]) for r in big})
        withbw = [r for r in big if r.get("bw_fraction") is not None]
        if not withbw:
            add("Large arrays: every kernel x dtype >= 90% of the measured bandwidth", "NOT MEASURED",
                "needs the bandwidth stage")
    if big and any(r.get("bw_fraction") is not None for r in big):
        add("Large arrays (working set beyond the LLC): every kernel x dtype >= 90% of the "
            "measured bandwidth of its access pattern",
            "MET" if not low and len(covered) == len(OPS) * len(DTYPES) else "MISSED",
            f"{len(big)} cases beyond the LLC ({human_bytes(llc)}), covering {len(covered)} of "
            f"{len(OPS) * len(DTYPES)} kernel x dtype; {len(low)} below 90%; lowest "
            + fmt(min(withbw, key=lambda r: r["bw_fraction"]),
                  f"{min(r['bw_fraction'] for r in withbw) * 100:.0f}%"),
            [fmt(r, f"{r['bw_fraction'] * 100:.0f}% of {r['bandwidth_gbps']:.1f} GB/s "
                 f"({r['bandwidth_stores']})") for r in sorted(low, key=lambda r: r["bw_fraction"])])
    if big:
        slow = [r for r in big if r["speedup"] < 1.0]
        noise = [r for r in slow if r["speedup"] >= 0.97]
        add("Large arrays: never slower than NumPy", "MET" if not slow else "MISSED",
            f"{len(slow)} of {len(big)} cases below 1.00x NumPy ({len(noise)} of them within 3%)",
            [fmt(r, f"{r['speedup']:.2f}x (paired IQR {r['speedup_paired']['q1']:.2f}-"
                 f"{r['speedup_paired']['q3']:.2f})") for r in sorted(slow, key=lambda r: r["speedup"])])

    # 2. cache-resident
    cache = [r for r in num if CACHE_LO <= r["bytes_per_array"] <= CACHE_HI]
    if not cache:
        add("Cache-resident (4 KiB - 1 MiB): never slower than NumPy", "NOT MEASURED", "no such case")
    else:
        slow = [r for r in cache if r["speedup"] < 1.0]
        noise = [r for r in slow if r["speedup"] >= 0.97]
        add("Cache-resident (4 KiB - 1 MiB per array): never slower than NumPy for any kernel x dtype",
            "MET" if not slow else "MISSED",
            f"{len(slow)} of {len(cache)} cases below 1.00x ({len(noise)} of them within 3%)",
            [fmt(r, f"{r['speedup']:.2f}x (paired IQR {r['speedup_paired']['q1']:.2f}-"
                 f"{r['speedup_paired']['q3']:.2f})") for r in sorted(slow, key=lambda r: r["speedup"])])
        if not any(r.get("numpy_bw_fraction") is not None for r in cache):
            add("Cache-resident: >= 2x NumPy where NumPy has no SIMD loop", "NOT MEASURED",
                "needs the bandwidth stage (to tell which NumPy loops are far from the limit)")
        # NumPy's loop alone: its time per call less its time for 16 elements
        # (the per-call cost), on arrays of 16 KiB - 1 MiB where the loop dominates
        floor = {(r["op"], r["dtype"]): r["numpy"]["ns_median"] for r in num if r["n"] == 16}
        noscalar = []
        for r in cache:
            f = floor.get((r["op"], r["dtype"]))
            if (r.get("bandwidth_gbps") is None or f is None or r["bytes_per_array"] < 16 * KI
                    or r["numpy"]["ns_median"] <= f):
                continue
            r["numpy_loop_bw_fraction"] = (r["bytes_per_call"] / (r["numpy"]["ns_median"] - f)
                                           / r["bandwidth_gbps"])
            if r["numpy_loop_bw_fraction"] < 0.25:
                noscalar.append(r)
        below2 = [r for r in noscalar if r["speedup"] < 2.0]
        kinds = sorted({f"{r['op']} {r['dtype']}" for r in noscalar})
        if any(r.get("numpy_bw_fraction") is not None for r in cache):
            add("Cache-resident: >= 2x NumPy where NumPy has no SIMD loop (taken as: NumPy's loop, "
                "its per-call cost at 16 elements taken off, below 25% of the bandwidth, at 16 KiB - "
                "1 MiB per array)",
                "MET" if not below2 else "MISSED",
                f"{len(noscalar)} such cases ({', '.join(kinds) or 'none'}); {len(below2)} below 2x",
                [fmt(r, f"{r['speedup']:.2f}x (NumPy's loop at {r['numpy_loop_bw_fraction'] * 100:.0f}% "
                        "of the bandwidth)")
                 for r in sorted(below2, key=lambda r: r["speedup"])])

    # 3. small arrays
    small = [r for r in num if r["n"] <= 16]
    if not small:
        add("Small arrays (1-16 elements): per-call cost <= 1/3 of NumPy's ufunc call; fill within "
            "2x of ndarray.fill", "NOT MEASURED", "no such case")
    else:
        uf = [r for r in small if r["op"] != "fill"]
        fl = [r for r in small if r["op"] == "fill"]
        bad_uf = [r for r in uf if r["bufkern"]["ns_median"] > r["numpy"]["ns_median"] / 3]
        bad_fl = [r for r in fl if r["bufkern"]["ns_median"] > 2 * r["numpy"]["ns_median"]]
        worst = max(uf, key=lambda r: r["bufkern"]["ns_median"] / r["numpy"]["ns_median"])
        add("Small arrays (1-16 elements): per-call cost <= 1/3 of NumPy's (np.sum, np.multiply, "
            "np.add with out=)", "MET" if not bad_uf else "MISSED",
            f"{len(bad_uf)} of {len(uf)} cases above 1/3; worst "
            + fmt(worst, f"{worst['bufkern']['ns_median']:.0f} ns vs {worst['numpy']['ns_median']:.0f} ns "
                  f"({worst['bufkern']['ns_median'] / worst['numpy']['ns_median']:.2f})"),
            [fmt(r, f"{r['bufkern']['ns_median']:.0f} ns vs {r['numpy']['ns_median']:.0f} ns") for r in bad_uf])
        if fl:
            worstf = max(fl, key=lambda r: r["bufkern"]["ns_median"] / r["numpy"]["ns_median"])
            add("Small arrays: fill within 2x of ndarray.fill", "MET" if not bad_fl else "MISSED",
                f"{len(bad_fl)} of {len(fl)} cases above 2x; worst "
                + fmt(worstf, f"{worstf['bufkern']['ns_median']:.0f} ns vs "
                      f"{worstf['numpy']['ns_median']:.0f} ns"),
                [fmt(r, f"{r['bufkern']['ns_median']:.0f} ns vs {r['numpy']['ns_median']:.0f} ns") for r in bad_fl])

    # 4. VOLK
    vk = res.get("volk", [])
    if not vk:
        add("Against VOLK: never slower on every kernel both have", "NOT MEASURED",
            res.get("notes", {}).get("volk", "not run"))
    else:
        slow = [d for d in vk if d["speedup"] < 1.0]
        noise = [d for d in slow if d["speedup"] >= 0.97]
        add("Against VOLK: never slower on every kernel both have", "MET" if not slow else "MISSED",
            f"{len(slow)} of {len(vk)} kernel x size cases below 1.00x ({len(noise)} within 3%)",
            [f"{d['volk']} n={human(d['n'])}: {d['speedup']:.2f}x" for d in sorted(slow, key=lambda d: d["speedup"])])
        sums = [d for d in vk if d["op"] == "sum" and CACHE_LO <= d["n"] * 4 <= CACHE_HI]
        if sums:
            bad = [d for d in sums if d["speedup"] < 2.5]
            add("Against VOLK: f32 sum >= 2.5x when cache-resident (issue 4)",
                "MET" if not bad else "MISSED",
                ", ".join(f"n={human(d['n'])}: {d['speedup']:.2f}x" for d in sums))

    # 5. threads
    th = res.get("threads", [])
    if not th:
        add("Threads: two Python threads >= 1.8x the throughput of one", "NOT MEASURED",
            res.get("notes", {}).get("threads", "not run"))
    else:
        bad = [t for t in th if t["bufkern"]["ratio"] < 1.8]
        loads = [x for t in th for x in t["bufkern"].get("foreign_load_cores", []) if x is not None]
        busy = statistics.median(loads) if loads else 0.0
        status = "MET" if not bad else "MISSED"
        if bad and busy > 0.3:
            status = "INCONCLUSIVE"
        add("Threads: two Python threads on two cores, each on its own cache-resident array, "
            ">= 1.8x the throughput of one"
            + (f" (other processes kept {busy:.1f} cores busy meanwhile: the second core was not "
               "free, so this run cannot tell)" if status == "INCONCLUSIVE" else ""), status,
            ", ".join(f"{t['op']} {t['dtype']} {human_bytes(t['bytes_per_array'])}: "
                      f"{t['bufkern']['ratio']:.2f}x" for t in th),
            [f"{t['op']} {t['dtype']}: {t['bufkern']['ratio']:.2f}x" for t in bad])

    # 6. SIMD targets vs scalar
    tg = res.get("targets", [])
    if not tg or len({d["target"] for d in tg}) < 2:
        add("Each SIMD target beats scalar where the kernel is not memory-bound", "NOT MEASURED",
            "only one target was available" if tg else res.get("notes", {}).get("targets", "not run"))
    else:
        by = {}
        for d in tg:
            by.setdefault((d["op"], d["dtype"], d["n"]), {})[d["target"]] = d
        checked, bad = 0, []
        for (op, dtype, n), ts in sorted(by.items()):
            sc = ts.get("scalar")
            if not sc or n < 1024 or sc.get("bw_fraction") is None:
                continue
            if sc["bw_fraction"] >= 0.5:  # scalar already half-way to the limit: memory-bound
                continue
            for t, d in ts.items():
                if t == "scalar":
                    continue
                checked += 1
                sp = sc["ns_median"] / d["ns_median"]
                if sp <= 1.0:
                    bad.append(f"{t} {op} {dtype} n={human(n)}: {sp:.2f}x scalar")
        add("Each SIMD target beats scalar where the kernel is not memory-bound (taken as: n >= 1 Ki "
            "and scalar below 50% of the bandwidth)",
            "NOT MEASURED" if not checked else "MET" if not bad else "MISSED",
            f"{checked} target x case comparisons; {len(bad)} not faster than scalar", bad)
    return goals


# ---- Markdown ------------------------------------------------------------------------


def md_table(header, rows, align=None):
    align = align or ["---"] + ["---:"] * (len(header) - 1)
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(align) + " |"]
    out += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows]
    return "\n".join(out)


def write_markdown(res, ctx, path):
    env = res["environment"]
    L = []
    L.append("# bufkern benchmark results\n")
    L.append(f"- **CPU**: {env['cpu_model']} ({env['cores']} cores; caches "
             + ", ".join(f"{k} {human_bytes(v)}" for k, v in env["caches"].items())
             + f"; {human_bytes(env['memory_total'])} RAM)")
    L.append(f"- **bufkern target** (active, Python): {env.get('bufkern_target') or 'n/a'}; "
             f"targets compiled in and supported: {', '.join(env.get('c_targets') or []) or 'n/a'}")
    L.append(f"- **NumPy** {env.get('numpy') or 'n/a'}, Python {env['python']}, "
             f"VOLK {env.get('volk_version') or 'n/a'}, hyperfine {env.get('hyperfine') or 'n/a'}")
    L.append(f"- **When**: {env['date']} (commit {env.get('commit') or 'unknown'}), mode: "
             f"{'quick' if ctx['quick'] else 'full'}, took {res['elapsed_s'] / 60:.1f} min")
    fl = res.get("foreign_load_cores", {})
    rd = res.get("redone_batches", {})
    if fl:
        L.append("- **Conditions**: cores kept busy by other processes: "
                 + ", ".join(f"{k} {v:.2f}" for k, v in fl.items() if v is not None)
                 + f"; batches run again because another process took the CPU: "
                 f"{rd.get('python', 0)} in Python, {rd.get('c_driver', 0)} in the C driver, "
                 f"{rd.get('threads', 0)} thread batches; disturbed batches kept because the "
                 f"machine stayed busy: {rd.get('kept_disturbed', 0)}")
    L.append(f"- **Reproduce**: `bash tools/bench.sh{' --quick' if ctx['quick'] else ''}`\n")

    notes = res.get("notes", {})
    if notes:
        L.append("**What could not run:**\n")
        for k, v in notes.items():
            L.append(f"- {k}: {v}")
        L.append("")

    # goals first: what a reader wants
    L.append("## SPEC performance goals\n")
    for g in res["goals"]:
        mark = {"MET": "**MET**", "MISSED": "**MISSED**",
                "INCONCLUSIVE": "**INCONCLUSIVE**"}.get(g["status"], g["status"])
        L.append(f"- {mark} — {g['goal']}. {g['detail']}")
        for c in g["cases"][:12]:
            L.append(f"  - {c}")
        if len(g["cases"]) > 12:
            L.append(f"  - ... and {len(g['cases']) - 12} more (results.json)")
    L.append("")

    num = [r for r in res.get("numpy", [])]
    llc_n = ctx["llc_n"]
    sizes = sorted({r["n"] for r in num if r["n"] in ctx["sizes"]})
    has_llc = any(r["n"] == llc_n.get(r["dtype"]) and r["n"] not in ctx["sizes"] for r in num)
    cols = [human(n) for n in sizes] + ([LLC_COLUMN] if has_llc else [])
    idx = {(r["op"], r["dtype"], r["n"]): r for r in num}

    def cell_rows(fn):
        rows = []
        for op in OPS:
            for d in DTYPES:
                dt = d[0]
                if not any((op, dt, n) in idx for n in sizes + [llc_n.get(dt)]):
                    continue
                row = [f"{op} {dt}"]
                for n in sizes + ([llc_n.get(dt)] if has_llc else []):
                    r = idx.get((op, dt, n))
                    row.append("—" if r is None else ("skipped" if "skipped" in r else fn(r)))
                rows.append(row)
        return rows

    if num:
        L.append("## bufkern vs NumPy (in one process)\n")
        L.append("Speedup = NumPy's time per call / bufkern's (> 1: bufkern is faster), median of "
                 "alternating batches; values below 1.00 are in italics. Columns are elements per "
                 f"array; {LLC_COLUMN} is the size per dtype whose arrays exceed twice the "
                 f"last-level cache ({human_bytes(ctx['llc'])}), i.e. "
                 + ", ".join(f"{dt}: {human(n)}" for dt, n in llc_n.items()) + ".\n")

        def sp(r):
            s = f"{r['speedup']:.2f}"
            return f"*{s}*" if r["speedup"] < 1 else s
        L.append(md_table(["op dtype"] + cols, cell_rows(sp)))
        L.append("")
        L.append("### Fraction of the measured bandwidth (bufkern, in-process)\n")
        L.append("bufkern's GB/s over the machine's bandwidth for the kernel's access pattern "
                 "(sum: read; scale: read-modify-write; multiply, add: two reads + one write; "
                 "fill: write) at the same bytes per array. For 1-16 elements this is dominated "
                 "by the cost of a Python call and is not a goal.\n")

        def fr(r):
            f = r.get("bw_fraction")
            return "—" if f is None else f"{f * 100:.0f}%"
        L.append(md_table(["op dtype"] + cols, cell_rows(fr)))
        L.append("")
        L.append("### GB/s: bufkern / NumPy\n")

        def gb(r):
            return f"{r['bufkern']['gbps']:.1f} / {r['numpy']['gbps']:.1f}"
        L.append(md_table(["op dtype"] + cols, cell_rows(gb)))
        L.append("")

        small = [r for r in num if r["n"] <= 16 and "skipped" not in r]
        if small:
            L.append("## Small arrays: time per call\n")
            L.append("ns per call from Python, the loop included on both sides "
                     f"(an empty timeit loop costs {res.get('empty_loop_ns', float('nan')):.1f} ns "
                     "per iteration here). Goal: bufkern <= 1/3 of NumPy's ufunc call; for fill, "
                     "<= 2x `ndarray.fill`.\n")
            rows = []
            for r in sorted(small, key=lambda r: (OPS.index(r["op"]), [d[0] for d in DTYPES].index(r["dtype"]), r["n"])):
                ratio = r["bufkern"]["ns_median"] / r["numpy"]["ns_median"]
                goal = 2.0 if r["op"] == "fill" else 1 / 3
                rows.append([f"{r['op']} {r['dtype']}", r["n"],
                             f"{r['bufkern']['ns_median']:.0f} ({r['bufkern']['ns_q1']:.0f}-{r['bufkern']['ns_q3']:.0f})",
                             f"{r['numpy']['ns_median']:.0f} ({r['numpy']['ns_q1']:.0f}-{r['numpy']['ns_q3']:.0f})",
                             f"{ratio:.2f}", "yes" if ratio <= goal else "**no**"])
            L.append(md_table(["op dtype", "n", "bufkern ns (IQR)", "NumPy ns (IQR)",
                               "bufkern/NumPy", "goal met"], rows))
            L.append("")

    bw = res.get("bandwidth", [])
    if bw:
        L.append("## The machine's bandwidth\n")
        L.append("GB/s of the C driver's bandwidth loops (bench/bandwidth.c) per access pattern and "
                 "bytes per array: the fastest of every vector width and store kind (that is the "
                 "limit used above; which one won is in parentheses), then the widest vectors "
                 "with ordinary stores. Every loop's figure is in results.json.\n")
        pats = ["read", "rmw", "r2w1", "write"]
        bsz = sorted({d["bytes"] for d in bw if d["bytes"] >= 64})  # below: a call, not bandwidth
        lim = bandwidth_limit(bw)
        widest = {}
        for d in bw:
            if d["stores"] == "ordinary":
                widest[(d["pattern"], d["bytes"])] = d["gbps_median"]  # the last isa listed is the widest
        rows = []
        for b in bsz:
            row = [human_bytes(b)]
            for p in pats:
                v = lim.get((p, b))
                how = v[1].replace(" stores", "").replace("ordinary, ", "").replace("streaming", "NT") if v else ""
                row.append(f"{v[0]:.1f} ({how}) / {widest.get((p, b), float('nan')):.1f}" if v else "—")
            rows.append(row)
        L.append(md_table(["bytes per array"] + [PATTERN_TEXT[p] for p in pats], rows))
        L.append("")

    tg = res.get("targets", [])
    if tg:
        L.append("## Across targets (C driver, in-process)\n")
        L.append("GB/s per target (the C driver calling the kernel directly, no Python), and "
                 "the best SIMD target's speedup over scalar. Full data: results.json.\n")
        targets = ctx["targets"]
        by = {}
        for d in tg:
            by.setdefault((d["op"], d["dtype"], d["n"]), {})[d["target"]] = d
        show = [n for n in (16 * KI, 256 * KI, 4 * MI) if any(k[2] == n for k in by)]
        rows = []
        for op in OPS:
            for d in DTYPES:
                for n in show:
                    ts = by.get((C_OP[op], d[0], n))
                    if not ts:
                        continue
                    row = [f"{op} {d[0]}", human(n)]
                    row += [f"{ts[t]['gbps_median']:.1f}" if t in ts else "—" for t in targets]
                    if "scalar" in ts and len(ts) > 1:
                        best = min((v for k, v in ts.items() if k != "scalar"), key=lambda v: v["ns_median"])
                        row.append(f"{ts['scalar']['ns_median'] / best['ns_median']:.1f}x ({best['target']})")
                    else:
                        row.append("—")
                    rows.append(row)
        L.append(md_table(["op dtype", "n"] + [f"{t} GB/s" for t in targets] + ["best vs scalar"], rows))
        L.append("")

    hf = res.get("hyperfine", [])
    if hf:
        L.append("## Across targets with hyperfine (whole commands)\n")
        L.append("`bkbench --target T --op OP --dtype D --n N --iters K` timed by hyperfine as a "
                 "whole process; ns per call = (median command time - median of the same command "
                 "with --iters 0) / K. Each case's own hyperfine JSON and Markdown are in "
                 "hyperfine/ (all.md has every table).\n")
        targets = ctx["targets"]
        rows = []
        for h in hf:
            row = [f"{h['op']} {h['dtype']}", human(h["n"]), h["iters"]]
            for t in targets:
                v = h["targets"].get(t)
                row.append("—" if not v else f"{v['ns_per_call']:.0f} ns ({v['speedup_vs_scalar']:.1f}x)"
                           if v.get("speedup_vs_scalar") else f"{v['ns_per_call']:.0f} ns")
            rows.append(row)
        L.append(md_table(["op dtype", "n", "calls"] + [f"{t} (vs scalar)" for t in targets], rows))
        L.append("")

    vk = res.get("volk", [])
    if vk:
        L.append("## Against VOLK (C driver)\n")
        L.append(f"VOLK {env.get('volk_version')} (its dispatcher chose machine "
                 f"`{env.get('volk_machine')}`), called in place on the same buffers as bufkern "
                 f"(target {vk[0]['bufkern_target']}), alternating batches. Speedup = VOLK's time / "
                 "bufkern's.\n")
        vs = sorted({d["n"] for d in vk})
        names = list(dict.fromkeys(d["volk"] for d in vk))
        get = {(d["volk"], d["n"]): d for d in vk}
        rows = []
        for nm in names:
            d0 = next(d for d in vk if d["volk"] == nm)
            row = [f"`{nm}`", f"{d0['op']} {d0['dtype']}"]
            for n in vs:
                d = get.get((nm, n))
                row.append("—" if not d else (f"*{d['speedup']:.2f}*" if d["speedup"] < 1 else f"{d['speedup']:.2f}"))
            rows.append(row)
        L.append(md_table(["VOLK kernel", "bufkern"] + [human(n) for n in vs], rows))
        L.append("")

    th = res.get("threads", [])
    if th:
        L.append("## Two threads\n")
        L.append("Calls per second of two Python threads, each calling the op on its own array, "
                 f"over one thread ({ctx['thread_reps']} alternating batches of "
                 f"{ctx['thread_s']} s). NumPy is shown for context.\n")
        rows = []
        for t in th:
            b, n = t["bufkern"], t["numpy"]
            rows.append([f"{t['op']} {t['dtype']}", human_bytes(t["bytes_per_array"]),
                         f"{b['one_thread_calls_per_s']:.0f}", f"{b['two_threads_calls_per_s']:.0f}",
                         f"**{b['ratio']:.2f}**", f"{n['ratio']:.2f}"])
        L.append(md_table(["op dtype", "array", "bufkern 1 thread calls/s", "2 threads calls/s",
                           "bufkern 2/1", "NumPy 2/1"], rows))
        L.append("")

    chk = res.get("agreement")
    if chk:
        bad = [f"{dt} {op}" for dt, r in chk.items() for op, ok in r.items() if ok is not True]
        L.append("## Sanity check\n")
        L.append("Before timing, every bufkern op was run beside NumPy's on copies of a "
                 "1000-element array: " + ("all agree." if not bad else "disagreements: " + ", ".join(bad)) + "\n")

    plots = res.get("plots", [])
    if plots:
        L.append("## Plots\n")
        for p in plots:
            L.append(f"![{Path(p).stem}]({Path(p).name})")
        L.append("")

    L.append("## Method\n")
    L.append(METHOD.format(reps=ctx["reps"], batch_ms=ctx["batch_s"] * 1000, c_reps=ctx["c_reps"],
                           c_batch=ctx["c_batch_ms"]))
    path.write_text("\n".join(L) + "\n")


def write_summary(res, ctx, path):
    """A short page for the README: the CPU, the goals, and two op x dtype grids."""
    env = res["environment"]
    num = [r for r in res.get("numpy", []) if "skipped" not in r]
    idx = {(r["op"], r["dtype"], r["n"]): r for r in num}
    L = [f"Measured on **{env['cpu_model']}** ({env['cores']} cores, "
         f"{', '.join(f'{k} {human_bytes(v)}' for k, v in env['caches'].items())}), bufkern target "
         f"`{env.get('bufkern_target')}`, NumPy {env.get('numpy')}, {env['date'][:10]}, "
         f"`bash tools/bench.sh{' --quick' if ctx['quick'] else ''}` "
         f"({res['elapsed_s'] / 60:.0f} min). Full tables: `bench/results/results.md`.\n"]
    dts = [d[0] for d in DTYPES]

    def grid(title, pick, fmt):
        rows = []
        for op in OPS:
            row = [op]
            for dt in dts:
                r = pick(op, dt)
                row.append("—" if r is None else fmt(r))
            rows.append(row)
        L.append(f"**{title}**\n")
        L.append(md_table(["op"] + dts, rows))
        L.append("")

    if num:
        grid("Speedup over NumPy, 16 elements (per-call cost)", lambda o, d: idx.get((o, d, 16)),
             lambda r: f"{r['speedup']:.1f}")
        grid("Speedup over NumPy, 16 Ki elements (cache-resident)",
             lambda o, d: idx.get((o, d, 16 * KI)), lambda r: f"{r['speedup']:.2f}")
        big = {}
        for r in num:
            if r["working_set"] > ctx["llc"]:
                k = (r["op"], r["dtype"])
                if k not in big or r["n"] > big[k]["n"]:
                    big[k] = r
        if big:
            grid(f"Fraction of the measured bandwidth beyond the last-level cache "
                 f"({human_bytes(ctx['llc'])}), largest size", lambda o, d: big.get((o, d)),
                 lambda r: f"{r['bw_fraction'] * 100:.0f}%" if r.get("bw_fraction") else "—")
    L.append("**Goals** (SPEC \"Performance\"):\n")
    for g in res["goals"]:
        L.append(f"- {g['status']}: {g['goal']}. {g['detail']}")
    L.append("")
    for p in res.get("plots", []):
        if "multiply" in p or "speedup" in p:
            L.append(f"![{Path(p).stem}]({p})")
    path.write_text("\n".join(L) + "\n")


METHOD = """\
- **In-process vs NumPy** (`stage numpy`): for each dtype and size, one pair of arrays `a`, `b`
  is made and shared by both libraries. For each op, a `timeit` loop of bufkern's call
  (`bk.sum(a)`, `bk.scale(a, k)`, `bk.multiply(a, b)`, `bk.add(a, b)`, `bk.fill(a, v)`) and one of
  NumPy's (`np.sum(a)`, `np.multiply(a, k, out=a)`, `np.multiply(a, b, out=a)`,
  `np.add(a, b, out=a)`, `a.fill(v)`) are each warmed once, calibrated to about {batch_ms:.0f} ms
  per batch (one call per batch for arrays over 64 MiB), then run in {reps} alternating batches
  (ABBA order) with the garbage collector off. Figures are medians over batches; spreads are
  interquartile ranges; the speedup is the ratio of the medians, and its spread the IQR of the
  per-pair ratios (in results.json).
- **Values**: floats `a` in [1, 2), `b` = +-1, `k` = -1, `v` = 1.5; complex components in
  [1, 2), `b` in {{1, -1, i, -i}}, `k` = i, `v` = 1+2i; integers random, `b` odd, `k` = 3,
  `v` = 7. Repeated in-place scaling, multiplying and adding keep every float finite and normal,
  so no denormal or infinity changes the speed.
- **GB/s** counts the bytes the access pattern moves per call: sum n*s (read), scale 2*n*s (read
  + write), multiply/add 3*n*s (two reads + one write), fill n*s (write); s is the itemsize.
  Write-allocate traffic is not counted, for the kernels and the bandwidth loops alike.
- **Bandwidth** (`bkbench --bandwidth`): per pattern and bytes per array, the simplest loop of
  64-bit integer adds at every vector width the CPU has (SSE2, AVX2, AVX-512 on x86-64), with
  ordinary and with streaming stores; the limit is the fastest of them (beyond the caches the
  widest vectors are not always the fastest). Large buffers get transparent huge pages, as
  NumPy's arrays do. Same calibration and interleaving as below.
- **C driver** (`bkbench --sweep`, `--volk`): each subject (a kernel on a target, a VOLK kernel)
  is calibrated to about {c_batch:.0f} ms per batch, then {c_reps} rounds run one batch of each
  subject in turn on the same buffers, order reversed every other round; medians and IQRs.
- **A shared machine**: a batch during which this thread's CPU time fell below 90% of the wall
  time (another process had the core) is run again, up to 3 times, in Python and in the C
  driver alike, while such batches are occasional; when most recent batches are disturbed
  (the machine is busy for good) it is kept and counted; thread batches are run again when other processes used more than 0.15 cores.
  The counts and the load other processes put on the machine during each stage are under
  "Conditions" above.
- **hyperfine**: whole commands, `--warmup 1`, the setup-only command as the baseline.
- **Threads**: each thread loops on the op on its own array (cache-resident) for a fixed time;
  calls per second of both together over one thread alone, alternating, median.
- **Goals**: computed from these numbers by `bench/run.py`; "beyond the LLC" means a working set
  (arrays x bytes) larger than the last-level cache the OS reports; "cache-resident" means
  4 KiB - 1 MiB per array. Nothing here is estimated: a figure that was not measured is absent.
"""


# ---- plots -----------------------------------------------------------------------------


def make_plots(res, ctx, outdir):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import NullFormatter

    cpu = res["environment"]["cpu_model"]
    num = [r for r in res.get("numpy", []) if "skipped" not in r]
    tg = res.get("targets", [])
    limits = ctx["limits"]
    paths = []
    colors = {"scalar": "#999999", "sse2": "#8fbbd9", "avx2": "#3a7fbf", "avx512": "#0b3d91",
              "neon": "#3a7fbf"}
    for op in OPS:
        fig, axes = plt.subplots(3, 4, figsize=(17, 11.5), sharex=False)
        handles = {}
        for ax, d in zip(axes.flat, DTYPES):
            dt, isz = d[0], d[2]
            rows = sorted([r for r in num if r["op"] == op and r["dtype"] == dt], key=lambda r: r["n"])
            pat = PATTERN[op]
            ns_all = sorted({r["n"] for r in rows} | {t["n"] for t in tg if t["op"] == C_OP[op] and t["dtype"] == dt})
            # the limit where it means something: arrays of 1 KiB and more
            ns_lim = [n for n in ns_all if n * isz >= KI]
            if ns_lim and limits:
                lim = [limit_for(limits, pat, n * isz)[0] for n in ns_lim]
                h, = ax.plot(ns_lim, lim, "k--", lw=1.5,
                             label=f"bandwidth limit: {PATTERN_TEXT[pat]}, arrays >= 1 KiB")
                handles["limit"] = h
            for t in ctx["targets"]:
                pts = sorted([(x["n"], x["gbps_median"]) for x in tg
                              if x["op"] == C_OP[op] and x["dtype"] == dt and x["target"] == t])
                if pts:
                    h, = ax.plot(*zip(*pts), "-", color=colors.get(t, None), lw=1.2, alpha=0.9,
                                 marker=".", label=f"bufkern {t} (C driver)")
                    handles[t] = h
            if rows:
                h, = ax.plot([r["n"] for r in rows], [r["bufkern"]["gbps"] for r in rows], "-o",
                             color="#d62728", lw=2, ms=4,
                             label=f"bufkern from Python ({res['environment'].get('bufkern_target')})")
                handles["py"] = h
                h, = ax.plot([r["n"] for r in rows], [r["numpy"]["gbps"] for r in rows], "-s",
                             color="#2ca02c", lw=2, ms=4, label="NumPy")
                handles["np"] = h
            ax.set_xscale("log", base=2)
            ax.set_yscale("log")
            ax.set_title(dt, fontsize=11)
            ax.grid(True, which="major", alpha=0.3)
            ax.set_xlabel("elements per array", fontsize=8)
            ax.set_ylabel("GB/s", fontsize=8)
            ax.tick_params(labelsize=7)
            ax.yaxis.set_minor_formatter(NullFormatter())
            ax.set_xticks([n for n in (1, 16, 256, 4096, 1 << 16, 1 << 20, 1 << 24, 1 << 28)
                           if ns_all and ns_all[0] <= n <= ns_all[-1] * 4])
            ax.set_xticklabels([human(n).replace(" ", "") for n in (1, 16, 256, 4096, 1 << 16, 1 << 20, 1 << 24, 1 << 28)
                                if ns_all and ns_all[0] <= n <= ns_all[-1] * 4])
        order = [k for k in ("limit", *ctx["targets"], "py", "np") if k in handles]
        fig.legend([handles[k] for k in order], [handles[k].get_label() for k in order],
                   loc="lower center", ncol=min(len(order), 4), fontsize=10, frameon=False)
        fig.suptitle(f"bufkern {op}: GB/s against array size, per dtype\n{cpu}", fontsize=13)
        fig.subplots_adjust(left=0.05, right=0.99, bottom=0.1, top=0.91, wspace=0.25, hspace=0.42)
        p = outdir / f"gbps_{op}.png"
        fig.savefig(p, dpi=80)
        plt.close(fig)
        paths.append(rel(p))
    # one heat map of the speedups
    if num:
        sizes = sorted({r["n"] for r in num if r["n"] in ctx["sizes"]})
        llc_n = ctx["llc_n"]
        has_llc = any(r["n"] == llc_n.get(r["dtype"]) and r["n"] not in ctx["sizes"] for r in num)
        labels = [human(n) for n in sizes] + ([LLC_COLUMN] if has_llc else [])
        idx = {(r["op"], r["dtype"], r["n"]): r["speedup"] for r in num}
        rows, names = [], []
        for op in OPS:
            for d in DTYPES:
                row = [idx.get((op, d[0], n), float("nan")) for n in sizes]
                if has_llc:
                    row.append(idx.get((op, d[0], llc_n.get(d[0])), float("nan")))
                rows.append(row)
                names.append(f"{op} {d[0]}")
        import numpy as np
        arr = np.log2(np.array(rows, dtype=float))
        fig, ax = plt.subplots(figsize=(2 + 1.1 * len(labels), 16))
        im = ax.imshow(arr, cmap="RdYlGn", vmin=-3, vmax=3, aspect="auto")
        ax.set_xticks(range(len(labels)), labels)
        ax.set_yticks(range(len(names)), names, fontsize=8)
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v == v:
                    ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=7)
        cb = fig.colorbar(im, ax=ax, fraction=0.04)
        cb.set_ticks([-3, -2, -1, 0, 1, 2, 3], labels=["1/8", "1/4", "1/2", "1", "2", "4", "8"])
        ax.set_title(f"bufkern speedup over NumPy (elements per array)\n{cpu}", fontsize=11)
        fig.subplots_adjust(left=0.2, right=0.95, bottom=0.03, top=0.95)
        p = outdir / "speedup_vs_numpy.png"
        fig.savefig(p, dpi=80)
        plt.close(fig)
        paths.append(rel(p))
    return paths


# ---- main --------------------------------------------------------------------------


RENDER_KEYS = ("quick", "llc", "llc_n", "sizes", "targets", "reps", "batch_s", "c_reps",
               "c_batch_ms", "thread_reps", "thread_s")


def render(path: Path, out: Path):
    """Writes results.md, summary.md and the plots again from a results.json."""
    res = json.loads(path.read_text())
    ctx = dict(res["config"])
    ctx["llc_n"] = {k: int(v) for k, v in ctx["llc_n"].items()}
    ctx["limits"] = bandwidth_limit(res.get("bandwidth", []))
    res["goals"] = evaluate_goals(res, ctx)
    res["plots"] = make_plots(res, ctx, out)
    write_markdown(res, ctx, out / "results.md")
    write_summary(res, ctx, out / "summary.md")
    print(f"bench: rendered {rel(out)}/results.md, summary.md and the plots from {rel(path)}")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    ap.add_argument("--out", default=str(ROOT / "bench/results"), help="output directory")
    ap.add_argument("--bkbench", help="the C driver (default: build/bench/bench/bkbench)")
    ap.add_argument("--stages", default="bandwidth,numpy,targets,hyperfine,volk,threads",
                    help="comma-separated subset of the stages")
    ap.add_argument("--dtypes", default=",".join(d[0] for d in DTYPES))
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--wait-quiet", type=float, default=None, metavar="S",
                    help="wait up to S seconds for other processes to leave the CPUs "
                         "(default: 30, --quick: 5)")
    ap.add_argument("--render", metavar="RESULTS_JSON",
                    help="measure nothing: write the Markdown and plots again from a results.json")
    args = ap.parse_args(argv)
    if args.render:
        return render(Path(args.render), Path(args.out))

    t_start = time.monotonic()
    if args.wait_quiet is None:
        args.wait_quiet = 2 if args.quick else 30
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    stages = set(args.stages.split(","))
    dtypes = [d for d in args.dtypes.split(",") if d in DT]
    quick = args.quick
    notes = {}

    caches = cache_sizes()
    llc = max(caches.values()) if caches else 32 * MI
    mem_avail = mem_available()
    ctx = {
        "quick": quick, "out": out, "llc": llc,
        "mem_budget": int(mem_avail * 0.6),
        "reps": 5 if quick else 7,
        "batch_s": 0.002 if quick else 0.005,
        "c_reps": 3 if quick else 5,
        "c_batch_ms": 3 if quick else 8,
        "hf_runs": 3 if quick else 5,
        "hf_run_s": 0.05 if quick else 0.1,
        "thread_reps": 3 if quick else 5,
        "thread_s": 0.15 if quick else 0.25,
        "sizes": QUICK_SIZES if quick else FULL_SIZES,
    }

    # beyond the LLC: bytes per array = the power of two >= 2 x LLC
    llc_bytes = 1 << math.ceil(math.log2(2 * llc))
    ctx["llc_n"] = {d[0]: llc_bytes // d[2] for d in DTYPES}
    plan = []
    for dt in dtypes:
        sizes = list(ctx["sizes"])
        if not quick and ctx["llc_n"][dt] not in sizes:
            sizes.append(ctx["llc_n"][dt])
        plan.append((dt, sizes))

    # ---- environment
    env = {
        "cpu_model": cpu_model(), "cpu_flags": cpu_flags(), "cores": os.cpu_count(),
        "caches": caches, "llc_bytes": llc, "memory_total": 0, "memory_available": mem_avail,
        "python": platform.python_version(), "platform": platform.platform(),
        "date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "commit": git_commit(),
    }
    try:
        env["memory_total"] = int(Path("/proc/meminfo").read_text().split()[1]) * KI
    except (OSError, ValueError, IndexError):
        pass
    # NumPy's OpenBLAS keeps threads that spin after start-up; no op here uses
    # BLAS, and spinning threads would steal the second core from the thread test.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    try:
        import numpy as np
        env["numpy"] = np.__version__
        ctx["np"] = np
    except ImportError as e:
        np = None
        notes["numpy"] = f"NumPy is not installed ({e}): the NumPy comparison cannot run"
    try:
        import bufkern as bk
        env["bufkern_target"] = bk.target()
        env["bufkern_available_targets"] = list(bk.available_targets())
        # where it was imported from, without this machine's absolute paths
        f = Path(getattr(bk, "__file__", "") or "")
        env["bufkern_module"] = (rel(f) if f.is_absolute() and ROOT in f.parents
                                 else "site-packages" if "site-packages" in f.parts else f.name)
        env["bufkern_version"] = getattr(bk, "__version__", None)
        ctx["bk"] = bk
    except Exception as e:  # noqa: BLE001 - whatever it is, it is reported
        bk = None
        notes["python module"] = (f"`import bufkern` failed ({type(e).__name__}: {e}); the "
                                  "in-process NumPy comparison, the small-call and the thread "
                                  "measurements could not run (install it: python3 -m pip install .)")
    bkb = find_bkbench(args.bkbench)
    ctx["bkbench"] = bkb
    ctx["targets"] = []
    ctx["n_isas"] = 1
    if bkb:
        info = json.loads(subprocess.run([str(bkb), "--list", "--json"], capture_output=True,
                                         text=True, check=True).stdout)
        ctx["targets"] = [t["name"] for t in info["targets"] if t["supported"]][::-1]
        env["c_targets"] = ctx["targets"]
        env["c_active_target"] = info["active"]
        env["bandwidth_isas"] = info["bandwidth_isas"]
        ctx["n_isas"] = len(info["bandwidth_isas"])
        env["bkbench"] = rel(bkb)
        if info.get("volk"):
            env["volk_version"] = info["volk"]["version"]
            env["volk_machine"] = info["volk"]["machine"]
            env["volk_kernels"] = [k["name"] for k in info["volk"]["kernels"]]
        else:
            notes["volk"] = "the C driver was built without VOLK (pkg-config could not find it)"
        if len(ctx["targets"]) < 2:
            notes["targets"] = (f"only {', '.join(ctx['targets'])} is compiled in and supported: "
                                "no SIMD target to compare (was the library configured with "
                                "-DBUFKERN_SIMD=OFF?)")
    else:
        notes["C driver"] = ("bkbench was not found (build it: tools/bench.sh, or cmake with "
                             "BUFKERN_BENCH=ON): bandwidth, targets, hyperfine and VOLK could not run")
    hf = shutil.which("hyperfine")
    if hf:
        env["hyperfine"] = subprocess.run([hf, "--version"], capture_output=True,
                                          text=True).stdout.split()[-1]
    elif "hyperfine" in stages:
        notes["hyperfine"] = "hyperfine is not installed"

    can = {
        "bandwidth": bkb is not None,
        "numpy": np is not None and bk is not None,
        "targets": bkb is not None,
        "hyperfine": bkb is not None and hf is not None,
        "volk": bkb is not None and "volk_version" in env,
        "threads": np is not None and bk is not None,
    }
    run = {s: s in stages and can[s] for s in can}

    # ---- what each stage does, and the bar's units (rough seconds)
    volk_sizes = ([16, KI, 16 * KI, 256 * KI, 4 * MI] if quick
                  else [16, KI, 16 * KI, 256 * KI, 4 * MI, 64 * MI])
    if quick:
        hf_cases = [(op, "f32", 16 * KI) for op in OPS]
    else:
        hf_cases = [(op, d[0], 16 * KI) for op in OPS for d in DTYPES if d[0] in dtypes]
    # arrays of 512 KiB: cache-resident in each core's L2 (mul/add: 1 MiB with b)
    thread_cases = ([("sum", "f64", 64 * KI), ("scale", "f32", 128 * KI)] if quick else
                    [(op, "f64", 64 * KI) for op in OPS] + [("multiply", "c64", 64 * KI),
                                                            ("sum", "i8", 512 * KI)])
    byte_sizes = sorted({n * DT[dt][2] for dt, sizes in plan for n in sizes})
    units = {
        "bandwidth": 2 + ctx["n_isas"] * sum(0.25 + 7 * 5 * 4 * b / 20e9 for b in byte_sizes),
        "numpy": sum(cost_numpy(n, DT[dt][2]) * len(OPS) for dt, sizes in plan for n in sizes),
        "targets": sum(cost_targets(n, DT[dt][2]) * len(OPS) for dt, sizes in plan for n in sizes
                       if n in ctx["sizes"]),
        "hyperfine": len(hf_cases) * (2 if quick else 3.0),
        "volk": 9 * sum(0.1 + 2 * 7 * 3 * n * 8 / 20e9 for n in volk_sizes),
        "threads": len(thread_cases) * 2 * ctx["thread_reps"] * 2 * ctx["thread_s"],
    }
    ctx["units"] = units
    progress = Progress(sum(units[s] for s in units if run[s]), not args.no_progress)

    res = {"environment": env, "mode": "quick" if quick else "full", "notes": notes,
           "sizes": ctx["sizes"], "llc_sizes": ctx["llc_n"] if not quick else {},
           "config": {k: ctx[k] for k in RENDER_KEYS}}

    t0 = time.monotonic()
    if np is not None and bk is not None:
        res["agreement"] = agreement_check(np, bk, np.random.default_rng(1))
        t = make_timer("pass", {})
        res["empty_loop_ns"] = t.timeit(1000000) / 1000000 * 1e9

    res["stage_seconds"] = {"setup": round(time.monotonic() - t_start, 1)}
    ctx["limits"] = {}
    t0 = time.monotonic()
    res["foreign_load_cores"] = {"before": wait_quiet(args.wait_quiet, progress)}
    res["stage_seconds"]["wait_quiet"] = round(time.monotonic() - t0, 1)
    if res["foreign_load_cores"]["before"] and res["foreign_load_cores"]["before"] >= 0.2:
        progress.note(f"bench: warning: other processes keep "
                      f"{res['foreign_load_cores']['before']:.1f} cores busy; figures will be noisy")
    stage_fns = [
        ("bandwidth", "bandwidth", lambda: stage_bandwidth(ctx, byte_sizes, progress)),
        ("numpy", "bufkern vs NumPy", lambda: stage_numpy(ctx, plan, progress)),
        ("targets", "targets (C driver)", lambda: stage_targets(ctx, plan, progress)),
        ("hyperfine", "hyperfine",
         lambda: stage_hyperfine(ctx, hf_cases, res.get("targets", []), progress)),
        ("volk", "VOLK", lambda: stage_volk(ctx, volk_sizes, progress)),
        ("threads", "threads", lambda: stage_threads(ctx, thread_cases, progress)),
    ]
    for key, title, fn in stage_fns:
        if not run[key]:
            continue
        progress.set_stage(title)
        fl = ForeignLoad().start()
        t0 = time.monotonic()
        res[key] = fn()
        res.setdefault("stage_seconds", {})[key] = round(time.monotonic() - t0, 1)
        res["foreign_load_cores"][key] = fl.stop()
        if key == "bandwidth":
            ctx["limits"] = bandwidth_limit(res["bandwidth"])
    progress.finish()
    c_redone = 0
    for key in ("bandwidth", "targets", "volk"):
        # cumulative per driver process: the largest value of each run, summed
        c_redone += sum(max((d.get("redone_batches", 0) for d in grp), default=0)
                        for grp in _by_process(res.get(key, [])))
    c_kept = sum(max((d.get("kept_disturbed", 0) for d in grp), default=0)
                 for key in ("bandwidth", "targets", "volk")
                 for grp in _by_process(res.get(key, [])))
    res["redone_batches"] = {"python": REDONE.get("python", 0), "threads": REDONE.get("threads", 0),
                             "c_driver": c_redone,
                             "kept_disturbed": REDONE.get("python_kept_disturbed", 0) + c_kept}

    res["goals"] = evaluate_goals(res, ctx)
    res["elapsed_s"] = time.monotonic() - t_start
    t0 = time.monotonic()
    try:
        res["plots"] = make_plots(res, ctx, out)
    except ImportError as e:
        notes["plots"] = f"matplotlib is not installed ({e}): no PNG"
        res["plots"] = []
    res.setdefault("stage_seconds", {})["plots"] = round(time.monotonic() - t0, 1)
    res["elapsed_s"] = time.monotonic() - t_start
    (out / "results.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    write_markdown(res, ctx, out / "results.md")
    write_summary(res, ctx, out / "summary.md")

    print(f"bench: {res['elapsed_s']:.0f} s; results in {rel(out)}/: results.md, summary.md, "
          "results.json, "
          + ", ".join(Path(p).name for p in res.get("plots", [])))
    for g in res["goals"]:
        print(f"  {g['status']:<12} {g['goal']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
