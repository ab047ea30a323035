/*
 * walk.c - the one place that walks strides.
 *
 * An op over arrays of any shape and strides becomes kernel calls on
 * contiguous memory:
 *
 *  1. Plan: drop length-1 dimensions, turn negative strides of `a` around
 *     (and b's in step, so elements still pair up), order the dimensions by
 *     a's strides (largest outside; zero strides outermost), and merge
 *     neighbours that are contiguous with each other. C- or F-contiguous
 *     operands with the same layout collapse to one dimension: one kernel
 *     call. 0-d arrays are one element.
 *  2. Runs: when the innermost dimension is contiguous in every operand (and
 *     not too short), an N-d loop over the outer dimensions calls the kernel
 *     on each inner run.
 *     When only one operand of add/multiply has contiguous inner runs, the
 *     other's are gathered piece by piece into a stack buffer beside them.
 *  3. Chunks: otherwise a cursor gathers up to BKPY_CHUNK_BYTES of strided
 *     elements into a stack buffer, the kernel runs there, and a's chunk is
 *     scattered back.
 *
 * Sums of several runs or chunks are combined through a binary counter of
 * partial sums (pairwise), so each element passes through at most
 * log2(n) + 2 additions, as in one pairwise sum.
 *
 * Overlap: b overlapping a is "as if b were copied first" (NumPy's out=
 * answer). libbufkern gives that for one contiguous run; any other layout
 * whose memory range meets a's gets b copied to a temporary buffer first,
 * unless b is exactly a (same pointer and strides: each element is read
 * before it is written, by the same kernel step).
 *
 * Aliased destinations: when elements of a may share memory with each other
 * (zero strides, sliding windows), the answer is NumPy's for an out= that
 * overlaps itself: every operand copied first, the results written back one
 * element at a time in a's memory order (dimensions from the largest stride
 * to the smallest, each towards higher addresses: the order of NumPy's
 * writeback), so that of the elements sharing memory the last one written
 * wins. The check is conservative (a layout it cannot prove free of
 * self-overlap costs a copy, never a wrong answer).
 */
#include "bkpy.h"

#include <string.h>

#define BKPY_CHUNK_BYTES 4096
/* Contiguous inner runs shorter than this are gathered in chunks instead: a
 * kernel call per few elements costs more than copying them. */
#define BKPY_RUN_MIN 16

typedef struct bkpy_plan {
    int ndim;
    int binary;
    bk_dtype dtype;
    Py_ssize_t isz;
    Py_ssize_t n;
    char *pa;
    const char *pb;
    Py_ssize_t shape[BKPY_MAXDIM];
    Py_ssize_t sa[BKPY_MAXDIM];
    Py_ssize_t sb[BKPY_MAXDIM];
} bkpy_plan;

/* Merges each dimension into the one outside it where both operands allow. */
static void bkpy_plan_merge(bkpy_plan *p) {
    int m = 0;
    for (int d = 0; d < p->ndim; d++) {
        if (m > 0 && p->sa[m - 1] == p->shape[d] * p->sa[d] &&
            (!p->binary || p->sb[m - 1] == p->shape[d] * p->sb[d])) {
            p->shape[m - 1] *= p->shape[d];
            p->sa[m - 1] = p->sa[d];
            p->sb[m - 1] = p->sb[d];
        } else {
            p->shape[m] = p->shape[d];
            p->sa[m] = p->sa[d];
            p->sb[m] = p->sb[d];
            m++;
        }
    }
    p->ndim = m;
}

/* Sort key: larger strides outside; zero strides (broadcast) outermost,
 * except in NumPy's writeback order, which has them innermost. */
static size_t bkpy_stride_key(Py_ssize_t s, int writeback) {
    return s == 0 && !writeback ? (size_t)-1 : (size_t)s;
}

/* writeback: order the dimensions as NumPy writes an array back (see the
 * note on aliased destinations) rather than for the fastest walk. */
