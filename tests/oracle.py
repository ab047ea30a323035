"""The one Python oracle of bufkern: what the answer *should* be, by SPEC.md.

Used by tests/python (through its conftest), the Python fuzzer and the
thread stress test (tests/reliability). Nothing here imports bufkern, so the
oracle cannot inherit the module's mistakes. It holds

- NUMPY: NumPy's answer for each op, by name (a new op adds a line here, and
  a line in COMPLEX_ULPS if its complex results are only close to NumPy's);
- convert_scalar: the SPEC's rules for scalars;
- check(op, got, a, b, k): the SPEC's comparison rules (bit-exact up to NaN,
  the ulp tolerances, the sum and dot bounds, min/max exact), returning None
  or what is wrong.
"""

import fractions
import math
import operator

import numpy as np

DTYPES = {
    "f32": np.float32,
    "f64": np.float64,
    "i8": np.int8,
    "i16": np.int16,
    "i32": np.int32,
    "i64": np.int64,
    "u8": np.uint8,
    "u16": np.uint16,
    "u32": np.uint32,
    "u64": np.uint64,
    "c64": np.complex64,
    "c128": np.complex128,
}
NAME_OF = {np.dtype(t): n for n, t in DTYPES.items()}


def kind(dt):
    """'sint', 'uint', 'float' or 'complex' for a NumPy dtype."""
    return {"i": "sint", "u": "uint", "f": "float", "c": "complex"}[np.dtype(dt).kind]


# ---- scalars (SPEC "Scalars") ---------------------------------------------


def _round_int_to_float(v, mant, emax):
    """The int v rounded once (to nearest, ties to even) to a binary float with
    `mant` significand bits and largest exponent `emax`, as a Python float;
    OverflowError if the rounded magnitude reaches 2**emax."""
    if v == 0:
        return 0.0
    sign = -1.0 if v < 0 else 1.0
    m = abs(v)
    shift = m.bit_length() - mant
    if shift > 0:
        q, r = divmod(m, 1 << shift)
        half = 1 << (shift - 1)
        if r > half or (r == half and q & 1):
            q += 1
        m = q << shift
    if m.bit_length() > emax:
        raise OverflowError(f"{v} is out of range")
    return sign * float(m)


def _int_to_real(v, width):
    if width == 4:
        return _round_int_to_float(v, 24, 128)
    return _round_int_to_float(v, 53, 1024)


def _has(x, name):
    return getattr(type(x), name, None) is not None


def _is_complex_valued(x):
    if isinstance(x, (complex, np.complexfloating)):
        return True
    return not (_has(x, "__float__") or _has(x, "__index__")) and _has(x, "__complex__")


_F32_OVERFLOW = 2.0**128 - 2.0**103  # halfway to 2**128: from here on f32 rounds to inf


def _fit(f, width):
    """A double for a real of the width: a finite value beyond f32's range is
    an OverflowError, as an int's is (inf and nan pass)."""
    if width == 4 and math.isfinite(f) and abs(f) >= _F32_OVERFLOW:
        raise OverflowError(f"{f!r} is out of range for f32")
    return f


def _exact_ratio(x):
    """(n, d) of a real with an exact non-zero finite value (as_integer_ratio:
    Fraction, Decimal), else None; what the method raises otherwise passes."""
    if not _has(x, "as_integer_ratio"):
        return None
    try:
        r = x.as_integer_ratio()
    except (ValueError, OverflowError):  # nan, inf
        return None
    if (isinstance(r, tuple) and len(r) == 2 and all(isinstance(v, int) for v in r)
            and r[0] != 0 and r[1] > 0):
        return r
    return None


def _ratio_to_real(n, d, width):
    """n/d rounded once (to nearest, ties to even) to the width."""
    if width == 8:
        return n / d  # int true division is correctly rounded; OverflowError beyond
    exact = fractions.Fraction(n, d)
    if abs(exact) >= _F32_OVERFLOW:
        raise OverflowError(f"{exact} is out of range for f32")
    f = np.float32(float(exact))  # through a double: maybe one float off
    cands = [c for c in (np.nextafter(f, np.float32(-np.inf)), f,
                         np.nextafter(f, np.float32(np.inf))) if np.isfinite(c)]
    best = min(cands, key=lambda c: (abs(fractions.Fraction(float(c)) - exact),
                                     int(np.float32(c).view(np.uint32)) & 1))
    return float(best)


