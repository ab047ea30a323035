"""bufkern.dask: every function on Dask arrays of several chunks, 1-D and 2-D,
on Dask's threaded and synchronous schedulers (every dtype) and on a real
distributed cluster of two worker processes (an integer, a float and a
complex dtype per shape), against NumPy and against bufkern on the whole
array; errors raised before anything is computed; inputs never modified;
Dask never calls the chunk functions on dummy data; the README's example."""

import contextlib
import functools
import math
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

dask = pytest.importorskip("dask")
da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")

import bufkern  # noqa: E402
import bufkern.dask as bkd  # noqa: E402
from conftest import (  # noqa: E402
    DTYPES, NP, assert_elementwise, assert_reduction, bits, kind, random_array, random_scalar,
)

REDUCE_FORMS = ("reduce", "extreme", "dot")
# x and y chunked differently, so that every binary op and dot aligns them
SHAPES = {
    "1d": ((10_007,), (2_600,), (3_500,)),
    "2d": ((53, 71), (27, 36), (27, 24)),
}

CLUSTER_DTYPES = {"1d": ("i8", "f64", "c64"), "2d": ("u64", "f32", "c128")}


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, host="127.0.0.1"
    ) as cluster, distributed.Client(cluster, set_as_default=False) as client:
        yield client


@pytest.fixture(params=["distributed", "threads", "sync"])
def compute(request):
    scheduler = request.getfixturevalue("cluster") if request.param == "distributed" else request.param

    def run(*collections):
        return dask.compute(*collections, scheduler=scheduler)
    run.scheduler = request.param
    return run


def _lazy_ops(dt, x, y, xs, ys, k):
    """Every op that takes dt, built on the Dask arrays: the reductions on
    x, y (plain values), the elementwise ops on xs, ys (special values)."""
    lazy = {}
    for op, entry in bufkern.OPS.items():
        if dt not in entry["dtypes"]:
            continue
        f = getattr(bkd, op)
        form = entry["form"]
        if form in REDUCE_FORMS:
            lazy[op] = f(x, y) if form == "dot" else f(x)
        elif form == "binary":
            lazy[op] = f(xs, ys)
        elif form in ("scalar", "fill"):
            lazy[op] = f(xs, k)
        else:
            lazy[op] = f(xs)
    lazy["sum, split_every=2"] = bkd.sum(x, split_every=2)
    return lazy


def _whole(op, a, b, k):
    """bufkern's own result on the whole arrays."""
    form = bufkern.OPS[op]["form"]
    f = getattr(bufkern, op)
    if form in REDUCE_FORMS:
        return f(a, b) if form == "dot" else f(a)
    out = np.empty(a.shape, dtype=NP[bufkern.OPS[op]["result"][_bk(a.dtype)]])
    if form == "fill":
        f(out, k)
    elif form == "binary":
        f(a, b, out=out)
    elif form == "scalar":
        f(a, k, out=out)
    else:
        f(a, out=out)
    return out


def _bk(dtype):
    return next(name for name, t in NP.items() if np.dtype(t) == dtype)


def _assert_near_whole(op, dt, got, whole, a, b):
    """The chunked reduction against bufkern on the whole array: equal for
    integers and min/max; floats within the SPEC's bound of each other (the
    sum's 4 (log2 n + 1) eps sum|a|, the dot's one eps more, per component)."""
    if kind(dt) == "int" or op in ("min", "max"):
        assert got == whole or (math.isnan(got) and math.isnan(whole)), (op, got, whole)
        return
    eps = float(np.finfo(np.float32 if dt in ("f32", "c64") else np.float64).eps)
    a = np.asarray(a, dtype=np.complex128).reshape(-1)
    n = max(a.size, 1)
    if op == "dot":
        b = np.asarray(b, dtype=np.complex128).reshape(-1)
        mags = {"real": abs(a.real * b.real) + abs(a.imag * b.imag),
                "imag": abs(a.real * b.imag) + abs(a.imag * b.real)}
        factor = 4 * (math.log2(n) + 1) + 1
    else:
        mags = {"real": abs(a.real), "imag": abs(a.imag)}
        factor = 4 * (math.log2(n) + 1)
    for part, mag in mags.items():
        bound = factor * eps * math.fsum(mag)
        g, w = getattr(complex(got), part), getattr(complex(whole), part)
        assert abs(g - w) <= bound, (op, dt, part, g, w, bound)


