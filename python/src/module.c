/*
 * module.c - bufkern._core: the module functions, the dispatch API, and
 * multi-phase initialisation (module state holds the types; no static
 * globals but constant tables).
 */
#include "bkpy.h"

#include <stdlib.h>
#include <string.h>

/*
 * The GIL is released around the kernels when an op touches at least this
 * many bytes of `a`. Measured with python/tools/measure.py on the reference
 * machine (2-core x86-64 VM, avx512 target, CPython 3.11):
 *  - a Py_BEGIN/END_ALLOW_THREADS pair costs ~35 ns when no other thread
 *    wants the GIL (same call with the threshold at 0 vs. never);
 *  - when another thread spins in Python, releasing costs the caller
 *    either ~40 ns or, whenever that thread takes the GIL, 4-7 us (it must
 *    be asked back);
 *  - cache-resident kernels run at 0.010-0.03 ns per byte (sum f64: 2.6 us
 *    for 256 KiB; multiply: 5.5 us);
 *  - two threads each running scale() on their own array gain nothing from
 *    releasing below ~256 KiB (0.7-1.0x of one thread) and gain from
 *    512 KiB-1 MiB on (1.3-1.9x).
 * At 256 KiB the uncontended release costs <= 1.3% of the fastest kernel,
 * and below it a kernel (< ~3 us) is too short for another thread to use
 * the GIL profitably. Adjustable with bufkern._core._gil_threshold().
 */
#define BKPY_GIL_THRESHOLD_DEFAULT (256 * 1024)

static bkpy_state *bkpy_get_state(PyObject *module) {
    return (bkpy_state *)PyModule_GetState(module);
}

static int bkpy_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t want) {
    if (nargs == want)
        return 0;
    PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd positional argument%s (%zd given)", name,
                 want, want == 1 ? "" : "s", nargs);
    return -1;
}

/* ---- the ops ------------------------------------------------------------ */

static PyObject *bkpy_sum(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (bkpy_nargs("sum", nargs, 1) < 0)
        return NULL;
    return bkpy_do_sum(bkpy_get_state(module), args[0]);
}

static PyObject *bkpy_scale(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (bkpy_nargs("scale", nargs, 2) < 0)
        return NULL;
    return bkpy_do_with_scalar(bkpy_get_state(module), BKPY_SCALE, args[0], args[1]);
}

static PyObject *bkpy_fill(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (bkpy_nargs("fill", nargs, 2) < 0)
        return NULL;
    return bkpy_do_with_scalar(bkpy_get_state(module), BKPY_FILL, args[0], args[1]);
}

static PyObject *bkpy_multiply(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (bkpy_nargs("multiply", nargs, 2) < 0)
        return NULL;
    return bkpy_do_binary(bkpy_get_state(module), BKPY_MUL, args[0], args[1]);
}

static PyObject *bkpy_add(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (bkpy_nargs("add", nargs, 2) < 0)
        return NULL;
    return bkpy_do_binary(bkpy_get_state(module), BKPY_ADD, args[0], args[1]);
}

/* ---- dispatch ----------------------------------------------------------- */

static PyObject *bkpy_target(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyUnicode_FromString(bk_target_name());
}

