/*
 * ops.c - every op of libbufkern's op table (BK_OPS) as a Python function
 * and a view method: argument rules by the op's form, the checks of the
 * SPEC's error table (all before the first write), overlap, and the call of
 * the dtype-generic kernel on the pieces the iterator (iter.c) hands out.
 *
 *   form       Python signature                       result
 *   reduce     op(a, /)                               int, float or complex
 *   extreme    op(a, /)                               the dtype's element
 *   dot        op(a, b, /)                            like reduce
 *   fill       op(a, v, /)                            None, a written
 *   scalar     op(a, k, /, *, out=None)               None
 *   binary     op(a, b, /, *, out=None)               None
 *   unary      op(a, /, *, out=None)                  None
 *   magnitude  op(a, /, *, out=None)                  None (complex: out= required)
 *
 * Without out= the elementwise ops write a in place; with it, a and b are
 * only read and the result goes to out, whatever the overlap: NumPy's
 * np.op(a, b, out=out).
 */
#include "bkpy.h"
#include "ops_doc.h"

#include <string.h>

/* ---- the op descriptors, from BK_OPS ------------------------------------ */

/* Which positional operands a form takes, and whether it is elementwise. */
#define BKPY_NPOS_reduce 1
#define BKPY_NPOS_extreme 1
#define BKPY_NPOS_dot 2
#define BKPY_NPOS_fill 2
#define BKPY_NPOS_scalar 2
#define BKPY_NPOS_binary 2
#define BKPY_NPOS_unary 1
#define BKPY_NPOS_magnitude 1

const bkpy_opdesc bkpy_ops[BKPY_NOPS] = {
#define BKPY_X_DESC(op, pyname, form, set)                                     \
    [BKPY_OP_##op] = {#op, #pyname, BKPY_FORM_##form, BKPY_NPOS_##form,            \
                      BKPY_OP_DOC(op, pyname, form)},
    BK_OPS(BKPY_X_DESC)
#undef BKPY_X_DESC
};

/* bk_op_takes by op index: the library looks ops up by name, which took a
 * tenth of a call on 16 elements, so it is asked once per op and dtype at
 * import. Each entry is the result dtype + 1, or 0 where the op does not
 * take the dtype. Every interpreter writes the same values. */
static unsigned char bkpy_results[BKPY_NOPS][BK_NDTYPES];

void bkpy_ops_init(void) {
    for (int op = 0; op < BKPY_NOPS; op++)
        for (int d = 0; d < BK_NDTYPES; d++) {
            bk_dtype r;
            bkpy_results[op][d] = bk_op_takes(bkpy_ops[op].name, (bk_dtype)d, &r) ? (unsigned char)(r + 1) : 0;
        }
}

int bkpy_op_takes(int op, bk_dtype dt, bk_dtype *result) {
    const int r = (unsigned)dt < BK_NDTYPES ? bkpy_results[op][dt] : 0;
    if (r && result)
        *result = (bk_dtype)(r - 1);
    return r != 0;
}

/* ---- running a kernel on one piece ------------------------------------- */

/* The dtype-generic entry point of op for a piece of len elements. */
static int bkpy_kernel(int op, bk_dtype dt, char *const *p, Py_ssize_t len, const void *scalar,
                       void *result) {
    const size_t n = (size_t)len;
    switch (op) {
#define BKPY_CALL_reduce(o) return bk_##o(dt, p[0], n, result);
#define BKPY_CALL_extreme BKPY_CALL_reduce
#define BKPY_CALL_dot(o) return bk_##o(dt, p[0], p[1], n, result);
#define BKPY_CALL_fill(o) return bk_##o(dt, p[0], n, scalar);
#define BKPY_CALL_scalar(o) return bk_##o##_out(dt, p[0], p[1], n, scalar);
#define BKPY_CALL_binary(o) return bk_##o##_out(dt, p[0], p[1], p[2], n);
#define BKPY_CALL_unary(o) return bk_##o##_out(dt, p[0], p[1], n);
#define BKPY_CALL_magnitude BKPY_CALL_unary
#define BKPY_X_CASE(o, pyname, form, set)                                      \
    case BKPY_OP_##o:                                                          \
        BKPY_CALL_##form(o)
        BK_OPS(BKPY_X_CASE)
#undef BKPY_X_CASE
    default:
        return BK_ERR_DTYPE;
    }
}

/* Runs op on every piece of the operands (no Python API: may run without
 * the GIL). Returns the first status that is not BK_OK. */
static int bkpy_run_pieces(int op, bk_dtype dt, int nop, const bkpy_arr *const *ops,
                           const void *scalar) {
    bkpy_iter it;
    bkpy_iter_init(&it, nop, ops, BKPY_ORDER_WALK);
    char *p[BKPY_MAXOPS];
    Py_ssize_t len;
    while (bkpy_iter_next(&it, p, &len)) {
        int st = bkpy_kernel(op, dt, p, len, scalar, NULL);
        if (st != BK_OK)
            return st;
        bkpy_iter_commit(&it);
    }
    return BK_OK;
}