def _assert_same_bits(got, want, op):
    """Chunking changes no bit of an elementwise result (each element is
    computed on its own), but for the payload or sign of a NaN, which may
    depend on whether it came from a vector lane or the scalar tail."""
    if got.dtype.kind == "c":
        got, want = (np.stack([v.real, v.imag]) for v in (got, want))
    same = np.all(bits(got) == bits(want), axis=-1)
    if got.dtype.kind == "f":
        same |= np.isnan(got) & np.isnan(want)
    assert same.all(), (op, got[~same][:3], want[~same][:3])


class Case:
    """One dtype's operands (read-only NumPy arrays: Dask's chunks of them are
    read-only views) and the graph of every op that takes the dtype."""

    def __init__(self, dt, shape):
        shp, xchunks, ychunks = SHAPES[shape]
        rng = np.random.default_rng([DTYPES.index(dt), len(shp)])
        self.dt = dt
        self.a, self.b = random_array(dt, shp, rng), random_array(dt, shp, rng)
        self.sa, self.sb = random_array(dt, shp, rng, special=True), random_array(dt, shp, rng, special=True)
        self.k = random_scalar(dt, rng)
        self.inputs = (self.a, self.b, self.sa, self.sb)
        for arr in self.inputs:
            arr.setflags(write=False)
        self.before = [np.array(arr, copy=True) for arr in self.inputs]
        x, y = da.from_array(self.a, chunks=xchunks), da.from_array(self.b, chunks=ychunks)
        xs, ys = da.from_array(self.sa, chunks=xchunks), da.from_array(self.sb, chunks=ychunks)
        self.lazy = _lazy_ops(dt, x, y, xs, ys, self.k)
        # x and xs computed with the rest: a chunk written in place would show there
        self.lazy["x"], self.lazy["xs"] = x, xs

    def check(self, results):
        dt, a, b, sa, sb, k = self.dt, self.a, self.b, self.sa, self.sb, self.k
        results = dict(results)
        for arr, old in zip((*self.inputs, results.pop("x"), results.pop("xs")), (*self.before, *self.before[::2])):
            assert np.array_equal(bits(arr), bits(old)), dt
        for op, value in results.items():
            base = op.split(",")[0]
            assert value.dtype == self.lazy[op].dtype and value.shape == self.lazy[op].shape, (dt, op)
            if bufkern.OPS[base]["form"] in REDUCE_FORMS:
                value = value.item()
                assert_reduction(base, dt, value, a, b)
                _assert_near_whole(base, dt, value, _whole(base, a, b, k), a, b)
            else:
                assert_elementwise(base, dt, value, sa, sb, k)
                _assert_same_bits(value, _whole(base, sa, sb, k), (dt, op))


@pytest.mark.parametrize("shape", SHAPES)
def test_every_op(compute, shape):
    """Every op on every dtype, in one graph per scheduler and shape (a
    cluster's cost is per computation more than per task). The cluster, at
    several ms a task on two shared cores, takes an integer, a float and a
    complex dtype per shape, so that every kind of partial (int64, uint64,
    f32, f64, c64, c128) travels between its processes."""
    dtypes = DTYPES if compute.scheduler != "distributed" else CLUSTER_DTYPES[shape]
    cases = [Case(dt, shape) for dt in dtypes]
    graphs = [graph for case in cases for graph in case.lazy.values()]
    results = iter(compute(*graphs))
    for case in cases:
        case.check((name, next(results)) for name in case.lazy)


def test_result_dtypes():
    """Sums and dots in bufkern's accumulator (int64 / uint64 for integers,
    the dtype itself otherwise), min/max in the dtype, absolute of complex real."""
    for dt in DTYPES:
        x = da.zeros(4, dtype=NP[dt], chunks=2)
        want = {"i": np.int64, "u": np.uint64}.get(np.dtype(NP[dt]).kind, NP[dt])
        assert bkd.sum(x).dtype == want and bkd.dot(x, x).dtype == want
        assert bkd.absolute(x).dtype == NP[bufkern.OPS["absolute"]["result"][dt]]
        if dt in bufkern.OPS["min"]["dtypes"]:
            assert bkd.min(x).dtype == NP[dt] and bkd.max(x).dtype == NP[dt]


