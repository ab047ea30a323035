"""The bandwidth loops in this process, on the arrays a kernel was timed on.

bench/bandwidth.c is also built as libbkbandwidth (beside bkbench), loaded
here with ctypes. A ceiling then runs on the same pages as the kernel it
bounds, in the same process (on one thread: on the same thread): around a
cache's capacity the speed of a pass depends on which physical pages the
arrays got (how many lines fall into each cache set), so a loop on other
buffers can be slower or faster than the same loop on these (measured on a
Xeon Ice Lake at 1 MiB per array: the read loop 80 to 100 GB/s from one
allocation to another, max i32 on NumPy's array 116). The loops leave the
values as they were (bandwidth.c adds an opaque zero), except write's, which
only fill's pattern uses, on the array fill writes anyway.

All-core loops run here too. bufkern's helper threads spin for up to about a
millisecond after a call before they sleep, and a loop batch started in that
time used to wait for a core; a batch's time now starts when all its threads
run (bandwidth.c, bb_pattern_batch), so that wait is not charged. Measured on
the Xeon Ice Lake, add u8 at 8 MiB per array on two threads, 15 alternating
rounds: bufkern 77.9 GB/s (74.9-78.9), the AVX-512 loop on the same arrays
right after it 79.7 (77.6-81.3). Napping 2 ms before each loop batch, so
that the helper sleeps first, made the loop slower, 76.0 (74.0-78.8): an
idle vCPU comes back cold.
"""

from __future__ import annotations

import ctypes
import time
from pathlib import Path

from .patterns import traffic
from .timing import Subject

LINE = 64


class Loops:
    def __init__(self, bkbench: Path, pattern_names: list):
        lib = ctypes.CDLL(str(Path(bkbench).parent / "libbkbandwidth.so"))
        lib.bb_pattern_batch.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
                                         ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                         ctypes.c_uint, ctypes.c_uint64,
                                         ctypes.POINTER(ctypes.c_uint64)]
        lib.bb_pattern_batch.restype = ctypes.c_int
        lib.bb_isa_name.argtypes = [ctypes.c_int]
        lib.bb_isa_name.restype = ctypes.c_char_p
        lib.bb_store_name.argtypes = [ctypes.c_int]
        lib.bb_store_name.restype = ctypes.c_char_p
        self.lib = lib
        self.step = ctypes.c_size_t.in_dll(lib, "bb_pattern_step").value
        self.pattern_id = {name: i for i, name in enumerate(pattern_names)}
        self.isa_id, self.stores_id = _names(lib.bb_isa_name), _names(lib.bb_store_name)

    def subject(self, pattern: str, stores: str, isa: str, offset: int, arrays: dict,
                threads: int = 1):
        """A loop on `threads` threads over the case's arrays ({"a", "b",
        "c"}: c is the written half-size array of r1wh) from `offset` bytes
        past the first cache line inside each, or None when they leave less
        than one step of it."""
        spans = [_inside(arrays["a"], offset)]
        if pattern in ("read2", "r2w1"):
            spans.append(_inside(arrays["b"], offset))
        length = min(n for _, n in spans)
        c = None
        if pattern == "r1wh":
            c, nc = _inside(arrays["c"], offset)
            length = min(length, 2 * nc)
        length = length // self.step * self.step
        if length == 0:
            return None
        args = (self.pattern_id[pattern], self.stores_id[stores], self.isa_id[isa], spans[0][0],
                spans[1][0] if len(spans) > 1 else None, c, length, threads)
        return LoopSubject(self.lib, args, traffic(pattern, length),
                           f"{pattern} {stores} {isa} x{threads} +{offset}, on the case's arrays")


def _names(name_of) -> dict:
    """{name: index} of a C list whose name_of(i) is NULL past its end."""
    ids = {}
    while (name := name_of(len(ids))) is not None:
        ids[name.decode()] = len(ids)
    return ids


def _inside(arr, offset):
    """(the address `offset` bytes past the first cache line inside arr,
    bytes from there to its end)."""
    addr, nbytes = arr.ctypes.data, arr.nbytes
    skip = -addr % LINE + offset
    return addr + skip, max(0, nbytes - skip)


class LoopSubject(Subject):
    def __init__(self, lib, args, moves: float, name: str):
        self.lib, self.args, self.moves, self.name = lib, args, moves, name

    def batch(self, iters: int):
        """(seconds from the moment all the loop's threads run, as
        bandwidth.c times a batch, CPU seconds of this thread)."""
        ns = ctypes.c_uint64()
        c0 = time.thread_time()
        if self.lib.bb_pattern_batch(*self.args, iters, ctypes.byref(ns)):
            raise RuntimeError("libbkbandwidth could not start a thread")
        return ns.value * 1e-9, time.thread_time() - c0
