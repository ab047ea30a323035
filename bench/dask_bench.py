#!/usr/bin/env python3
"""bufkern.dask against dask.array's own ops on one distributed LocalCluster:
``bufkern.dask.sum(x)`` against ``x.sum()``, ``bufkern.dask.add(x, y)``
against ``x + y``, on float64 arrays made on the workers.

    python3 bench/dask_bench.py                       # 1 GiB arrays, 64 MiB chunks, 2 workers
    python3 bench/dask_bench.py --size-mib 256 --repeat 3
    python3 bench/dask_bench.py --threads             # also: bufkern threads x worker threads

or from Python: ``run(size_bytes=..., chunk_bytes=..., workers=2)`` returns
one record per case: {case, bytes, chunks, workers, bufkern_s, dask_s, ratio,
ratio_lo, ratio_hi, gbps}.

Method: the arrays are created and persisted on the workers first, so only
the op is timed (a sum's result is one number; an add's result is persisted
on the workers and dropped, never shipped to the client). Each repetition
times both subjects in alternating order (ABBA over repetitions); the figures
are medians, ratio = dask_s / bufkern_s (above 1: bufkern is faster) with
the smallest and largest per-repetition ratio as its spread, and gbps the
bytes bufkern's version reads and writes (sum: x; add: x, y and the result)
per second. Standalone on purpose: bench/run.py measures one process.
"""

from __future__ import annotations

import argparse
import statistics
import time

MIB = 1 << 20
TRAFFIC = {"sum": 1, "add": 3}  # bytes moved per byte of x


def _cases(bkd, x, y):
    return {
        "sum": (lambda: bkd.sum(x), lambda: x.sum()),
        "add": (lambda: bkd.add(x, y), lambda: x + y),
    }


def _timed(client, make, case, inputs):
    """Seconds for one computation of the graph make() builds, result left on
    the workers (a sum's is a scalar; an add's is dropped right after). The
    graph gets new keys (inputs keep theirs) each time: the scheduler would
    otherwise hand back a result that a previous repetition left in memory."""
    from dask.graph_manipulation import clone
    from distributed import wait

    graph = clone(make(), omit=inputs)  # built outside the clock
    start = time.perf_counter()
    if case == "sum":
        client.compute(graph).result()
    else:
        with client.as_current():  # wait() finds its client as the current one
            wait(client.persist(graph))
    seconds = time.perf_counter() - start
    del graph
    return seconds


def _timed_local(make, case):
    """_timed on Dask's threaded scheduler (no cache there to dodge): an
    add's chunks are kept, not concatenated into one array."""
    graph = make()
    start = time.perf_counter()
    graph.compute(scheduler="threads") if case == "sum" else graph.persist(scheduler="threads")
    return time.perf_counter() - start


def run(size_bytes=1 << 30, chunk_bytes=64 * MIB, workers=2, repeat=5, threads_per_worker=1, client=None):
    """Medians of repeat alternating runs per case on a LocalCluster of
    workers processes (or on client's cluster); a list of records."""
    import dask.array as da
    from distributed import Client, LocalCluster, wait

    import bufkern.dask as bkd

    n, chunk = size_bytes // 8, max(1, chunk_bytes // 8)
    cluster = None
    if client is None:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=threads_per_worker, processes=True,
                               dashboard_address=None, host="127.0.0.1")
        client = Client(cluster, set_as_default=False)
    try:
        x = client.persist(da.random.default_rng(1).random(n, chunks=chunk))
        y = client.persist(da.random.default_rng(2).random(n, chunks=chunk))
        with client.as_current():
            wait([x, y])
        records = []
        for case, (ours, theirs) in _cases(bkd, x, y).items():
            _timed(client, ours, case, [x, y]), _timed(client, theirs, case, [x, y])  # warm-up: imports, threads
            mine, other = [], []
            for i in range(repeat):
                order = [(ours, mine), (theirs, other)]
                for make, times in order if i % 2 == 0 else order[::-1]:
                    times.append(_timed(client, make, case, [x, y]))
            ratios = [o / m for m, o in zip(mine, other)]
            b, d = statistics.median(mine), statistics.median(other)
            records.append({
                "case": case, "bytes": n * 8, "chunks": x.numblocks[0], "workers": len(client.scheduler_info()["workers"]),
                "bufkern_s": b, "dask_s": d, "ratio": d / b, "ratio_lo": min(ratios), "ratio_hi": max(ratios),
                "gbps": TRAFFIC[case] * n * 8 / b / 1e9,
            })
        return records
    finally:
        if cluster is not None:
            client.close()
            cluster.close()