static void bkpy_plan_build(bkpy_plan *p, const bkpy_arr *a, const bkpy_arr *b, int writeback) {
    p->binary = b != NULL;
    p->dtype = a->dtype;
    p->isz = a->itemsize;
    p->n = a->n;
    p->pa = a->buf;
    p->pb = b ? b->buf : NULL;
    int nd = 0;
    for (int d = 0; d < a->ndim; d++) {
        if (a->shape[d] == 1)
            continue;
        p->shape[nd] = a->shape[d];
        p->sa[nd] = a->strides[d];
        p->sb[nd] = b ? b->strides[d] : 0;
        nd++;
    }
    if (nd == 0) { /* 0-d, or every length 1: one element */
        p->shape[0] = 1;
        p->sa[0] = p->sb[0] = p->isz;
        nd = 1;
    }
    p->ndim = nd;
    /* Walk a forwards in memory; b follows so that elements still pair up. */
    for (int d = 0; d < nd; d++) {
        if (p->sa[d] < 0) {
            p->pa += (p->shape[d] - 1) * p->sa[d];
            p->sa[d] = -p->sa[d];
            if (p->binary) {
                p->pb += (p->shape[d] - 1) * p->sb[d];
                p->sb[d] = -p->sb[d];
            }
        }
    }
    /* Stable insertion sort of the dimensions by a's strides, largest first. */
    for (int i = 1; i < nd; i++) {
        Py_ssize_t sh = p->shape[i], sa = p->sa[i], sb = p->sb[i];
        int j = i;
        for (; j > 0 && bkpy_stride_key(p->sa[j - 1], writeback) < bkpy_stride_key(sa, writeback);
             j--) {
            p->shape[j] = p->shape[j - 1];
            p->sa[j] = p->sa[j - 1];
            p->sb[j] = p->sb[j - 1];
        }
        p->shape[j] = sh, p->sa[j] = sa, p->sb[j] = sb;
    }
    bkpy_plan_merge(p);
}

/* [lo, hi) bytes spanned by an array with at least one element. */
static void bkpy_extent(const bkpy_arr *x, uintptr_t *lo, uintptr_t *hi) {
    uintptr_t l = (uintptr_t)x->buf, h = (uintptr_t)x->buf;
    for (int d = 0; d < x->ndim; d++) {
        Py_ssize_t span = (x->shape[d] - 1) * x->strides[d];
        if (span < 0)
            l -= (uintptr_t)(-span);
        else
            h += (uintptr_t)span;
    }
    *lo = l;
    *hi = h + (uintptr_t)x->itemsize;
}

/* Whether b must be copied before a is written (see the overlap note). */
static int bkpy_needs_copy(const bkpy_plan *p, const bkpy_arr *a, const bkpy_arr *b) {
    uintptr_t alo, ahi, blo, bhi;
    bkpy_extent(a, &alo, &ahi);
    bkpy_extent(b, &blo, &bhi);
    if (!(alo < bhi && blo < ahi))
        return 0; /* disjoint */
    if (p->ndim == 1 && p->sa[0] == p->isz && p->sb[0] == p->isz)
        return 0; /* one contiguous run: libbufkern handles any overlap */
    if (p->pa == p->pb && memcmp(p->sa, p->sb, (size_t)p->ndim * sizeof p->sa[0]) == 0)
        return 0; /* b is a, element for element */
    return 1;
}

/*
 * Whether elements of a may share memory with each other, on the sorted
 * plan: a dimension whose stride is smaller than the bytes spanned by the
 * dimensions inside it (a zero stride included) may land on them.
 */
static int bkpy_may_self_overlap(const bkpy_plan *p) {
    Py_ssize_t span = p->isz;
    for (int d = p->ndim - 1; d >= 0; d--) {
        if (p->shape[d] > 1 && p->sa[d] < span)
            return 1;
        span += (p->shape[d] - 1) * p->sa[d];
    }
    return 0;
}

/* ---- moving elements between strided memory and a contiguous buffer ----- */