def _real(x, width):
    """A real number rounded once to the width, as a double (SPEC "Scalars")."""
    if _is_complex_valued(x):
        raise TypeError("a real number is needed")
    if isinstance(x, float):
        return _fit(float(x), width)
    if _has(x, "__index__"):
        return _int_to_real(operator.index(x), width)
    if not _has(x, "__float__"):
        raise TypeError("a real number is needed")
    r = _exact_ratio(x)
    if r is not None:
        return _ratio_to_real(*r, width)
    return _fit(float(x), width)  # known only through __float__


def _unwrap_0d(x):
    """A 0-d buffer (NumPy's 0-d arrays and scalars) is the number it holds:
    by its format, bool too, and half or long double through float() /
    complex(); any other 0-d buffer is left to the number protocols."""
    if not isinstance(x, (np.ndarray, np.generic)) or np.ndim(x) != 0:
        return x
    try:
        fmt = memoryview(x).format
    except (BufferError, ValueError, TypeError):
        return x
    if x.dtype in NAME_OF and x.dtype.isnative:
        return x.item()
    code = fmt[1:] if fmt[0] in "@=<>!^" else fmt
    if code == "?":
        return bool(x)
    if code in ("e", "g"):
        return float(x)
    if code in ("Ze", "Zg"):
        return complex(x)
    return x


def convert_scalar(x, dt):
    """x converted to one element of NumPy dtype dt by the SPEC's rules, as a
    NumPy scalar; raises what bufkern must raise (TypeError, OverflowError, or
    whatever the object's own __index__/__float__/__complex__ raise)."""
    dt = np.dtype(dt)
    k = kind(dt)
    x = _unwrap_0d(x)
    if k in ("sint", "uint"):
        if isinstance(x, (float, np.floating)) or _is_complex_valued(x):
            raise TypeError("an int is needed")
        if not _has(x, "__index__"):
            raise TypeError("an int is needed")
        v = operator.index(x)
        info = np.iinfo(dt)
        if not info.min <= v <= info.max:
            raise OverflowError("out of range")
        return dt.type(v)
    if k == "float":
        return dt.type(_real(x, dt.itemsize))
    # complex dtypes: any number, each part by the rules for floats
    width = dt.itemsize // 2
    if isinstance(x, complex):
        return dt.type(complex(_fit(x.real, width), _fit(x.imag, width)))
    if isinstance(x, (float, int)) or (_has(x, "__index__") and not _is_complex_valued(x)):
        return dt.type(_real(x, width))
    if not (_has(x, "__float__") or _has(x, "__complex__")):
        raise TypeError("a number is needed")
    if not _is_complex_valued(x):
        r = _exact_ratio(x)
        if r is not None:
            return dt.type(_ratio_to_real(*r, width))
    c = complex(x)
    return dt.type(complex(_fit(c.real, width), _fit(c.imag, width)))


# ---- comparing results ------------------------------------------------------


def _real_view(a):
    """Float or complex array as an array of its real components."""
    a = np.ascontiguousarray(a)
    if a.dtype.kind == "c":
        return a.view(np.float32 if a.dtype.itemsize == 8 else np.float64)
    return a


def same_values(got, want):
    """Bit-exact, except NaN where both are NaN (payload and sign may differ)."""
    got = np.ascontiguousarray(got)
    want = np.ascontiguousarray(want)
    if got.shape != want.shape or got.dtype != want.dtype:
        return False
    if got.dtype.kind in "iu":
        return bool(np.array_equal(got, want))
    g, w = _real_view(got).ravel(), _real_view(want).ravel()
    ui = np.uint32 if g.dtype.itemsize == 4 else np.uint64
    same_bits = g.view(ui) == w.view(ui)
    both_nan = np.isnan(g) & np.isnan(w)
    return bool(np.all(same_bits | both_nan))


def complex_mul_formula(x, y):
    """(ac - bd) + (ad + bc)i, one rounding per operation, in x's dtype."""
    x = np.asarray(x)
    y = np.asarray(y, dtype=x.dtype)
    r = np.empty(np.broadcast(x, y).shape, dtype=x.dtype)
    with np.errstate(all="ignore"):
        r.real = x.real * y.real - x.imag * y.imag
        r.imag = x.real * y.imag + x.imag * y.real
    return r


