"""Access patterns and the bytes they move: the one place where bytes are
counted, for the kernels and the bandwidth loops (bench/bandwidth.c) alike.

The rule: a pass counts every byte the operation must read once and every
byte it must write once. Write-allocate traffic (a cache line read for
ownership before it is written) is counted on neither side: the kernels and
the loops are compared on the same logical bytes, and the ceiling is the
fastest of ordinary and streaming stores (which skip the read for
ownership), of every vector width, and of one thread or all threads as the
kernel's thread count allows. A kernel can therefore not beat its ceiling by
choosing another store, width or thread count.
"""

from __future__ import annotations

# pattern: (bytes moved per byte of one operand array, arrays in the working set, what)
PATTERNS = {
    "read": (1.0, 1, "read one array (sum, min, max)"),
    "read2": (2.0, 2, "read two arrays (dot)"),
    "rmw": (2.0, 1, "read and write the same array (scale, conjugate, absolute of reals)"),
    "r2w1": (3.0, 2, "read two arrays, write the first (add, subtract, multiply, divide)"),
    "write": (1.0, 1, "write one array (fill)"),
    "r1wh": (1.5, 2, "read one array, write half its bytes to another (absolute of complex)"),
}

FORM_PATTERN = {
    "reduce": "read",
    "extreme": "read",
    "dot": "read2",
    "fill": "write",
    "scalar": "rmw",
    "unary": "rmw",
    "binary": "r2w1",
}


def pattern_of(form: str, dtype: str, result: str, itemsize: dict,
               identity: bool = False) -> str | None:
    """The access pattern of an op (in place, as benchmarked) on a dtype.
    An op that is the identity in place on this dtype (conjugate of reals,
    absolute of unsigned integers: see is_identity) need move no byte at
    all: it has no pattern and no ceiling."""
    if identity:
        return None
    if form == "magnitude":
        if result == dtype:
            return "rmw"
        if itemsize[result] * 2 == itemsize[dtype]:
            return "r1wh"
        return None
    return FORM_PATTERN.get(form)


def traffic(pattern: str | None, bytes_per_array: int) -> float | None:
    """Bytes one call moves, by the rule above."""
    if pattern is None:
        return None
    return PATTERNS[pattern][0] * bytes_per_array


def working_set(pattern: str, bytes_per_array: int) -> int:
    return PATTERNS[pattern][1] * bytes_per_array


def is_identity(np, f, form: str, dtype: str, result: str, npname: str) -> bool:
    """Whether the in-place unary op f leaves every value as it was, on values
    of both signs: then a kernel may rightly skip the pass altogether."""
    if form not in ("unary", "magnitude") or result != dtype:
        return False
    x = np.arange(-8, 8).astype(npname)
    if dtype.startswith("c"):
        x = x + 1j * x[::-1]
    y = x.copy()
    f(y)
    return bool(np.array_equal(x, y))
