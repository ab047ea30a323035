"""Kernels split over threads: the knobs, the same bits for every thread count,
threadpoolctl, fork, and no oversubscription with many calling threads."""

import os
import struct
import subprocess
import sys
import threading

import numpy as np
import pytest

import bufkern
from conftest import DTYPES, NP

N_SPLIT = 3 * (1 << 14) + 5  # more than one reduction block (1_000_003: split for every dtype)


@pytest.fixture
def restore_threads():
    yield
    bufkern.set_threads(0)


def _os_threads():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    pytest.skip("no /proc/self/status")


def test_knobs(restore_threads):
    default = bufkern.get_threads()
    assert default >= 1
    if hasattr(os, "sched_getaffinity") and not os.environ.get("BUFKERN_THREADS"):
        assert default == len(os.sched_getaffinity(0))
    bufkern.set_threads(3)
    assert bufkern.get_threads() == 3
    with pytest.raises(ValueError, match="0 \\(the default\\) or more"):
        bufkern.set_threads(-1)
    assert bufkern.get_threads() == 3
    with pytest.raises(TypeError):
        bufkern.set_threads(2.0)
    bufkern.set_threads(0)
    assert bufkern.get_threads() == default


def test_env_sets_the_default():
    code = "import bufkern; print(bufkern.get_threads())"
    env = dict(os.environ, BUFKERN_THREADS="3")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "3"


def _bits(x):
    if isinstance(x, complex):
        return struct.pack("dd", x.real, x.imag)
    if isinstance(x, float):
        return struct.pack("d", x)
    return x


@pytest.mark.parametrize("dt", DTYPES)
def test_sum_same_bits_for_every_thread_count(dt, restore_threads):
    rng = np.random.default_rng(7)
    for n in (N_SPLIT, 1_000_003):
        if dt[0] in "iu":
            a = rng.integers(0, 1 << 62, n, dtype=np.int64).astype(NP[dt])
        else:
            a = (rng.standard_normal(n) * 1e3).astype(NP[dt])
            if dt[0] == "c":
                a = a + 1j * (rng.standard_normal(n) * 1e-3).astype(NP[dt])
        results = {}
        for t in (1, 2, 3, 8):
            bufkern.set_threads(t)
            results[t] = _bits(bufkern.sum(a))
        assert len(set(results.values())) == 1, results


def test_elementwise_same_result_split_or_not(restore_threads):
    rng = np.random.default_rng(3)
    a = rng.standard_normal(1 << 20)
    b = rng.standard_normal(1 << 20)
    want = a * b
    for t in (1, 2, 3):
        bufkern.set_threads(t)
        x = a.copy()
        bufkern.multiply(x, b)
        assert np.array_equal(x, want)


def test_threadpoolctl_sees_and_limits_bufkern(restore_threads):
    threadpoolctl = pytest.importorskip("threadpoolctl")
    if not hasattr(threadpoolctl, "register"):
        pytest.skip("threadpoolctl without register()")
    bufkern.set_threads(2)
    info = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "bufkern"]
    assert len(info) == 1, threadpoolctl.threadpool_info()
    assert info[0]["num_threads"] == 2
    assert info[0]["version"] == bufkern.__version__
    with threadpoolctl.threadpool_limits(1):
        assert bufkern.get_threads() == 1
        x = np.ones(1 << 20)
        assert bufkern.sum(x) == float(1 << 20)
    assert bufkern.get_threads() == 2
    with threadpoolctl.threadpool_limits(limits=1, user_api="bufkern"):
        assert bufkern.get_threads() == 1
    assert bufkern.get_threads() == 2


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_child_after_fork_runs_split_kernels(restore_threads):
    bufkern.set_threads(2)
    a = np.arange(1 << 22, dtype=np.float64) % 1000
    want = bufkern.sum(a)  # the pool runs in the parent now
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no pytest from here on
        ok = False
        try:
            x = a.copy()
            bufkern.scale(x, 2.0)
            ok = bufkern.sum(a) == want and bufkern.sum(x) == 2 * want
        finally:
            os.write(w, b"1" if ok else b"0")
            os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.close(r)
    os.waitpid(pid, 0)
    assert got == b"1"


def test_many_calling_threads_no_oversubscription(restore_threads):
    """8 Python threads on large arrays at once: bufkern adds at most
    threads - 1 helpers to the process, and every caller gets its answer."""
    bufkern.set_threads(2)
    arrays = [np.full(1 << 20, float(i + 1)) for i in range(8)]
    bufkern.sum(arrays[0])  # start the helpers
    before = _os_threads()
    seen, errors = [], []
    barrier = threading.Barrier(len(arrays))

    def work(i):
        barrier.wait()
        for _ in range(30):
            if bufkern.sum(arrays[i]) != float((i + 1) << 20):
                errors.append(i)
            seen.append(_os_threads())

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(arrays))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    # before counts the main thread and the one helper; the 8 workers add 8.
    assert max(seen) <= before + len(arrays)
