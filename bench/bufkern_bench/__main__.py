"""python3 -m bufkern_bench (from bench/), or python3 bench/run.py."""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import traceback
from pathlib import Path

from . import goals, machine
from .config import STAGES, Config
from .context import Context
from .driver import ROOT, Driver, find_bkbench
from .local import Loops
from .report import json_out, markdown, plots
from .timing import DISTURBANCES


def parse(argv):
    ap = argparse.ArgumentParser(prog="bufkern_bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="a smaller run, about a minute")
    ap.add_argument("--out", default=str(ROOT / "bench/results"), help="output directory")
    ap.add_argument("--bkbench", help="the C driver (default: build/bench/bench/bkbench)")
    ap.add_argument("--stages", default=",".join(STAGES), help="comma-separated subset of "
                    + ", ".join(STAGES))
    ap.add_argument("--dtypes", help="comma-separated subset of bufkern.DTYPES")
    ap.add_argument("--ops", help="comma-separated subset of bufkern.OPS")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--wait-quiet", type=float, metavar="S",
                    help="wait up to S s for other processes to leave the CPUs (default 30; "
                         "--quick: 2)")
    ap.add_argument("--render", metavar="RESULTS_JSON",
                    help="measure nothing: write the reports and plots again from a results.json")
    return ap.parse_args(argv)


def write_reports(doc, out: Path, ops, dtypes):
    json_out.write(out / "results.json", doc)
    markdown.write_results(out / "results.md", doc, ops, dtypes)
    markdown.write_summary(out / "summary.md", doc, ops, dtypes)
    try:
        return [machine.rel(p) for p in plots.make(doc, out, ops, dtypes)]
    except ImportError as e:
        doc["notes"]["plots"] = f"matplotlib is not installed ({e}): no plots"
        return []


def render(path: Path, out: Path):
    doc = json.loads(path.read_text())
    ops = list(dict.fromkeys(r["op"] for r in doc.get("numpy", [])))
    dtypes = list(dict.fromkeys(r["dtype"] for r in doc.get("numpy", [])))
    doc["goals"] = goals.evaluate(doc, doc["environment"], doc.get("notes", {}))
    write_reports(doc, out, ops, dtypes)
    print(f"bench: rendered {machine.rel(out)} from {machine.rel(path)}")
    return 0


