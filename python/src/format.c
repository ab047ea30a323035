/*
 * format.c - the one place that turns a Py_buffer into what the kernels need:
 * dtype, ndim, shape, strides, pointer, read-only flag.
 *
 * Accepted formats (SPEC "Dtypes"): f d Zf Zd and the integer codes
 * b h i q / B H I Q (1, 2, 4, 8 bytes) and l n / L N (4 or 8 bytes, mapped
 * by their size), each only with its itemsize, in native byte order: no
 * prefix, '@', or '=' / '<' on little-endian ('>' / '!' on big-endian),
 * or NumPy's '^' (native order, unaligned: bufkern needs no alignment; NumPy
 * uses it for unaligned long doubles). One-byte formats take any prefix.
 * Everything else is a TypeError that names the format and says why.
 */
#include "bkpy.h"

#include <string.h>

#if PY_LITTLE_ENDIAN
#define BKPY_NATIVE_PREFIXES "@=<^"
#define BKPY_FOREIGN_PREFIXES ">!"
#else
#define BKPY_NATIVE_PREFIXES "@=>!^"
#define BKPY_FOREIGN_PREFIXES "<"
#endif

static const char *const bkpy_formats[BK_NDTYPES] = {
    [BK_F32] = "f", [BK_F64] = "d",  [BK_I8] = "b",  [BK_I16] = "h",   [BK_I32] = "i",
    [BK_I64] = "q", [BK_U8] = "B",   [BK_U16] = "H", [BK_U32] = "I",   [BK_U64] = "Q",
    [BK_C64] = "Zf", [BK_C128] = "Zd",
};

const char *bkpy_dtype_format(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bkpy_formats[dt] : NULL;
}

static int bkpy_int_dtype(int is_signed, Py_ssize_t size, bk_dtype *out) {
    switch (size) {
    case 1:
        *out = is_signed ? BK_I8 : BK_U8;
        return 0;
    case 2:
        *out = is_signed ? BK_I16 : BK_U16;
        return 0;
    case 4:
        *out = is_signed ? BK_I32 : BK_U32;
        return 0;
    case 8:
        *out = is_signed ? BK_I64 : BK_U64;
        return 0;
    default:
        return -1;
    }
}

/*
 * An integer code with the itemsize the exporter gave: the dtype, or -1 if c
 * is not an integer code or the itemsize is not one c can have. b h i q have
 * one size; l and n differ between platforms (and l between native and
 * standard sizes), so they map by their size. Both format paths use this:
 * ctypes exports unions and packed structs as 'B' with the whole item's size,
 * which must not pass for u16/u32/u64.
 */
static int bkpy_int_code(char c, Py_ssize_t itemsize, bk_dtype *out) {
    Py_ssize_t want;
    switch (c) {
    case 'b':
    case 'B':
        want = 1;
        break;
    case 'h':
    case 'H':
        want = 2;
        break;
    case 'i':
    case 'I':
        want = 4;
        break;
    case 'q':
    case 'Q':
        want = 8;
        break;
    case 'l':
    case 'L':
    case 'n':
    case 'N':
        want = itemsize == 4 || itemsize == 8 ? itemsize : -1;
        break;
    default:
        return -1;
    }
    if (itemsize != want)
        return -1;
    return bkpy_int_dtype(c >= 'a', itemsize, out);
}

static int bkpy_bad_format(const char *fmt, const char *why) {
    PyErr_Format(PyExc_TypeError, "unsupported buffer format '%s': %s", fmt, why);
    return -1;
}

