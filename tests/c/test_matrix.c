/*
 * test_matrix.c - every op x dtype x length x start offset, on every target,
 * against the reference and the scalar target; overlapping operands; data
 * that ends (or starts) exactly at an unmapped page.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bkt.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#define BKT_HAVE_MMAN 1
#endif

/*
 * A canvas is PAD guard bytes, PAD bytes of room for the start offset, the
 * data, and PAD guard bytes, in a 64-byte aligned buffer: the data starts at
 * canvas + PAD + off, so off (0..63) sets its alignment. Everything outside
 * the data is random and must never change.
 */
enum { PAD = 64 };

static bkt_buf init_a, work_a, init_b, work_b, expect_buf, scalar_buf, a0_buf, b0_buf;

static size_t first_diff(const unsigned char *x, const unsigned char *y, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (x[i] != y[i])
            return i;
    return len;
}

/* Reports element i of got against want, with the operands it came from. */
static void report_elem(size_t t, const bkt_dtype *d, int op, const char *against,
                        const void *got, const void *want, size_t i, const void *a0,
                        const void *b0, const void *k) {
    char g[128], w[128], x[128], y[128] = "";
    bkt_fmt_elem(d, got, i, g, sizeof g);
    bkt_fmt_elem(d, want, i, w, sizeof w);
    bkt_fmt_elem(d, a0, i, x, sizeof x);
    if (op == BKT_MUL || op == BKT_ADD)
        bkt_fmt_elem(d, b0, i, y, sizeof y);
    else if (op != BKT_SUM)
        bkt_fmt_elem(d, k, 0, y, sizeof y);
    bkt_check(t, 0, "element %zu: got %s, %s %s (a = %s, %s = %s)", i, g, against, w, x,
              op == BKT_MUL || op == BKT_ADD ? "b" : op == BKT_FILL ? "v" : "k", y);
}

/* Checks the n elements at got against the reference and, for SIMD targets,
 * against the scalar target's result. */
static void check_elements(size_t t, const bkt_dtype *d, int op, const void *got, size_t n,
                           const void *a0, const void *b0, const void *k) {
    const void *want = expect_buf.p, *scal = scalar_buf.p;
    const int is_scalar = t == bkt.scalar;
    size_t i = bkt_mismatch(d, op, got, want, n, a0, b0, k, is_scalar, &bkt.targets[t].inexact);
    if (i == n)
        bkt_check(t, 1, "%s", "");
    else
        report_elem(t, d, op, "reference", got, want, i, a0, b0, k);
    if (!is_scalar) {
        i = bkt_mismatch(d, op, got, scal, n, a0, b0, k, 0, NULL);
        if (i == n)
            bkt_check(t, 1, "%s", "");
        else
            report_elem(t, d, op, "scalar target", got, scal, i, a0, b0, k);
    } else {
        memcpy(scalar_buf.p, got, n * d->size);
    }
}

/* Scalar first (its result is what the others are compared with), then the rest. */
static size_t nth_target(size_t i) {
    if (i == 0)
        return bkt.scalar;
    return i <= bkt.scalar ? i - 1 : i;
}

/* ---- one case of an elementwise op ---------------------------------------- */

static void case_elementwise(const bkt_dtype *d, int op, size_t n, size_t off_a, size_t off_b,
                             int mode) {
    const size_t sz = d->size, bytes = n * sz, span = 3 * PAD + bytes;
    const int binary = op == BKT_MUL || op == BKT_ADD;
    unsigned char *ia = bkt_reserve(&init_a, span), *wa = bkt_reserve(&work_a, span);
    unsigned char *ib = bkt_reserve(&init_b, span), *wb = bkt_reserve(&work_b, span);
    unsigned char *a0 = bkt_reserve(&a0_buf, bytes + 1), *b0 = bkt_reserve(&b0_buf, bytes + 1);
    unsigned char k[64];
    bkt_reserve(&expect_buf, bytes + 1);
    bkt_reserve(&scalar_buf, bytes + 1);
    if (binary)
        bkt_where("%s %s n=%zu offset=%zu b-offset=%zu data=%s", bkt_op_names[op], d->name, n,
                  off_a, off_b, bkt_mode_names[mode]);
    else
        bkt_where("%s %s n=%zu offset=%zu data=%s", bkt_op_names[op], d->name, n, off_a,
                  bkt_mode_names[mode]);

    bkt_random_bytes(ia, span);
    bkt_gen(d, ia + PAD + off_a, n, mode);
    memcpy(a0, ia + PAD + off_a, bytes);
    if (binary) {
        bkt_random_bytes(ib, span);
        bkt_gen(d, ib + PAD + off_b, n, mode);
        memcpy(b0, ib + PAD + off_b, bytes);
        memcpy(wb, ib, span);
    }
    bkt_gen(d, k, 1, mode);
    bkt_ref_elementwise(d, op, expect_buf.p, a0, b0, n, k);

    const size_t lo = PAD + off_a, hi = lo + bytes;
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = nth_target(i);
        memcpy(wa, ia, span);
        bkt_use(t);
        bkt_call(d, op, wa + lo, wb + PAD + off_b, n, k, NULL);
        size_t f = first_diff(wa, ia, lo), b = first_diff(wa + hi, ia + hi, span - hi);
        bkt_check(t, f == lo && b == span - hi,
                  "wrote outside a[0..n): byte %td relative to a changed",
                  f < lo ? (ptrdiff_t)f - (ptrdiff_t)lo : (ptrdiff_t)(bytes + b));
        if (binary && !bkt_check(t, memcmp(wb, ib, span) == 0,
                                 "b (or a byte around it) was modified, first at byte %td of b",
                                 (ptrdiff_t)first_diff(wb, ib, span) - (ptrdiff_t)(PAD + off_b)))
            memcpy(wb, ib, span);
        check_elements(t, d, op, wa + lo, n, a0, b0, k);
    }
}