static PyObject *bkpy_available_targets(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    PyObject *list = PyList_New(0);
    if (!list)
        return NULL;
    for (size_t i = 0; bk_target_at(i); i++) {
        const char *name = bk_target_at(i);
        if (!bk_target_supported(name))
            continue;
        PyObject *s = PyUnicode_FromString(name);
        if (!s || PyList_Append(list, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(list);
            return NULL;
        }
        Py_DECREF(s);
    }
    return list;
}

static PyObject *bkpy_compiled_targets(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    PyObject *list = PyList_New(0);
    for (size_t i = 0; list && bk_target_at(i); i++) {
        PyObject *s = PyUnicode_FromString(bk_target_at(i));
        if (!s || PyList_Append(list, s) < 0)
            Py_CLEAR(list);
        Py_XDECREF(s);
    }
    return list;
}

static PyObject *bkpy_set_target(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (bkpy_nargs("set_target", nargs, 1) < 0)
        return NULL;
    if (!PyUnicode_Check(args[0])) {
        PyErr_Format(PyExc_TypeError, "set_target() needs a str, not %.200s",
                     Py_TYPE(args[0])->tp_name);
        return NULL;
    }
    Py_ssize_t len = 0;
    const char *name = PyUnicode_AsUTF8AndSize(args[0], &len);
    if (!name)
        return NULL;
    /* A NUL inside the name would cut it short: "sse2\0junk" is no target. */
    if (!*name || strlen(name) != (size_t)len || bk_set_target(name) != BK_OK) {
        PyObject *avail = bkpy_available_targets(module, NULL);
        if (avail) {
            PyErr_Format(PyExc_ValueError,
                         "target %R is not available on this machine; available: %R", args[0],
                         avail);
            Py_DECREF(avail);
        }
        return NULL;
    }
    Py_RETURN_NONE;
}

/*
 * An unusable BUFKERN_TARGET falls back to the best target: the message that
 * says so, or None. The package warns with it (python/bufkern/__init__.py),
 * where the warning can name the user's import rather than importlib's
 * frames, and where turning it into an error cannot fail the import.
 */
static PyObject *bkpy_env_target_warning(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    const char *env = getenv("BUFKERN_TARGET");
    if (!env || !*env || bk_target_supported(env))
        Py_RETURN_NONE;
    char compiled[128] = "";
    int known = 0;
    for (size_t i = 0; bk_target_at(i); i++) {
        known |= strcmp(bk_target_at(i), env) == 0;
        if (strlen(compiled) + strlen(bk_target_at(i)) + 2 < sizeof compiled) {
            if (i)
                strcat(compiled, " ");
            strcat(compiled, bk_target_at(i));
        }
    }
    if (known)
        return PyUnicode_FromFormat("BUFKERN_TARGET=%s is not supported by this CPU; using the "
                                    "best available target '%s'",
                                    env, bk_target_name());
    return PyUnicode_FromFormat("BUFKERN_TARGET=%s is not a target of this build (compiled in: "
                                "%s); using the best available target '%s'",
                                env, compiled, bk_target_name());
}

static PyObject *bkpy_gil_threshold(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    bkpy_state *st = bkpy_get_state(module);
    if (nargs > 1)
        return bkpy_nargs("_gil_threshold", nargs, 1), NULL;
    Py_ssize_t old = st->gil_threshold;
    if (nargs == 1 && args[0] != Py_None) {
        Py_ssize_t v = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
        if (v == -1 && PyErr_Occurred())
            return NULL;
        st->gil_threshold = v < 0 ? 0 : v;
    }
    return PyLong_FromSsize_t(old);
}

/* ---- module ------------------------------------------------------------- */

static PyMethodDef bkpy_functions[] = {
    {"sum", (PyCFunction)(void (*)(void))bkpy_sum, METH_FASTCALL,
     "sum(a, /)\n--\n\n"
     "Sum of all elements of a (any buffer or view): an int for integer dtypes (int64 or "
     "uint64 with wraparound), a float for f32/f64 (pairwise accuracy), a complex for "
     "c64/c128. 0, 0.0 or 0j when a is empty; a 0-d array's value."},
    {"scale", (PyCFunction)(void (*)(void))bkpy_scale, METH_FASTCALL,
     "scale(a, k, /)\n--\n\n"
     "a[i] *= k in place. k follows the scalar rules of a's dtype (TypeError for the wrong "
     "kind, OverflowError out of range). ValueError if a is read-only."},
    {"multiply", (PyCFunction)(void (*)(void))bkpy_multiply, METH_FASTCALL,
     "multiply(a, b, /)\n--\n\n"
     "a[i] *= b[i] in place. a and b need the same dtype (TypeError) and shape (ValueError); "
     "b may overlap a: the result is as if b were copied first (NumPy's out= answer)."},
    {"add", (PyCFunction)(void (*)(void))bkpy_add, METH_FASTCALL,
     "add(a, b, /)\n--\n\n"
     "a[i] += b[i] in place, with the rules of multiply()."},
    {"fill", (PyCFunction)(void (*)(void))bkpy_fill, METH_FASTCALL,
     "fill(a, v, /)\n--\n\n"
     "a[i] = v for every element, v by the scalar rules of a's dtype."},
    {"target", (PyCFunction)bkpy_target, METH_NOARGS,
     "target()\n--\n\nName of the active kernel target ('avx2', 'scalar', ...)."},
    {"available_targets", (PyCFunction)bkpy_available_targets, METH_NOARGS,
     "available_targets()\n--\n\n"
     "Targets compiled in that this CPU supports, best first."},
    {"_compiled_targets", (PyCFunction)bkpy_compiled_targets, METH_NOARGS,
     "_compiled_targets()\n--\n\n"
     "Every target compiled into this build, best first, whether this CPU runs it or not."},
    {"set_target", (PyCFunction)(void (*)(void))bkpy_set_target, METH_FASTCALL,
     "set_target(name, /)\n--\n\n"
     "Make name the active target for the whole process; ValueError if it is not one of "
     "available_targets()."},
    {"_env_target_warning", (PyCFunction)bkpy_env_target_warning, METH_NOARGS,
     "_env_target_warning()\n--\n\n"
     "The warning an unusable BUFKERN_TARGET deserves (it fell back to the best target), "
     "or None."},
    {"_gil_threshold", (PyCFunction)(void (*)(void))bkpy_gil_threshold, METH_FASTCALL,
     "_gil_threshold(nbytes=None, /)\n--\n\n"
     "Testing and benchmarking knob: the work in bytes from which ops release the GIL. "
     "Returns the previous value; sets it when nbytes is given."},
    {NULL, NULL, 0, NULL},
};

static int bkpy_exec(PyObject *module) {
    bkpy_state *st = bkpy_get_state(module);
    st->gil_threshold = BKPY_GIL_THRESHOLD_DEFAULT;
    if (bkpy_view_types_init(module, st) < 0 || bkpy_array_types_init(module, st) < 0)
        return -1;
    if (PyModule_AddIntConstant(module, "GIL_THRESHOLD_DEFAULT", BKPY_GIL_THRESHOLD_DEFAULT) < 0)
        return -1;
    return 0;
}

static int bkpy_traverse(PyObject *module, visitproc visit, void *arg) {
    bkpy_state *st = bkpy_get_state(module);
    Py_VISIT(st->view_type);
    Py_VISIT(st->view_mut_type);
    Py_VISIT(st->array_type);
    Py_VISIT(st->intarray_type);
    return 0;
}

static int bkpy_clear(PyObject *module) {
    bkpy_state *st = bkpy_get_state(module);
    Py_CLEAR(st->view_type);
    Py_CLEAR(st->view_mut_type);
    Py_CLEAR(st->array_type);
    Py_CLEAR(st->intarray_type);
    return 0;
}

static void bkpy_free(void *module) { bkpy_clear((PyObject *)module); }

static PyModuleDef_Slot bkpy_slots[] = {
    {Py_mod_exec, bkpy_exec},
#if PY_VERSION_HEX >= 0x030C0000
    {Py_mod_multiple_interpreters, Py_MOD_PER_INTERPRETER_GIL_SUPPORTED},
#endif
    {0, NULL},
};

PyDoc_STRVAR(bkpy_module_doc,
             "SIMD kernels (libbufkern) over any buffer-protocol object.\n\n"
             "sum, scale, multiply, add and fill work on NumPy arrays, array.array, "
             "memoryview, bytearray, bufkern.Array and views, of 12 dtypes, any shape and "
             "strides, with the GIL released around large kernels.");

static struct PyModuleDef bkpy_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "bufkern._core",
    .m_doc = bkpy_module_doc,
    .m_size = sizeof(bkpy_state),
    .m_methods = bkpy_functions,
    .m_slots = bkpy_slots,
    .m_traverse = bkpy_traverse,
    .m_clear = bkpy_clear,
    .m_free = bkpy_free,
};

PyMODINIT_FUNC PyInit__core(void) { return PyModuleDef_Init(&bkpy_module); }
