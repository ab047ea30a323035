/*
 * operand.c - the operands of an op, and the ops on Python objects.
 *
 * Every op follows one pattern: acquire every operand and check everything
 * (format, read-only, dtype, shape, scalar) before the first write; run; then
 * one cleanup label releases every buffer on every path.
 */
#include "bkpy.h"

#include <string.h>

static int bkpy_is_view(bkpy_state *st, PyObject *obj) {
    return Py_TYPE(obj) == st->view_type || Py_TYPE(obj) == st->view_mut_type;
}

static void bkpy_readonly_error(const char *name, PyObject *obj) {
    PyErr_Format(PyExc_ValueError, "%s is read-only (%.200s); a mutating op needs a writable buffer",
                 name, Py_TYPE(obj)->tp_name);
}

/* The current exception, normalised, taken out of the error indicator. */
static PyObject *bkpy_take_exception(void) {
#if PY_VERSION_HEX >= 0x030C0000
    return PyErr_GetRaisedException();
#else
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (value && tb)
        PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    return value;
#endif
}

static void bkpy_raise_exception(PyObject *exc) { /* steals exc */
#if PY_VERSION_HEX >= 0x030C0000
    PyErr_SetRaisedException(exc);
#else
    PyErr_Restore(Py_NewRef((PyObject *)Py_TYPE(exc)), exc, PyException_GetTraceback(exc));
#endif
}

/* Exporters refuse some requests with BufferError or ValueError (NumPy for
 * dtypes it cannot express as a buffer); to the caller that is an
 * unsupported buffer: a TypeError, chained to the exporter's error. */
static void bkpy_buffer_error_to_type_error(PyObject *obj, const char *name) {
    if (!PyErr_ExceptionMatches(PyExc_BufferError) &&
        !(PyErr_ExceptionMatches(PyExc_ValueError) && !PyMemoryView_Check(obj)))
        return;
    PyObject *cause = bkpy_take_exception();
    PyErr_Format(PyExc_TypeError, "%s: cannot use %.200s as a buffer: %S", name,
                 Py_TYPE(obj)->tp_name, cause ? cause : Py_None);
    PyObject *exc = bkpy_take_exception();
    if (!exc) { /* cannot happen: PyErr_Format always sets an error */
        Py_XDECREF(cause);
        return;
    }
    if (cause)
        PyException_SetCause(exc, cause); /* steals cause */
    bkpy_raise_exception(exc);
}

int bkpy_operand_get(bkpy_state *st, PyObject *obj, int writable, const char *name,
                     bkpy_operand *op) {
    op->acquired = 0;
    op->view = NULL;
    if (bkpy_is_view(st, obj)) {
        bkpy_arr *arr = bkpy_view_acquire(obj);
        if (!arr)
            return -1;
        op->view = obj;
        op->arr_ptr = arr;
        if (writable && (Py_TYPE(obj) == st->view_type || arr->readonly)) {
            bkpy_view_unbusy(obj);
            op->view = NULL;
            PyErr_Format(PyExc_ValueError,
                         "%s is a read-only BufferView; use BufferViewMut for mutating ops",
                         name);
            return -1;
        }
        return 0;
    }
    if (bkpy_acquire_buffer(obj, writable, name, &op->buffer, &op->arr) < 0)
        return -1;
    op->acquired = 1;
    op->arr_ptr = &op->arr;
    return 0;
}

int bkpy_acquire_buffer(PyObject *obj, int writable, const char *name, Py_buffer *buffer,
                        bkpy_arr *arr) {
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "%s must support the buffer protocol (NumPy array, array.array, "
                     "memoryview, bytearray, bufkern.Array, ...), not %.200s",
                     name, Py_TYPE(obj)->tp_name);
        return -1;
    }
    int rc;
    if (writable) {
        rc = PyObject_GetBuffer(obj, buffer, PyBUF_RECORDS);
        /* Perhaps read-only: exporters refuse a writable buffer with
         * BufferError, NumPy with ValueError. Only then ask again, to tell
         * that apart from the rest (a failure here reports the second
         * refusal); any other error (KeyboardInterrupt, MemoryError, ...)
         * is the caller's, and the exporter is not asked twice. */
        if (rc < 0 && (PyErr_ExceptionMatches(PyExc_BufferError) ||
                       PyErr_ExceptionMatches(PyExc_ValueError))) {
            PyErr_Clear();
            rc = PyObject_GetBuffer(obj, buffer, PyBUF_RECORDS_RO);
        }
    } else {
        rc = PyObject_GetBuffer(obj, buffer, PyBUF_RECORDS_RO);
    }
    if (rc < 0) {
        bkpy_buffer_error_to_type_error(obj, name);
        return -1;
    }
    if (bkpy_arr_from_buffer(buffer, arr) < 0)
        goto fail;
    if (writable && arr->readonly) {
        bkpy_readonly_error(name, obj);
        goto fail;
    }
    return 0;