/* dst = src element for element (same shape), in the given order. */
static void bkpy_copy(const bkpy_arr *dst, const bkpy_arr *src, int order) {
    const bkpy_arr *ops[2] = {dst, src};
    bkpy_iter it;
    bkpy_iter_init(&it, 2, ops, order);
    char *p[BKPY_MAXOPS];
    Py_ssize_t len;
    while (bkpy_iter_next(&it, p, &len)) {
        memcpy(p[0], p[1], (size_t)(len * src->itemsize));
        bkpy_iter_commit(&it);
    }
}

/* ---- temporaries ---------------------------------------------------------- */

/* A C-contiguous array of x's shape, of dtype dt, in fresh memory. */
static int bkpy_temp_like(const bkpy_arr *x, bk_dtype dt, bkpy_arr *t) {
    *t = *x;
    t->dtype = dt;
    t->itemsize = (Py_ssize_t)bk_dtype_size(dt);
    t->readonly = 0;
    if (x->n > PY_SSIZE_T_MAX / t->itemsize ||
        !(t->buf = PyMem_RawMalloc(x->n ? (size_t)(x->n * t->itemsize) : 1))) {
        PyErr_NoMemory();
        return -1;
    }
    Py_ssize_t s = t->itemsize;
    for (int d = x->ndim - 1; d >= 0; d--) {
        t->strides[d] = s;
        s *= x->shape[d] > 0 ? x->shape[d] : 1;
    }
    return 0;
}

/* ---- one call: checked operands in, result out --------------------------- */

typedef struct bkpy_job {
    int op;
    bk_dtype dt;
    int nop;                      /* operands in ops[] */
    const bkpy_arr *ops[BKPY_MAXOPS]; /* destination (or reduction input) first */
    bkpy_arr tmp[BKPY_MAXOPS];    /* temporaries standing in for ops[i] */
    int has_tmp[BKPY_MAXOPS];
    int writeback;                /* ops[0] is written through tmp[0] */
    int contiguous;               /* one run in every operand: one kernel call */
    char *start[BKPY_MAXOPS];     /* where each operand's run starts, or its temporary */
    const void *scalar;
    void *result;
    int status;
} bkpy_job;

/*
 * Decides the temporaries, allocates them (MemoryError before anything is
 * written), and says whether the call is one contiguous kernel call.
 *  - Reductions whose operands are not one contiguous run are copied into
 *    one (C order), so that the library's own block structure applies: the
 *    same values give the same bits in any layout.
 *  - Elementwise ops over one contiguous run go straight to the library,
 *    which resolves any overlap itself. Otherwise a destination that may
 *    overlap itself is computed in a temporary and written back in C order
 *    (the last write wins, as NumPy's writeback), and an input that overlaps
 *    the destination in another layout is copied first.
 */
static int bkpy_job_prepare(bkpy_job *j) {
    const int reduction = bkpy_ops[j->op].form <= BKPY_FORM_dot;
    j->writeback = 0;
    j->contiguous = 1;
    for (int o = 0; o < j->nop; o++) {
        j->has_tmp[o] = 0;
        j->start[o] = j->ops[o]->buf;
        j->contiguous &= bkpy_c_contiguous(j->ops[o]);
    }
    if (j->contiguous) /* known without a plan, which took a tenth of a call on 16 elements */
        return 0;
    bkpy_iter it;
    bkpy_iter_init(&it, j->nop, j->ops, BKPY_ORDER_WALK);
    j->contiguous = bkpy_iter_contiguous(&it);
    for (int o = 0; o < j->nop; o++)
        j->start[o] = it.base[o]; /* where a run walked forwards starts */
    if (j->contiguous || j->ops[0]->n == 0)
        return 0;
    for (int o = 0; o < j->nop; o++) {
        int need;
        if (reduction)
            need = 1;
        else if (o == 0)
            need = j->writeback = bkpy_self_overlaps(j->ops[0]);
        else
            need = !j->writeback && bkpy_may_overlap(j->ops[o], j->ops[0]) &&
                   !bkpy_same_layout(j->ops[o], j->ops[0]);
        if (!need)
            continue;
        if (bkpy_temp_like(j->ops[o], j->ops[o]->dtype, &j->tmp[o]) < 0)
            return -1;
        j->has_tmp[o] = 1;
        j->start[o] = j->tmp[o].buf;
    }
    return 0;
}