def _real_dtype(dt):
    """The dtype of one component of dt (itself for a real dtype)."""
    dt = np.dtype(dt)
    return np.dtype(np.float32 if dt in (np.complex64, np.float32) else np.float64)


def _close(got, want, ulps, scale):
    """Per element: got within ulps ulp of scale (its own magnitude where
    scale is not finite) of want where both are finite; elsewhere the same
    non-finite value (NaN matches NaN, an inf its own sign)."""
    rt = _real_dtype(got.dtype)
    with np.errstate(all="ignore"):
        scale = np.where(np.isfinite(scale), scale, np.abs(want)).astype(rt)
        tol = ulps * np.spacing(scale, dtype=rt).astype(np.float64)
        near = np.abs(got.astype(np.float64) - want.astype(np.float64)) <= tol
    both_finite = np.isfinite(got) & np.isfinite(want)
    same_nonfinite = (np.isnan(got) & np.isnan(want)) | (np.isinf(got) & (got == want))
    return np.where(both_finite, near, same_nonfinite)


def _complex_close(got, want, ulps):
    """Both components within ulps ulp of want's larger component."""
    with np.errstate(all="ignore"):
        big = np.maximum(np.abs(want.real), np.abs(want.imag))
    return _close(got.real, want.real, ulps, big) & _close(got.imag, want.imag, ulps, big)


# ---- NumPy's answers ----------------------------------------------------------


def _wide_dot(a, b):
    """Integers: every product and the sum in 64 bits, wrapping (the SPEC's
    deliberate difference from np.dot, which wraps in the element type)."""
    total = sum(int(x) * int(y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist()))
    total %= 1 << 64
    return total - (1 << 64) if a.dtype.kind == "i" and total >= 1 << 63 else total


# NumPy's answer for each op, by name, on arrays of the 12 dtypes (b already
# copied, k already converted by convert_scalar). A new op adds a line.
NUMPY = {
    "sum": lambda a: int_sum(a) if a.dtype.kind in "iu" else np.sum(a).item(),
    "min": lambda a: np.min(a).item(),  # NaN if any element is NaN
    "max": lambda a: np.max(a).item(),
    "dot": lambda a, b: _wide_dot(a, b) if a.dtype.kind in "iu" else np.dot(a.ravel(), b.ravel()).item(),
    "fill": lambda a, k: np.full_like(a, a.dtype.type(k)),
    "scale": lambda a, k: np.multiply(a, a.dtype.type(k)),
    "add": np.add,
    "subtract": np.subtract,
    "multiply": np.multiply,
    "divide": np.divide,
    "conjugate": np.conjugate,
    "absolute": np.absolute,
}

# Elementwise ops whose complex results need only be this close to NumPy's
# (ulps of the larger component); every other elementwise result is NumPy's,
# bit for bit up to NaN payloads.
COMPLEX_ULPS = {"multiply": 2, "scale": 2, "divide": 4, "absolute": 2}


def answer(op, a, b=None, k=None):
    """NumPy's answer for op on copies of a and b (or with the scalar k)."""
    f = NUMPY[op]
    # What the table's line takes: a ufunc its inputs; a lambda its named
    # parameters (a, then b or k).
    params = ("a", "b")[: f.nin] if isinstance(f, np.ufunc) else f.__code__.co_varnames[: f.__code__.co_argcount]
    given = {"a": np.array(a, copy=True), "b": None if b is None else np.array(b, copy=True), "k": k}
    with np.errstate(all="ignore"):
        r = f(*(given[p] for p in params))
    return r if np.isscalar(r) or isinstance(r, (int, float, complex)) else np.asarray(r)


# ---- the comparison rules -------------------------------------------------------


