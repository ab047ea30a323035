"""bufkern on Dask arrays: the kernels run chunk by chunk, on Dask's local
schedulers or on a ``distributed`` cluster.

Needs ``dask[array]`` (and ``distributed`` for a cluster): ``pip install
bufkern[dask]``. ``import bufkern`` alone never imports Dask.

- Reductions ``sum``, ``min``, ``max``, ``dot(x, y)`` give a 0-d Dask array
  whose ``.compute()`` equals bufkern's own result on the whole array: the
  same integer wraparound, the same float error bound, NaN for min/max when
  any element is NaN.
- Elementwise ``add``, ``subtract``, ``multiply``, ``divide``, ``scale(x, k)``,
  ``conjugate``, ``absolute``, ``fill(x, v)`` give new Dask arrays of the
  same shape; each chunk is a fresh array written by the out-of-place kernel
  and the inputs are never modified.

Every error bufkern would raise on the whole array (dtype, shape, scalar,
empty min/max) is raised here when the graph is built, before anything is
computed::

    >>> import dask.array as da, bufkern.dask as bkd
    >>> x = da.arange(10.0, chunks=4)
    >>> float(bkd.sum(x).compute())
    45.0
    >>> bkd.add(x, x).compute()[:3]
    array([0., 2., 4.])
"""

import builtins
import functools
import os
import sys

import dask.array as da
import numpy as np
from dask.base import tokenize

import bufkern

__all__ = list(bufkern.OPS)

_REDUCTIONS = ("reduce", "extreme", "dot")


# ---- dtypes and checks done when the graph is built ------------------------


def _as_dask(x):
    return x if isinstance(x, da.Array) else da.asarray(x)


def _bk_name(dtype):
    """bufkern's name for a NumPy dtype; bufkern's own TypeError (naming the
    format and why) for a dtype it does not take."""
    with bufkern.BufferView(np.empty(0, dtype=dtype)) as view:
        return view.dtype


def _np_dtype(name):
    return np.asarray(bufkern.Array(0, dtype=name)).dtype


def _accumulator(dtype):
    """The dtype of bufkern's sum and dot: int64 / uint64 for integers (so the
    partials wrap as the whole-array result does), the dtype itself otherwise
    (an f32 sum is accumulated and returned in f32)."""
    dtype = np.dtype(dtype)
    return {"i": np.dtype(np.int64), "u": np.dtype(np.uint64)}.get(dtype.kind, dtype)


def _known_empty(x):
    return not np.isnan(x.size) and x.size == 0


def _check_same_shape(x, y):
    """The local API's shape rule, before anything is computed (Dask could not
    tell until the chunks met)."""
    if x.shape != y.shape:
        raise ValueError(
            f"x and y must have the same shape (x has shape {x.shape}, y has shape {y.shape}); "
            "broadcasting is not done"
        )


def _operands(op, x, y=None, k=None, empty=False):
    """x and y as Dask arrays, once every error bufkern would raise on the
    whole arrays has been raised. Their chunks may still differ: the
    blockwise that takes both aligns them (Dask's unify_chunks), so that a
    chunk of x always meets the chunk of y that covers the same elements."""
    x = _as_dask(x)
    y = None if y is None else _as_dask(y)
    _probe(op, x.dtype, b_dtype=None if y is None else y.dtype, k=k, empty=empty)
    if y is not None:
        _check_same_shape(x, y)
    return x, y


def _probe(op, dtype, *, b_dtype=None, k=None, empty=False):
    """Runs op on one element (none when empty) of the operands' dtypes, so
    that a dtype, dtype mismatch, scalar or empty-array error is bufkern's own
    exception, raised now rather than inside a task."""
    n = 0 if empty else 1
    a = np.zeros(n, dtype=dtype)
    form = bufkern.OPS[op]["form"]
    if form in _REDUCTIONS:
        args = (a, np.zeros(n, dtype=b_dtype)) if form == "dot" else (a,)
        getattr(bufkern, op)(*args)
        return
    result = bufkern.OPS[op]["result"].get(_bk_name(dtype))  # None: a dtype op does not take
    out = np.empty(n, dtype=dtype if result is None else _np_dtype(result))
    if form == "fill":
        bufkern.fill(out, k)
    elif form == "scalar":
        getattr(bufkern, op)(a, k, out=out)
    elif form == "binary":
        getattr(bufkern, op)(a, np.zeros(n, dtype=b_dtype), out=out)
    else:
        getattr(bufkern, op)(a, out=out)


# ---- threads ---------------------------------------------------------------

_threads_fitted = False


