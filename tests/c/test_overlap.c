/*
 * test_overlap.c - operands that share memory. For every elementwise op, out,
 * a and b are placed in one arena: apart, equal, or overlapping each other by
 * whole elements and by odd byte shifts, in both directions, and out between
 * a and b over both (the one layout that needs a heap copy); a complex
 * magnitude writes its half-size elements over its own input. The result must
 * be the reference computed on copies of the inputs (NumPy's out= answer),
 * and no byte of the arena but out's may change. dot reads a and b
 * overlapping too.
 */
#include <stdio.h>
#include <string.h>

#include "bkt.h"

enum { PAD = 64 };

static bkt_buf arena_init, arena_work, a0_buf, b0_buf;

/* Where b and out lie, in bytes from a; inplace: out is a, through the
 * in-place entry points where the library has them. */
typedef struct layout {
    ptrdiff_t b, o;
    int inplace;
    const char *what;
} layout;

static ptrdiff_t min3(ptrdiff_t x, ptrdiff_t y, ptrdiff_t z) {
    ptrdiff_t m = x < y ? x : y;
    return m < z ? m : z;
}
static ptrdiff_t max3(ptrdiff_t x, ptrdiff_t y, ptrdiff_t z) {
    ptrdiff_t m = x > y ? x : y;
    return m > z ? m : z;
}

static void case_layout(size_t op, const bkr_dtype *d, size_t n, const layout *l, size_t salt) {
    const enum bkr_form form = bkr_ops[op].form;
    const int has_b = bkr_has_b(form), reduction = bkr_is_reduction(form);
    const ptrdiff_t isz = (ptrdiff_t)d->size, bytes = (ptrdiff_t)n * isz;
    bkt_case c = {.op = op, .d = d, .n = n};
    const ptrdiff_t osz = (ptrdiff_t)bkr_result_dtype(op, d)->size;
    const ptrdiff_t ob = reduction ? 0 : (ptrdiff_t)n * osz, o = reduction ? 0 : l->o;
    const ptrdiff_t lo = min3(0, has_b ? l->b : 0, o);
    const ptrdiff_t hi = max3(bytes, has_b ? l->b + bytes : 0, o + ob);
    /* a's element grid covers the whole region, so that its elements are
     * well-formed values and b's and out's are whatever the shifts make. */
    const ptrdiff_t g0 = -((-lo + isz - 1) / isz) * isz;
    const size_t off = salt % 64;
    const size_t base = PAD + off + (size_t)(-g0), span = base + (size_t)hi + (size_t)isz + PAD;
    unsigned char *init = bkt_reserve(&arena_init, span), *work = bkt_reserve(&arena_work, span);
    unsigned char k[32], got[32];
    const int mode = (n + salt) % 4 == 1 && bkr_is_fp(d) ? BKT_GEN_FINITE : BKT_GEN_ANY;
    char b_at[48] = "";
    if (has_b)
        snprintf(b_at, sizeof b_at, "b = a %+td bytes, ", l->b);
    bkt_where("%s %s n=%zu, a at offset %zu, %s (%sout = a %+td bytes)", bkr_ops[op].name,
              d->name, n, (size_t)(base % 64), l->what, b_at, o);
    bkt_random_bytes(init, span);
    bkt_gen(d, init + base + g0, (size_t)((hi - g0 + isz - 1) / isz), mode);
    unsigned char *a0 = bkt_reserve(&a0_buf, (size_t)bytes + 1);
    unsigned char *b0 = bkt_reserve(&b0_buf, (size_t)bytes + 1);
    memcpy(a0, init + base, (size_t)bytes);
    if (has_b)
        memcpy(b0, init + base + l->b, (size_t)bytes);
    bkt_gen(d, k, 1, mode);
    c.a0 = a0;
    c.b0 = has_b ? b0 : NULL;
    c.k = k;
    bkt_reference(&c);

    /* Every entry point by turns: typed or generic, in place or _out. */
    const enum bkt_api api = (salt / 2) % 2 ? BKT_GENERIC : BKT_TYPED;
    const int inplace = l->inplace && bkt_has_inplace(&c) && salt % 2 == 0;
    unsigned char *a = work + base, *b = has_b ? work + base + l->b : NULL, *out = work + base + o;
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = bkt_nth_target(i);
        memcpy(work, init, span);
        bkt_use(t);
        const int st = bkt_call(&c, api, reduction || inplace ? NULL : out, a, b, got);
        bkt_check(t, st == BK_OK, "status %d (%s%s)", st, api == BKT_TYPED ? "typed" : "generic",
                  inplace ? ", in place" : "");
        bkt_judge(t, &c, reduction ? got : out);
        /* Nothing but out changed: the inputs only where out lies over them. */
        const size_t olo = base + (size_t)o, ohi = olo + (size_t)ob;
        const size_t f = bkt_first_diff(work, init, olo);
        const size_t e = bkt_first_diff(work + ohi, init + ohi, span - ohi);
        bkt_check(t, f == olo && e == span - ohi, "a byte outside out changed: %td bytes from a",
                  (f < olo ? (ptrdiff_t)f : (ptrdiff_t)(ohi + e)) - (ptrdiff_t)base);
    }
}

/* Byte shifts between two operands: whole elements of each size given, both
 * ways, barely overlapping and just touching, and odd bytes. */