/* ---- one case of a sum ------------------------------------------------------ */

static void case_sum(const bkt_dtype *d, size_t n, size_t off, int mode) {
    const size_t sz = d->size, span = 3 * PAD + n * sz;
    unsigned char *ia = bkt_reserve(&init_a, span), *wa = bkt_reserve(&work_a, span);
    unsigned char scal[32], got[32];
    char msg[512];
    bkt_sumref ref;
    bkt_where("sum %s n=%zu offset=%zu data=%s", d->name, n, off, bkt_mode_names[mode]);
    bkt_random_bytes(ia, span);
    bkt_gen(d, ia + PAD + off, n, mode);
    bkt_ref_sum(d, ia + PAD + off, n, mode, &ref);
    memcpy(wa, ia, span);
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = nth_target(i);
        memset(got, 0xa5, sizeof got);
        bkt_use(t);
        d->sum(wa + PAD + off, n, got);
        if (!bkt_check(t, memcmp(wa, ia, span) == 0, "sum modified its input"))
            memcpy(wa, ia, span);
        msg[0] = 0;
        bkt_check(t, bkt_sum_ok(d, got, &ref, msg, sizeof msg), "%s", msg);
        if (t == bkt.scalar) {
            memcpy(scal, got, sizeof scal);
        } else {
            msg[0] = 0;
            bkt_check(t, bkt_sums_agree(d, got, scal, &ref, msg, sizeof msg), "%s", msg);
        }
    }
}

static void run_case(const bkt_dtype *d, int op, size_t n, size_t off, size_t salt) {
    static const size_t b_delta[] = {0, 1, 3, 8, 17, 32, 63, 5};
    if (op == BKT_SUM) {
        if (bkt_is_fp(d)) {
            case_sum(d, n, off, BKT_GEN_FINITE);
            case_sum(d, n, off, BKT_GEN_INTVAL);
            case_sum(d, n, off, BKT_GEN_SPECIAL);
            case_sum(d, n, off, BKT_GEN_ZEROS);
        } else {
            case_sum(d, n, off, BKT_GEN_ANY);
            case_sum(d, n, off, BKT_GEN_ZEROS);
        }
        return;
    }
    case_elementwise(d, op, n, off, (off + b_delta[(n + off + salt) % 8]) % 64, BKT_GEN_ANY);
}

void bkt_group_op(int op) {
    const int rounds = bkt.thorough ? 2 : 1;
    for (size_t di = 0; di < bkt_ndtypes; di++) {
        const bkt_dtype *d = &bkt_dtypes[di];
        for (int round = 0; round < rounds; round++) {
            for (size_t n = 0; n <= 300; n++)
                for (size_t off = 0; off < 64; off++)
                    run_case(d, op, n, off, (size_t)round);
        }
        /* Large: many blocks of the pairwise sums, and the limits of the
         * narrow integer sums' widening. 1M elements: every dtype's sum, and
         * the first dtype of each kind for the other ops; 4M: thorough sums. */
        static const size_t large[] = {4099, 65537, (1u << 20) + 3, (1u << 22) + 1};
        static const size_t offs[] = {0, 13, 5, 1, 63};
        for (size_t li = 0; li < sizeof large / sizeof large[0]; li++) {
            const size_t n = large[li];
            const int huge = n > 70000;
            if (n > (1u << 21) && !(bkt.thorough && op == BKT_SUM))
                continue;
            if (huge && !bkt.thorough && op != BKT_SUM && di > 0 &&
                bkt_dtypes[di - 1].kind == d->kind)
                continue;
            const size_t noffs = huge ? (bkt.thorough ? 2 : 1) : (bkt.thorough ? 5 : 2);
            for (size_t oi = 0; oi < noffs; oi++)
                run_case(d, op, n, huge ? offs[oi + 2] : offs[oi], oi);
        }
    }
}

