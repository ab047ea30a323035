/*
 * scalar.c - Python numbers to and from single elements (SPEC "Scalars").
 *
 *   integer dtypes: anything with __index__ (bools too) in the dtype's range,
 *                   else OverflowError; floats and complex numbers: TypeError.
 *   float dtypes:   any real number (__index__ or __float__), rounded once to
 *                   the dtype: exactly where the number has an exact value
 *                   (ints; as_integer_ratio() of Fraction and Decimal),
 *                   else from the double __float__ gives; a finite value
 *                   beyond the dtype's range: OverflowError (inf and nan
 *                   pass); anything complex-valued: TypeError.
 *   complex dtypes: any number, each part by the rules of float dtypes.
 *   A 0-d buffer (NumPy's 0-d arrays and scalars) is the number it holds.
 */
#include "bkpy.h"

#include <float.h>
#include <math.h>
#include <string.h>

/* Python complex, NumPy complex scalars (found through their MRO by name, so
 * NumPy is never imported), or any object that is complex and nothing else. */
static int bkpy_is_complex_valued(PyObject *obj) {
    if (PyComplex_Check(obj))
        return 1;
    PyObject *mro = Py_TYPE(obj)->tp_mro;
    if (mro && PyTuple_Check(mro)) {
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(mro); i++) {
            PyTypeObject *t = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
            if (strcmp(t->tp_name, "numpy.complexfloating") == 0)
                return 1;
        }
    }
    PyNumberMethods *nb = Py_TYPE(obj)->tp_as_number;
    int real_like = nb && (nb->nb_float || nb->nb_index);
    return !real_like && PyObject_HasAttrString(obj, "__complex__");
}

/* obj: what the user gave; v: the number it stands for (obj itself, or the
 * element of a 0-d buffer). */
static int bkpy_wrong_kind(PyObject *obj, PyObject *v, bk_dtype dt, const char *want) {
    if (v == obj)
        PyErr_Format(PyExc_TypeError, "%s %s array needs %s, got %.200s", bkpy_article(dt),
                     bk_dtype_name(dt), want, Py_TYPE(obj)->tp_name);
    else
        PyErr_Format(PyExc_TypeError, "%s %s array needs %s, got %.200s (0-d, holding %.200s)",
                     bkpy_article(dt), bk_dtype_name(dt), want, Py_TYPE(obj)->tp_name,
                     Py_TYPE(v)->tp_name);
    return -1;
}

static int bkpy_out_of_range(PyObject *v, bk_dtype dt) {
    PyErr_Format(PyExc_OverflowError, "value %R is out of range for %s", v, bk_dtype_name(dt));
    return -1;
}

/* An int (already an exact PyLong) to an integer element. */
static int bkpy_long_to_int(PyObject *v, bk_dtype dt, bkpy_elem *out) {
    int ovf = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &ovf);
    if (x == -1 && !ovf && PyErr_Occurred())
        return -1;
    switch (dt) {
#define BKPY_SIGNED(ENUM, field, T, MIN, MAX)                                  \
    case ENUM:                                                                 \
        if (ovf || x < (MIN) || x > (MAX))                                     \
            return bkpy_out_of_range(v, dt);                                   \
        out->field = (T)x;                                                     \
        return 0;
        BKPY_SIGNED(BK_I8, i8, int8_t, INT8_MIN, INT8_MAX)
        BKPY_SIGNED(BK_I16, i16, int16_t, INT16_MIN, INT16_MAX)
        BKPY_SIGNED(BK_I32, i32, int32_t, INT32_MIN, INT32_MAX)
        BKPY_SIGNED(BK_I64, i64, int64_t, INT64_MIN, INT64_MAX)
#undef BKPY_SIGNED
    default:
        break;
    }
    /* Unsigned. */
    if (ovf < 0 || (!ovf && x < 0))
        return bkpy_out_of_range(v, dt);
    unsigned long long u = (unsigned long long)x;
    if (ovf) {
        u = PyLong_AsUnsignedLongLong(v);
        if (u == (unsigned long long)-1 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError))
                return -1;
            PyErr_Clear();
            return bkpy_out_of_range(v, dt);
        }
    }
    switch (dt) {
#define BKPY_UNSIGNED(ENUM, field, T, MAX)                                     \
    case ENUM:                                                                 \
        if (u > (MAX))                                                         \
            return bkpy_out_of_range(v, dt);                                   \
        out->field = (T)u;                                                     \
        return 0;
        BKPY_UNSIGNED(BK_U8, u8, uint8_t, UINT8_MAX)
        BKPY_UNSIGNED(BK_U16, u16, uint16_t, UINT16_MAX)
        BKPY_UNSIGNED(BK_U32, u32, uint32_t, UINT32_MAX)
        BKPY_UNSIGNED(BK_U64, u64, uint64_t, UINT64_MAX)
#undef BKPY_UNSIGNED
    default:
        PyErr_SetString(PyExc_SystemError, "bufkern: not an integer dtype");
        return -1;
    }
}

