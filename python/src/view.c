/*
 * view.c - BufferView and BufferViewMut (SPEC "Views").
 *
 * A view acquires a buffer once and holds it until release(), the end of a
 * `with` block, or garbage collection. Its layout is parsed once, so ops on
 * a view skip the buffer protocol. `busy` counts the ops running on the view
 * and the buffers it exports itself; release() refuses while it is non-zero
 * (like memoryview), so the memory can never go away under a running kernel.
 */
#include "bkpy.h"
#include "ops_doc.h"

#include <stddef.h>


typedef struct bkpy_view {
    PyObject_HEAD
    Py_buffer buffer;
    int held;
    Py_ssize_t busy;
    PyObject *weakreflist;
    bkpy_arr arr;
} bkpy_view;

static bkpy_state *bkpy_view_state(PyObject *self) {
    return (bkpy_state *)PyType_GetModuleState(Py_TYPE(self));
}

static int bkpy_view_is_mut(PyObject *self) {
    bkpy_state *st = bkpy_view_state(self);
    return st && Py_TYPE(self) == st->view_mut_type;
}

static int bkpy_released_error(PyObject *self) {
    PyErr_Format(PyExc_ValueError, "operation on a released %.200s", Py_TYPE(self)->tp_name);
    return -1;
}

#define BKPY_CHECK_HELD(self, ret)                                             \
    do {                                                                       \
        if (!((bkpy_view *)(self))->held) {                                    \
            bkpy_released_error((PyObject *)(self));                           \
            return ret;                                                        \
        }                                                                      \
    } while (0)

bkpy_arr *bkpy_view_acquire(PyObject *obj) {
    bkpy_view *self = (bkpy_view *)obj;
    BKPY_CHECK_HELD(self, NULL);
    self->busy++;
    return &self->arr;
}

void bkpy_view_unbusy(PyObject *obj) { ((bkpy_view *)obj)->busy--; }

/* ---- creation and destruction ------------------------------------------- */

static PyObject *bkpy_view_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"obj", "dtype", NULL};
    bkpy_state *st = (bkpy_state *)PyType_GetModuleState(type);
    if (!st)
        return NULL;
    const int mut = type == st->view_mut_type;
    PyObject *obj, *dtype_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, mut ? "O|O:BufferViewMut" : "O|O:BufferView",
                                     kwlist, &obj, &dtype_obj))
        return NULL;
    bk_dtype want = BK_NDTYPES;
    if (dtype_obj != Py_None && bkpy_dtype_from_object(dtype_obj, &want) < 0)
        return NULL;
    bkpy_view *self = (bkpy_view *)type->tp_alloc(type, 0);
    if (!self)
        return NULL;
    self->held = 0;
    self->busy = 0;
    self->weakreflist = NULL;
    if (bkpy_acquire_buffer(obj, mut, "obj", &self->buffer, &self->arr) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    self->held = 1;
    if (want != BK_NDTYPES && self->arr.dtype != want) {
        PyErr_Format(PyExc_TypeError, "%s(dtype=%s) needs %s %s buffer, got %s", type->tp_name,
                     bk_dtype_name(want), bkpy_article(want), bk_dtype_name(want),
                     bk_dtype_name(self->arr.dtype));
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *)self;
}

static void bkpy_view_do_release(bkpy_view *self) {
    if (self->held) {
        self->held = 0;
        PyBuffer_Release(&self->buffer);
    }
}

static int bkpy_view_traverse(bkpy_view *self, visitproc visit, void *arg) {
    Py_VISIT(Py_TYPE(self));
    if (self->held)
        Py_VISIT(self->buffer.obj);
    return 0;
}

static int bkpy_view_clear(bkpy_view *self) {
    if (self->busy == 0)
        bkpy_view_do_release(self);
    return 0;
}

static void bkpy_view_dealloc(bkpy_view *self) {
    PyTypeObject *tp = Py_TYPE(self);
    PyObject_GC_UnTrack(self);
    if (self->weakreflist)
        PyObject_ClearWeakRefs((PyObject *)self);
    bkpy_view_do_release(self);
    tp->tp_free((PyObject *)self);
    Py_DECREF(tp);
}

static PyObject *bkpy_view_repr(bkpy_view *self) {
    if (!self->held)
        return PyUnicode_FromFormat("<released %s>", Py_TYPE(self)->tp_name);
    PyObject *shape = bkpy_shape_tuple(self->arr.shape, self->arr.ndim);
    if (!shape)
        return NULL;
    PyObject *r = PyUnicode_FromFormat("<%s dtype='%s' shape=%R>", Py_TYPE(self)->tp_name,
                                       bk_dtype_name(self->arr.dtype), shape);
    Py_DECREF(shape);
    return r;
}