def test_special_reductions(compute):
    """NaN in one chunk makes min, max and sum NaN; a sum of -0.0 is -0.0;
    integer sums and dots wrap as bufkern's do; a chunk of length 0 counts
    for nothing."""
    nan = np.arange(40.0)
    nan[17] = np.nan
    big = np.full(1000, np.iinfo(np.int64).max, dtype=np.int64)
    ubig = np.full(1000, np.iinfo(np.uint64).max, dtype=np.uint64)
    i8 = np.full(1000, -128, dtype=np.int8)
    x = da.from_array(nan, chunks=7)
    got = compute(
        bkd.min(x), bkd.max(x), bkd.sum(x),
        bkd.sum(da.from_array(np.full(30, -0.0), chunks=4)),
        bkd.sum(da.from_array(big, chunks=64)), bkd.sum(da.from_array(ubig, chunks=64)),
        bkd.dot(da.from_array(i8, chunks=64), da.from_array(i8, chunks=100)),
        bkd.min(da.from_array(np.arange(1.0, 6.0), chunks=((2, 0, 3),))),
        bkd.sum(da.zeros((0, 5), chunks=2)), bkd.dot(da.zeros(0, dtype=np.int32), da.zeros(0, dtype=np.int32)),
    )
    assert all(math.isnan(v) for v in got[:3])
    assert got[3] == 0.0 and math.copysign(1.0, got[3]) < 0
    assert got[4].item() == bufkern.sum(big) and got[5].item() == bufkern.sum(ubig)
    assert got[6].item() == bufkern.dot(i8, i8) == 1000 * 128 * 128
    assert got[7] == 1.0 and got[8] == 0.0 and got[9] == 0


def test_unknown_chunk_sizes(compute):
    """After boolean indexing Dask does not know the chunk sizes: empty
    chunks are skipped, and an array that turns out empty is min's ValueError
    when computed."""
    a = np.arange(-20.0, 20.0)
    x = da.from_array(a, chunks=6)
    kept = x[x > 5.5]
    assert math.isnan(kept.shape[0])
    got = compute(bkd.sum(kept), bkd.min(kept), bkd.max(kept))
    assert got == (bufkern.sum(a[a > 5.5]), 6.0, 19.0)
    with pytest.raises(ValueError, match="zero-size"):
        compute(bkd.min(x[x > 100]))


def _poisoned(shape, dtype, chunks=3):
    """A Dask array whose chunks fail when computed: a call that computes
    anything before raising its error shows as this AssertionError."""
    def boom(block_info=None):
        raise AssertionError("computed")
    return da.map_blocks(boom, chunks=da.core.normalize_chunks(chunks, shape), dtype=dtype,
                         meta=np.empty((0,) * len(shape), dtype=dtype))