fail:
    PyBuffer_Release(buffer);
    return -1;
}

void bkpy_operand_release(bkpy_operand *op) {
    if (op->acquired) {
        PyBuffer_Release(&op->buffer);
        op->acquired = 0;
    }
    if (op->view) {
        bkpy_view_unbusy(op->view);
        op->view = NULL;
    }
}

/* ---- the ops ------------------------------------------------------------ */

PyObject *bkpy_do_sum(bkpy_state *st, PyObject *a) {
    bkpy_operand oa;
    if (bkpy_operand_get(st, a, 0, "a", &oa) < 0)
        return NULL;
    PyObject *result = NULL;
    bkpy_elem s;
    if (bkpy_run(BKPY_SUM, oa.arr_ptr, NULL, NULL, &s, st->gil_threshold) < 0)
        goto done;
    result = bkpy_sum_to_object(&s, oa.arr_ptr->dtype);
done:
    bkpy_operand_release(&oa);
    return result;
}

PyObject *bkpy_do_with_scalar(bkpy_state *st, bkpy_op op, PyObject *a, PyObject *x) {
    bkpy_operand oa;
    if (bkpy_operand_get(st, a, 1, "a", &oa) < 0)
        return NULL;
    PyObject *result = NULL;
    bkpy_elem e;
    if (bkpy_scalar_to_elem(x, oa.arr_ptr->dtype, &e) < 0)
        goto done;
    if (bkpy_run(op, oa.arr_ptr, NULL, &e, NULL, st->gil_threshold) < 0)
        goto done;
    result = Py_NewRef(Py_None);
done:
    bkpy_operand_release(&oa);
    return result;
}

static int bkpy_same_shape(const bkpy_arr *a, const bkpy_arr *b) {
    if (a->ndim != b->ndim)
        return 0;
    for (int d = 0; d < a->ndim; d++)
        if (a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

static void bkpy_shape_error(const bkpy_arr *a, const bkpy_arr *b) {
    if (a->ndim == 1 && b->ndim == 1) {
        PyErr_Format(PyExc_ValueError,
                     "a and b must have the same length (a has %zd elements, b has %zd)",
                     a->shape[0], b->shape[0]);
        return;
    }
    PyObject *sa = bkpy_shape_tuple(a->shape, a->ndim);
    PyObject *sb = sa ? bkpy_shape_tuple(b->shape, b->ndim) : NULL;
    if (sb)
        PyErr_Format(PyExc_ValueError,
                     "a and b must have the same shape (a has shape %S, b has shape %S); "
                     "broadcasting is not done",
                     sa, sb);
    Py_XDECREF(sa);
    Py_XDECREF(sb);
}

PyObject *bkpy_do_binary(bkpy_state *st, bkpy_op op, PyObject *a, PyObject *b) {
    bkpy_operand oa, ob;
    if (bkpy_operand_get(st, a, 1, "a", &oa) < 0)
        return NULL;
    PyObject *result = NULL;
    if (bkpy_operand_get(st, b, 0, "b", &ob) < 0) {
        bkpy_operand_release(&oa);
        return NULL;
    }
    const bkpy_arr *xa = oa.arr_ptr, *xb = ob.arr_ptr;
    if (xa->dtype != xb->dtype) {
        PyErr_Format(PyExc_TypeError, "dtype mismatch: a is %s, b is %s", bk_dtype_name(xa->dtype),
                     bk_dtype_name(xb->dtype));
        goto done;
    }
    if (!bkpy_same_shape(xa, xb)) {
        bkpy_shape_error(xa, xb);
        goto done;
    }
    if (bkpy_run(op, xa, xb, NULL, NULL, st->gil_threshold) < 0)
        goto done;
    result = Py_NewRef(Py_None);
done:
    bkpy_operand_release(&ob);
    bkpy_operand_release(&oa);
    return result;
}