/*
 * A finite real number beyond f32's range is an OverflowError, as an int too
 * large for the dtype is (one rule for every real, SPEC "Scalars"); inf and
 * nan themselves pass. d is already the double of which (float)d is the
 * value once rounded; f64 needs no check (every finite double fits).
 */
static int bkpy_fit_width(double d, int width, PyObject *v, bk_dtype dt, double *out) {
    /* From halfway between FLT_MAX and 2^128 on, f32 rounds to inf. */
    if (width == 4 && isfinite(d) && fabs(d) >= 0x1.ffffffp127)
        return bkpy_out_of_range(v, dt);
    *out = d;
    return 0;
}

/* The sign of an int: -1, 0 or 1; -2 with an error set. */
static int bkpy_long_sign(PyObject *x) {
    PyObject *zero = PyLong_FromLong(0);
    if (!zero)
        return -2;
    const int lt = PyObject_RichCompareBool(x, zero, Py_LT);
    const int gt = lt ? 0 : PyObject_RichCompareBool(x, zero, Py_GT);
    Py_DECREF(zero);
    return lt < 0 || gt < 0 ? -2 : lt ? -1 : gt;
}

/* x.bit_length() of an int, or -1 with an error set. */
static long long bkpy_bit_length(PyObject *x) {
    PyObject *bits = PyObject_CallMethod(x, "bit_length", NULL);
    if (!bits)
        return -1;
    long long n = PyLong_AsLongLong(bits);
    Py_DECREF(bits);
    return n;
}

/*
 * The exact rational num/den (den > 0) rounded once to a real of the width
 * (4 or 8 bytes), as a double (see bkpy_fit_width). f64: CPython's int true
 * division, which is correctly rounded. f32: the quotient is rounded to 53
 * bits "to odd" first (the lowest bit set when anything was dropped), which
 * makes the later rounding of that double to 24 bits the correctly rounded
 * one, subnormals included.
 */
static int bkpy_ratio_to_real(PyObject *num, PyObject *den, int width, PyObject *v, bk_dtype dt,
                              double *out) {
    if (width == 8) {
        PyObject *q = PyNumber_TrueDivide(num, den);
        if (!q) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError))
                return -1;
            PyErr_Clear();
            return bkpy_out_of_range(v, dt);
        }
        *out = PyFloat_AsDouble(q);
        Py_DECREF(q);
        return *out == -1.0 && PyErr_Occurred() ? -1 : 0;
    }
    int rc = -1;
    PyObject *mag = NULL, *top = NULL, *bottom = NULL, *qr = NULL;
    const int sign = bkpy_long_sign(num);
    if (sign == -2)
        return -1;
    const int negative = sign < 0;
    mag = PyNumber_Absolute(num);
    if (!mag)
        goto done;
    const long long la = bkpy_bit_length(mag), lb = bkpy_bit_length(den);
    if (la < 0 || lb < 0)
        goto done;
    if (la - lb > 200) { /* beyond 2^199, far beyond FLT_MAX ~ 2^128 */
        rc = bkpy_out_of_range(v, dt);
        goto done;
    }
    if (lb - la > 1100) { /* below 2^-1099: zero in f32 after any rounding */
        *out = negative ? -0.0 : 0.0;
        rc = 0;
        goto done;
    }
    /* q = floor(mag * 2^k / den) lies in [2^54, 2^56). */
    const long long k = 55 - (la - lb);
    PyObject *shift = PyLong_FromLongLong(k >= 0 ? k : -k);
    if (!shift)
        goto done;
    top = k >= 0 ? PyNumber_Lshift(mag, shift) : Py_NewRef(mag);
    bottom = k >= 0 ? Py_NewRef(den) : PyNumber_Lshift(den, shift);
    Py_DECREF(shift);
    if (!top || !bottom)
        goto done;
    qr = PyNumber_Divmod(top, bottom);
    if (!qr)
        goto done;
    unsigned long long q = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(qr, 0));
    if (q == (unsigned long long)-1 && PyErr_Occurred())
        goto done;
    const int inexact = PyObject_IsTrue(PyTuple_GET_ITEM(qr, 1));
    if (inexact < 0)
        goto done;
    const int drop = q >> 55 ? 3 : 2; /* down to 53 bits */
    unsigned long long m = q >> drop;
    if (inexact || (q & ((1ull << drop) - 1)))
        m |= 1; /* sticky bit: round to odd */
    const double d = ldexp((double)m, (int)(drop - k));
    rc = bkpy_fit_width(negative ? -d : d, width, v, dt, out);