def check_elementwise(op, got, a, b=None, k=None):
    """Whether got is an acceptable result of elementwise op on the values a
    (and b or k): None, or what is wrong."""
    got = np.asarray(got)
    want = answer(op, a, b, k)
    if got.shape != want.shape or got.dtype != want.dtype:
        return f"{op}: got {got.dtype}{got.shape}, want {want.dtype}{want.shape}"
    a = np.asarray(a)
    if a.dtype.kind != "c" or op not in COMPLEX_ULPS:
        if same_values(got, want):
            return None
        bad = np.flatnonzero(~(np.ascontiguousarray(got) == np.ascontiguousarray(want)).ravel())
    else:
        ulps = COMPLEX_ULPS[op]
        if got.dtype.kind != "c":  # absolute: a real magnitude
            ok = _close(got, want, ulps, np.abs(want))
        elif op == "divide":
            # Where NumPy's quotient is not finite the SPEC promises the
            # class (NaN or inf) per component, not the sign of an infinity.
            finite = np.isfinite(want.real) & np.isfinite(want.imag)
            same_class = ((np.isnan(got.real) == np.isnan(want.real))
                          & (np.isinf(got.real) == np.isinf(want.real))
                          & (np.isnan(got.imag) == np.isnan(want.imag))
                          & (np.isinf(got.imag) == np.isinf(want.imag)))
            ok = np.where(finite, _complex_close(got, want, ulps), same_class)
        else:
            ok = _complex_close(got, want, ulps)
            # Where NumPy's fused multiply-adds changed an overflow or a
            # non-finite outcome, the SPEC's formula decides.
            y = k if op == "scale" else b
            ok |= _complex_close(got, complex_mul_formula(a, y), ulps)
        bad = np.flatnonzero(~np.asarray(ok).ravel())
    if not len(bad):
        return None
    i = bad[0]
    return (f"{op} {a.dtype}: {len(bad)} elements differ from NumPy, first at flat index {i}: "
            f"got {got.ravel()[i]!r}, want {want.ravel()[i]!r}")


def check_extreme(op, a, got):
    """min/max: NumPy's value exactly (NaN if any element is), as int or float."""
    want = answer(op, a)
    if type(got) is not type(want):
        return f"{op} of {np.asarray(a).dtype} returned {type(got).__name__}, not {type(want).__name__}"
    if (math.isnan(want) and math.isnan(got)) or got == want:
        return None
    return f"{op} {got!r} != {want!r}"


def check_dot(a, b, got):
    """dot: integers exact modulo 2**64; floats and complex (per component)
    within (4 (log2 n + 1) + 1) eps sum|a*b| of the exact sum of the products."""
    a, b = np.asarray(a).ravel(), np.asarray(b).ravel()
    pytype = {"i": int, "u": int, "f": float, "c": complex}[a.dtype.kind]
    if type(got) is not pytype:
        return f"dot of {a.dtype} returned {type(got).__name__}, not {pytype.__name__}"
    if a.dtype.kind in "iu":
        want = answer("dot", a, b)
        return None if got == want else f"dot {got} != {want}"
    fi = np.finfo(_real_dtype(a.dtype))
    # Products in double (exact for f32, one rounding for f64, which the +1
    # of the bound covers); for complex each component is a sum of two
    # products, whose error scales with both magnitudes.
    with np.errstate(all="ignore"):
        if a.dtype.kind == "c":
            ar, ai = a.real.astype(np.float64), a.imag.astype(np.float64)
            br, bi = b.real.astype(np.float64), b.imag.astype(np.float64)
            parts = [((ar * br, -(ai * bi)), got.real), ((ar * bi, ai * br), got.imag)]
        else:
            parts = [((a.astype(np.float64) * b.astype(np.float64),), got)]
    n = max(len(a), 1)
    rel = (4 * (math.log2(n) + 1) + 1) * float(fi.eps)
    for terms, g in parts:
        vals = [float(v) for t in terms for v in t]
        if not all(math.isfinite(v) for v in vals):
            continue  # non-finite products: no bound promised
        try:
            abs_sum = math.fsum(abs(v) for v in vals)
            exact = math.fsum(vals)
        except OverflowError:
            continue
        if abs_sum > float(fi.max) / 2:
            continue  # partial sums may overflow: no bound promised
        # A product that underflows loses up to half a subnormal, which no
        # relative bound covers.
        bound = rel * abs_sum + len(vals) * float(fi.smallest_subnormal)
        if not (abs(g - exact) <= bound):
            return f"dot {got!r}: {g!r} is {abs(g - exact)!r} from {exact!r}, beyond {bound!r} (n={len(a)})"
    return None


def check(op, got, a, b=None, k=None):
    """Whether got is an acceptable answer of op on a (and b, or the
    converted scalar k): None, or what is wrong. a and b are the operands'
    values before the call; for an elementwise op got is the result array."""
    if op == "sum":
        return check_sum(a, got)
    if op in ("min", "max"):
        return check_extreme(op, a, got)
    if op == "dot":
        return check_dot(a, b, got)
    return check_elementwise(op, got, a, b, k)