def _fit_threads():
    """On a distributed worker, once per process: bufkern threads so that the
    worker's task threads times bufkern's threads stay within the cores.

    Dask already runs one task per worker thread, and a Nanny starts each
    worker process with OMP_NUM_THREADS=1 (Dask's rule for the thread pools
    of the libraries its tasks call), so that number caps it too: several
    worker processes on one machine then share the cores instead of each
    splitting over all of them. A thread count somebody chose (BUFKERN_THREADS,
    set_threads, threadpoolctl) is kept. On Dask's local threaded scheduler
    nothing is changed: bufkern's pool runs one kernel at a time, so the
    scheduler's threads add at most threads - 1 helpers."""
    global _threads_fitted
    if _threads_fitted:
        return
    distributed = sys.modules.get("distributed")
    if distributed is None:  # no worker can be running this process's tasks
        return
    try:
        worker = distributed.get_worker()
    except ValueError:
        return
    _threads_fitted = True
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    if os.environ.get("BUFKERN_THREADS") or bufkern.get_threads() != cores:
        return
    n = cores // builtins.max(1, worker.state.nthreads)
    omp = os.environ.get("OMP_NUM_THREADS", "")
    if omp.isdigit() and int(omp) > 0:
        n = builtins.min(n, int(omp))
    bufkern.set_threads(builtins.max(1, n))


# ---- reductions ------------------------------------------------------------


def _partial(x_chunk, y_chunk=None, axis=None, keepdims=None, computing_meta=False, op=None, acc=None):
    """One chunk's result, an array of the accumulator dtype with every axis
    of length 1 (as Dask's reduction declares it); an empty chunk gives an
    empty one instead: min/max have no value for it, and a sum's 0.0 would
    turn the -0.0 of a sum of -0.0 into +0.0. op None: x_chunk is already a
    partial (dot's, made by blockwise)."""
    if computing_meta:  # Dask asks what a partial looks like: no kernel on dummy data
        return np.empty((0,) * x_chunk.ndim, dtype=acc)
    if op is None:
        return x_chunk
    _fit_threads()
    if x_chunk.size == 0:
        return np.empty((0,) * x_chunk.ndim, dtype=acc)
    args = (x_chunk,) if y_chunk is None else (x_chunk, y_chunk)
    return np.full((1,) * x_chunk.ndim, getattr(bufkern, op)(*args), dtype=acc)


def _flatten(parts):
    """The partials of one tree node in block order (Dask passes nested
    lists, one level per reduced axis, when concatenate=False)."""
    if isinstance(parts, (list, tuple)):
        return [p for part in parts for p in _flatten(part)]
    return [parts]


def _combine(parts, axis=None, keepdims=None, computing_meta=False, op=None, acc=None):
    """Partials into one by bufkern's own reduction over them: sum and dot
    partials through bufkern.sum, which wraps integers and adds floats
    pairwise; min/max partials through min/max, which propagate NaN."""
    if computing_meta:  # Dask's array-expr mode asks this too
        return np.empty(0, dtype=acc)
    _fit_threads()
    parts = _flatten(parts)
    ndim = parts[0].ndim
    values = np.concatenate([p.reshape(-1) for p in parts])
    if values.size == 0:
        return np.empty((0,) * ndim, dtype=acc)
    fold = bufkern.sum if op in ("sum", "dot") else getattr(bufkern, op)
    return np.full((1,) * ndim, fold(values), dtype=acc)


def _aggregate(parts, axis=None, keepdims=None, computing_meta=False, op=None, acc=None):
    if computing_meta:
        return np.empty((), dtype=acc)
    values = _combine(parts, op=op, acc=acc)
    if values.size == 0:
        if op in ("sum", "dot"):
            return np.zeros((), dtype=acc)
        getattr(bufkern, op)(values)  # bufkern's zero-size ValueError: chunk sizes were unknown
    return values.reshape(())


def _reduction(op, x, y=None, split_every=None):
    form = bufkern.OPS[op]["form"]
    x = _as_dask(x)
    x, y = _operands(op, x, y, empty=form == "extreme" and _known_empty(x))
    acc = x.dtype if form == "extreme" else _accumulator(x.dtype)
    bind = functools.partial
    chunk = bind(_partial, op=op, acc=acc)
    if y is not None:
        # Dask's reduction takes one array: make it the per-block partials
        ind = tuple(range(x.ndim))
        x = da.blockwise(
            chunk, ind, x, ind, y, ind,
            dtype=acc, meta=np.empty((0,) * x.ndim, dtype=acc),
            adjust_chunks=dict.fromkeys(ind, 1), token=f"bufkern-{op}",
        )
        chunk = bind(_partial, op=None, acc=acc)
    return da.reduction(
        x,
        chunk,
        bind(_aggregate, op=op, acc=acc),
        combine=bind(_combine, op=op, acc=acc),
        axis=None,
        keepdims=False,
        dtype=acc,
        split_every=split_every,
        concatenate=False,
        meta=np.empty((), dtype=acc),
        name=f"bufkern-{op}",
    )


