"""bufkern.dask against dask.array's own operations on the same cluster:
bench/dask_bench.py's run(), when bufkern.dask can be imported."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def available():
    try:
        importlib.import_module("bufkern.dask")
    except ImportError as e:
        return f"skipped (Dask not installed: {e})"
    bench = str(Path(__file__).resolve().parents[2])
    if bench not in sys.path:
        sys.path.insert(0, bench)
    try:
        importlib.import_module("dask_bench")
    except ImportError as e:
        return f"skipped (bench/dask_bench.py cannot be imported: {e})"
    return None


def run(ctx) -> list:
    import dask_bench
    recs = dask_bench.run(size_bytes=ctx.cfg.dask_bytes, chunk_bytes=ctx.cfg.dask_chunk,
                          workers=min(2, ctx.cores))
    return [dict(r) for r in recs]