/* The dtype of a format string and itemsize, or -1 with TypeError. */
static int bkpy_parse_format(const char *fmt, Py_ssize_t itemsize, bk_dtype *out) {
    const char *p = fmt;
    int foreign = 0;
    if (*p && strchr(BKPY_NATIVE_PREFIXES, *p))
        p++;
    else if (*p && strchr(BKPY_FOREIGN_PREFIXES, *p)) {
        foreign = 1;
        p++;
    }
    /* The code is one character, or 'Z' and one character. */
    char c = p[0], z = 0;
    if (c == 'Z') {
        z = p[1];
        if (z && p[2])
            goto composite;
    } else if (c && p[1])
        goto composite;
    if (!c)
        return bkpy_bad_format(fmt, "empty format");

    int is_int = 1;
    bk_dtype dt = BK_NDTYPES;
    Py_ssize_t want = 0; /* the itemsize of a float or complex code */
    switch (c) {
    case 'b':
    case 'B':
    case 'h':
    case 'H':
    case 'i':
    case 'I':
    case 'l':
    case 'L':
    case 'q':
    case 'Q':
    case 'n':
    case 'N':
        break;
    case 'f':
        is_int = 0, dt = BK_F32, want = 4;
        break;
    case 'd':
        is_int = 0, dt = BK_F64, want = 8;
        break;
    case 'Z':
        is_int = 0;
        if (z == 'f')
            dt = BK_C64, want = 8;
        else if (z == 'd')
            dt = BK_C128, want = 16;
        else if (z == 'g')
            return bkpy_bad_format(fmt, "long double complex is not supported "
                                        "(use complex64 or complex128)");
        else
            return bkpy_bad_format(fmt, "not a supported complex format");
        break;
    case '?':
        return bkpy_bad_format(fmt, "bool arrays are not supported (use u8)");
    case 'e':
        return bkpy_bad_format(fmt, "half-precision floats are not supported (use f32)");
    case 'g':
        return bkpy_bad_format(fmt, "long double is not supported (use f64)");
    case 'P':
        return bkpy_bad_format(fmt, "pointers are not numbers");
    case 'O':
        return bkpy_bad_format(fmt, "arrays of Python objects are not supported");
    case 'c':
    case 's':
    case 'p':
        return bkpy_bad_format(fmt, "character data is not numeric (use u8 or i8)");
    default:
        return bkpy_bad_format(fmt, "not one of the formats of the 12 bufkern dtypes");
    }
    if (is_int ? bkpy_int_code(c, itemsize, &dt) < 0 : itemsize != want) {
        PyErr_Format(PyExc_TypeError,
                     "unsupported buffer format '%s': itemsize %zd does not match the format",
                     fmt, itemsize);
        return -1;
    }
    if (foreign && itemsize != 1)
        return bkpy_bad_format(fmt, "non-native byte order (only native byte order is "
                                    "supported; byteswap the data first)");
    *out = dt;
    return 0;

composite:
    if (strchr(fmt, '{') || strchr(fmt, ':') || strchr(fmt, '('))
        return bkpy_bad_format(fmt, "structured formats are not supported");
    if (*p >= '0' && *p <= '9')
        return bkpy_bad_format(fmt, "repeat counts are not supported (one number per item)");
    return bkpy_bad_format(fmt, "more than one field per item is not supported");
}

/* Fast path for the common one-character codes: 0 = not handled here. */
static int bkpy_fast_format(const char *fmt, Py_ssize_t itemsize, bk_dtype *out) {
    if (!fmt[0] || fmt[1])
        return 0;
    const char c = fmt[0];
    if (c == 'd' && itemsize == 8)
        *out = BK_F64;
    else if (c == 'f' && itemsize == 4)
        *out = BK_F32;
    else if (bkpy_int_code(c, itemsize, out) < 0)
        return 0; /* the slow path names what is wrong */
    return 1;
}

int bkpy_arr_from_buffer(const Py_buffer *view, bkpy_arr *arr) {
    const char *fmt = view->format ? view->format : "B";
    if (!bkpy_fast_format(fmt, view->itemsize, &arr->dtype) &&
        bkpy_parse_format(fmt, view->itemsize, &arr->dtype) < 0)
        return -1;
    if (view->suboffsets) {
        for (int d = 0; d < view->ndim; d++)
            if (view->suboffsets[d] >= 0) {
                PyErr_SetString(PyExc_TypeError,
                                "buffers with suboffsets (PIL-style arrays) are not supported");
                return -1;
            }
    }
    const int ndim = view->ndim;
    if (ndim < 0 || ndim > BKPY_MAXDIM) {
        PyErr_Format(PyExc_TypeError, "buffer has %d dimensions; at most %d are supported",
                     ndim, BKPY_MAXDIM);
        return -1;
    }
    arr->ndim = ndim;
    arr->readonly = view->readonly != 0;
    arr->itemsize = view->itemsize;
    arr->buf = (char *)view->buf;
    Py_ssize_t n = 1;
    if (view->shape) {
        for (int d = 0; d < ndim; d++) {
            arr->shape[d] = view->shape[d];
            n *= view->shape[d];
        }
    } else if (ndim == 1) {
        arr->shape[0] = n = view->len / view->itemsize;
    } else if (ndim > 1) {
        PyErr_SetString(PyExc_TypeError, "buffer has no shape");
        return -1;
    }
    arr->n = n;
    if (view->strides) {
        /* A plain loop: ndim is small, and an inlined memcpy of a variable
         * size becomes `rep movsq`, whose start-up cost dominated a call. */
        for (int d = 0; d < ndim; d++)
            arr->strides[d] = view->strides[d];
    } else { /* C-contiguous */
        Py_ssize_t s = view->itemsize;
        for (int d = ndim - 1; d >= 0; d--) {
            arr->strides[d] = s;
            s *= arr->shape[d];
        }
    }
    return 0;
}

PyObject *bkpy_shape_tuple(const Py_ssize_t *shape, int ndim) {
    PyObject *t = PyTuple_New(ndim);
    if (!t)
        return NULL;
    for (int d = 0; d < ndim; d++) {
        PyObject *x = PyLong_FromSsize_t(shape[d]);
        if (!x) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, d, x);
    }
    return t;
}
