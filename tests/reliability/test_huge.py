"""bufkern over arrays of more than 2^31 elements and more than 4 GiB.

Marked slow: runs only with BUFKERN_HUGE=1 (about 9 GiB of memory at the
peak). Every expected answer is known in closed form.

    BUFKERN_HUGE=1 python3 -m pytest -q tests/reliability/test_huge.py
"""

import numpy as np
import pytest

import bufkern

pytestmark = pytest.mark.slow

N8 = 2**32 + 2**20 + 7  # bytes: more than 2^32 elements and more than 4 GiB


@pytest.fixture(scope="module")
def big():
    """One 4 GiB + 1 MiB byte buffer shared by the tests (faulting it in is slow)."""
    buf = np.zeros(N8, np.uint8)
    yield buf
    del buf


def probes(n):
    return [0, 2**31 - 1, 2**31, 2**32 - 1, 2**32, n - 1] if n > 2**32 else [0, n // 2, n - 1]


def test_u8_i8_fill_sum_add(big):
    bufkern.fill(big, 255)
    assert bufkern.sum(big) == 255 * N8
    assert bufkern.sum(big.view(np.int8)) == -N8
    bufkern.add(big, big)  # b is a: 255 + 255 wraps to 254
    assert bufkern.sum(big) == 254 * N8
    for i in probes(N8):
        assert big[i] == 254
    bufkern.scale(big.view(np.int8), -1)  # -2 * -1 = 2
    assert bufkern.sum(big) == 2 * N8


def test_add_separate_b(big):
    bufkern.fill(big, 1)
    b = np.full(N8, 3, np.uint8)
    b[-1] = 200
    b[2**31] = 100
    bufkern.add(big, b)
    del b
    assert bufkern.sum(big) == 4 * N8 - 4 + 201 + (101 - 4)
    assert big[2**31] == 101 and big[-1] == 201 and big[2**32] == 4


def test_strided_more_than_2g_elements(big):
    bufkern.fill(big, 0)
    v = big.view(np.int8)[::2]  # 2^31 + ... elements, not contiguous: gathered in chunks
    assert v.size > 2**31
    bufkern.fill(v, -1)
    assert bufkern.sum(v) == -v.size
    assert bufkern.sum(big.view(np.int8)) == -v.size
    assert big[1] == 0 and big[0] == 255 and big[-1] == (255 if (N8 - 1) % 2 == 0 else 0)


def test_2d_more_than_2g_elements(big):
    sq = big[: 2**32].reshape(2**16, 2**16)
    bufkern.fill(big, 1)
    assert bufkern.sum(sq.T) == 2**32  # transposed: planned back into one contiguous run
    bufkern.scale(sq[:, : 2**15], 5)  # half of every row: 2^16 runs of 32 KiB
    assert bufkern.sum(sq) == 2**31 * 5 + 2**31
    assert bufkern.sum(big) == 2**31 * 6 + (N8 - 2**32)


def test_f64_c128_over_4gib(big):
    d = big[: (N8 // 8) * 8].view(np.float64)  # 2^29 + ... doubles, > 4 GiB
    bufkern.fill(d, 0.5)
    assert bufkern.sum(d) == 0.5 * d.size  # partial sums of halves are exact
    bufkern.scale(d, 2.0)
    assert bufkern.sum(d) == float(d.size)
    c = big[: (N8 // 16) * 16].view(np.complex128)
    bufkern.fill(c, 1 + 2j)
    assert bufkern.sum(c) == complex(c.size, 2 * c.size)
    bufkern.multiply(c, c)  # (1 + 2i)^2 = -3 + 4i
    assert bufkern.sum(c) == complex(-3 * c.size, 4 * c.size)


def test_memoryview_over_4gib(big):
    bufkern.fill(big, 7)
    m = memoryview(big)
    assert bufkern.sum(m) == 7 * N8
    m.release()


def test_array_over_4gib(big):
    del big  # not used: Array owns its own 4 GiB
    n = 2**32 + 5
    arr = bufkern.Array(n, dtype="u8")
    assert len(arr) == n
    bufkern.fill(arr, 3)
    assert bufkern.sum(arr) == 3 * n
    assert arr[-1] == 3 and arr[2**32] == 3
    view = np.asarray(arr)
    assert view.size == n and view[-1] == 3
    del view, arr