#define BKPY_COPY_LOOP(SIZE)                                                   \
    for (Py_ssize_t i = 0; i < r; i++, mem += st, buf += (SIZE)) {             \
        if (scatter)                                                           \
            memcpy(mem, buf, (SIZE));                                          \
        else                                                                   \
            memcpy(buf, mem, (SIZE));                                          \
    }

static void bkpy_copy_strided(char *mem, Py_ssize_t st, char *buf, Py_ssize_t isz, Py_ssize_t r,
                              int scatter) {
    if (st == isz) {
        if (scatter)
            memcpy(mem, buf, (size_t)(r * isz));
        else
            memcpy(buf, mem, (size_t)(r * isz));
        return;
    }
    switch (isz) {
    case 1:
        BKPY_COPY_LOOP(1)
        break;
    case 2:
        BKPY_COPY_LOOP(2)
        break;
    case 4:
        BKPY_COPY_LOOP(4)
        break;
    case 8:
        BKPY_COPY_LOOP(8)
        break;
    default:
        BKPY_COPY_LOOP(16)
        break;
    }
}

/* Small loops instead of memset/memcpy of a variable size, which the
 * compiler turns into `rep stos`/`rep movs` with a high start-up cost. */
static inline void bkpy_idx_zero(Py_ssize_t *idx, int nd) {
    for (int d = 0; d < nd; d++)
        idx[d] = 0;
}

static inline void bkpy_idx_copy(Py_ssize_t *dst, const Py_ssize_t *src, int nd) {
    for (int d = 0; d < nd; d++)
        dst[d] = src[d];
}

/* A position in the plan's index space (C order over the planned dims). */
typedef struct bkpy_cursor {
    Py_ssize_t idx[BKPY_MAXDIM];
} bkpy_cursor;

/*
 * Copies m elements of operand `which` (0: a, 1: b) from the cursor on,
 * into buf (gather) or out of it (scatter), and advances the cursor.
 */
static void bkpy_transfer(const bkpy_plan *p, bkpy_cursor *c, int which, char *buf, Py_ssize_t m,
                          int scatter) {
    const int nd = p->ndim;
    const Py_ssize_t *s = which ? p->sb : p->sa;
    char *base = which ? (char *)p->pb : p->pa;
    const Py_ssize_t L = p->shape[nd - 1];
    while (m > 0) {
        char *ptr = base;
        for (int d = 0; d < nd; d++)
            ptr += c->idx[d] * s[d];
        Py_ssize_t r = L - c->idx[nd - 1];
        if (r > m)
            r = m;
        bkpy_copy_strided(ptr, s[nd - 1], buf, p->isz, r, scatter);
        buf += r * p->isz;
        m -= r;
        c->idx[nd - 1] += r;
        if (c->idx[nd - 1] == L) {
            c->idx[nd - 1] = 0;
            for (int d = nd - 2; d >= 0; d--) {
                if (++c->idx[d] < p->shape[d])
                    break;
                c->idx[d] = 0;
            }
        }
    }
}

/* ---- sums of several pieces --------------------------------------------- */

/* Binary counter of partial sums: level[l] holds the sum of 2^l pieces. */
typedef struct bkpy_pairwise {
    double level[64];
    uint64_t count;
} bkpy_pairwise;

static void bkpy_pairwise_push(bkpy_pairwise *pw, double x) {
    uint64_t c = pw->count++;
    int l = 0;
    for (; c & 1; c >>= 1, l++)
        x = pw->level[l] + x;
    pw->level[l] = x;
}

static double bkpy_pairwise_total(const bkpy_pairwise *pw) {
    double s = -0.0; /* the exact additive identity: a sum of -0.0 stays -0.0 */
    uint64_t c = pw->count;
    for (int l = 0; c; c >>= 1, l++)
        if (c & 1)
            s = pw->level[l] + s;
    return s;
}

typedef struct bkpy_sumacc {
    uint64_t i;           /* integer sums: wrapping */
    bkpy_pairwise re, im; /* float and complex sums */
} bkpy_sumacc;

