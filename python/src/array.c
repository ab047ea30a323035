/*
 * array.c - Array and IntArray: owned, zeroed, 64-byte-aligned storage that
 * exports a writable 1-D buffer (SPEC "Exporting a buffer").
 *
 * Storage never moves or changes size, so an export can never dangle; the
 * export count is kept as CPython's array does (and checked at dealloc).
 */
#include "bkpy.h"

#include <stddef.h>
#include <string.h>


#define BKPY_ALIGN 64

typedef struct bkpy_array {
    PyObject_HEAD
    bk_dtype dtype;
    int is_intarray; /* repr without dtype= */
    Py_ssize_t n;
    Py_ssize_t itemsize; /* also the exported stride */
    Py_ssize_t exports;
    char *data; /* BKPY_ALIGN-aligned, inside raw */
    void *raw;
    PyObject *weakreflist;
} bkpy_array;

/* Allocates an array of n zeroed elements of type `type`. */
static bkpy_array *bkpy_array_alloc(PyTypeObject *type, Py_ssize_t n, bk_dtype dt, int is_int) {
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "array length must be >= 0");
        return NULL;
    }
    const Py_ssize_t isz = (Py_ssize_t)bk_dtype_size(dt);
    if (n > (PY_SSIZE_T_MAX - BKPY_ALIGN) / isz) {
        PyErr_NoMemory();
        return NULL;
    }
    void *raw = PyMem_Calloc(1, (size_t)(n * isz + BKPY_ALIGN));
    if (!raw) {
        PyErr_NoMemory();
        return NULL;
    }
    bkpy_array *self = (bkpy_array *)type->tp_alloc(type, 0);
    if (!self) {
        PyMem_Free(raw);
        return NULL;
    }
    self->dtype = dt;
    self->is_intarray = is_int;
    self->n = n;
    self->itemsize = isz;
    self->exports = 0;
    self->raw = raw;
    self->data = (char *)(((uintptr_t)raw + BKPY_ALIGN - 1) & ~(uintptr_t)(BKPY_ALIGN - 1));
    self->weakreflist = NULL;
    return self;
}

static void bkpy_array_dealloc(bkpy_array *self) {
    PyTypeObject *tp = Py_TYPE(self);
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    PyMem_Free(self->raw);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

/* Array(n, dtype="f64") and IntArray(n) share this; IntArray fixes i64. */
static PyObject *bkpy_array_new_impl(PyTypeObject *type, PyObject *args, PyObject *kwds,
                                     int is_int) {
    static char *kwlist[] = {"n", "dtype", NULL};
    Py_ssize_t n;
    PyObject *dtype_obj = NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, is_int ? "n|O:IntArray" : "n|O:Array", kwlist,
                                     &n, &dtype_obj))
        return NULL;
    bk_dtype dt = is_int ? BK_I64 : BK_F64;
    if (dtype_obj && bkpy_dtype_from_object(dtype_obj, &dt) < 0)
        return NULL;
    if (is_int && dt != BK_I64) {
        PyErr_SetString(PyExc_TypeError, "IntArray is always i64; use Array(n, dtype=...)");
        return NULL;
    }
    return (PyObject *)bkpy_array_alloc(type, n, dt, is_int);
}

static PyObject *bkpy_array_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    return bkpy_array_new_impl(type, args, kwds, 0);
}

static PyObject *bkpy_intarray_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    return bkpy_array_new_impl(type, args, kwds, 1);
}

/* Array.from_values(*values, dtype="f64"); IntArray.from_values(*values). */
static PyObject *bkpy_array_from_values(PyObject *cls, PyObject *const *args, Py_ssize_t nargs,
                                        PyObject *kwnames) {
    PyTypeObject *type = (PyTypeObject *)cls;
    const int is_int = type->tp_new == bkpy_intarray_new;
    bk_dtype dt = is_int ? BK_I64 : BK_F64;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nkw; i++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, i);
        if (PyUnicode_CompareWithASCIIString(key, "dtype") != 0) {
            PyErr_Format(PyExc_TypeError, "from_values() got an unexpected keyword argument %R",
                         key);
            return NULL;
        }
        if (bkpy_dtype_from_object(args[nargs + i], &dt) < 0)
            return NULL;
    }
    if (is_int && dt != BK_I64) {
        PyErr_SetString(PyExc_TypeError,
                        "IntArray is always i64; use Array.from_values(..., dtype=...)");
        return NULL;
    }
    bkpy_array *self = bkpy_array_alloc(type, nargs, dt, is_int);
    if (!self)
        return NULL;
    for (Py_ssize_t i = 0; i < nargs; i++) {
        bkpy_elem e;
        if (bkpy_scalar_to_elem(args[i], dt, &e) < 0) {
            Py_DECREF(self);
            return NULL;
        }
        memcpy(self->data + i * self->itemsize, &e, (size_t)self->itemsize);
    }
    return (PyObject *)self;
}