def int_sum(a):
    """NumPy's answer for an integer sum: int64 (signed) or uint64 (unsigned)
    with wraparound, as a Python int."""
    total = sum(int(v) for v in np.asarray(a).ravel().tolist()) % (1 << 64)
    if kind(a.dtype) == "sint" and total >= 1 << 63:
        total -= 1 << 64
    return total


def _fsum_part(vals, eps, fmax):
    """Checks one real sum: returns a predicate on the value bufkern gave."""
    vals = [float(v) for v in vals]
    n = len(vals)
    if n == 0:
        return lambda g: g == 0 and math.copysign(1.0, g) == 1.0
    has_nan = any(math.isnan(v) for v in vals)
    pinf = any(v == math.inf for v in vals)
    ninf = any(v == -math.inf for v in vals)
    finite = [v for v in vals if math.isfinite(v)]
    try:
        abs_sum = math.fsum(abs(v) for v in finite)
    except OverflowError:
        abs_sum = math.inf
    try:
        exact = math.fsum(finite)
    except OverflowError:  # beyond the range of a double: exactly, then rounded
        f = sum(fractions.Fraction(v) for v in finite)
        try:
            exact = float(f)
        except OverflowError:
            exact = math.inf if f > 0 else -math.inf
    rel = 4 * (math.log2(n) + 1) * eps
    bound = rel * abs_sum
    safe = abs_sum * (1 + rel) < fmax * (1 - 4 * eps)
    all_negzero = all(v == 0 and math.copysign(1.0, v) < 0 for v in vals)
    if has_nan or (pinf and ninf):
        return math.isnan
    if not safe:  # partial sums may overflow: only finite answers are checked
        return lambda g: not math.isfinite(g) or abs(g - exact) <= bound
    if pinf or ninf:
        want = math.inf if pinf else -math.inf
        return lambda g: g == want

    def ok(g):
        if not math.isfinite(g) or abs(g - exact) > bound:
            return False
        if g == 0:  # -0 exactly when every addend is -0
            return (math.copysign(1.0, g) < 0) == all_negzero
        return True

    return ok


def check_sum(a, got):
    """Whether got is an acceptable bufkern.sum(a) by the SPEC; a is a NumPy
    array of one of the 12 dtypes. Returns an error string or None."""
    a = np.asarray(a)
    k = kind(a.dtype)
    if k in ("sint", "uint"):
        if type(got) is not int:
            return f"sum of {a.dtype} returned {type(got).__name__}, not int"
        want = int_sum(a)
        return None if got == want else f"sum {got} != {want}"
    if k == "float":
        if type(got) is not float:
            return f"sum of {a.dtype} returned {type(got).__name__}, not float"
        eps = float(np.finfo(a.dtype).eps)
        fmax = float(np.finfo(a.dtype).max)
        ok = _fsum_part(a.ravel().tolist(), eps, fmax)
        return None if ok(got) else f"sum {got!r} outside the SPEC bound (n={a.size})"
    if type(got) is not complex:
        return f"sum of {a.dtype} returned {type(got).__name__}, not complex"
    rt = np.float32 if a.dtype == np.complex64 else np.float64
    eps, fmax = float(np.finfo(rt).eps), float(np.finfo(rt).max)
    flat = a.ravel()
    # The SPEC's bound uses sum(|a|) (moduli) for each component.
    mod = [math.hypot(v.real, v.imag) for v in flat.tolist()]
    for part, g in (("real", got.real), ("imag", got.imag)):
        vals = getattr(flat, part).tolist()
        ok = _fsum_part(vals, eps, fmax)
        if not ok(g):
            # Retry with the (larger) bound of moduli for finite inputs.
            if all(math.isfinite(m) for m in mod) and math.isfinite(g) and vals:
                try:
                    bound = 4 * (math.log2(len(vals)) + 1) * eps * math.fsum(mod)
                    if abs(g - math.fsum(vals)) <= bound:
                        continue
                except OverflowError:  # sums beyond a double: the bound is infinite
                    continue
            return f"sum {got!r}: {part} part outside the SPEC bound (n={a.size})"
    return None