static void bkpy_sum_piece(bk_dtype dt, const void *ptr, Py_ssize_t m, bkpy_sumacc *acc) {
    bkpy_elem s;
    bk_sum(dt, ptr, (size_t)m, &s);
    switch (dt) {
    case BK_F32:
        bkpy_pairwise_push(&acc->re, s.f32);
        break;
    case BK_F64:
        bkpy_pairwise_push(&acc->re, s.f64);
        break;
    case BK_C64:
        bkpy_pairwise_push(&acc->re, s.c64.re);
        bkpy_pairwise_push(&acc->im, s.c64.im);
        break;
    case BK_C128:
        bkpy_pairwise_push(&acc->re, s.c128.re);
        bkpy_pairwise_push(&acc->im, s.c128.im);
        break;
    default: /* int64 or uint64, both wrap as uint64 */
        acc->i += s.u64;
        break;
    }
}

static void bkpy_sum_finish(bk_dtype dt, const bkpy_sumacc *acc, void *out) {
    bkpy_elem s;
    switch (dt) {
    case BK_F32:
        s.f32 = (float)bkpy_pairwise_total(&acc->re);
        break;
    case BK_F64:
        s.f64 = bkpy_pairwise_total(&acc->re);
        break;
    case BK_C64:
        s.c64.re = (float)bkpy_pairwise_total(&acc->re);
        s.c64.im = (float)bkpy_pairwise_total(&acc->im);
        break;
    case BK_C128:
        s.c128.re = bkpy_pairwise_total(&acc->re);
        s.c128.im = bkpy_pairwise_total(&acc->im);
        break;
    default:
        s.u64 = acc->i;
        break;
    }
    memcpy(out, &s, bk_dtype_sum_size(dt));
}

/* ---- execution (no Python API: may run without the GIL) ----------------- */

static void bkpy_kernel(bkpy_op op, bk_dtype dt, char *a, const char *b, Py_ssize_t m,
                        const void *scalar, bkpy_sumacc *acc) {
    switch (op) {
    case BKPY_SUM:
        bkpy_sum_piece(dt, a, m, acc);
        break;
    case BKPY_SCALE:
        bk_scale(dt, a, (size_t)m, scalar);
        break;
    case BKPY_FILL:
        bk_fill(dt, a, (size_t)m, scalar);
        break;
    case BKPY_MUL:
        bk_mul(dt, a, b, (size_t)m);
        break;
    case BKPY_ADD:
        bk_add(dt, a, b, (size_t)m);
        break;
    }
}

/* Copies b, in plan order, to tmp; b becomes contiguous in that order. */
static void bkpy_plan_copy_b(bkpy_plan *p, char *tmp) {
    bkpy_cursor c;
    bkpy_idx_zero(c.idx, p->ndim);
    bkpy_transfer(p, &c, 1, tmp, p->n, 0);
    p->pb = tmp;
    Py_ssize_t s = p->isz;
    for (int d = p->ndim - 1; d >= 0; d--) {
        p->sb[d] = s;
        s *= p->shape[d];
    }
    bkpy_plan_merge(p);
}

/* Where the inner run at outer index idx (all dimensions but the last)
 * starts, in a and in b. */
static void bkpy_run_start(const bkpy_plan *p, const Py_ssize_t *idx, char **a, const char **b) {
    *a = p->pa;
    *b = p->pb;
    for (int d = 0; d < p->ndim - 1; d++) {
        *a += idx[d] * p->sa[d];
        if (p->binary)
            *b += idx[d] * p->sb[d];
    }
}

/* Steps idx to the next inner run in C order; 0 after the last one. */
static int bkpy_next_run(const bkpy_plan *p, Py_ssize_t *idx) {
    for (int d = p->ndim - 2; d >= 0; d--) {
        if (++idx[d] < p->shape[d])
            return 1;
        idx[d] = 0;
    }
    return 0;
}