static size_t shifts(size_t n, size_t sz, size_t sz2, int full, ptrdiff_t *out) {
    static const size_t elems_full[] = {1, 2, 3, 4, 5, 7, 8, 16, 17, 32, 64};
    static const size_t elems_few[] = {1, 17, 64};
    const size_t *elems = full ? elems_full : elems_few;
    const size_t ne = full ? sizeof elems_full / sizeof elems_full[0] : 3;
    size_t count = 0;
    for (size_t e = 0; e < ne; e++) {
        out[count++] = (ptrdiff_t)(elems[e] * sz);
        if (sz2 != sz)
            out[count++] = (ptrdiff_t)(elems[e] * sz2);
    }
    if (n > 1) {
        out[count++] = (ptrdiff_t)((n - 1) * sz);
        out[count++] = (ptrdiff_t)(n * sz);
    }
    if (sz > 1) {
        const size_t odd[] = {1, sz + 1, 3, 2 * sz - 1};
        for (size_t o = 0; o < (full ? 4u : 2u); o++)
            out[count++] = (ptrdiff_t)odd[o];
    }
    for (size_t i = 0, m = count; i < m; i++)
        out[count++] = -out[i];
    return count;
}

/*
 * Every layout of op at length n. The shifted ones take every shift when
 * thorough; else a third of the shifts, another third at each length (turn),
 * and a sixth for the layouts where all three operands overlap.
 */
static void run_layouts(size_t op, const bkr_dtype *d, size_t n, size_t turn, size_t *salt) {
    const enum bkr_form form = bkr_ops[op].form;
    const size_t isz = d->size, osz = bkr_result_dtype(op, d)->size;
    const ptrdiff_t bytes = (ptrdiff_t)(n * isz), far = bytes + 64 + (ptrdiff_t)isz + 7;
    ptrdiff_t s[128];
    const size_t ns = shifts(n, isz, osz, n <= 300, s);
    layout ls[512];
    size_t nl = 0;
#define BKT_LAYOUT(B, O, INPLACE, WHAT) ls[nl++] = (layout){(B), (O), (INPLACE), (WHAT)}
    const size_t step = bkt.thorough ? 1 : 3;
    if (form == BKR_DOT) {
        BKT_LAYOUT(0, 0, 0, "b is a");
        for (size_t i = turn % step; i < ns; i += step)
            BKT_LAYOUT(s[i], 0, 0, "b overlaps a");
    } else if (form == BKR_BINARY) {
        BKT_LAYOUT(far, 2 * far, 0, "all apart");
        BKT_LAYOUT(far, 0, 1, "out is a, b apart");
        BKT_LAYOUT(0, 0, 1, "out is a is b");
        BKT_LAYOUT(far, far, 0, "out is b, a apart");
        for (size_t i = turn % step; i < ns; i += step) {
            BKT_LAYOUT(s[i], 0, 1, "out is a, b overlaps it");
            BKT_LAYOUT(s[i], s[i], 0, "out is b, a overlaps it");
            BKT_LAYOUT(far, s[i], 0, "out overlaps a, b apart");
            BKT_LAYOUT(far, far + s[i], 0, "out overlaps b, a apart");
            if (!bkt.thorough && (i / step) % 2 != turn % 2)
                continue;
            BKT_LAYOUT(0, s[i], 0, "b is a, out overlaps both");
            BKT_LAYOUT(-s[i], s[i], 0, "out and b overlap a on opposite sides");
            BKT_LAYOUT(s[i] / 2, s[i], 0, "out and b overlap a on one side");
        }
        if (n >= 2) { /* out over a's end and b's start, or the mirror */
            const ptrdiff_t half = (ptrdiff_t)(n / 2 * isz);
            const ptrdiff_t gaps[] = {0, (ptrdiff_t)isz, 1};
            for (size_t g = 0; g < 3; g++)
                for (ptrdiff_t odd = 0; odd < 2; odd++) {
                    BKT_LAYOUT(bytes + gaps[g], half + odd, 0, "out between a and b, over both");
                    BKT_LAYOUT(-bytes - gaps[g], -half + odd, 0, "out between b and a, over both");
                }
        }
    } else { /* scalar, unary, magnitude: no b */
        BKT_LAYOUT(0, far, 0, "out apart");
        BKT_LAYOUT(0, 0, 1, "out is a");
        for (size_t i = turn % step; i < ns; i += step)
            BKT_LAYOUT(0, s[i], 0, "out overlaps a");
    }
#undef BKT_LAYOUT
    for (size_t i = 0; i < nl; i++)
        case_layout(op, d, n, &ls[i], (*salt)++);
}

void bkt_group_overlap(void) {
    static const size_t fast_n[] = {0,  1,  2,   3,   5,   7,   8,   16,   17,  31,
                                    33, 64, 65, 100, 129, 257, 300, 1000, 4099};
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
    size_t salt = 0;
    for (size_t op = 0; op < BKR_NOPS; op++) {
        const enum bkr_form form = bkr_ops[op].form;
        if (!bkr_has_out(form) && form != BKR_DOT)
            continue;
        const bkr_dtype *dts[BK_NDTYPES];
        const size_t nd = bkt_op_dtypes(op, dts);
        for (size_t di = 0; di < nd; di++)
            for (size_t li = 0; li < nlens; li++) {
                /* Long enough to cross api.c's copy chunks (4 KiB) more than
                 * once; 1000 elements do that for the wider dtypes. */
                if (lens[li] > 1000 && dts[di]->size * 1000 > 4096 && !bkt.thorough)
                    continue;
                run_layouts(op, dts[di], lens[li], li, &salt);
            }
    }
}
