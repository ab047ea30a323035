"""hyperfine over the C driver, one command per target: a whole-process
cross-check of the in-process targets stage. ns per call = (median command
time - median of the same command with --iters 0) / calls. hyperfine's own
JSON goes to <out>/hyperfine/."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from ..driver import ROOT
from ..machine import rel


def cases(ctx):
    info = ctx.driver.info
    n = ctx.cfg.target_bytes[0] // 4  # as in the targets stage, to compare
    if ctx.cfg.quick:
        return [("sum", "f32", n)]
    seen, out = set(), []
    for op in info["ops"]:  # the first op of each form, on f32
        if op["form"] not in seen and "f32" in op["dtypes"]:
            seen.add(op["form"])
            out.append((op["pyname"], "f32", n))
    return out


def run(ctx) -> list:
    hf = shutil.which("hyperfine")
    info = ctx.driver.info
    outdir = Path(ctx.cfg.out) / "hyperfine"
    outdir.mkdir(parents=True, exist_ok=True)
    for old in outdir.glob("*.json"):
        old.unlink()
    targets = [t["name"] for t in info["targets"] if t["supported"]]
    exe = rel(ctx.driver.exe)
    exe = exe if "/" in exe else "./" + exe
    res = []
    todo = cases(ctx)
    with ctx.bar("hyperfine", len(todo)) as bar:
        for op, dtype, n in todo:
            bar.set_postfix_str(f"{op} {dtype}")
            # calls per command: the scalar target's in-process time says how many fill run_s
            known = [r["peer_ns"] for r in ctx.results.get("targets", [])
                     if r["op"] == op and r["dtype"] == dtype and r["n"] == n]
            per = known[0] if known else 2.0 * n
            iters = max(1, int(ctx.cfg.hyperfine_run_s * 1e9 / per))
            base = [exe, "--op", op, "--dtype", dtype, "--n", str(n), "--threads", "1"]
            path = outdir / f"{op}-{dtype}-{n}.json"
            cmd = [hf, "--warmup", "1", "--runs", str(ctx.cfg.hyperfine_runs), "--style", "none",
                   "-N", "--export-json", str(path),
                   "--command-name", "set-up only",
                   " ".join(base + ["--target", targets[0], "--iters", "0"])]
            for t in targets:
                cmd += ["--command-name", t, " ".join(base + ["--target", t, "--iters", str(iters)])]
            r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
            bar.update(1)
            if r.returncode:
                ctx.notes["hyperfine"] = f"hyperfine failed: {r.stderr.strip()[:300]}"
                continue
            rows = json.loads(path.read_text())["results"]
            baseline = rows[0]["median"]
            rec = {"op": op, "dtype": dtype, "n": n, "calls": iters, "baseline_s": baseline,
                   "json": rel(path), "targets": {}}
            for row in rows[1:]:
                rec["targets"][row["command"]] = {
                    "median_s": row["median"], "stddev_s": row.get("stddev"),
                    "ns_per_call": (row["median"] - baseline) / iters * 1e9}
            res.append(rec)
    return res
