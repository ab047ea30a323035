/*
 * bkpy.h - internal interface of the bufkern._core extension.
 *
 * The extension is split by concept, one file each:
 *   format.c  Py_buffer -> bkpy_arr (dtype, ndim, shape, strides, pointer)
 *   dtype.c   a dtype named by the user -> bk_dtype
 *   scalar.c  Python number <-> one element of a dtype
 *   iter.c    the one place that walks strides: plan, then contiguous pieces
 *   operand.c acquiring/releasing the operands of an op
 *   ops.c     every op of BK_OPS on Python objects: checks, overlap, kernels
 *   view.c    BufferView / BufferViewMut
 *   array.c   Array / IntArray
 *   module.c  module functions, dispatch API, module init
 *
 * Python glue knows buffers and Python objects; the kernels (libbufkern)
 * know pointers and lengths only.
 */
#ifndef BKPY_H
#define BKPY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "bufkern.h"

#define BKPY_MAXDIM PyBUF_MAX_NDIM

/* PyMemberDef constants: Py_-prefixed from 3.12, structmember.h before. */
#if PY_VERSION_HEX >= 0x030C0000
#define BKPY_T_PYSSIZET Py_T_PYSSIZET
#define BKPY_READONLY Py_READONLY
#else
#include "structmember.h"
#define BKPY_T_PYSSIZET T_PYSSIZET
#define BKPY_READONLY READONLY
#endif

/* ---- module state ------------------------------------------------------- */

typedef struct bkpy_state {
    PyTypeObject *view_type;     /* BufferView */
    PyTypeObject *view_mut_type; /* BufferViewMut */
    PyTypeObject *array_type;    /* Array */
    PyTypeObject *intarray_type; /* IntArray */
    PyTypeObject *ndarray_type;  /* numpy.ndarray once seen (ndarray.c), or NULL */
    /* Work (bytes touched by the kernels) from which the GIL is released. */
    Py_ssize_t gil_threshold;
} bkpy_state;

/* ---- an array in memory, as the kernels see it (format.c) --------------- */

typedef struct bkpy_arr {
    bk_dtype dtype;
    int ndim;
    int readonly;
    Py_ssize_t itemsize;
    Py_ssize_t n; /* number of elements: the product of shape */
    char *buf;
    Py_ssize_t shape[BKPY_MAXDIM];
    Py_ssize_t strides[BKPY_MAXDIM]; /* in bytes, any sign */
} bkpy_arr;

/* Fills arr from an acquired buffer; TypeError (naming the format) if its
 * format is not one of the 12 dtypes in native byte order. */
int bkpy_arr_from_buffer(const Py_buffer *view, bkpy_arr *arr);
/* The buffer format string the dtype is exported with ("d", "Zf", ...). */
const char *bkpy_dtype_format(bk_dtype dt);
/* "(2, 3)" */
PyObject *bkpy_shape_tuple(const Py_ssize_t *shape, int ndim);

/* ---- dtype names given by the user (dtype.c) ---------------------------- */

/* "f64", "float64", numpy.float64, numpy.dtype("float64") -> BK_F64;
 * anything else is a TypeError (returns -1). */
int bkpy_dtype_from_object(PyObject *obj, bk_dtype *out);
/* The article before a dtype's name in messages: "an i64", "an f32", "a u8",
 * "a c64" (names are read letter by letter: "eye", "eff", "you", "see"). */
const char *bkpy_article(bk_dtype dt);

/* ---- scalars (scalar.c) ------------------------------------------------- */

typedef union bkpy_elem {
    int8_t i8;
    int16_t i16;
    int32_t i32;
    int64_t i64;
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    float f32;
    double f64;
    bk_c64 c64;
    bk_c128 c128;
    unsigned char bytes[16];
} bkpy_elem;

/* Converts a Python number to one element of dt by the SPEC's scalar rules:
 * TypeError for the wrong kind, OverflowError out of range. */
int bkpy_scalar_to_elem(PyObject *obj, bk_dtype dt, bkpy_elem *out);
/* The element at p (any alignment) as a Python int, float or complex. */
PyObject *bkpy_elem_to_object(const void *p, bk_dtype dt);
/* A sum result (the dtype's sum type) as a Python number. */
PyObject *bkpy_sum_to_object(const void *p, bk_dtype dt);

/* ---- the stride walker (iter.c) ----------------------------------------- */

#define BKPY_MAXOPS 3
#define BKPY_CHUNK_BYTES 4096

/* A plan over up to BKPY_MAXOPS operands of one shape, and the position of
 * the next piece (see iter.c). */
typedef struct bkpy_iter {
    int nop, ndim, chunked;
    Py_ssize_t n, left, chunk, last;
    Py_ssize_t isz[BKPY_MAXOPS];
    char *base[BKPY_MAXOPS];
    Py_ssize_t shape[BKPY_MAXDIM];
    Py_ssize_t st[BKPY_MAXOPS][BKPY_MAXDIM];
    Py_ssize_t idx[BKPY_MAXDIM], start[BKPY_MAXDIM];
    char *buf[BKPY_MAXOPS];
    _Alignas(64) char bufs[BKPY_MAXOPS][BKPY_CHUNK_BYTES];
} bkpy_iter;

