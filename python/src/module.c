/*
 * module.c - bufkern._core: the module functions, the dispatch API, and
 * multi-phase initialisation (module state holds the types; no static
 * globals but constant tables).
 */
#include "bkpy.h"
#include "ops_doc.h"

#include <limits.h>
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

/* ---- the ops: one function per row of BK_OPS (ops.c runs them) ---------- */

#define BKPY_X_FN(op, pyname, form, set)                                       \
    static PyObject *bkpy_fn_##op(PyObject *module, PyObject *const *args, Py_ssize_t nargs, \
                                  PyObject *kwnames) {                         \
        return bkpy_call_op(bkpy_get_state(module), BKPY_OP_##op, args, nargs, kwnames); \
    }
BK_OPS(BKPY_X_FN)
#undef BKPY_X_FN

/*
 * The op and dtype tables for Python code (tests, benchmarks, bufkern.dask),
 * so that none of it types them again:
 *   DTYPES = ("f32", "f64", ...)
 *   OPS = {pyname: {"c_name": "sub", "form": "binary",
 *                   "dtypes": (...), "result": {dtype: result dtype}}}
 */
static int bkpy_add_tables(PyObject *module) {
    static const char *const forms[] = {"reduce", "extreme", "dot", "fill",
                                        "scalar", "binary", "unary", "magnitude"};
    PyObject *dtypes = PyTuple_New(BK_NDTYPES), *ops = PyDict_New();
    int rc = -1;
    if (!dtypes || !ops)
        goto done;
    for (int d = 0; d < BK_NDTYPES; d++) {
        PyObject *name = PyUnicode_FromString(bk_dtype_name((bk_dtype)d));
        if (!name)
            goto done;
        PyTuple_SET_ITEM(dtypes, d, name);
    }
    for (int op = 0; op < BKPY_NOPS; op++) {
        PyObject *takes = PyList_New(0), *result = PyDict_New(), *row = NULL;
        int ok = takes && result;
        for (int d = 0; ok && d < BK_NDTYPES; d++) {
            bk_dtype r;
            if (!bkpy_op_takes(op, (bk_dtype)d, &r))
                continue;
            PyObject *dn = PyTuple_GET_ITEM(dtypes, d), *rn = PyTuple_GET_ITEM(dtypes, r);
            ok = PyList_Append(takes, dn) == 0 && PyDict_SetItem(result, dn, rn) == 0;
        }
        PyObject *takes_t = ok ? PyList_AsTuple(takes) : NULL;
        if (takes_t)
            row = Py_BuildValue("{s:s,s:s,s:O,s:O}", "c_name", bkpy_ops[op].name, "form",
                                forms[bkpy_ops[op].form], "dtypes", takes_t, "result", result);
        ok = row && PyDict_SetItemString(ops, bkpy_ops[op].pyname, row) == 0;
        Py_XDECREF(takes);
        Py_XDECREF(takes_t);
        Py_XDECREF(result);
        Py_XDECREF(row);
        if (!ok)
            goto done;
    }
    if (PyModule_AddObjectRef(module, "DTYPES", dtypes) < 0 ||
        PyModule_AddObjectRef(module, "OPS", ops) < 0)
        goto done;
    rc = 0;
done:
    Py_XDECREF(dtypes);
    Py_XDECREF(ops);
    return rc;
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

/* ---- threads ------------------------------------------------------------ */

static PyObject *bkpy_get_threads(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromLong(bk_get_threads());
}

static PyObject *bkpy_set_threads(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    (void)module;
    if (bkpy_nargs("set_threads", nargs, 1) < 0)
        return NULL;
    if (!PyLong_Check(args[0]) && !PyIndex_Check(args[0])) {
        PyErr_Format(PyExc_TypeError, "set_threads() needs an int, not %.200s",
                     Py_TYPE(args[0])->tp_name);
        return NULL;
    }
    Py_ssize_t n = PyNumber_AsSsize_t(args[0], PyExc_OverflowError);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < 0 || n > INT_MAX || bk_set_threads((int)n) != BK_OK) {
        PyErr_Format(PyExc_ValueError,
                     "set_threads(%zd): the number of threads must be 0 (the default) or more", n);
        return NULL;
    }
    Py_RETURN_NONE;
}

/*
 * For threadpoolctl, which finds libraries among the loaded shared objects
 * and calls them through ctypes: the only symbols this module exports besides
 * its init function (libbufkern's own stay hidden inside it).
 */
__attribute__((visibility("default"))) int bufkern_threadpool_get_num_threads(void) {
    return bk_get_threads();
}
__attribute__((visibility("default"))) void bufkern_threadpool_set_num_threads(int n) {
    bk_set_threads(n);
}

/* ---- module ------------------------------------------------------------- */

static PyMethodDef bkpy_functions[] = {
#define BKPY_X_DEF(op, pyname, form, set)                                      \
    {#pyname, (PyCFunction)(void (*)(void))bkpy_fn_##op, METH_FASTCALL | METH_KEYWORDS,         \
     BKPY_OP_DOC(op, pyname, form)},
    BK_OPS(BKPY_X_DEF)
#undef BKPY_X_DEF
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
    {"get_threads", (PyCFunction)bkpy_get_threads, METH_NOARGS,
     "get_threads()\n--\n\n"
     "How many threads kernels on large operands split over (the calling thread included). "
     "The default is the number of CPUs this process may run on, or BUFKERN_THREADS."},
    {"set_threads", (PyCFunction)(void (*)(void))bkpy_set_threads, METH_FASTCALL,
     "set_threads(n, /)\n--\n\n"
     "Split kernels over at most n threads, for the whole process (1: never split; 0: the "
     "default). Results are the same bits for every n. ValueError for a negative n."},
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
    bkpy_ops_init();
    if (bkpy_view_types_init(module, st) < 0 || bkpy_array_types_init(module, st) < 0)
        return -1;
    if (PyModule_AddStringConstant(module, "__version__", BUFKERN_VERSION) < 0)
        return -1;
    if (PyModule_AddIntConstant(module, "GIL_THRESHOLD_DEFAULT", BKPY_GIL_THRESHOLD_DEFAULT) < 0 ||
        bkpy_add_tables(module) < 0)
        return -1;
    return 0;
}

static int bkpy_traverse(PyObject *module, visitproc visit, void *arg) {
    bkpy_state *st = bkpy_get_state(module);
    Py_VISIT(st->view_type);
    Py_VISIT(st->view_mut_type);
    Py_VISIT(st->array_type);
    Py_VISIT(st->intarray_type);
    Py_VISIT(st->ndarray_type);
    return 0;
}

static int bkpy_clear(PyObject *module) {
    bkpy_state *st = bkpy_get_state(module);
    Py_CLEAR(st->view_type);
    Py_CLEAR(st->view_mut_type);
    Py_CLEAR(st->array_type);
    Py_CLEAR(st->intarray_type);
    Py_CLEAR(st->ndarray_type);
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