static void bkpy_job_run(bkpy_job *j) {
    const bkpy_arr *use[BKPY_MAXOPS];
    const int reduction = bkpy_ops[j->op].form <= BKPY_FORM_dot;
    for (int o = 0; o < j->nop; o++) {
        use[o] = j->has_tmp[o] ? &j->tmp[o] : j->ops[o];
        if (j->has_tmp[o] && (o > 0 || reduction))
            bkpy_copy(&j->tmp[o], j->ops[o], BKPY_ORDER_C);
    }
    if (reduction || j->contiguous) {
        j->status = bkpy_kernel(j->op, j->dt, j->start, use[0]->n, j->scalar, j->result);
        return;
    }
    j->status = bkpy_run_pieces(j->op, j->dt, j->nop, use, j->scalar);
    if (j->writeback && j->status == BK_OK)
        bkpy_copy(j->ops[0], &j->tmp[0], BKPY_ORDER_WRITEBACK);
}

static void bkpy_job_free(bkpy_job *j) {
    for (int o = 0; o < j->nop; o++)
        if (j->has_tmp[o])
            PyMem_RawFree(j->tmp[o].buf);
}

/* Runs a prepared job, with the GIL released when the work is large. */
static int bkpy_job_execute(bkpy_state *st, bkpy_job *j) {
    if (bkpy_job_prepare(j) < 0) {
        bkpy_job_free(j); /* the temporaries made before the one that failed */
        return -1;
    }
    const bkpy_arr *a = j->ops[0];
    const Py_ssize_t work = a->n > PY_SSIZE_T_MAX / a->itemsize ? PY_SSIZE_T_MAX : a->n * a->itemsize;
    if (work >= st->gil_threshold) {
        Py_BEGIN_ALLOW_THREADS
        bkpy_job_run(j);
        Py_END_ALLOW_THREADS
    } else {
        bkpy_job_run(j);
    }
    bkpy_job_free(j);
    if (j->status == BK_ERR_NOMEM) {
        PyErr_NoMemory();
        return -1;
    }
    if (j->status != BK_OK) { /* the checks before make this unreachable */
        PyErr_Format(PyExc_SystemError, "bufkern: %s failed: %s", bkpy_ops[j->op].pyname,
                     bk_status_str(j->status));
        return -1;
    }
    return 0;
}

/* ---- argument checks ------------------------------------------------------ */

static int bkpy_same_shape(const bkpy_arr *a, const bkpy_arr *b) {
    if (a->ndim != b->ndim)
        return 0;
    for (int d = 0; d < a->ndim; d++)
        if (a->shape[d] != b->shape[d])
            return 0;
    return 1;
}

static int bkpy_shape_error(const char *na, const bkpy_arr *a, const char *nb, const bkpy_arr *b) {
    if (a->ndim == 1 && b->ndim == 1) {
        PyErr_Format(PyExc_ValueError,
                     "%s and %s must have the same length (%s has %zd elements, %s has %zd)", na,
                     nb, na, a->shape[0], nb, b->shape[0]);
        return -1;
    }
    PyObject *sa = bkpy_shape_tuple(a->shape, a->ndim);
    PyObject *sb = sa ? bkpy_shape_tuple(b->shape, b->ndim) : NULL;
    if (sb)
        PyErr_Format(PyExc_ValueError,
                     "%s and %s must have the same shape (%s has shape %S, %s has shape %S); "
                     "broadcasting is not done",
                     na, nb, na, sa, nb, sb);
    Py_XDECREF(sa);
    Py_XDECREF(sb);
    return -1;
}

/* TypeError naming the dtypes op takes. */
static int bkpy_dtype_not_taken(int op, bk_dtype dt) {
    char list[128] = "";
    for (int d = 0; d < BK_NDTYPES; d++) {
        if (!bkpy_op_takes(op, (bk_dtype)d, NULL))
            continue;
        if (*list)
            strcat(list, ", ");
        strcat(list, bk_dtype_name((bk_dtype)d));
    }
    PyErr_Format(PyExc_TypeError, "%s does not take %s arrays (it takes %s)", bkpy_ops[op].pyname,
                 bk_dtype_name(dt), list);
    return -1;
}

/* ---- the Python call ------------------------------------------------------ */

/* Splits vectorcall arguments into positional operands and out=. */
static int bkpy_parse(int op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                      PyObject **pos, PyObject **out) {
    const bkpy_opdesc *d = &bkpy_ops[op];
    const int elementwise = d->form >= BKPY_FORM_scalar;
    *out = NULL;
    if (nargs != d->npos) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly %d positional argument%s (%zd given)",
                     d->pyname, d->npos, d->npos == 1 ? "" : "s", nargs);
        return -1;
    }
    for (Py_ssize_t i = 0; i < nargs; i++)
        pos[i] = args[i];
    const Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nkw; i++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, i);
        if (!elementwise || !PyUnicode_Check(key) || PyUnicode_CompareWithASCIIString(key, "out")) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument %R", d->pyname,
                         key);
            return -1;
        }
        *out = args[nargs + i] == Py_None ? NULL : args[nargs + i];
    }
    return 0;
}

