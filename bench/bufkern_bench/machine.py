"""The machine and the software measured on it (the environment block at the
top of every report), and how busy other processes keep the CPUs."""

from __future__ import annotations

import datetime as _dt
import json
import os
import platform
import resource
import shutil
import subprocess
import time
from pathlib import Path

from .config import GI, KI, MI
from .driver import ROOT

SIMD_FLAGS = ("sse2", "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512dq",
              "avx512vl", "asimd")
ENV_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS",
            "OPENBLAS_THREAD_TIMEOUT", "OMP_NUM_THREADS",
            "MKL_NUM_THREADS", "BUFKERN_THREADS", "BUFKERN_TARGET", "BUFKERN_SPLIT_BYTES")


def _cpuinfo(key: str) -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def cpu_model() -> str:
    return _cpuinfo("model name") or platform.processor() or platform.machine()


def cache_sizes() -> dict:
    """Data and unified caches by level, from sysfs (as the OS reports them)."""
    out = {}
    for idx in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            if (idx / "type").read_text().strip() == "Instruction":
                continue
            size = (idx / "size").read_text().strip()
            mult = {"K": KI, "M": MI, "G": GI}.get(size[-1], 1)
            out[f"L{int((idx / 'level').read_text())}"] = int(size.rstrip("KMG")) * mult
        except (OSError, ValueError):
            continue
    return out


def meminfo(key: str) -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1]) * KI
    except OSError:
        pass
    return None


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def git_commit() -> str | None:
    try:
        r = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                           text=True, timeout=10)
        if r.returncode:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return r.stdout.strip() + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return None


def rel(p) -> str:
    """A path as committed files may show it: relative to the repository."""
    try:
        return str(Path(p).resolve().relative_to(ROOT))
    except ValueError:
        return Path(p).name


def target_flags(bkbench: Path | None) -> dict:
    """Each SIMD target's compiler flags, from the driver build's
    compile_commands.json (what really compiled them)."""
    if not bkbench:
        return {}
    for d in (bkbench.parent.parent, bkbench.parent):
        cc = d / "compile_commands.json"
        if cc.is_file():
            break
    else:
        return {}
    out = {}
    for e in json.loads(cc.read_text()):
        f = Path(e["file"]).name
        if f.startswith("target_") and f.endswith(".c"):
            words = e.get("command", " ".join(e.get("arguments", []))).split()
            out[f[len("target_"):-2]] = " ".join(w for w in words if w.startswith(("-m", "-O", "-f"))
                                                 and not w.startswith("-fPIC"))
    return out


def numpy_info(np) -> dict:
    info = {"version": np.__version__}
    try:
        from numpy._core import _multiarray_umath as mu
    except ImportError:  # NumPy 1.x
        from numpy.core import _multiarray_umath as mu
    feats = getattr(mu, "__cpu_features__", {})
    info["simd_baseline"] = list(getattr(mu, "__cpu_baseline__", []))
    info["simd_dispatch_found"] = [f for f in getattr(mu, "__cpu_dispatch__", []) if feats.get(f)]
    info["simd_dispatch_not_found"] = [f for f in getattr(mu, "__cpu_dispatch__", [])
                                       if not feats.get(f)]
    return info


def blas_info() -> list:
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl is not installed"}]
    keep = ("user_api", "internal_api", "prefix", "version", "num_threads", "threading_layer",
            "architecture")
    return [{k: v for k, v in d.items() if k in keep} for d in threadpool_info()]


def environment(np, bk, driver, cfg) -> dict:
    caches = cache_sizes()
    flags = (_cpuinfo("flags") or _cpuinfo("Features") or "").split()
    env = {
        "date": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "commit": git_commit(),
        "mode": "quick" if cfg.quick else "full",
        "cpu_model": cpu_model(),
        "cpu_simd_flags": [f for f in SIMD_FLAGS if f in flags],
        "cores": cores(),
        "caches": caches,
        "llc_bytes": max(caches.values()) if caches else None,
        "memory_total": meminfo("MemTotal"),
        "memory_available": meminfo("MemAvailable"),
        "kernel": platform.release(),
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "env_vars": {k: os.environ[k] for k in ENV_VARS if k in os.environ},
        "blas": blas_info(),
    }
    if np is not None:
        env["numpy"] = numpy_info(np)
    if bk is not None:
        env["bufkern"] = {"version": getattr(bk, "__version__", None), "target": bk.target(),
                          "available_targets": list(bk.available_targets()),
                          "threads": bk.get_threads(), "ops": len(bk.OPS),
                          "dtypes": len(bk.DTYPES), "built_by": "pip install (scikit-build-core)"}
    if driver is not None:
        i = driver.info
        env["c_driver"] = {"path": rel(driver.exe), "compiler": i.get("compiler"),
                           "c_flags": i.get("c_flags"), "simde": i.get("simde"),
                           "target_flags": target_flags(driver.exe), "active": i.get("active"),
                           "threads": i.get("threads"),
                           "targets": [t["name"] for t in i["targets"] if t["supported"]],
                           "bandwidth_isas": i.get("isas"),
                           "streaming_stores": i.get("streaming_stores")}
        if i.get("volk"):
            env["volk"] = {"version": i["volk"]["version"], "machine": i["volk"]["machine"]}
    hf = shutil.which("hyperfine")
    if hf:
        env["hyperfine"] = subprocess.run([hf, "--version"], capture_output=True,
                                          text=True).stdout.split()[-1]
    for mod in ("simsimd", "dask", "tqdm", "matplotlib", "threadpoolctl"):
        try:
            m = __import__(mod)
            env.setdefault("packages", {})[mod] = getattr(m, "__version__", "?")
        except ImportError:
            pass
    return env


# ---- other processes --------------------------------------------------------


def _busy_seconds() -> float | None:
    try:
        vals = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    return (sum(vals) - vals[3] - vals[4]) / os.sysconf("SC_CLK_TCK")


# processes of this run that have not exited yet (the C driver): their CPU
# time is this run's, not another process's
LIVE_CHILDREN: set = set()


def _own_cpu() -> float:
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    t = s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime
    for pid in list(LIVE_CHILDREN):
        try:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            t += (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            LIVE_CHILDREN.discard(pid)
    return t


class ForeignLoad:
    """Cores other processes kept busy between start() and stop(): the
    machine's busy time less this run's, over wall time."""

    def start(self):
        self.b0, self.p0, self.t0 = _busy_seconds(), _own_cpu(), time.monotonic()
        return self

    def stop(self) -> float | None:
        b1, p1, t1 = _busy_seconds(), _own_cpu(), time.monotonic()
        if self.b0 is None or b1 is None or t1 - self.t0 < 0.05:
            return None
        return max(0.0, ((b1 - self.b0) - (p1 - self.p0)) / (t1 - self.t0))


def wait_quiet(max_wait: float, say=print) -> float | None:
    """Waits (up to max_wait s) until other processes use < 0.2 cores."""
    t_end = time.monotonic() + max_wait
    while True:
        fl = ForeignLoad().start()
        time.sleep(1.0)
        load = fl.stop()
        if load is None or load < 0.2 or time.monotonic() >= t_end:
            return load
        say(f"bench: waiting for a quieter machine (other processes use {load:.1f} cores)")