@pytest.mark.parametrize("call, exc, match", [
    (lambda: bkd.min(_poisoned((9,), np.complex128)), TypeError, "does not take c128"),
    (lambda: bkd.max(_poisoned((3, 4), np.complex64)), TypeError, "does not take c64"),
    (lambda: bkd.dot(_poisoned((9,), np.float64), _poisoned((9,), np.float32)), TypeError, "dtype mismatch"),
    (lambda: bkd.add(_poisoned((9,), np.int8), _poisoned((9,), np.uint8)), TypeError, "dtype mismatch"),
    (lambda: bkd.dot(_poisoned((9,), np.float64), _poisoned((10,), np.float64)), ValueError, "same shape"),
    (lambda: bkd.subtract(_poisoned((6,), np.int32), _poisoned((2, 3), np.int32)), ValueError, "same shape"),
    (lambda: bkd.multiply(_poisoned((4, 5), np.float64), _poisoned((5, 4), np.float64)), ValueError, "same shape"),
    (lambda: bkd.divide(_poisoned((9,), np.int32), _poisoned((9,), np.int32)), TypeError, "does not take i32"),
    (lambda: bkd.scale(_poisoned((9,), np.int8), 300), OverflowError, "out of range"),
    (lambda: bkd.scale(_poisoned((9,), np.int8), 1.5), TypeError, "needs an int"),
    (lambda: bkd.fill(_poisoned((9,), np.float64), 1j), TypeError, "f64"),
    (lambda: bkd.sum(_poisoned((9,), np.float16)), TypeError, "half-precision"),
    (lambda: bkd.conjugate(_poisoned((9,), np.bool_)), TypeError, "format"),
    (lambda: bkd.min(_poisoned((0,), np.float64)), ValueError, "zero-size"),
    (lambda: bkd.max(_poisoned((4, 0), np.int16)), ValueError, "zero-size"),
])
def test_errors_before_compute(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_never_called_on_dummy_data(monkeypatch):
    """With dtype and meta declared, building a graph runs no chunk
    function (only _partial's computing_meta answer, which runs no kernel)."""
    calls = []

    def spy(name):
        original = getattr(bkd, name)

        @functools.wraps(original)  # keeps the signature Dask inspects
        def recorder(*args, **kwargs):
            calls.append((name, kwargs.get("computing_meta", False)))
            return original(*args, **kwargs)
        return recorder

    for name in ("_block", "_partial", "_combine", "_aggregate"):
        monkeypatch.setattr(bkd, name, spy(name))
    x = da.ones((6, 5), dtype=np.complex64, chunks=2)
    y = da.ones((6, 5), dtype=np.complex64, chunks=3)
    lazy = _lazy_ops("c64", x, y, x, y, 2j)
    assert all(meta for _, meta in calls), calls
    calls.clear()
    dask.compute(*lazy.values(), scheduler="sync")
    assert {name for name, _ in calls} == {"_block", "_partial", "_combine", "_aggregate"}


def test_chunks_and_alignment():
    """Operands with the same chunks keep them; different chunks are aligned
    to their common refinement; fill never computes its input."""
    x = da.ones((10, 6), chunks=(4, 3))
    assert bkd.add(x, x).chunks == x.chunks and bkd.scale(x, 2.0).chunks == x.chunks
    y = da.ones((10, 6), chunks=(5, 6))
    assert bkd.multiply(x, y).chunks == ((4, 1, 3, 2), (3, 3))
    filled = bkd.fill(_poisoned((10, 6), np.float64, chunks=(4, 3)), 2.5)
    assert filled.chunks == x.chunks
    assert np.array_equal(filled.compute(scheduler="sync"), np.full((10, 6), 2.5))


def test_worker_threads(cluster):
    """On a worker, bufkern's threads are fitted to the worker's: its thread
    count times bufkern's stays within the cores, capped by the
    OMP_NUM_THREADS that the Nanny sets for the libraries tasks call."""
    x = da.ones(1000, chunks=100)
    workers = list(cluster.scheduler_info()["workers"])
    for w in workers:
        cluster.compute(bkd.sum(x), workers=[w]).result()
    threads = cluster.run(bufkern.get_threads)
    omp = cluster.run(os.environ.get, "OMP_NUM_THREADS")
    info = cluster.scheduler_info()["workers"]
    cores = len(os.sched_getaffinity(0))
    chosen = os.environ.get("BUFKERN_THREADS")  # kept as it is, when set
    for w in workers:
        want = max(1, cores // info[w]["nthreads"])
        if omp[w] and omp[w].isdigit():
            want = max(1, min(want, int(omp[w])))
        assert threads[w] == ((int(chosen) or cores) if chosen else want), (w, threads[w], want)


def test_local_scheduler_keeps_threads():
    before = bufkern.get_threads()
    bkd.sum(da.ones(1000, chunks=100)).compute(scheduler="threads")
    assert bufkern.get_threads() == before


def test_public_names():
    """One documented function per op of bufkern's table, and nothing else."""
    assert sorted(bkd.__all__) == sorted(bufkern.OPS)
    for op in bufkern.OPS:
        f = getattr(bkd, op)
        assert callable(f) and f.__module__ == "bufkern.dask" and f.__doc__


def test_import_bufkern_alone_imports_no_dask(tmp_path):
    code = "import sys, bufkern; sys.exit('dask' in sys.modules or 'distributed' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=tmp_path).returncode == 0


def test_module_docstring_examples():
    import doctest

    failures, tried = doctest.testmod(bkd, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert tried >= 3 and failures == 0


def _readme_example():
    readme = (pathlib.Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    start = readme.index("## Scale-out with Dask")
    section = readme[start:readme.index("\n## ", start + 1)]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def test_readme_example(cluster, monkeypatch, capsys):
    """The README's script, run as __main__ on this module's cluster (its
    LocalCluster and Client stand for the fixture's, saving a second
    cluster's start); each print prints what its comment says."""
    code = _readme_example()

    @contextlib.contextmanager
    def local_cluster(**kwargs):
        assert kwargs["n_workers"] == 2
        yield cluster.cluster

    @contextlib.contextmanager
    def client(_cluster):
        with cluster.as_current():
            yield cluster

    monkeypatch.setattr(distributed, "LocalCluster", local_cluster)
    monkeypatch.setattr(distributed, "Client", client)
    exec(compile(code, "README.md", "exec"), {"__name__": "__main__"})
    printed = capsys.readouterr().out.splitlines()
    expected = [line.split("#")[-1].strip() for line in code.splitlines() if line.strip().startswith("print(")]
    assert printed == expected