PyObject *bkpy_call_op(bkpy_state *st, int op, PyObject *const *args, Py_ssize_t nargs,
                       PyObject *kwnames) {
    const bkpy_opdesc *d = &bkpy_ops[op];
    PyObject *pos[2] = {NULL, NULL}, *outobj;
    if (bkpy_parse(op, args, nargs, kwnames, pos, &outobj) < 0)
        return NULL;
    const int elementwise = d->form >= BKPY_FORM_fill;
    const int in_place = elementwise && !outobj;
    const int binary = d->form == BKPY_FORM_dot || d->form == BKPY_FORM_binary;

    /* Acquire every operand; on error nothing is held (cleanup below). */
    bkpy_operand oa, ob, oout;
    int has_a = 0, has_b = 0, has_out = 0;
    PyObject *result = NULL;
    bkpy_elem scalar, res;
    if (bkpy_operand_get(st, pos[0], in_place, "a", &oa) < 0)
        return NULL;
    has_a = 1;
    if (binary) {
        if (bkpy_operand_get(st, pos[1], 0, "b", &ob) < 0)
            goto done;
        has_b = 1;
    }
    if (outobj) {
        if (bkpy_operand_get(st, outobj, 1, "out", &oout) < 0)
            goto done;
        has_out = 1;
    }
    const bkpy_arr *a = oa.arr_ptr, *b = has_b ? ob.arr_ptr : NULL;
    const bkpy_arr *out = has_out ? oout.arr_ptr : in_place ? a : NULL;
    const bk_dtype dt = a->dtype;
    bk_dtype rdt = dt;
    if (!bkpy_op_takes(op, dt, &rdt)) {
        bkpy_dtype_not_taken(op, dt);
        goto done;
    }
    if (b && b->dtype != dt) {
        PyErr_Format(PyExc_TypeError, "dtype mismatch: a is %s, b is %s", bk_dtype_name(dt),
                     bk_dtype_name(b->dtype));
        goto done;
    }
    if (b && !bkpy_same_shape(a, b)) {
        bkpy_shape_error("a", a, "b", b);
        goto done;
    }
    if (in_place && rdt != dt) {
        PyErr_Format(PyExc_TypeError,
                     "%s of %s is %s: it needs out= of dtype %s (it cannot be written into a)",
                     d->pyname, bk_dtype_name(dt), bk_dtype_name(rdt), bk_dtype_name(rdt));
        goto done;
    }
    if (has_out) {
        if (out->dtype != rdt) {
            PyErr_Format(PyExc_TypeError, "out must be %s for %s of %s, not %s",
                         bk_dtype_name(rdt), d->pyname, bk_dtype_name(dt),
                         bk_dtype_name(out->dtype));
            goto done;
        }
        if (!bkpy_same_shape(a, out)) {
            bkpy_shape_error("a", a, "out", out);
            goto done;
        }
    }
    if ((d->form == BKPY_FORM_fill || d->form == BKPY_FORM_scalar) &&
        bkpy_scalar_to_elem(pos[1], dt, &scalar) < 0)
        goto done;
    if (d->form == BKPY_FORM_extreme && a->n == 0) {
        PyErr_Format(PyExc_ValueError,
                     "zero-size array to reduction operation %s which has no identity", d->pyname);
        goto done;
    }

    /* Fields set one by one: an initializer would zero tmp[], kilobytes of
     * shapes and strides that only a call needing temporaries fills (the
     * `rep stos` of that was the largest cost of a call on 16 elements). */
    bkpy_job j;
    j.op = op;
    j.dt = dt;
    j.scalar = &scalar;
    j.result = &res;
    j.status = BK_OK;
    if (d->form <= BKPY_FORM_dot) { /* reductions: a (and b) */
        j.nop = 1 + binary;
        j.ops[0] = a;
        j.ops[1] = b;
    } else if (d->form == BKPY_FORM_fill) {
        j.nop = 1;
        j.ops[0] = a;
    } else {
        j.nop = 2 + binary;
        j.ops[0] = out;
        j.ops[1] = a;
        j.ops[2] = b;
    }
    if (bkpy_job_execute(st, &j) < 0)
        goto done;
    if (d->form == BKPY_FORM_extreme)
        result = bkpy_elem_to_object(&res, dt);
    else if (d->form <= BKPY_FORM_dot)
        result = bkpy_sum_to_object(&res, dt);
    else
        result = Py_NewRef(Py_None);
done:
    if (has_out)
        bkpy_operand_release(&oout);
    if (has_b)
        bkpy_operand_release(&ob);
    if (has_a)
        bkpy_operand_release(&oa);
    return result;
}