/* ---- the buffer protocol: a view re-exports what it holds --------------- */

static int bkpy_view_getbuffer(bkpy_view *self, Py_buffer *view, int flags) {
    if (!self->held)
        return bkpy_released_error((PyObject *)self);
    const int readonly = !bkpy_view_is_mut((PyObject *)self) || self->buffer.readonly;
    if ((flags & PyBUF_WRITABLE) && readonly) {
        PyErr_Format(PyExc_BufferError, "%s is read-only", Py_TYPE(self)->tp_name);
        return -1;
    }
    const int c_contig = PyBuffer_IsContiguous(&self->buffer, 'C');
    if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c_contig) {
        PyErr_SetString(PyExc_BufferError, "view is not C-contiguous; request strides");
        return -1;
    }
    if (((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c_contig) ||
        ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS &&
         !PyBuffer_IsContiguous(&self->buffer, 'F')) ||
        ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS &&
         !PyBuffer_IsContiguous(&self->buffer, 'A'))) {
        PyErr_SetString(PyExc_BufferError, "view does not have the requested contiguity");
        return -1;
    }
    view->obj = Py_NewRef(self);
    view->buf = self->buffer.buf;
    view->len = self->buffer.len;
    view->readonly = readonly;
    view->itemsize = self->buffer.itemsize;
    /* Only what the request asks for, as CPython's array does: a simple
     * request (hashlib's) gets the bytes as one dimension without a shape,
     * which the contiguity checks above made possible. */
    view->format = (flags & PyBUF_FORMAT) ? self->buffer.format : NULL;
    view->ndim = (flags & PyBUF_ND) == PyBUF_ND ? self->arr.ndim : 1;
    view->shape = (flags & PyBUF_ND) == PyBUF_ND ? self->arr.shape : NULL;
    view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? self->arr.strides : NULL;
    view->suboffsets = NULL;
    view->internal = NULL;
    self->busy++;
    return 0;
}

static void bkpy_view_releasebuffer(bkpy_view *self, Py_buffer *view) {
    (void)view;
    self->busy--;
}

/* ---- properties --------------------------------------------------------- */

static PyObject *bkpy_view_get_dtype(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return PyUnicode_FromString(bk_dtype_name(self->arr.dtype));
}

static PyObject *bkpy_view_get_itemsize(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return PyLong_FromSsize_t(self->arr.itemsize);
}

static PyObject *bkpy_view_get_ndim(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return PyLong_FromLong(self->arr.ndim);
}

static PyObject *bkpy_view_get_shape(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return bkpy_shape_tuple(self->arr.shape, self->arr.ndim);
}

static PyObject *bkpy_view_get_strides(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return bkpy_shape_tuple(self->arr.strides, self->arr.ndim);
}

static PyObject *bkpy_view_get_nbytes(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return PyLong_FromSsize_t(self->arr.n * self->arr.itemsize);
}

static PyObject *bkpy_view_get_readonly(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return PyBool_FromLong(!bkpy_view_is_mut((PyObject *)self) || self->arr.readonly);
}

static PyObject *bkpy_view_get_c_contiguous(bkpy_view *self, void *c) {
    (void)c;
    BKPY_CHECK_HELD(self, NULL);
    return PyBool_FromLong(PyBuffer_IsContiguous(&self->buffer, 'C'));
}

static PyGetSetDef bkpy_view_getset[] = {
    {"dtype", (getter)bkpy_view_get_dtype, NULL, "The bufkern dtype name ('f64', 'c128', ...).",
     NULL},
    {"itemsize", (getter)bkpy_view_get_itemsize, NULL, "Bytes per element.", NULL},
    {"ndim", (getter)bkpy_view_get_ndim, NULL, "Number of dimensions.", NULL},
    {"shape", (getter)bkpy_view_get_shape, NULL, "Shape, a tuple of ints.", NULL},
    {"strides", (getter)bkpy_view_get_strides, NULL, "Strides in bytes, a tuple of ints.", NULL},
    {"nbytes", (getter)bkpy_view_get_nbytes, NULL, "Total bytes of the elements.", NULL},
    {"readonly", (getter)bkpy_view_get_readonly, NULL,
     "True for a BufferView; False for a BufferViewMut.", NULL},
    {"c_contiguous", (getter)bkpy_view_get_c_contiguous, NULL,
     "True if the elements are contiguous in C order.", NULL},
    {NULL, NULL, NULL, NULL, NULL},
};

