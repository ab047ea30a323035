/*
 * scalar.c - Python numbers to and from single elements (SPEC "Scalars").
 *
 *   integer dtypes: anything with __index__ (bools too) in the dtype's range,
 *                   else OverflowError; floats and complex numbers: TypeError.
 *   float dtypes:   any real number (__index__ or __float__), rounded once to
 *                   the dtype; an int too large for it: OverflowError;
 *                   anything complex-valued: TypeError.
 *   complex dtypes: any number.
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

static int bkpy_wrong_kind(PyObject *obj, bk_dtype dt, const char *want) {
    PyErr_Format(PyExc_TypeError, "%s %s array needs %s, got %.200s", bkpy_article(dt),
                 bk_dtype_name(dt), want, Py_TYPE(obj)->tp_name);
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
 * An int to a real of the given width (4 or 8 bytes), rounded once. Ints of
 * up to 64 bits convert in hardware (one rounding). Larger ones: f64 through
 * PyLong_AsDouble (correctly rounded); f32 by rounding to 53 bits "to odd"
 * first, which makes the later rounding to 24 bits the correctly rounded one.
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
    if (width == 8) {
        double d = PyLong_AsDouble(v);
        if (d == -1.0 && PyErr_Occurred()) {
            if (!PyErr_ExceptionMatches(PyExc_OverflowError))
                return -1;
            PyErr_Clear();
            return bkpy_out_of_range(v, dt);
        }
        *out = d;
        return 0;
    }
    /* f32 and |v| >= 2^63 */
    int rc = -1;
    PyObject *mag = NULL, *bits = NULL, *k = NULL, *y = NULL, *back = NULL;
    mag = PyNumber_Absolute(v);
    if (!mag)
        goto done;
    bits = PyObject_CallMethod(mag, "bit_length", NULL);
    if (!bits)
        goto done;
    long nbits = PyLong_AsLong(bits);
    if (nbits == -1 && PyErr_Occurred())
        goto done;
    if (nbits > 200) { /* far beyond FLT_MAX ~ 2^128 */
        rc = bkpy_out_of_range(v, dt);
        goto done;
    }
    k = PyLong_FromLong(nbits - 53);
    if (!k)
        goto done;
    y = PyNumber_Rshift(mag, k);
    if (!y)
        goto done;
    back = PyNumber_Lshift(y, k);
    if (!back)
        goto done;
    unsigned long long m = PyLong_AsUnsignedLongLong(y);
    if (m == (unsigned long long)-1 && PyErr_Occurred())
        goto done;
    int exact = PyObject_RichCompareBool(back, mag, Py_EQ);
    if (exact < 0)
        goto done;
    if (!exact)
        m |= 1; /* sticky bit: round to odd */
    float f = (float)ldexp((double)m, (int)(nbits - 53));
    if (isinf(f)) {
        rc = bkpy_out_of_range(v, dt);
        goto done;
    }
    *out = ovf < 0 ? -(double)f : (double)f;
    rc = 0;
done:
    Py_XDECREF(mag);
    Py_XDECREF(bits);
    Py_XDECREF(k);
    Py_XDECREF(y);
    Py_XDECREF(back);
    return rc;
}

/* An object with __index__ (not a float) as an exact int, or NULL. */
static PyObject *bkpy_as_index(PyObject *obj) {
    if (PyLong_Check(obj))
        return Py_NewRef(obj);
    if (!PyFloat_Check(obj) && PyIndex_Check(obj))
        return PyNumber_Index(obj);
    return NULL; /* no error set: not an integer */
}

/* A real number as a double (ints rounded once to the width's precision). */
static int bkpy_to_real(PyObject *obj, bk_dtype dt, int width, double *out) {
    if (PyFloat_CheckExact(obj)) {
        *out = PyFloat_AS_DOUBLE(obj);
        return 0;
    }
    PyObject *idx = bkpy_as_index(obj);
    if (idx) {
        int rc = bkpy_long_to_real(idx, width, dt, out);
        Py_DECREF(idx);
        return rc;
    }
    if (PyErr_Occurred())
        return -1;
    if (PyFloat_Check(obj)) {
        *out = PyFloat_AS_DOUBLE(obj);
        return 0;
    }
    if (bkpy_is_complex_valued(obj))
        return bkpy_wrong_kind(obj, dt, "a real number (not complex)");
    PyNumberMethods *nb = Py_TYPE(obj)->tp_as_number;
    if (!nb || !nb->nb_float)
        return bkpy_wrong_kind(obj, dt, "a real number");
    double d = PyFloat_AsDouble(obj);
    if (d == -1.0 && PyErr_Occurred())
        return -1;
    *out = d;
    return 0;
}

int bkpy_scalar_to_elem(PyObject *obj, bk_dtype dt, bkpy_elem *out) {
    switch (dt) {
    case BK_F32:
    case BK_F64: {
        double d;
        if (bkpy_to_real(obj, dt, dt == BK_F32 ? 4 : 8, &d) < 0)
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
        if (PyComplex_Check(obj)) {
            Py_complex c = PyComplex_AsCComplex(obj);
            if (c.real == -1.0 && PyErr_Occurred())
                return -1;
            re = c.real, im = c.imag;
        } else if (PyFloat_Check(obj) || PyLong_Check(obj) ||
                   (PyIndex_Check(obj) && !bkpy_is_complex_valued(obj))) {
            if (bkpy_to_real(obj, dt, width, &re) < 0)
                return -1;
        } else {
            PyNumberMethods *nb = Py_TYPE(obj)->tp_as_number;
            if (!(nb && nb->nb_float) && !PyObject_HasAttrString(obj, "__complex__"))
                return bkpy_wrong_kind(obj, dt, "a number");
            Py_complex c = PyComplex_AsCComplex(obj);
            if (c.real == -1.0 && PyErr_Occurred())
                return -1;
            re = c.real, im = c.imag;
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
        if (PyFloat_Check(obj) || bkpy_is_complex_valued(obj))
            return bkpy_wrong_kind(obj, dt, "an int");
        PyObject *idx = bkpy_as_index(obj);
        if (!idx) {
            if (PyErr_Occurred())
                return -1;
            return bkpy_wrong_kind(obj, dt, "an int");
        }
        int rc = bkpy_long_to_int(idx, dt, out);
        Py_DECREF(idx);
        return rc;
    }
    }
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
