/*
 * bkpy.h - internal interface of the bufkern._core extension.
 *
 * The extension is split by concept, one file each:
 *   format.c  Py_buffer -> bkpy_arr (dtype, ndim, shape, strides, pointer)
 *   dtype.c   a dtype named by the user -> bk_dtype
 *   scalar.c  Python number <-> one element of a dtype
 *   walk.c    the one place that walks strides and calls the kernels
 *   operand.c acquiring/releasing the operands of an op, and the ops
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

/* ---- the stride walker (walk.c) ----------------------------------------- */

typedef enum bkpy_op { BKPY_SUM, BKPY_SCALE, BKPY_FILL, BKPY_MUL, BKPY_ADD } bkpy_op;

/*
 * Runs op over a (and b for MUL/ADD, which must have a's dtype and shape).
 * scalar points to the element for SCALE/FILL; sum_out receives the sum (as
 * the dtype's sum type) for SUM. Nothing is written before every allocation
 * has succeeded; returns -1 with a Python error set only on MemoryError.
 * The GIL is released around the kernels when the work is at least
 * gil_threshold bytes.
 */
int bkpy_run(bkpy_op op, const bkpy_arr *a, const bkpy_arr *b, const void *scalar, void *sum_out,
             Py_ssize_t gil_threshold);

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
/* The non-view part of bkpy_operand_get: buffer and arr of an exporter. On
 * success the buffer is held and must be released with PyBuffer_Release. */
int bkpy_acquire_buffer(PyObject *obj, int writable, const char *name, Py_buffer *buffer,
                        bkpy_arr *arr);

/* The ops on Python objects, shared by module functions and view methods. */
PyObject *bkpy_do_sum(bkpy_state *st, PyObject *a);
PyObject *bkpy_do_with_scalar(bkpy_state *st, bkpy_op op, PyObject *a, PyObject *x);
PyObject *bkpy_do_binary(bkpy_state *st, bkpy_op op, PyObject *a, PyObject *b);

/* ---- types (view.c, array.c) -------------------------------------------- */

int bkpy_view_types_init(PyObject *module, bkpy_state *st);
int bkpy_array_types_init(PyObject *module, bkpy_state *st);

/* For operand.c: a view's layout, busy count and read-only-ness. Returns
 * NULL with ValueError when the view has been released. */
bkpy_arr *bkpy_view_acquire(PyObject *view);
void bkpy_view_unbusy(PyObject *view);

#endif