/* ---- methods ------------------------------------------------------------ */

static PyObject *bkpy_view_len(bkpy_view *self, PyObject *unused) {
    (void)unused;
    BKPY_CHECK_HELD(self, NULL);
    return PyLong_FromSsize_t(self->arr.n);
}

static PyObject *bkpy_view_rows(bkpy_view *self, PyObject *unused) {
    (void)unused;
    BKPY_CHECK_HELD(self, NULL);
    return PyLong_FromSsize_t(self->arr.ndim >= 1 ? self->arr.shape[0] : 1);
}

static PyObject *bkpy_view_cols(bkpy_view *self, PyObject *unused) {
    (void)unused;
    BKPY_CHECK_HELD(self, NULL);
    return PyLong_FromSsize_t(self->arr.ndim >= 2 ? self->arr.shape[1] : 1);
}

static PyObject *bkpy_view_is_empty(bkpy_view *self, PyObject *unused) {
    (void)unused;
    BKPY_CHECK_HELD(self, NULL);
    return PyBool_FromLong(self->arr.n == 0);
}

static PyObject *bkpy_view_release(bkpy_view *self, PyObject *unused) {
    (void)unused;
    if (self->held && self->busy > 0) {
        PyErr_Format(PyExc_BufferError,
                     "cannot release the %s: %zd export(s) or op(s) still use it",
                     Py_TYPE(self)->tp_name, self->busy);
        return NULL;
    }
    bkpy_view_do_release(self);
    Py_RETURN_NONE;
}

static PyObject *bkpy_view_enter(bkpy_view *self, PyObject *unused) {
    (void)unused;
    BKPY_CHECK_HELD(self, NULL);
    return Py_NewRef(self);
}

static PyObject *bkpy_view_exit(bkpy_view *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)args;
    (void)nargs;
    return bkpy_view_release(self, NULL);
}

