"""NumPy as the oracle for bufkern, following SPEC.md rule by rule.

Shared by the Python fuzzer, the thread stress test and the huge-array test.
Nothing here imports bufkern: this is what the answer *should* be.
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


def complex_mul_ok(got, x, y):
    """SPEC: within 2 ulp of the larger component of NumPy's answer where both
    answers are finite; elsewhere (overflow, inf, NaN, where NumPy's fused
    multiply-adds and the formula part ways) the formula's answer, bit-exact
    up to NaN. Returns the flat indices of the elements that fail."""
    got = np.ascontiguousarray(got).ravel()
    formula = complex_mul_formula(x, y).ravel()
    with np.errstate(all="ignore"):
        npy = (np.asarray(x) * np.asarray(y, dtype=np.asarray(x).dtype)).ravel()
    rt = np.float32 if got.dtype == np.complex64 else np.float64
    ui = np.uint32 if rt == np.float32 else np.uint64
    same = np.ones(got.shape, bool)
    for part in ("real", "imag"):
        g = np.ascontiguousarray(getattr(got, part))
        f = np.ascontiguousarray(getattr(formula, part))
        same &= (g.view(ui) == f.view(ui)) | (np.isnan(g) & np.isnan(f))
    with np.errstate(all="ignore"):
        big = np.maximum(np.abs(npy.real), np.abs(npy.imag)).astype(rt)
        tol = 2 * np.spacing(big)
        close = (np.abs(got.real - npy.real) <= tol) & (np.abs(got.imag - npy.imag) <= tol)
    finite = (np.isfinite(npy.real) & np.isfinite(npy.imag) & np.isfinite(got.real)
              & np.isfinite(got.imag))
    ok = np.where(finite, close, same)
    return np.nonzero(~ok)[0]


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
