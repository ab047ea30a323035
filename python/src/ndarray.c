/*
 * ndarray.c - a NumPy array read as an operand without the buffer protocol.
 *
 * On small arrays, exporting a buffer is most of a call: NumPy fills a
 * Py_buffer and its format string each time (memoryview(a) alone took
 * 229 ns on the Xeon the README's figures come from, bufkern.sum of 16
 * elements 215 ns in all, np.add of 16 elements 436 ns). An exact
 * numpy.ndarray whose dtype is one of the 12, in native byte order, is read
 * instead from the fields NumPy documents in its C API and has kept at the
 * same offsets from 1.x to 2.x (PyArrayObject_fields: data, nd, dimensions,
 * strides, descr, flags; PyArray_Descr: byteorder, type_num), which is how
 * pybind11 reads arrays without NumPy's headers. Nothing here links against
 * NumPy or imports it. Any other object, subclass, dtype, byte order or flag
 * takes the buffer protocol, so every error and every odd case is the buffer
 * path's; tests/python/test_ndarray_fast.py checks both paths agree.
 */
#include "bkpy.h"

#include <string.h>

/* The leading fields of NumPy's PyArrayObject_fields and PyArray_Descr. */
typedef struct {
    PyObject_HEAD
    char *data;
    int nd;
    Py_ssize_t *dimensions; /* npy_intp is Py_ssize_t */
    Py_ssize_t *strides;
    PyObject *base;
    PyObject *descr;
    int flags;
} bkpy_np_array;

typedef struct {
    PyObject_HEAD
    PyTypeObject *typeobj;
    char kind, type, byteorder, flags_1x; /* flags moved on in 2.x; unused */
    int type_num;
} bkpy_np_descr;

enum {
    BKPY_NPY_WRITEABLE = 0x0400,
    BKPY_NPY_WARN_ON_WRITE = (int)(1u << 31), /* writes warn: NumPy's buffer path says so */
};

/* NumPy's type numbers (NPY_TYPES, fixed since NumPy 1.0) of the 12 dtypes;
 * the C integer types they name take their size from this platform. */
#define BKPY_INT_DTYPE(T, SIGNED)                                              \
    (sizeof(T) == 1   ? (SIGNED ? BK_I8 : BK_U8)                               \
     : sizeof(T) == 2 ? (SIGNED ? BK_I16 : BK_U16)                             \
     : sizeof(T) == 4 ? (SIGNED ? BK_I32 : BK_U32)                             \
                      : (SIGNED ? BK_I64 : BK_U64))
static int bkpy_np_dtype(int type_num, bk_dtype *dt) {
    switch (type_num) {
    case 1: *dt = BK_I8; return 1;
    case 2: *dt = BK_U8; return 1;
    case 3: *dt = BKPY_INT_DTYPE(short, 1); return 1;
    case 4: *dt = BKPY_INT_DTYPE(unsigned short, 0); return 1;
    case 5: *dt = BKPY_INT_DTYPE(int, 1); return 1;
    case 6: *dt = BKPY_INT_DTYPE(unsigned int, 0); return 1;
    case 7: *dt = BKPY_INT_DTYPE(long, 1); return 1;
    case 8: *dt = BKPY_INT_DTYPE(unsigned long, 0); return 1;
    case 9: *dt = BKPY_INT_DTYPE(long long, 1); return 1;
    case 10: *dt = BKPY_INT_DTYPE(unsigned long long, 0); return 1;
    case 11: *dt = BK_F32; return 1;
    case 12: *dt = BK_F64; return 1;
    case 14: *dt = BK_C64; return 1;
    case 15: *dt = BK_C128; return 1;
    default: return 0;
    }
}

/* The type is numpy.ndarray itself: remembered once seen by name. */
static int bkpy_is_ndarray(bkpy_state *st, PyObject *obj) {
    PyTypeObject *t = Py_TYPE(obj);
    if (t == st->ndarray_type)
        return 1;
    if (st->ndarray_type || strcmp(t->tp_name, "numpy.ndarray") != 0 ||
        t->tp_basicsize < (Py_ssize_t)sizeof(bkpy_np_array))
        return 0;
    st->ndarray_type = (PyTypeObject *)Py_NewRef((PyObject *)t);
    return 1;
}

int bkpy_ndarray_read(bkpy_state *st, PyObject *obj, bkpy_arr *arr) {
    if (!bkpy_is_ndarray(st, obj))
        return 0;
    const bkpy_np_array *a = (const bkpy_np_array *)obj;
    const bkpy_np_descr *d = (const bkpy_np_descr *)a->descr;
    bk_dtype dt;
    if (!d || (d->byteorder != '=' && d->byteorder != '|') || !bkpy_np_dtype(d->type_num, &dt) ||
        a->nd < 0 || a->nd > BKPY_MAXDIM || (a->flags & BKPY_NPY_WARN_ON_WRITE))
        return 0;
    arr->dtype = dt;
    arr->ndim = a->nd;
    arr->readonly = !(a->flags & BKPY_NPY_WRITEABLE);
    arr->itemsize = (Py_ssize_t)bk_dtype_size(dt);
    arr->buf = a->data;
    Py_ssize_t n = 1;
    for (int i = 0; i < a->nd; i++) {
        arr->shape[i] = a->dimensions[i];
        arr->strides[i] = a->strides[i];
        n *= a->dimensions[i];
    }
    arr->n = n;
    return 1;
}