/* ---- overlapping operands --------------------------------------------------- */

/* a[i] op= b[i] with b = a + kb bytes (kb may be negative, odd, or 0: b == a). */
static void case_overlap(const bkt_dtype *d, int op, size_t n, size_t off, ptrdiff_t kb) {
    const size_t sz = d->size, bytes = n * sz;
    const size_t ak = (size_t)(kb < 0 ? -kb : kb), region = bytes + ak;
    const size_t span = 3 * PAD + region + sz;
    unsigned char *ia = bkt_reserve(&init_a, span), *wa = bkt_reserve(&work_a, span);
    unsigned char *a0 = bkt_reserve(&a0_buf, bytes + 1), *b0 = bkt_reserve(&b0_buf, bytes + 1);
    bkt_reserve(&expect_buf, bytes + 1);
    bkt_reserve(&scalar_buf, bytes + 1);
    const size_t ao = PAD + off + (kb < 0 ? ak : 0), bo = (size_t)((ptrdiff_t)ao + kb);
    bkt_where("%s %s n=%zu offset=%zu overlap: b = a %+td bytes", bkt_op_names[op], d->name, n,
              off, kb);
    bkt_random_bytes(ia, span);
    bkt_gen(d, ia + PAD + off, (region + sz - 1) / sz, BKT_GEN_ANY);
    memcpy(a0, ia + ao, bytes);
    memcpy(b0, ia + bo, bytes); /* as if b were copied before the op */
    bkt_ref_elementwise(d, op, expect_buf.p, a0, b0, n, NULL);
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = nth_target(i);
        memcpy(wa, ia, span);
        bkt_use(t);
        bkt_call(d, op, wa + ao, wa + bo, n, NULL, NULL);
        const size_t f = first_diff(wa, ia, ao), b = first_diff(wa + ao + bytes, ia + ao + bytes,
                                                              span - ao - bytes);
        bkt_check(t, f == ao && b == span - ao - bytes,
                  "wrote outside a[0..n) (b's other bytes included): byte %td relative to a",
                  f < ao ? (ptrdiff_t)f - (ptrdiff_t)ao : (ptrdiff_t)(bytes + b));
        check_elements(t, d, op, wa + ao, n, a0, b0, NULL);
    }
}

void bkt_group_overlap(void) {
    static const size_t fast_n[] = {0,  1,  2,  3,   4,   5,   7,   8,   9,   15,
                                    16, 17, 31, 32,  33,  63,  64,  65,  100, 127,
                                    128, 129, 255, 256, 257, 300, 1000, 4099};
    size_t lens[400], nlens = 0;
    if (bkt.thorough) {
        for (size_t n = 0; n <= 300; n++)
            lens[nlens++] = n;
        lens[nlens++] = 1000;
        lens[nlens++] = 4099;
        lens[nlens++] = 9001;
    } else {
        for (size_t i = 0; i < sizeof fast_n / sizeof fast_n[0]; i++)
            lens[nlens++] = fast_n[i];
    }
    static const int ops[] = {BKT_MUL, BKT_ADD};
    static const ptrdiff_t elems[] = {1, 2, 3, 4, 5, 7, 8, 16, 17, 32, 64};
    for (size_t di = 0; di < bkt_ndtypes; di++) {
        const bkt_dtype *d = &bkt_dtypes[di];
        const ptrdiff_t sz = (ptrdiff_t)d->size;
        for (size_t li = 0; li < nlens; li++) {
            const size_t n = lens[li];
            ptrdiff_t ks[64];
            size_t nk = 0;
            ks[nk++] = 0; /* b == a: squaring, doubling */
            for (size_t e = 0; e < sizeof elems / sizeof elems[0]; e++) {
                ks[nk++] = elems[e] * sz;
                ks[nk++] = -elems[e] * sz;
            }
            if (n > 1) { /* barely overlapping, and just touching */
                ks[nk++] = (ptrdiff_t)(n - 1) * sz;
                ks[nk++] = -(ptrdiff_t)(n - 1) * sz;
                ks[nk++] = (ptrdiff_t)n * sz;
                ks[nk++] = -(ptrdiff_t)n * sz;
            }
            if (sz > 1) { /* b not on a's element grid */
                const ptrdiff_t odd[] = {1, 3, sz + 1, 2 * sz - 1};
                for (size_t o = 0; o < 4; o++) {
                    ks[nk++] = odd[o];
                    ks[nk++] = -odd[o];
                }
            }
            for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++)
                for (size_t ki = 0; ki < nk; ki++)
                    case_overlap(d, ops[o], n, (n * 7 + ki * 11 + o) % 64, ks[ki]);
        }
    }
}

/* ---- data next to unmapped memory ----------------------------------------- */

