/*
 * iter.c - the one place that walks strides: a plan made once, then an
 * iterator that hands out contiguous pieces (pointers, length) to a kernel.
 *
 * Up to BKPY_MAXOPS operands of one shape; operand 0 is the destination of
 * an elementwise op (or the first input of a reduction). Elements may differ
 * in size between operands (a magnitude writes half of what it reads).
 *
 *  Plan: drop length-1 dimensions; unless the caller needs C order, walk
 *        operand 0 forwards in memory (negative strides turned around, the
 *        others' with them, so elements still pair up) and order the
 *        dimensions by its strides, largest outside (zero strides outermost
 *        for the fastest walk, innermost in NumPy's writeback order); merge
 *        neighbours that are contiguous with each other in every operand.
 *        C- or F-contiguous operands of one layout become one dimension:
 *        one piece.
 *  Runs: when the innermost dimension is contiguous in every operand (and
 *        not too short), each piece is one inner run, in place.
 *  Chunks: otherwise each piece is up to BKPY_CHUNK_BYTES of elements
 *        gathered into a buffer per operand; after the kernel has written
 *        operand 0's buffer, bkpy_iter_commit scatters it back.
 */
#include "bkpy.h"

#include <string.h>

/* Contiguous inner runs shorter than this are gathered in chunks instead: a
 * kernel call per few elements costs more than copying them. */
#define BKPY_RUN_MIN 16

static void bkpy_plan_merge(bkpy_iter *it) {
    int m = 0;
    for (int d = 0; d < it->ndim; d++) {
        int merge = m > 0;
        for (int o = 0; merge && o < it->nop; o++)
            merge = it->st[o][m - 1] == it->shape[d] * it->st[o][d];
        if (merge) {
            it->shape[m - 1] *= it->shape[d];
            for (int o = 0; o < it->nop; o++)
                it->st[o][m - 1] = it->st[o][d];
        } else {
            it->shape[m] = it->shape[d];
            for (int o = 0; o < it->nop; o++)
                it->st[o][m] = it->st[o][d];
            m++;
        }
    }
    it->ndim = m;
}

/* Sort key: larger strides outside; zero strides (broadcast) outermost for
 * the fastest walk, innermost in NumPy's writeback order. */
static size_t bkpy_stride_key(Py_ssize_t s, int order) {
    return s == 0 && order == BKPY_ORDER_WALK ? (size_t)-1 : (size_t)s;
}

void bkpy_iter_init(bkpy_iter *it, int nop, const bkpy_arr *const *ops, int order) {
    const bkpy_arr *a = ops[0];
    it->nop = nop;
    it->n = a->n;
    int nd = 0;
    for (int d = 0; d < a->ndim; d++) {
        if (a->shape[d] == 1)
            continue;
        it->shape[nd] = a->shape[d];
        for (int o = 0; o < nop; o++)
            it->st[o][nd] = ops[o]->strides[d];
        nd++;
    }
    for (int o = 0; o < nop; o++) {
        it->isz[o] = ops[o]->itemsize;
        it->base[o] = ops[o]->buf;
    }
    if (nd == 0) { /* 0-d, or every length 1: one element */
        it->shape[0] = 1;
        for (int o = 0; o < nop; o++)
            it->st[o][0] = it->isz[o];
        nd = 1;
    }
    it->ndim = nd;
    if (order != BKPY_ORDER_C) {
        for (int d = 0; d < nd; d++) {
            if (it->st[0][d] >= 0)
                continue;
            for (int o = 0; o < nop; o++) {
                it->base[o] += (it->shape[d] - 1) * it->st[o][d];
                it->st[o][d] = -it->st[o][d];
            }
        }
        /* Stable insertion sort of the dimensions by operand 0's strides. */
        for (int i = 1; i < nd; i++) {
            Py_ssize_t sh = it->shape[i], s[BKPY_MAXOPS];
            for (int o = 0; o < nop; o++)
                s[o] = it->st[o][i];
            int j = i;
            for (; j > 0 && bkpy_stride_key(it->st[0][j - 1], order) < bkpy_stride_key(s[0], order);
                 j--) {
                it->shape[j] = it->shape[j - 1];
                for (int o = 0; o < nop; o++)
                    it->st[o][j] = it->st[o][j - 1];
            }
            it->shape[j] = sh;
            for (int o = 0; o < nop; o++)
                it->st[o][j] = s[o];
        }
    }
    bkpy_plan_merge(it);
    const int last = it->ndim - 1;
    int inner = 1;
    for (int o = 0; o < nop; o++)
        inner &= it->st[o][last] == it->isz[o];
    it->chunked = !(inner && (it->ndim == 1 || it->shape[last] >= BKPY_RUN_MIN));
    Py_ssize_t widest = 1;
    for (int o = 0; o < nop; o++)
        widest = it->isz[o] > widest ? it->isz[o] : widest;
    it->chunk = BKPY_CHUNK_BYTES / widest;
    for (int o = 0; o < nop; o++)
        it->buf[o] = it->bufs[o];
    for (int d = 0; d < it->ndim; d++)
        it->idx[d] = 0;
    it->left = it->n;
}

int bkpy_c_contiguous(const bkpy_arr *x) {
    Py_ssize_t expect = x->itemsize;
    for (int d = x->ndim - 1; d >= 0; d--) {
        if (x->shape[d] == 1)
            continue;
        if (x->strides[d] != expect)
            return 0;
        expect *= x->shape[d];
    }
    return 1;
}