def threads_study(size_bytes=1 << 30, chunk_bytes=64 * MIB, repeat=5):
    """bufkern.dask.add and sum with bufkern's threads at 1 and at the CPU
    count, on Dask's threaded scheduler (one process, CPU-count scheduler
    threads) and on a cluster of as many one-thread worker processes:
    whether kernels that split over threads pay inside Dask."""
    import os

    import dask.array as da
    from distributed import Client, LocalCluster

    import bufkern
    import bufkern.dask as bkd

    cpus = len(os.sched_getaffinity(0))
    n, chunk = size_bytes // 8, max(1, chunk_bytes // 8)
    rows = []
    x = da.random.default_rng(1).random(n, chunks=chunk).persist(scheduler="threads")
    y = da.random.default_rng(2).random(n, chunks=chunk).persist(scheduler="threads")
    for case in ("sum", "add"):
        for threads in (1, cpus):
            bufkern.set_threads(threads)
            make = _cases(bkd, x, y)[case][0]
            times = [_timed_local(make, case) for _ in range(repeat + 1)][1:]
            rows.append(("threads", case, threads, statistics.median(times)))
    bufkern.set_threads(0)
    del x, y
    with LocalCluster(n_workers=cpus, threads_per_worker=1, processes=True, dashboard_address=None,
                      host="127.0.0.1") as cluster, Client(cluster, set_as_default=False) as client:
        xs = client.persist(da.random.default_rng(1).random(n, chunks=chunk))
        ys = client.persist(da.random.default_rng(2).random(n, chunks=chunk))
        for case in ("sum", "add"):
            for threads in (1, cpus):
                make = _cases(bkd, xs, ys)[case][0]
                _timed(client, make, case, [xs, ys])  # the first task fits the threads; then override
                client.run(bufkern.set_threads, threads)
                times = [_timed(client, make, case, [xs, ys]) for _ in range(repeat)]
                rows.append((f"{cpus} workers", case, threads, statistics.median(times)))
    return rows


def _table(records):
    head = "| case | GiB | chunks | workers | bufkern.dask s | dask.array s | ratio (spread) | GB/s |"
    lines = [head, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in records:
        lines.append(
            f"| {r['case']} | {r['bytes'] / (1 << 30):.2f} | {r['chunks']} | {r['workers']} | {r['bufkern_s']:.3f} | "
            f"{r['dask_s']:.3f} | {r['ratio']:.2f} ({r['ratio_lo']:.2f}–{r['ratio_hi']:.2f}) | {r['gbps']:.1f} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="size of x (and y) in MiB (default 1024)")
    parser.add_argument("--chunk-mib", type=int, default=64, help="chunk size in MiB (default 64)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes, one thread each (default 2)")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per subject (default 5)")
    parser.add_argument("--threads", action="store_true", help="also bufkern threads against Dask's")
    args = parser.parse_args()
    records = run(args.size_mib * MIB, args.chunk_mib * MIB, args.workers, args.repeat)
    print(_table(records))
    if args.threads:
        print("\n| scheduler | case | bufkern threads | s |\n| --- | --- | ---: | ---: |")
        for where, case, threads, seconds in threads_study(args.size_mib * MIB, args.chunk_mib * MIB, args.repeat):
            print(f"| {where} | {case} | {threads} | {seconds:.3f} |")


if __name__ == "__main__":
    main()
