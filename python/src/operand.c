/*
 * operand.c - the operands of an op: a buffer exporter or a view, acquired
 * (read-only or writable) and released. ops.c acquires every operand and
 * checks everything before the first write, and releases them all on every
 * path.
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
    if (bkpy_ndarray_read(st, obj, &op->arr)) { /* held by the caller's arguments */
        if (writable && op->arr.readonly) {
            bkpy_readonly_error(name, obj);
            return -1;
        }
        op->arr_ptr = &op->arr;
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