/* ---- sequence protocol -------------------------------------------------- */

static Py_ssize_t bkpy_array_length(bkpy_array *self) { return self->n; }

static int bkpy_array_check_index(bkpy_array *self, Py_ssize_t i) {
    if (i < 0 || i >= self->n) {
        PyErr_Format(PyExc_IndexError, "%s index out of range", Py_TYPE(self)->tp_name);
        return -1;
    }
    return 0;
}

/* Negative indices arrive already adjusted by len (sequence protocol). */
static PyObject *bkpy_array_item(bkpy_array *self, Py_ssize_t i) {
    if (bkpy_array_check_index(self, i) < 0)
        return NULL;
    return bkpy_elem_to_object(self->data + i * self->itemsize, self->dtype);
}

static int bkpy_array_ass_item(bkpy_array *self, Py_ssize_t i, PyObject *v) {
    if (!v) {
        PyErr_Format(PyExc_TypeError, "%s has a fixed length: items cannot be deleted",
                     Py_TYPE(self)->tp_name);
        return -1;
    }
    if (bkpy_array_check_index(self, i) < 0)
        return -1;
    bkpy_elem e;
    if (bkpy_scalar_to_elem(v, self->dtype, &e) < 0)
        return -1;
    memcpy(self->data + i * self->itemsize, &e, (size_t)self->itemsize);
    return 0;
}

static PyObject *bkpy_array_tolist(bkpy_array *self, PyObject *unused) {
    (void)unused;
    PyObject *list = PyList_New(self->n);
    if (!list)
        return NULL;
    for (Py_ssize_t i = 0; i < self->n; i++) {
        PyObject *x = bkpy_elem_to_object(self->data + i * self->itemsize, self->dtype);
        if (!x) {
            Py_DECREF(list);
            return NULL;
        }
        PyList_SET_ITEM(list, i, x);
    }
    return list;
}

/* Longer arrays are summarised as NumPy prints them (its default threshold
 * and edge items): "[0.0, 0.0, 0.0, ..., 0.0, 0.0, 0.0]". */
#define BKPY_REPR_THRESHOLD 1000
#define BKPY_REPR_EDGE 3

/* "[x0, x1, ...]": the reprs of the elements, or of the edge items around
 * "..." beyond the threshold. */
static PyObject *bkpy_array_items_repr(bkpy_array *self) {
    const int summary = self->n > BKPY_REPR_THRESHOLD;
    const Py_ssize_t shown = summary ? 2 * BKPY_REPR_EDGE + 1 : self->n;
    PyObject *parts = PyList_New(shown);
    if (!parts)
        return NULL;
    for (Py_ssize_t k = 0; k < shown; k++) {
        PyObject *part;
        if (summary && k == BKPY_REPR_EDGE) {
            part = PyUnicode_FromString("...");
        } else {
            const Py_ssize_t i = summary && k > BKPY_REPR_EDGE ? self->n - (shown - k) : k;
            PyObject *x = bkpy_elem_to_object(self->data + i * self->itemsize, self->dtype);
            part = x ? PyObject_Repr(x) : NULL;
            Py_XDECREF(x);
        }
        if (!part) {
            Py_DECREF(parts);
            return NULL;
        }
        PyList_SET_ITEM(parts, k, part);
    }
    PyObject *sep = PyUnicode_FromString(", ");
    PyObject *joined = sep ? PyUnicode_Join(sep, parts) : NULL;
    Py_XDECREF(sep);
    Py_DECREF(parts);
    if (!joined)
        return NULL;
    PyObject *r = PyUnicode_FromFormat("[%U]", joined);
    Py_DECREF(joined);
    return r;
}

static PyObject *bkpy_array_repr(bkpy_array *self) {
    PyObject *items = bkpy_array_items_repr(self);
    if (!items)
        return NULL;
    PyObject *name = PyObject_GetAttrString((PyObject *)Py_TYPE(self), "__name__");
    PyObject *r = NULL;
    if (name) {
        if (self->is_intarray)
            r = PyUnicode_FromFormat("%S(%U)", name, items);
        else
            r = PyUnicode_FromFormat("%S(%U, dtype='%s')", name, items,
                                     bk_dtype_name(self->dtype));
        Py_DECREF(name);
    }
    Py_DECREF(items);
    return r;
}

/* ---- the buffer protocol ------------------------------------------------ */

