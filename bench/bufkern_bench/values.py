"""Operands and the calls on each side, made from bufkern.OPS by the op's
form, so that a new op of the table is benchmarked with no edit here.

The values are those of the C driver (bench/bkbench.h): every in-place op
stays finite and normal however often it repeats, so no subnormal or inf
changes the speed. Floats: a in [1, 2), b = +-1, k = -1, v = 1.5. Complex:
components of a in [1, 2), b in {1, -1, i, -i}, k = i, v = 1+2i. Integers:
random a, odd random b, k = 3, v = 7 (they wrap, at the same speed).
"""

from __future__ import annotations

NUMPY_NAMES = {
    "bool": None, "f32": "float32", "f64": "float64", "i8": "int8", "i16": "int16",
    "i32": "int32", "i64": "int64", "u8": "uint8", "u16": "uint16", "u32": "uint32",
    "u64": "uint64", "c64": "complex64", "c128": "complex128",
}


def kind(dtype: str) -> str:
    return "complex" if dtype.startswith("c") else "float" if dtype.startswith("f") else "int"


SCALE_K = {"float": -1.0, "int": 3, "complex": 1j}
FILL_V = {"float": 1.5, "int": 7, "complex": 1 + 2j}


def make_arrays(np, dtype: str, n: int, rng):
    """a and b of n elements, from a random block of at most 1 Mi elements
    repeated (so that arrays of hundreds of MiB are made in a blink)."""
    npname = NUMPY_NAMES[dtype]
    m = max(1, min(n, 1 << 20))
    k = kind(dtype)
    if k == "float":
        a0 = 1 + rng.random(m)
        b0 = rng.choice([-1.0, 1.0], m)
    elif k == "complex":
        a0 = (1 + rng.random(m)) + 1j * (1 + rng.random(m))
        b0 = rng.choice(np.array([1, -1, 1j, -1j]), m)
    else:
        a0 = rng.integers(0, 1 << 62, m, dtype=np.int64).astype(np.uint64)
        b0 = rng.integers(0, 1 << 62, m, dtype=np.int64).astype(np.uint64) | np.uint64(1)
    a0 = a0.astype(npname, casting="unsafe")
    b0 = b0.astype(npname, casting="unsafe")
    a = np.resize(a0, n) if n != m else a0.copy()
    b = np.resize(b0, n) if n != m else b0.copy()
    return a, b


# The calls by form: (bufkern, NumPy). `f` is the bufkern function, `g` NumPy's
# function of the same name; `r` is the separate result array of an op whose
# result has another dtype. Only two forms need a NumPy name of their own:
# scale is np.multiply by a scalar, fill is ndarray.fill.
CALLS = {
    "reduce": ("f(a)", "g(a)"),
    "extreme": ("f(a)", "g(a)"),
    "dot": ("f(a, b)", "g(a, b)"),
    "fill": ("f(a, v)", "a.fill(v)"),
    "scalar": ("f(a, k)", "g(a, k, out=a)"),
    "binary": ("f(a, b)", "g(a, b, out=a)"),
    "unary": ("f(a)", "g(a, out=a)"),
    "magnitude": ("f(a)", "g(a, out=a)"),
}
CALLS_INTO = {"magnitude": ("f(a, out=r)", "g(a, out=r)")}
NUMPY_FUNC = {"scalar": "multiply"}


def calls(form: str, into_other: bool):
    return (CALLS_INTO if into_other and form in CALLS_INTO else CALLS)[form]


def numpy_func(np, pyname: str, form: str):
    name = NUMPY_FUNC.get(form, pyname)
    return getattr(np, name, None)