def main(argv=None):
    args = parse(argv)
    out = Path(args.out)
    if args.render:
        return render(Path(args.render), out)
    t_start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    caches = machine.cache_sizes()
    llc = max(caches.values()) if caches else 32 << 20
    cfg = Config.make(args.quick, llc, machine.meminfo("MemAvailable") or (8 << 30),
                      out=str(out), stages=tuple(args.stages.split(",")),
                      dtypes=tuple(args.dtypes.split(",")) if args.dtypes else None,
                      ops=tuple(args.ops.split(",")) if args.ops else None,
                      progress=not args.no_progress)
    if args.wait_quiet is not None:
        cfg.wait_quiet_s = args.wait_quiet
    ctx = Context(cfg=cfg, cores=machine.cores())
    notes = ctx.notes
    # OpenBLAS's workers spin for 2^28 TSC ticks (about 0.1 s) after each call,
    # on a core the next subject needs: measured on the Ice Lake, 50-95 ms of
    # their CPU time in the 200 ms after one np.dot. bufkern's two-thread float
    # dots, in the rounds after np.dot's, then ran slower than on one thread
    # (dot f64, 8 MiB: 0.31-1.22 ms a call on two threads, 0.69 on one). 2^16
    # ticks (about 25 us) still covers the gaps between the calls of a batch;
    # the first call of a batch is untimed (timing.py). Set before OpenBLAS loads.
    os.environ.setdefault("OPENBLAS_THREAD_TIMEOUT", "16")
    try:
        import numpy as np
        ctx.np = np
    except ImportError as e:
        notes["numpy"] = f"NumPy is not installed ({e})"
    try:
        import bufkern as bk
        ctx.bk = bk
        getattr(bk, "OPS")
    except Exception as e:  # noqa: BLE001 - whatever it is, the report says it
        ctx.bk = None
        notes["bufkern"] = (f"`import bufkern` failed or is too old ({type(e).__name__}: {e}); "
                            "install it: python3 -m pip install .")
    exe = find_bkbench(args.bkbench)
    if exe:
        ctx.driver = Driver(exe)
        ctx.itemsize = {d["name"]: d["size"] for d in ctx.driver.info["dtypes"]}
        try:
            ctx.local = Loops(exe, ctx.driver.info["patterns"])
        except OSError as e:
            notes["ceilings"] = (f"libbkbandwidth could not be loaded ({e}): one-thread "
                                 "ceilings run on the driver's buffers only")
    else:
        notes["C driver"] = "bkbench was not found (tools/bench.sh builds it)"
    if not ctx.itemsize and ctx.np is not None and ctx.bk is not None:
        from .values import NUMPY_NAMES
        ctx.itemsize = {d: ctx.np.dtype(NUMPY_NAMES[d]).itemsize for d in ctx.bk.DTYPES}
    env = machine.environment(ctx.np, ctx.bk, ctx.driver, cfg)
    env["large_bytes"] = cfg.large_bytes or None
    env["large_capped"] = cfg.large_capped or None
    ctx.env = env

    def can(stage):
        py = ctx.np is not None and ctx.bk is not None
        c = ctx.driver is not None
        if stage == "bandwidth":
            return c or "needs the C driver"
        if stage == "numpy":
            return py or "needs NumPy and bufkern"
        if stage == "targets":
            return c or "needs the C driver"
        if stage == "hyperfine":
            return (c and env.get("hyperfine") is not None) or "needs the C driver and hyperfine"
        if stage == "volk":
            return (c and ctx.driver.info.get("volk") is not None) or \
                "the C driver was built without VOLK (pkg-config found none)"
        if stage == "simsimd":
            if importlib.util.find_spec("simsimd") is None:
                return "skipped (simsimd not installed: pip install simsimd)"
            return py or "needs NumPy and bufkern"
        if stage == "pythreads":
            return py or "needs NumPy and bufkern"
        if stage == "dask":
            from .stages import dask
            return dask.available() or True
        return "unknown stage"

    from .stages import (bandwidth, dask, hyperfine, numpy_cmp, pythreads, simsimd, targets,
                         volk)
    modules = {"bandwidth": bandwidth, "numpy": numpy_cmp, "targets": targets,
               "hyperfine": hyperfine, "volk": volk, "simsimd": simsimd,
               "pythreads": pythreads, "dask": dask}
    doc = {"schema": 2, "environment": env,
           "config": dict(vars(cfg)),
           "notes": notes, "foreign_load_cores": {}, "stage_seconds": {}}
    say = (lambda m: print(m, file=sys.stderr))
    t0 = time.monotonic()
    doc["foreign_load_cores"]["before"] = machine.wait_quiet(cfg.wait_quiet_s, say)
    doc["stage_seconds"]["wait_quiet"] = round(time.monotonic() - t0, 1)
    for stage in STAGES:
        if stage not in cfg.stages:
            continue
        ok = can(stage)
        if ok is not True:
            notes[stage] = ok
            continue
        fl = machine.ForeignLoad().start()
        t0 = time.monotonic()
        try:
            ctx.results[stage] = modules[stage].run(ctx)
        except Exception as e:  # noqa: BLE001 - one stage's failure must not lose the others
            notes[stage] = f"failed: {type(e).__name__}: {e}"
            traceback.print_exc()
            ctx.results[stage] = []
        doc["stage_seconds"][stage] = round(time.monotonic() - t0, 1)
        doc["foreign_load_cores"][stage] = fl.stop()
    if ctx.driver:
        ctx.driver.close()
    doc.update({k: v for k, v in ctx.results.items() if k not in ("bandwidth",)})
    doc["ceilings"] = ctx.results.get("bandwidth", [])
    doc["records"] = json_out.records(ctx.results)
    doc["disturbed_batches"] = {"redone": DISTURBANCES.redone, "kept": DISTURBANCES.kept}
    doc["goals"] = goals.evaluate(doc, env, notes)
    doc["elapsed_s"] = time.monotonic() - t_start
    env["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    ops, dtypes = (list(ctx.bk.OPS), list(ctx.bk.DTYPES)) if ctx.bk else ([], [])
    doc["plots"] = write_reports(doc, out, ops, dtypes)
    doc["elapsed_s"] = time.monotonic() - t_start
    json_out.write(out / "results.json", doc)
    print(f"bench: {doc['elapsed_s']:.0f} s; {machine.rel(out)}/: results.md, summary.md, "
          f"results.json, " + ", ".join(Path(p).name for p in doc["plots"]))
    for g in doc["goals"]:
        print(f"  {g['status']:<12} {g['id']:<14} {g['detail'][:110]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