static int bkpy_array_getbuffer(bkpy_array *self, Py_buffer *view, int flags) {
    /* One writable, contiguous dimension satisfies every request. */
    view->obj = Py_NewRef(self);
    view->buf = self->data;
    view->len = self->n * self->itemsize;
    view->readonly = 0;
    view->itemsize = self->itemsize;
    view->format = (flags & PyBUF_FORMAT) ? (char *)bkpy_dtype_format(self->dtype) : NULL;
    view->ndim = 1;
    view->shape = (flags & PyBUF_ND) ? &self->n : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? &self->itemsize : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    self->exports++;
    return 0;
}

static void bkpy_array_releasebuffer(bkpy_array *self, Py_buffer *view) {
    (void)view;
    self->exports--;
}

/* ---- properties and type ------------------------------------------------ */

static PyObject *bkpy_array_get_dtype(bkpy_array *self, void *c) {
    (void)c;
    return PyUnicode_FromString(bk_dtype_name(self->dtype));
}

static PyObject *bkpy_array_get_itemsize(bkpy_array *self, void *c) {
    (void)c;
    return PyLong_FromSsize_t(self->itemsize);
}

static PyGetSetDef bkpy_array_getset[] = {
    {"dtype", (getter)bkpy_array_get_dtype, NULL, "The bufkern dtype name ('f64', 'i64', ...).",
     NULL},
    {"itemsize", (getter)bkpy_array_get_itemsize, NULL, "Bytes per element.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

static PyMethodDef bkpy_array_methods[] = {
    {"tolist", (PyCFunction)bkpy_array_tolist, METH_NOARGS,
     "tolist($self, /)\n--\n\nThe elements as a list of Python numbers."},
    {"from_values", (PyCFunction)(void (*)(void))bkpy_array_from_values,
     METH_FASTCALL | METH_KEYWORDS | METH_CLASS,
     "from_values($type, /, *values, dtype='f64')\n--\n\n"
     "An array holding values, converted by the scalar rules of the dtype (IntArray: "
     "always i64)."},
    {NULL, NULL, 0, NULL},
};

static PyMemberDef bkpy_array_members[] = {
    {"__weaklistoffset__", BKPY_T_PYSSIZET, offsetof(bkpy_array, weakreflist), BKPY_READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(bkpy_array_doc,
             "Array(n, dtype='f64')\n--\n\n"
             "n zero-initialised elements of dtype in owned, 64-byte-aligned storage.\n\n"
             "Exports a writable 1-D buffer: numpy.asarray(arr) and memoryview(arr) are "
             "zero-copy. Supports len(), indexing (negative too), item assignment, iteration, "
             "tolist(), and every bufkern op.");

PyDoc_STRVAR(bkpy_intarray_doc,
             "IntArray(n, dtype='i64')\n--\n\n"
             "An Array of dtype i64: IntArray(8), IntArray.from_values(1, 2, 3).");

static PyType_Slot bkpy_array_slots[] = {
    {Py_tp_new, bkpy_array_new},
    {Py_tp_dealloc, bkpy_array_dealloc},
    {Py_tp_repr, bkpy_array_repr},
    {Py_tp_getset, bkpy_array_getset},
    {Py_tp_methods, bkpy_array_methods},
    {Py_tp_members, bkpy_array_members},
    {Py_tp_doc, (void *)bkpy_array_doc},
    {Py_sq_length, bkpy_array_length},
    {Py_sq_item, bkpy_array_item},
    {Py_sq_ass_item, bkpy_array_ass_item},
    {Py_bf_getbuffer, bkpy_array_getbuffer},
    {Py_bf_releasebuffer, bkpy_array_releasebuffer},
    {0, NULL},
};

static PyType_Slot bkpy_intarray_slots[] = {
    {Py_tp_new, bkpy_intarray_new},
    {Py_tp_doc, (void *)bkpy_intarray_doc},
    {0, NULL},
};

static PyType_Spec bkpy_array_spec = {
    "bufkern.Array",
    sizeof(bkpy_array),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_IMMUTABLETYPE,
    bkpy_array_slots,
};

static PyType_Spec bkpy_intarray_spec = {
    "bufkern.IntArray",
    sizeof(bkpy_array),
    0,
    Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE,
    bkpy_intarray_slots,
};

int bkpy_array_types_init(PyObject *module, bkpy_state *st) {
    st->array_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &bkpy_array_spec, NULL);
    if (!st->array_type || PyModule_AddType(module, st->array_type) < 0)
        return -1;
    st->intarray_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &bkpy_intarray_spec,
                                                                 (PyObject *)st->array_type);
    if (!st->intarray_type || PyModule_AddType(module, st->intarray_type) < 0)
        return -1;
    return 0;
}