def sum(x, split_every=None):
    """Sum of all elements of x, a 0-d Dask array: int64/uint64 with
    wraparound for integers, floats within bufkern's pairwise bound, complex.
    split_every: partials per node of the combining tree (Dask's default)."""
    return _reduction("sum", x, split_every=split_every)


def min(x, split_every=None):
    """Smallest element of x (real dtypes), NaN if any is NaN, a 0-d Dask
    array of x's dtype. Empty x: ValueError; complex x: TypeError."""
    return _reduction("min", x, split_every=split_every)


def max(x, split_every=None):
    """Largest element of x (real dtypes), NaN if any is NaN, a 0-d Dask
    array of x's dtype. Empty x: ValueError; complex x: TypeError."""
    return _reduction("max", x, split_every=split_every)


def dot(x, y, split_every=None):
    """sum(x[i] * y[i]) over all elements, no conjugation, a 0-d Dask array:
    integers exact modulo 2^64 in int64/uint64. x and y: same shape
    (ValueError) and dtype (TypeError); their chunks are aligned first."""
    return _reduction("dot", x, y, split_every=split_every)


# ---- elementwise -----------------------------------------------------------


def _block(*blocks, op, k=None, result=None, block_info=None):
    """One output chunk: a fresh array that the out-of-place kernel writes
    (the input chunks may be read-only, and are never written)."""
    _fit_threads()
    if not blocks:  # fill reads no input: only the chunk's shape
        out = np.empty(block_info[None]["chunk-shape"], dtype=result)
        bufkern.fill(out, k)
        return out
    out = np.empty(blocks[0].shape, dtype=result)
    args = blocks + ((k,) if bufkern.OPS[op]["form"] == "scalar" else ())
    getattr(bufkern, op)(*args, out=out)
    return out


def _elementwise(op, x, y=None, k=None):
    x, y = _operands(op, x, y, k=k)
    result = _np_dtype(bufkern.OPS[op]["result"][_bk_name(x.dtype)])
    meta = np.empty((0,) * x.ndim, dtype=result)
    kw = {"op": op, "k": k, "result": result, "dtype": result, "meta": meta}
    if op == "fill":
        # chunks only: x's values are not needed, so x is never computed
        name = f"bufkern-fill-{tokenize(x.chunks, k, result)}"
        return da.map_blocks(_block, chunks=x.chunks, name=name, **kw)
    ind = tuple(range(x.ndim))
    args = (x, ind) if y is None else (x, ind, y, ind)
    return da.blockwise(_block, ind, *args, token=f"bufkern-{op}", **kw)


def add(x, y):
    """x + y, chunk by chunk (bufkern.add with out=); integers wrap."""
    return _elementwise("add", x, y)


def subtract(x, y):
    """x - y, chunk by chunk (bufkern.subtract with out=); integers wrap."""
    return _elementwise("subtract", x, y)


def multiply(x, y):
    """x * y, chunk by chunk (bufkern.multiply with out=); integers wrap."""
    return _elementwise("multiply", x, y)


def divide(x, y):
    """x / y, chunk by chunk (bufkern.divide with out=); floats and complex."""
    return _elementwise("divide", x, y)


def scale(x, k):
    """x * k, chunk by chunk (bufkern.scale with out=); k by bufkern's scalar rules."""
    return _elementwise("scale", x, k=k)


def conjugate(x):
    """conj(x), chunk by chunk (real dtypes: the same values)."""
    return _elementwise("conjugate", x)


def absolute(x):
    """abs(x), chunk by chunk; complex x gives the real magnitude (f32 for c64,
    f64 for c128)."""
    return _elementwise("absolute", x)


def fill(x, v):
    """A new array of x's shape, chunks and dtype, every element v (x itself is
    neither read nor written)."""
    return _elementwise("fill", x, k=v)


def _from_form(op, form):
    """The function of an elementwise op of the table that has none above."""
    if form == "binary":
        def f(x, y):
            return _elementwise(op, x, y)
    elif form == "scalar":
        def f(x, k):
            return _elementwise(op, x, k=k)
    else:  # unary, magnitude
        def f(x):
            return _elementwise(op, x)
    f.__name__ = f.__qualname__ = op
    f.__doc__ = f"bufkern.{op}, chunk by chunk, into a new array (out= per chunk)."
    return f


# A new elementwise op of bufkern's table is here with no edit: its function
# is made from its form. (A new reduction needs its own, like sum above.)
for _op, _entry in bufkern.OPS.items():
    if _op not in globals() and _entry["form"] in ("binary", "scalar", "unary", "magnitude"):
        globals()[_op] = _from_form(_op, _entry["form"])
del _op, _entry