static void bkpy_execute(bkpy_plan *p, bkpy_op op, const void *scalar, bkpy_sumacc *acc,
                         char *tmpb) {
    if (tmpb)
        bkpy_plan_copy_b(p, tmpb);
    const int nd = p->ndim;
    const Py_ssize_t isz = p->isz, L = p->shape[nd - 1];
    const int inner_contiguous = p->sa[nd - 1] == isz && (!p->binary || p->sb[nd - 1] == isz);

    if (inner_contiguous && (nd == 1 || L >= BKPY_RUN_MIN)) {
        if (nd == 1) { /* one contiguous run: the fast path */
            bkpy_kernel(op, p->dtype, p->pa, p->pb, L, scalar, acc);
            return;
        }
        /* Runs: one kernel call per contiguous inner run. */
        Py_ssize_t idx[BKPY_MAXDIM];
        bkpy_idx_zero(idx, nd);
        do {
            char *a;
            const char *b;
            bkpy_run_start(p, idx, &a, &b);
            bkpy_kernel(op, p->dtype, a, b, L, scalar, acc);
        } while (bkpy_next_run(p, idx));
        return;
    }

    const int a_inner = p->sa[nd - 1] == isz, b_inner = p->sb[nd - 1] == isz;
    if (p->binary && (a_inner || b_inner) && L >= BKPY_RUN_MIN) {
        /* Mixed runs: one operand's inner runs are contiguous; the other's
         * are gathered piece by piece next to them. */
        _Alignas(64) char t[BKPY_CHUNK_BYTES];
        const Py_ssize_t cap = BKPY_CHUNK_BYTES / isz;
        Py_ssize_t idx[BKPY_MAXDIM];
        bkpy_idx_zero(idx, nd);
        do {
            char *a;
            const char *b;
            bkpy_run_start(p, idx, &a, &b);
            for (Py_ssize_t off = 0; off < L; off += cap) {
                const Py_ssize_t m = L - off < cap ? L - off : cap;
                if (a_inner) {
                    bkpy_copy_strided((char *)b + off * p->sb[nd - 1], p->sb[nd - 1], t, isz, m,
                                      0);
                    bkpy_kernel(op, p->dtype, a + off * isz, t, m, scalar, acc);
                } else {
                    char *ap = a + off * p->sa[nd - 1];
                    bkpy_copy_strided(ap, p->sa[nd - 1], t, isz, m, 0);
                    bkpy_kernel(op, p->dtype, t, b + off * isz, m, scalar, acc);
                    bkpy_copy_strided(ap, p->sa[nd - 1], t, isz, m, 1);
                }
            }
        } while (bkpy_next_run(p, idx));
        return;
    }

    /* Chunks: gather, run the kernel on the stack buffer, scatter. */
    _Alignas(64) char ta[BKPY_CHUNK_BYTES];
    _Alignas(64) char tb[BKPY_CHUNK_BYTES];
    const Py_ssize_t cap = BKPY_CHUNK_BYTES / isz;
    bkpy_cursor c, start;
    bkpy_idx_zero(c.idx, nd);
    if (op == BKPY_FILL)
        bk_fill(p->dtype, ta, (size_t)cap, scalar);
    for (Py_ssize_t left = p->n; left > 0;) {
        const Py_ssize_t m = left < cap ? left : cap;
        bkpy_idx_copy(start.idx, c.idx, nd);
        switch (op) {
        case BKPY_SUM:
            bkpy_transfer(p, &c, 0, ta, m, 0);
            bkpy_sum_piece(p->dtype, ta, m, acc);
            break;
        case BKPY_FILL:
            bkpy_transfer(p, &c, 0, ta, m, 1);
            break;
        case BKPY_SCALE:
            bkpy_transfer(p, &c, 0, ta, m, 0);
            bk_scale(p->dtype, ta, (size_t)m, scalar);
            bkpy_idx_copy(c.idx, start.idx, nd);
            bkpy_transfer(p, &c, 0, ta, m, 1);
            break;
        case BKPY_MUL:
        case BKPY_ADD:
            bkpy_transfer(p, &c, 0, ta, m, 0);
            bkpy_idx_copy(c.idx, start.idx, nd);
            bkpy_transfer(p, &c, 1, tb, m, 0);
            bkpy_kernel(op, p->dtype, ta, tb, m, scalar, acc);
            bkpy_idx_copy(c.idx, start.idx, nd);
            bkpy_transfer(p, &c, 0, ta, m, 1);
            break;
        }
        left -= m;
    }
}