int bkpy_iter_contiguous(const bkpy_iter *it) {
    if (it->ndim != 1)
        return 0;
    for (int o = 0; o < it->nop; o++)
        if (it->st[o][0] != it->isz[o])
            return 0;
    return 1;
}

/* Copies m elements of operand o from (to, when scatter) the position idx
 * on, to (from) buf, and advances idx. */
static void bkpy_transfer(const bkpy_iter *it, Py_ssize_t *idx, int o, char *buf, Py_ssize_t m,
                          int scatter) {
    const int nd = it->ndim;
    const Py_ssize_t isz = it->isz[o], s = it->st[o][nd - 1], L = it->shape[nd - 1];
    while (m > 0) {
        char *p = it->base[o];
        for (int d = 0; d < nd; d++)
            p += idx[d] * it->st[o][d];
        Py_ssize_t r = L - idx[nd - 1];
        if (r > m)
            r = m;
        if (s == isz) {
            if (scatter)
                memcpy(p, buf, (size_t)(r * isz));
            else
                memcpy(buf, p, (size_t)(r * isz));
        } else {
            for (Py_ssize_t i = 0; i < r; i++, p += s)
                if (scatter)
                    memcpy(p, buf + i * isz, (size_t)isz);
                else
                    memcpy(buf + i * isz, p, (size_t)isz);
        }
        buf += r * isz;
        m -= r;
        idx[nd - 1] += r;
        if (idx[nd - 1] == L) {
            idx[nd - 1] = 0;
            for (int d = nd - 2; d >= 0; d--) {
                if (++idx[d] < it->shape[d])
                    break;
                idx[d] = 0;
            }
        }
    }
}

int bkpy_iter_next(bkpy_iter *it, char **ptrs, Py_ssize_t *len) {
    if (it->left <= 0)
        return 0;
    const int nd = it->ndim;
    if (!it->chunked) {
        for (int o = 0; o < it->nop; o++) {
            char *p = it->base[o];
            for (int d = 0; d < nd - 1; d++)
                p += it->idx[d] * it->st[o][d];
            ptrs[o] = p;
        }
        *len = it->shape[nd - 1];
        it->left -= *len;
        for (int d = nd - 2; d >= 0; d--) { /* the next run, in C order */
            if (++it->idx[d] < it->shape[d])
                break;
            it->idx[d] = 0;
        }
        return 1;
    }
    const Py_ssize_t m = it->left < it->chunk ? it->left : it->chunk;
    for (int d = 0; d < nd; d++)
        it->start[d] = it->idx[d];
    /* Inputs are gathered; operand 0 too, for a reduction or an op whose
     * destination is also read. The idx of the last transfer is the next
     * chunk's start. */
    for (int o = it->nop - 1; o >= 0; o--) {
        for (int d = 0; d < nd; d++)
            it->idx[d] = it->start[d];
        bkpy_transfer(it, it->idx, o, it->buf[o], m, 0);
        ptrs[o] = it->buf[o];
    }
    *len = m;
    it->last = m;
    it->left -= m;
    return 1;
}

void bkpy_iter_commit(bkpy_iter *it) {
    if (!it->chunked)
        return;
    Py_ssize_t idx[BKPY_MAXDIM];
    for (int d = 0; d < it->ndim; d++)
        idx[d] = it->start[d];
    bkpy_transfer(it, idx, 0, it->buf[0], it->last, 1);
}

/* ---- memory an operand spans ------------------------------------------- */

void bkpy_extent(const bkpy_arr *x, uintptr_t *lo, uintptr_t *hi) {
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

int bkpy_may_overlap(const bkpy_arr *x, const bkpy_arr *y) {
    uintptr_t xl, xh, yl, yh;
    if (x->n == 0 || y->n == 0)
        return 0;
    bkpy_extent(x, &xl, &xh);
    bkpy_extent(y, &yl, &yh);
    return xl < yh && yl < xh;
}

int bkpy_same_layout(const bkpy_arr *x, const bkpy_arr *y) {
    if (x->buf != y->buf || x->itemsize != y->itemsize || x->ndim != y->ndim)
        return 0;
    for (int d = 0; d < x->ndim; d++)
        if (x->shape[d] > 1 && x->strides[d] != y->strides[d])
            return 0;
    return 1;
}

/*
 * Whether two elements of x may share memory: a dimension of stride 0 (or
 * one too small to step over everything inside it, the dimensions ordered by
 * stride). Conservative: it may say yes for layouts that interleave without
 * sharing, which only costs the caller a copy.
 */
int bkpy_self_overlaps(const bkpy_arr *x) {
    Py_ssize_t st[BKPY_MAXDIM], sh[BKPY_MAXDIM];
    int nd = 0;
    for (int d = 0; d < x->ndim; d++) {
        if (x->shape[d] <= 1)
            continue;
        Py_ssize_t s = x->strides[d] < 0 ? -x->strides[d] : x->strides[d];
        int j = nd++;
        for (; j > 0 && st[j - 1] > s; j--) { /* ascending by stride */
            st[j] = st[j - 1];
            sh[j] = sh[j - 1];
        }
        st[j] = s;
        sh[j] = x->shape[d];
    }
    Py_ssize_t reach = x->itemsize; /* bytes spanned by the dimensions inside */
    for (int j = 0; j < nd; j++) {
        if (st[j] < reach)
            return 1;
        reach = st[j] * (sh[j] - 1) + reach;
    }
    return 0;
}