/*
 * A region of `bytes` whose end (at_end) or start touches an inaccessible
 * page, so a read or write past the data faults even without a sanitizer.
 * Without mmap, a malloc block of exactly that size (which ASan guards).
 */
typedef struct tight {
    unsigned char *data;
    void *base;
    size_t len; /* of the mapping; 0 for a malloc block */
} tight;

static tight tight_alloc(size_t bytes, int at_end, size_t misalign) {
    tight r = {NULL, NULL, 0};
#ifdef BKT_HAVE_MMAN
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t pages = (bytes + page - 1) / page + 2;
    unsigned char *m = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    if (mprotect(m, page, PROT_NONE) != 0 ||
        mprotect(m + (pages - 1) * page, page, PROT_NONE) != 0) {
        perror("mprotect");
        exit(2);
    }
    (void)misalign;
    r.base = m;
    r.len = pages * page;
    r.data = at_end ? m + (pages - 1) * page - bytes : m + page;
#else
    (void)at_end;
    r.base = malloc(bytes + misalign + 1);
    r.data = (unsigned char *)r.base + misalign;
#endif
    return r;
}

static void tight_free(tight *r) {
#ifdef BKT_HAVE_MMAN
    if (r->len) {
        munmap(r->base, r->len);
        return;
    }
#endif
    free(r->base);
}

/* Exactly-sized malloc blocks: the data ends where the block ends and starts
 * `misalign` bytes after its start; AddressSanitizer catches any byte beyond. */
static tight exact_alloc(size_t bytes, size_t misalign) {
    tight r = {NULL, NULL, 0};
    r.base = malloc(bytes + misalign ? bytes + misalign : 1);
    if (!r.base) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    r.data = (unsigned char *)r.base + misalign;
    return r;
}

static void case_tight(const bkt_dtype *d, int op, size_t n, int placement) {
    const size_t sz = d->size, bytes = n * sz;
    const int binary = op == BKT_MUL || op == BKT_ADD;
    unsigned char *a0 = bkt_reserve(&a0_buf, bytes + 1), *b0 = bkt_reserve(&b0_buf, bytes + 1);
    unsigned char k[64];
    tight ta, tb;
    static const char *const kinds[] = {"a ends at an unmapped page, b starts after one",
                                        "a starts after an unmapped page, b ends at one",
                                        "exact-size heap blocks, misaligned start"};
    const size_t mis = (n % 15) + 1;
    if (placement < 2) {
        ta = tight_alloc(bytes, placement == 0, mis);
        tb = tight_alloc(bytes, placement == 1, mis);
    } else {
        ta = exact_alloc(bytes, mis);
        tb = exact_alloc(bytes, mis);
    }
    bkt_where("%s %s n=%zu, %s", bkt_op_names[op], d->name, n, kinds[placement]);
    bkt_reserve(&expect_buf, bytes + 1);
    bkt_reserve(&scalar_buf, bytes + 1);
    const int mode = op == BKT_SUM ? BKT_GEN_FINITE : BKT_GEN_ANY;
    bkt_gen(d, a0, n, mode);
    bkt_gen(d, b0, n, mode);
    bkt_gen(d, k, 1, mode);
    memcpy(tb.data, b0, bytes);
    bkt_sumref ref;
    if (op == BKT_SUM)
        bkt_ref_sum(d, a0, n, mode, &ref);
    else
        bkt_ref_elementwise(d, op, expect_buf.p, a0, b0, n, k);
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = nth_target(i);
        memcpy(ta.data, a0, bytes);
        bkt_use(t);
        if (op == BKT_SUM) {
            unsigned char got[32];
            char msg[512] = "";
            d->sum(ta.data, n, got);
            bkt_check(t, bkt_sum_ok(d, got, &ref, msg, sizeof msg), "%s", msg);
        } else {
            bkt_call(d, op, ta.data, tb.data, n, k, NULL);
            check_elements(t, d, op, ta.data, n, a0, b0, k);
            if (binary)
                bkt_check(t, memcmp(tb.data, b0, bytes) == 0, "b was modified");
        }
    }
    tight_free(&ta);
    tight_free(&tb);
}

void bkt_group_edges(void) {
    static const size_t more[] = {127, 128, 129, 255, 256, 257, 300, 1000, 4099};
    size_t lens[400], nlens = 0;
    for (size_t n = 0; n <= (bkt.thorough ? 300u : 70u); n++)
        lens[nlens++] = n;
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if (more[i] > lens[nlens - 1])
            lens[nlens++] = more[i];
    for (size_t di = 0; di < bkt_ndtypes; di++)
        for (int op = 0; op < BKT_NOPS; op++)
            for (size_t li = 0; li < nlens; li++)
                for (int placement = 0; placement < 3; placement++)
                    case_tight(&bkt_dtypes[di], op, lens[li], placement);
}