/* The order of the pieces: the fastest walk through operand 0's memory;
 * C order of the shape; or NumPy's writeback order (operand 0's memory
 * order, zero strides innermost), in which of elements sharing memory the
 * last one written wins as in NumPy. */
enum { BKPY_ORDER_WALK, BKPY_ORDER_C, BKPY_ORDER_WRITEBACK };
/* Plans the walk. Operands need the shape of ops[0]. */
void bkpy_iter_init(bkpy_iter *it, int nop, const bkpy_arr *const *ops, int order);
/* The next piece: a pointer per operand and a length; 0 when done. */
int bkpy_iter_next(bkpy_iter *it, char **ptrs, Py_ssize_t *len);
/* After the kernel wrote operand 0's piece: stores it (when gathered). */
void bkpy_iter_commit(bkpy_iter *it);
/* Whether the plan is one contiguous run in every operand. */
int bkpy_iter_contiguous(const bkpy_iter *it);
/* Whether x is C-contiguous (length-1 dimensions may have any stride): the
 * common case, known without a plan. */
int bkpy_c_contiguous(const bkpy_arr *x);

/* [lo, hi) bytes spanned by x (n > 0); whether x and y may share memory;
 * whether they are one layout element for element; whether two elements of
 * x may share memory (conservative). */
void bkpy_extent(const bkpy_arr *x, uintptr_t *lo, uintptr_t *hi);
int bkpy_may_overlap(const bkpy_arr *x, const bkpy_arr *y);
int bkpy_same_layout(const bkpy_arr *x, const bkpy_arr *y);
int bkpy_self_overlaps(const bkpy_arr *x);

/* ---- the ops (ops.c), from libbufkern's op table ------------------------ */

/* The forms of BK_OPS, in this order: reductions first, then elementwise. */
enum {
    BKPY_FORM_reduce,
    BKPY_FORM_extreme,
    BKPY_FORM_dot,
    BKPY_FORM_fill,
    BKPY_FORM_scalar,
    BKPY_FORM_binary,
    BKPY_FORM_unary,
    BKPY_FORM_magnitude,
};

enum {
#define BKPY_X_OPENUM(op, pyname, form, set) BKPY_OP_##op,
    BK_OPS(BKPY_X_OPENUM)
#undef BKPY_X_OPENUM
    BKPY_NOPS
};

typedef struct bkpy_opdesc {
    const char *name;   /* the C name (BK_OPS): "sub" */
    const char *pyname; /* the Python name: "subtract" */
    int form;           /* BKPY_FORM_* */
    int npos;           /* positional arguments */
    const char *doc;    /* with the text signature */
} bkpy_opdesc;

extern const bkpy_opdesc bkpy_ops[BKPY_NOPS];
/* Fills the table bkpy_op_takes reads (once, at import). */
void bkpy_ops_init(void);
/* Whether op takes dtype dt; *result: its elementwise result dtype. */
int bkpy_op_takes(int op, bk_dtype dt, bk_dtype *result);
/* The op called from Python: module functions and view methods (a view
 * passes itself as args[0]). Vectorcall arguments. */
PyObject *bkpy_call_op(bkpy_state *st, int op, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames);

/* ---- operands of an op (operand.c) -------------------------------------- */

typedef struct bkpy_operand {
    bkpy_arr arr;
    Py_buffer buffer;
    int acquired;      /* buffer must be released */
    PyObject *view;    /* a BufferView whose busy count was raised, or NULL */
    bkpy_arr *arr_ptr; /* &arr, or the view's own arr */
} bkpy_operand;

/* Acquires obj (a buffer exporter or a view) as an operand. writable: it is
 * the destination of a mutating op (a read-only buffer is a ValueError).
 * name ("a", "b") is used in messages. On error, nothing is held. */
int bkpy_operand_get(bkpy_state *st, PyObject *obj, int writable, const char *name,
                     bkpy_operand *op);
void bkpy_operand_release(bkpy_operand *op);
/* Fills arr from an exact numpy.ndarray of one of the 12 dtypes in native
 * byte order and returns 1; returns 0, with no error set, for anything else
 * (ndarray.c). The array is the caller's: nothing is held. */
int bkpy_ndarray_read(bkpy_state *st, PyObject *obj, bkpy_arr *arr);
/* The non-view part of bkpy_operand_get: buffer and arr of an exporter. On
 * success the buffer is held and must be released with PyBuffer_Release. */
int bkpy_acquire_buffer(PyObject *obj, int writable, const char *name, Py_buffer *buffer,
                        bkpy_arr *arr);


/* ---- types (view.c, array.c) -------------------------------------------- */

int bkpy_view_types_init(PyObject *module, bkpy_state *st);
int bkpy_array_types_init(PyObject *module, bkpy_state *st);

/* For operand.c: a view's layout, busy count and read-only-ness. Returns
 * NULL with ValueError when the view has been released. */
bkpy_arr *bkpy_view_acquire(PyObject *view);
void bkpy_view_unbusy(PyObject *view);

#endif