/* An aliased destination (see the note at the top): gather every operand,
 * run the kernel on the copies, scatter a back in writeback order. */
static void bkpy_execute_aliased(const bkpy_plan *w, bkpy_op op, const void *scalar, char *ta,
                                 char *tb) {
    bkpy_cursor c;
    if (op != BKPY_FILL) {
        bkpy_idx_zero(c.idx, w->ndim);
        bkpy_transfer(w, &c, 0, ta, w->n, 0);
    }
    if (tb) {
        bkpy_idx_zero(c.idx, w->ndim);
        bkpy_transfer(w, &c, 1, tb, w->n, 0);
    }
    bkpy_kernel(op, w->dtype, ta, tb, w->n, scalar, NULL);
    bkpy_idx_zero(c.idx, w->ndim);
    bkpy_transfer(w, &c, 0, ta, w->n, 1);
}

static int bkpy_run_aliased(bkpy_op op, const bkpy_arr *a, const bkpy_arr *b, const void *scalar,
                            Py_ssize_t gil_threshold) {
    bkpy_plan w;
    bkpy_plan_build(&w, a, b, 1);
    char *ta = NULL, *tb = NULL;
    if (w.n <= PY_SSIZE_T_MAX / w.isz) {
        const size_t bytes = (size_t)(w.n * w.isz);
        ta = PyMem_RawMalloc(bytes);
        tb = b && ta ? PyMem_RawMalloc(bytes) : NULL;
    }
    if (!ta || (b && !tb)) {
        PyMem_RawFree(ta);
        PyErr_NoMemory();
        return -1;
    }
    if (w.n * w.isz >= gil_threshold) {
        Py_BEGIN_ALLOW_THREADS
        bkpy_execute_aliased(&w, op, scalar, ta, tb);
        Py_END_ALLOW_THREADS
    } else {
        bkpy_execute_aliased(&w, op, scalar, ta, tb);
    }
    PyMem_RawFree(ta);
    PyMem_RawFree(tb);
    return 0;
}

int bkpy_run(bkpy_op op, const bkpy_arr *a, const bkpy_arr *b, const void *scalar, void *sum_out,
             Py_ssize_t gil_threshold) {
    if (a->n == 0) {
        if (op == BKPY_SUM)
            memset(sum_out, 0, bk_dtype_sum_size(a->dtype)); /* 0, 0.0 or 0j */
        return 0;
    }
    bkpy_plan p;
    bkpy_plan_build(&p, a, b, 0);
    if (op != BKPY_SUM && bkpy_may_self_overlap(&p))
        return bkpy_run_aliased(op, a, b, scalar, gil_threshold);
    char *tmpb = NULL;
    if (b && bkpy_needs_copy(&p, a, b)) {
        if (p.n > PY_SSIZE_T_MAX / p.isz || !(tmpb = PyMem_RawMalloc((size_t)(p.n * p.isz)))) {
            PyErr_NoMemory();
            return -1;
        }
    }
    bkpy_sumacc acc;
    acc.i = 0;
    acc.re.count = acc.im.count = 0;
    const Py_ssize_t work =
        p.n > PY_SSIZE_T_MAX / p.isz ? PY_SSIZE_T_MAX : p.n * p.isz;
    if (work >= gil_threshold) {
        Py_BEGIN_ALLOW_THREADS
        bkpy_execute(&p, op, scalar, &acc, tmpb);
        Py_END_ALLOW_THREADS
    } else {
        bkpy_execute(&p, op, scalar, &acc, tmpb);
    }
    PyMem_RawFree(tmpb);
    if (op == BKPY_SUM)
        bkpy_sum_finish(a->dtype, &acc, sum_out);
    return 0;
}