done:
    Py_XDECREF(mag);
    Py_XDECREF(top);
    Py_XDECREF(bottom);
    Py_XDECREF(qr);
    return rc;
}

/*
 * An int to a real of the given width (4 or 8 bytes), rounded once. Ints of
 * up to 64 bits convert in hardware (one rounding); larger ones as the
 * rational v/1.
 */
static int bkpy_long_to_real(PyObject *v, int width, bk_dtype dt, double *out) {
    int ovf = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &ovf);
    if (x == -1 && !ovf && PyErr_Occurred())
        return -1;
    if (!ovf) {
        *out = width == 4 ? (double)(float)x : (double)x;
        return 0;
    }
    PyObject *one = PyLong_FromLong(1);
    if (!one)
        return -1;
    int rc = bkpy_ratio_to_real(v, one, width, v, dt, out);
    Py_DECREF(one);
    return rc;
}

/*
 * The exact value of a real number that offers as_integer_ratio() (Fraction,
 * Decimal): 1 with *num and *den (den > 0) set, 0 when it has none or is not
 * a finite non-zero number (nan, inf and -0.0 keep what __float__ says), -1
 * on error.
 */
static int bkpy_exact_ratio(PyObject *v, PyObject **num, PyObject **den) {
    PyObject *meth = PyObject_GetAttrString(v, "as_integer_ratio");
    if (!meth) {
        if (!PyErr_ExceptionMatches(PyExc_AttributeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    PyObject *r = PyObject_CallNoArgs(meth);
    Py_DECREF(meth);
    if (!r) {
        /* Decimal's nan and inf: "cannot convert ... to integer ratio" */
        if (!PyErr_ExceptionMatches(PyExc_ValueError) &&
            !PyErr_ExceptionMatches(PyExc_OverflowError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    int ok = PyTuple_Check(r) && PyTuple_GET_SIZE(r) == 2 &&
             PyLong_Check(PyTuple_GET_ITEM(r, 0)) && PyLong_Check(PyTuple_GET_ITEM(r, 1));
    if (ok) {
        const int nsign = bkpy_long_sign(PyTuple_GET_ITEM(r, 0));
        const int dsign = bkpy_long_sign(PyTuple_GET_ITEM(r, 1));
        if (nsign == -2 || dsign == -2) {
            Py_DECREF(r);
            return -1;
        }
        ok = nsign != 0 && dsign > 0;
    }
    if (ok) {
        *num = Py_NewRef(PyTuple_GET_ITEM(r, 0));
        *den = Py_NewRef(PyTuple_GET_ITEM(r, 1));
    }
    Py_DECREF(r);
    return ok;
}

/* v's exact value (see bkpy_exact_ratio) rounded once to the width: 1 when
 * done, 0 when v has no exact value, -1 on error. */
static int bkpy_exact_to_real(PyObject *v, int width, bk_dtype dt, double *out) {
    PyObject *num = NULL, *den = NULL;
    const int exact = bkpy_exact_ratio(v, &num, &den);
    if (exact <= 0)
        return exact;
    int rc = bkpy_ratio_to_real(num, den, width, v, dt, out);
    Py_DECREF(num);
    Py_DECREF(den);
    return rc < 0 ? -1 : 1;
}

/* An object with __index__ (not a float) as an exact int, or NULL. */
static PyObject *bkpy_as_index(PyObject *obj) {
    if (PyLong_Check(obj))
        return Py_NewRef(obj);
    if (!PyFloat_Check(obj) && PyIndex_Check(obj))
        return PyNumber_Index(obj);
    return NULL; /* no error set: not an integer */
}

/* A real number as a double, rounded once to the width's precision (see
 * bkpy_fit_width). obj names the scalar in messages. */
static int bkpy_to_real(PyObject *v, PyObject *obj, bk_dtype dt, int width, double *out) {
    if (PyFloat_Check(v))
        return bkpy_fit_width(PyFloat_AS_DOUBLE(v), width, v, dt, out);
    PyObject *idx = bkpy_as_index(v);
    if (idx) {
        int rc = bkpy_long_to_real(idx, width, dt, out);
        Py_DECREF(idx);
        return rc;
    }
    if (PyErr_Occurred())
        return -1;
    if (bkpy_is_complex_valued(v))
        return bkpy_wrong_kind(obj, v, dt, "a real number (not complex)");
    PyNumberMethods *nb = Py_TYPE(v)->tp_as_number;
    if (!nb || !nb->nb_float)
        return bkpy_wrong_kind(obj, v, dt, "a real number");
    const int exact = bkpy_exact_to_real(v, width, dt, out);
    if (exact != 0)
        return exact < 0 ? -1 : 0;
    /* Known only through __float__: already rounded to a double. */
    double d = PyFloat_AsDouble(v);
    if (d == -1.0 && PyErr_Occurred())
        return -1;
    return bkpy_fit_width(d, width, v, dt, out);
}

/*
 * NumPy's 0-d arrays and scalars are 0-d buffers: the scalar is the one
 * element they hold, as the Python number it is (np.array(2.5) is a float,
 * so a TypeError for integer arrays as 2.5 is; np.True_ is a bool). NumPy is
 * never imported: any exporter of a 0-d buffer of a bufkern dtype or of bool
 * qualifies, and of NumPy's other float formats (half, long double: through
 * its __float__ / __complex__, i.e. rounded to a double on the way).
 * Returns 1 with *num set, 0 when obj is not such a buffer, -1 on error.
 */
static int bkpy_unwrap_0d(PyObject *obj, PyObject **num) {
    if (PyLong_CheckExact(obj) || PyFloat_CheckExact(obj) || PyComplex_CheckExact(obj) ||
        !PyObject_CheckBuffer(obj))
        return 0;
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_RECORDS_RO) < 0) {
        /* A refusal means "not a 0-d buffer"; anything else is the caller's. */
        if (!PyErr_ExceptionMatches(PyExc_BufferError) &&
            !PyErr_ExceptionMatches(PyExc_ValueError) && !PyErr_ExceptionMatches(PyExc_TypeError))
            return -1;
        PyErr_Clear();
        return 0;
    }
    int rc = 0;
    bkpy_arr arr;
    if (view.ndim != 0) {
        rc = 0;
    } else if (bkpy_arr_from_buffer(&view, &arr) == 0) {
        *num = bkpy_elem_to_object(arr.buf, arr.dtype);
        rc = *num ? 1 : -1;
    } else {
        PyErr_Clear(); /* not a bufkern dtype: perhaps one of NumPy's others */
        const char *fmt = view.format ? view.format : "B";
        if (*fmt && strchr("@=<>!^", *fmt))
            fmt++;
        if (strcmp(fmt, "?") == 0 && view.itemsize == 1) {
            *num = PyBool_FromLong(*(const unsigned char *)view.buf != 0);
            rc = 1;
        } else if (strcmp(fmt, "e") == 0 || strcmp(fmt, "g") == 0) {
            *num = PyNumber_Float(obj);
            rc = *num ? 1 : -1;
        } else if (fmt[0] == 'Z' && (fmt[1] == 'e' || fmt[1] == 'g') && !fmt[2]) {
            Py_complex c = PyComplex_AsCComplex(obj);
            *num = c.real == -1.0 && PyErr_Occurred() ? NULL : PyComplex_FromCComplex(c);
            rc = *num ? 1 : -1;
        }
    }
    PyBuffer_Release(&view);
    return rc;
}

/* Converts v, the number that obj (what the user gave) stands for. */
static int bkpy_number_to_elem(PyObject *v, PyObject *obj, bk_dtype dt, bkpy_elem *out) {
    switch (dt) {
    case BK_F32:
    case BK_F64: {
        double d;
        if (bkpy_to_real(v, obj, dt, dt == BK_F32 ? 4 : 8, &d) < 0)
            return -1;
        if (dt == BK_F32)
            out->f32 = (float)d;
        else
            out->f64 = d;
        return 0;
    }
    case BK_C64:
    case BK_C128: {
        const int width = dt == BK_C64 ? 4 : 8;
        double re, im = 0.0;
        int done = 1; /* re holds the number */
        if (PyFloat_Check(v) || PyLong_Check(v) ||
            (PyIndex_Check(v) && !bkpy_is_complex_valued(v))) {
            if (bkpy_to_real(v, obj, dt, width, &re) < 0)
                return -1;
        } else {
            PyNumberMethods *nb = Py_TYPE(v)->tp_as_number;
            if (!PyComplex_Check(v) && !(nb && nb->nb_float) &&
                !PyObject_HasAttrString(v, "__complex__"))
                return bkpy_wrong_kind(obj, v, dt, "a number");
            /* A real with an exact value (Fraction: its __complex__ would
             * round it to a double first) is rounded once, as for floats. */
            done = bkpy_is_complex_valued(v) ? 0 : bkpy_exact_to_real(v, width, dt, &re);
            if (done < 0)
                return -1;
        }
        if (!done) {
            Py_complex c = PyComplex_AsCComplex(v);
            if (c.real == -1.0 && PyErr_Occurred())
                return -1;
            if (bkpy_fit_width(c.real, width, v, dt, &re) < 0 ||
                bkpy_fit_width(c.imag, width, v, dt, &im) < 0)
                return -1;
        }
        if (dt == BK_C64) {
            out->c64.re = (float)re;
            out->c64.im = (float)im;
        } else {
            out->c128.re = re;
            out->c128.im = im;
        }
        return 0;
    }
    default: { /* integers */
        if (PyFloat_Check(v) || bkpy_is_complex_valued(v))
            return bkpy_wrong_kind(obj, v, dt, "an int");
        PyObject *idx = bkpy_as_index(v);
        if (!idx) {
            if (PyErr_Occurred())
                return -1;
            return bkpy_wrong_kind(obj, v, dt, "an int");
        }
        int rc = bkpy_long_to_int(idx, dt, out);
        Py_DECREF(idx);
        return rc;
    }
    }
}

int bkpy_scalar_to_elem(PyObject *obj, bk_dtype dt, bkpy_elem *out) {
    PyObject *num = NULL;
    const int unwrapped = bkpy_unwrap_0d(obj, &num);
    if (unwrapped < 0)
        return -1;
    int rc = bkpy_number_to_elem(unwrapped ? num : obj, obj, dt, out);
    Py_XDECREF(num);
    return rc;
}

PyObject *bkpy_elem_to_object(const void *p, bk_dtype dt) {
    bkpy_elem e;
    memcpy(&e, p, bk_dtype_size(dt));
    switch (dt) {
    case BK_F32:
        return PyFloat_FromDouble(e.f32);
    case BK_F64:
        return PyFloat_FromDouble(e.f64);
    case BK_I8:
        return PyLong_FromLong(e.i8);
    case BK_I16:
        return PyLong_FromLong(e.i16);
    case BK_I32:
        return PyLong_FromLong(e.i32);
    case BK_I64:
        return PyLong_FromLongLong(e.i64);
    case BK_U8:
        return PyLong_FromUnsignedLong(e.u8);
    case BK_U16:
        return PyLong_FromUnsignedLong(e.u16);
    case BK_U32:
        return PyLong_FromUnsignedLong(e.u32);
    case BK_U64:
        return PyLong_FromUnsignedLongLong(e.u64);
    case BK_C64:
        return PyComplex_FromDoubles(e.c64.re, e.c64.im);
    case BK_C128:
        return PyComplex_FromDoubles(e.c128.re, e.c128.im);
    default:
        PyErr_SetString(PyExc_SystemError, "bufkern: invalid dtype");
        return NULL;
    }
}

PyObject *bkpy_sum_to_object(const void *p, bk_dtype dt) {
    switch (dt) {
    case BK_I8:
    case BK_I16:
    case BK_I32:
    case BK_I64:
        return bkpy_elem_to_object(p, BK_I64);
    case BK_U8:
    case BK_U16:
    case BK_U32:
    case BK_U64:
        return bkpy_elem_to_object(p, BK_U64);
    default: /* float and complex sums have the element type */
        return bkpy_elem_to_object(p, dt);
    }
}
