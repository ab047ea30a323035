/*
 * dtype.c - dtypes named by the user.
 *
 * Accepted: the bufkern name ("f64"), the NumPy name ("float64"), and NumPy
 * dtype objects or scalar types, recognised by their .name / __name__ so that
 * NumPy is never imported. Anything else is a TypeError, but what reading
 * those attributes raises (other than their absence) is the caller's.
 */
#include "bkpy.h"

#include <string.h>

static const struct {
    const char *numpy;
    bk_dtype dt;
} bkpy_numpy_names[] = {
    {"float32", BK_F32}, {"float64", BK_F64},     {"int8", BK_I8},     {"int16", BK_I16},
    {"int32", BK_I32},   {"int64", BK_I64},       {"uint8", BK_U8},    {"uint16", BK_U16},
    {"uint32", BK_U32},  {"uint64", BK_U64},      {"complex64", BK_C64},
    {"complex128", BK_C128},
};

static bk_dtype bkpy_dtype_from_name(const char *name) {
    bk_dtype dt = bk_dtype_from_name(name);
    if (dt != BK_NDTYPES)
        return dt;
    for (size_t i = 0; i < sizeof bkpy_numpy_names / sizeof bkpy_numpy_names[0]; i++)
        if (strcmp(bkpy_numpy_names[i].numpy, name) == 0)
            return bkpy_numpy_names[i].dt;
    return BK_NDTYPES;
}

const char *bkpy_article(bk_dtype dt) {
    const char *name = bk_dtype_name(dt);
    /* The letters whose names start with a vowel sound. */
    return name && *name && strchr("aefhilmnorsx", *name) ? "an" : "a";
}

/* An attribute that may be absent: 1 with *out set, 0 if absent, -1 if
 * getting it raised anything else (which the caller must see). */
static int bkpy_optional_attr(PyObject *obj, const char *attr, PyObject **out) {
    *out = PyObject_GetAttrString(obj, attr);
    if (*out)
        return 1;
    if (!PyErr_ExceptionMatches(PyExc_AttributeError))
        return -1;
    PyErr_Clear();
    return 0;
}

/* A NumPy dtype object with non-native byte order ('>' on little-endian):
 * 1 or 0, or -1 with an error set. */
static int bkpy_foreign_byteorder(PyObject *obj) {
    PyObject *bo;
    const int has = bkpy_optional_attr(obj, "byteorder", &bo);
    if (has <= 0)
        return has;
    int foreign = 0;
    if (PyUnicode_Check(bo))
        foreign = PyUnicode_CompareWithASCIIString(bo, PY_LITTLE_ENDIAN ? ">" : "<") == 0;
    Py_DECREF(bo);
    return foreign;
}

int bkpy_dtype_from_object(PyObject *obj, bk_dtype *out) {
    PyObject *name = NULL;
    int from_dtype_object = 0, has = 1;
    if (PyUnicode_Check(obj)) {
        name = Py_NewRef(obj);
    } else if (PyType_Check(obj)) {
        has = bkpy_optional_attr(obj, "__name__", &name); /* numpy.float64 */
    } else {
        has = bkpy_optional_attr(obj, "name", &name); /* numpy.dtype("float64") */
        from_dtype_object = 1;
    }
    if (has < 0)
        return -1;
    if (!name || !PyUnicode_Check(name)) {
        Py_XDECREF(name);
        PyErr_Format(PyExc_TypeError,
                     "dtype must be a name such as 'f64' or 'float64', a NumPy dtype or "
                     "scalar type; got %R",
                     obj);
        return -1;
    }
    /* The whole name: a NUL inside it must not cut it short ("f64\0junk"). */
    Py_ssize_t len = 0;
    const char *s = PyUnicode_AsUTF8AndSize(name, &len);
    if (!s)
        PyErr_Clear(); /* not encodable (lone surrogates): an unknown name */
    bk_dtype dt = s && strlen(s) == (size_t)len ? bkpy_dtype_from_name(s) : BK_NDTYPES;
    if (dt == BK_NDTYPES) {
        PyErr_Format(PyExc_TypeError,
                     "unknown dtype %R: expected one of f32 f64 i8 i16 i32 i64 u8 u16 u32 "
                     "u64 c64 c128 (or the NumPy names float32 ... complex128)",
                     obj);
        Py_DECREF(name);
        return -1;
    }
    Py_DECREF(name);
    if (from_dtype_object && bk_dtype_size(dt) > 1) {
        const int foreign = bkpy_foreign_byteorder(obj);
        if (foreign < 0)
            return -1;
        if (foreign) {
            PyErr_Format(PyExc_TypeError, "dtype %R has non-native byte order", obj);
            return -1;
        }
    }
    *out = dt;
    return 0;
}