/* Every op of BK_OPS as a method: the view is the op's first operand. */
#define BKPY_X_VIEW_OP(op, pyname, form, set)                                  \
    static PyObject *bkpy_view_op_##op(PyObject *self, PyObject *const *args, Py_ssize_t nargs, \
                                       PyObject *kwnames) {                    \
        PyObject *all[4] = {self, NULL, NULL, NULL};                           \
        Py_ssize_t total = nargs + (kwnames ? PyTuple_GET_SIZE(kwnames) : 0);  \
        if (total > 3) { /* more than any op takes: let the op say so */       \
            total = 3;                                                         \
            nargs = nargs > 3 ? 3 : nargs;                                     \
        }                                                                      \
        for (Py_ssize_t i = 0; i < total; i++)                                 \
            all[i + 1] = args[i];                                              \
        return bkpy_call_op(bkpy_view_state(self), BKPY_OP_##op, all, nargs + 1, kwnames); \
    }
BK_OPS(BKPY_X_VIEW_OP)
#undef BKPY_X_VIEW_OP

#define BKPY_VIEW_OP_DEF(op, pyname, form, set)                                \
    {#pyname, (PyCFunction)(void (*)(void))bkpy_view_op_##op, METH_FASTCALL | METH_KEYWORDS, \
     BKPY_VIEW_DOC(op, pyname, form)},
/* BufferView has the ops that only read (the reductions). */
#define BKPY_READING_reduce(...) __VA_ARGS__
#define BKPY_READING_extreme(...) __VA_ARGS__
#define BKPY_READING_dot(...) __VA_ARGS__
#define BKPY_READING_fill(...)
#define BKPY_READING_scalar(...)
#define BKPY_READING_binary(...)
#define BKPY_READING_unary(...)
#define BKPY_READING_magnitude(...)
#define BKPY_VIEW_READING_DEF(op, pyname, form, set)                           \
    BKPY_READING_##form(BKPY_VIEW_OP_DEF(op, pyname, form, set))

#define BKPY_VIEW_COMMON_METHODS                                               \
    {"len", (PyCFunction)bkpy_view_len, METH_NOARGS,                           \
     "len($self, /)\n--\n\nTotal number of elements (the product of shape)."}, \
        {"rows", (PyCFunction)bkpy_view_rows, METH_NOARGS,                     \
         "rows($self, /)\n--\n\nshape[0]; 1 for a 0-d buffer."},               \
        {"cols", (PyCFunction)bkpy_view_cols, METH_NOARGS,                     \
         "cols($self, /)\n--\n\nshape[1] when ndim >= 2, else 1."},            \
        {"is_empty", (PyCFunction)bkpy_view_is_empty, METH_NOARGS,             \
         "is_empty($self, /)\n--\n\nTrue when the view has no elements."},     \
        {"release", (PyCFunction)bkpy_view_release, METH_NOARGS,               \
         "release($self, /)\n--\n\nRelease the buffer now. Releasing twice is fine; any "   \
         "later use is a ValueError. BufferError while the view is exported or in use."},  \
        {"__enter__", (PyCFunction)bkpy_view_enter, METH_NOARGS,               \
         "__enter__($self, /)\n--\n\nReturn the view itself."},                \
        {"__exit__", (PyCFunction)(void (*)(void))bkpy_view_exit, METH_FASTCALL, \
         "__exit__($self, *exc_info)\n--\n\nRelease the buffer."},

static PyMethodDef bkpy_view_methods[] = {
    BKPY_VIEW_COMMON_METHODS
    BK_OPS(BKPY_VIEW_READING_DEF)
    {NULL, NULL, 0, NULL},
};

static PyMethodDef bkpy_view_mut_methods[] = {
    BKPY_VIEW_COMMON_METHODS
    BK_OPS(BKPY_VIEW_OP_DEF)
    {NULL, NULL, 0, NULL},
};

static PyMemberDef bkpy_view_members[] = {
    {"__weaklistoffset__", BKPY_T_PYSSIZET, offsetof(bkpy_view, weakreflist), BKPY_READONLY, NULL},
    {NULL, 0, 0, 0, NULL},
};

PyDoc_STRVAR(bkpy_view_doc,
             "BufferView(obj, dtype=None)\n--\n\n"
             "A read-only view of obj's buffer, acquired once and held until release(), the "
             "end of a with block, or garbage collection.\n\n"
             "With dtype given ('f64', 'float64', numpy.float64, ...), a buffer of another "
             "dtype is a TypeError. Every bufkern function accepts the view in place of a "
             "buffer; as the destination of a mutating op it is read-only (ValueError).");

PyDoc_STRVAR(bkpy_view_mut_doc,
             "BufferViewMut(obj, dtype=None)\n--\n\n"
             "A writable view of obj's buffer (ValueError if obj is read-only), acquired once "
             "and held until release(), the end of a with block, or garbage collection.\n\n"
             "Adds the in-place ops fill(v), scale(k), multiply(other), add(other) to the "
             "methods of BufferView.");

#define BKPY_VIEW_SLOTS(methods, doc)                                          \
    {Py_tp_new, bkpy_view_new}, {Py_tp_dealloc, bkpy_view_dealloc},            \
        {Py_tp_traverse, bkpy_view_traverse}, {Py_tp_clear, bkpy_view_clear},  \
        {Py_tp_repr, bkpy_view_repr}, {Py_tp_getset, bkpy_view_getset},        \
        {Py_tp_members, bkpy_view_members}, {Py_tp_methods, methods},          \
        {Py_tp_doc, (void *)doc}, {Py_bf_getbuffer, bkpy_view_getbuffer},      \
        {Py_bf_releasebuffer, bkpy_view_releasebuffer}, {0, NULL}

static PyType_Slot bkpy_view_slots[] = {BKPY_VIEW_SLOTS(bkpy_view_methods, bkpy_view_doc)};
static PyType_Slot bkpy_view_mut_slots[] = {
    BKPY_VIEW_SLOTS(bkpy_view_mut_methods, bkpy_view_mut_doc)};

#define BKPY_VIEW_FLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_IMMUTABLETYPE)

static PyType_Spec bkpy_view_spec = {
    "bufkern.BufferView", sizeof(bkpy_view), 0, BKPY_VIEW_FLAGS, bkpy_view_slots,
};
static PyType_Spec bkpy_view_mut_spec = {
    "bufkern.BufferViewMut", sizeof(bkpy_view), 0, BKPY_VIEW_FLAGS, bkpy_view_mut_slots,
};

int bkpy_view_types_init(PyObject *module, bkpy_state *st) {
    st->view_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, &bkpy_view_spec, NULL);
    if (!st->view_type || PyModule_AddType(module, st->view_type) < 0)
        return -1;
    st->view_mut_type =
        (PyTypeObject *)PyType_FromModuleAndSpec(module, &bkpy_view_mut_spec, NULL);
    if (!st->view_mut_type || PyModule_AddType(module, st->view_mut_type) < 0)
        return -1;
    return 0;
}
