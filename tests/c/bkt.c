/*
 * bkt.c - the harness: state and reporting, random data, and one call of an
 * op judged against the shared reference and the scalar target.
 */
#include "bkt.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bkt_state bkt;

const char *const bkt_mode_names[BKT_NMODES] = {"any", "finite", "intval", "special", "zeros"};

/* ---- state and reporting ------------------------------------------------ */

void bkt_where(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(bkt.where, sizeof bkt.where, fmt, ap);
    va_end(ap);
}

int bkt_check(size_t t, int ok, const char *fmt, ...) {
    bkt.checks++;
    if (t != BKT_NO_TARGET)
        bkt.targets[t].checks++;
    if (ok)
        return 1;
    bkt.failed++;
    if (t != BKT_NO_TARGET)
        bkt.targets[t].failed++;
    if (bkt.printed++ < bkt.max_printed) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        fprintf(stderr, "FAIL [%s] %s: %s\n", t == BKT_NO_TARGET ? "-" : bkt.targets[t].name,
                bkt.where, msg);
    } else if (bkt.printed == bkt.max_printed + 1) {
        fprintf(stderr, "FAIL ... (further failures are counted, not printed)\n");
    }
    return 0;
}

void bkt_use(size_t t) {
    int st = bk_set_target(bkt.targets[t].name);
    const char *now = bk_target_name();
    if (st != BK_OK || !now || strcmp(now, bkt.targets[t].name) != 0) {
        bkt_check(t, 0, "bk_set_target(\"%s\") returned %d, active target is %s",
                  bkt.targets[t].name, st, now ? now : "(null)");
        exit(1); /* every later result would be attributed to the wrong target */
    }
}

size_t bkt_nth_target(size_t i) {
    if (i == 0)
        return bkt.scalar;
    return i <= bkt.scalar ? i - 1 : i;
}

unsigned char *bkt_reserve(bkt_buf *b, size_t bytes) {
    if (bytes > b->cap) {
        size_t cap = (bytes + 63) / 64 * 64;
        free(b->p);
        b->p = aligned_alloc(64, cap);
        if (!b->p) {
            fprintf(stderr, "out of memory (%zu bytes)\n", cap);
            exit(2);
        }
        b->cap = cap;
    }
    return b->p;
}

size_t bkt_first_diff(const void *x, const void *y, size_t len) {
    const unsigned char *p = x, *q = y;
    if (memcmp(p, q, len) == 0)
        return len;
    size_t i = 0;
    while (p[i] == q[i])
        i++;
    return i;
}

/* ---- random data ---------------------------------------------------------- */

/* SplitMix64: small, fast, and every seed gives a full-period stream. */
uint64_t bkt_rand(void) {
    uint64_t z = (bkt.rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

void bkt_random_bytes(void *p, size_t bytes) {
    unsigned char *c = p;
    for (; bytes >= 8; bytes -= 8, c += 8) {
        uint64_t r = bkt_rand();
        memcpy(c, &r, 8);
    }
    if (bytes) {
        uint64_t r = bkt_rand();
        memcpy(c, &r, bytes);
    }
}

/* Special values by bit pattern; the first BKT_NFINITE_* are finite and small. */
static const uint32_t bkt_special32[] = {
    0x00000000, 0x80000000, /* ±0 */
    0x00000001, 0x80000001, /* ±smallest subnormal */
    0x007fffff, 0x807fffff, /* ±largest subnormal */
    0x00400000, 0x00000003, /* subnormals */
    0x00800000, 0x80800000, /* ±FLT_MIN */
    0x3f800000, 0xbf800000, 0x3f000000, 0x40000000, /* 1 -1 0.5 2 */
    0x34000000, 0x3f800001, 0x33800000,             /* eps, 1+eps, 2^-24 */
    /* not finite or not small: */
    0x7f7fffff, 0xff7fffff, /* ±FLT_MAX */
    0x7f000000, 0x5f800000, /* 2^127, 2^64 */
    0x7f800000, 0xff800000, /* ±inf */
    0x7fc00000, 0xffc00000, 0x7fc12345, 0x7fa00001, /* NaNs, one signalling */
};
static const uint64_t bkt_special64[] = {
    0x0000000000000000, 0x8000000000000000, 0x0000000000000001, 0x8000000000000001,
    0x000fffffffffffff, 0x800fffffffffffff, 0x0008000000000000, 0x0000000000000003,
    0x0010000000000000, 0x8010000000000000, 0x3ff0000000000000, 0xbff0000000000000,
    0x3fe0000000000000, 0x4000000000000000, 0x3cb0000000000000, 0x3ff0000000000001,
    0x3ca0000000000000,
    /* not finite or not small: */
    0x7fefffffffffffff, 0xffefffffffffffff, 0x7fe0000000000000, 0x43f0000000000000,
    0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000, 0xfff8000000000000,
    0x7ff8000000012345, 0x7ff4000000000001,
};
enum {
    BKT_NSPECIAL32 = sizeof bkt_special32 / sizeof bkt_special32[0],
    BKT_NSPECIAL64 = sizeof bkt_special64 / sizeof bkt_special64[0],
    BKT_NFINITE_SMALL = 17, /* the same count in both tables */
};

static void bkt_put_special(void *p, size_t rs, size_t i) {
    if (rs == 4)
        memcpy(p, &bkt_special32[i], 4);
    else
        memcpy(p, &bkt_special64[i], 8);
}

/* ±(1 + f) * 2^e, e uniform in [-span, span]. */
static double bkt_moderate(int span) {
    uint64_t r = bkt_rand();
    double m = 1.0 + (double)(r >> 12) * 0x1p-52;
    int e = (int)((r >> 1) % (uint64_t)(2 * span + 1)) - span;
    const uint64_t pow2 = (uint64_t)(1023 + e) << 52; /* 2^e: |e| is small */
    double scale;
    memcpy(&scale, &pow2, 8);
    return (r & 1 ? -m : m) * scale;
}

static void bkt_gen_real(void *p, size_t rs, size_t n, int mode) {
    uint64_t r = bkt_rand();
    switch (mode) {
    case BKT_GEN_ANY:
        switch (r & 7) {
        case 0:
        case 1:
        case 2:
            bkt_random_bytes(p, rs);
            return;
        case 3:
        case 4:
        case 5:
            bkr_put_real(p, rs, bkt_moderate(8));
            return;
        default:
            bkt_put_special(p, rs,
                            (size_t)((r >> 8) % (rs == 4 ? BKT_NSPECIAL32 : BKT_NSPECIAL64)));
            return;
        }
    case BKT_GEN_INTVAL: {
        /* Partial sums of up to n values stay integers below 2^(mantissa bits). */
        double lim = rs == 4 ? 0x1p24 : 0x1p53, amax = 1024;
        while (amax > 1 && amax * (double)n > lim)
            amax /= 2;
        int64_t span = (int64_t)amax;
        int64_t v = (int64_t)((r >> 8) % (uint64_t)(2 * span + 1)) - span;
        bkr_put_real(p, rs, v == 0 && (r & 1) ? -0.0 : (double)v);
        return;
    }
    case BKT_GEN_ZEROS:
        bkr_put_real(p, rs, -0.0);
        return;
    default: /* BKT_GEN_FINITE, BKT_GEN_SPECIAL (specials are added later) */
        if ((r & 31) == 0)
            bkt_put_special(p, rs, (size_t)((r >> 8) % BKT_NFINITE_SMALL));
        else if ((r & 31) == 1)
            bkr_put_real(p, rs, bkt_moderate(40));
        else
            bkr_put_real(p, rs, bkt_moderate(3));
        return;
    }
}

/* Bit patterns that are the extremes of some integer width, truncated to it. */
static uint64_t bkt_int_special(size_t bytes, size_t i) {
    const unsigned w = (unsigned)bytes * 8;
    const uint64_t top = (uint64_t)1 << (w - 1);
    const uint64_t ones = w == 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
    const uint64_t v[] = {0, 1, 2, 3, ones, ones - 1, top, top - 1, top + 1,
                          0x5555555555555555u, 0xaaaaaaaaaaaaaaaau};
    return v[i % (sizeof v / sizeof v[0])] & ones;
}

/* Overwrites a few finite values with NaN, +inf or -inf, in one of five mixes. */
static void bkt_add_specials(const bkr_dtype *d, unsigned char *p, size_t n) {
    static const double nan_inf[5][2] = {
        {NAN, 0}, {INFINITY, 0}, {-INFINITY, 0}, {INFINITY, -INFINITY}, {NAN, -INFINITY}};
    if (!n)
        return;
    const size_t rs = d->real_size, nreal = d->size / rs;
    const size_t mix = bkt_below(5);
    for (int s = 0; s < 2; s++) {
        double v = nan_inf[mix][s];
        if (v == 0)
            continue;
        for (size_t c = 1 + bkt_below(2); c > 0; c--) {
            size_t i = bkt_below(n), comp = bkt_below(nreal);
            bkr_put_real(p + i * d->size + comp * rs, rs, v);
        }
    }
}

void bkt_gen(const bkr_dtype *d, void *dst, size_t n, int mode) {
    unsigned char *p = dst;
    if (bkr_is_fp(d)) {
        const size_t rs = d->real_size, nreal = n * (d->size / rs);
        for (size_t i = 0; i < nreal; i++)
            bkt_gen_real(p + i * rs, rs, n, mode);
        if (mode == BKT_GEN_SPECIAL)
            bkt_add_specials(d, p, n);
        if (mode == BKT_GEN_ZEROS && n && (bkt_rand() & 1))
            bkr_put_real(p + bkt_below(nreal) * rs, rs, 0.0);
        return;
    }
    if (mode == BKT_GEN_ZEROS) {
        /* One extreme everywhere: the worst case for narrow accumulators. */
        size_t which = d->kind == BKR_SINT ? (bkt_rand() & 1 ? 6 : 7) : 4; /* min, max; max */
        uint64_t v = bkt_int_special(d->size, which);
        for (size_t i = 0; i < n; i++)
            bkr_put_int(p + i * d->size, d->size, v);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t r = bkt_rand();
        bkr_put_int(p + i * d->size, d->size,
                    (r & 3) ? bkt_rand() : bkt_int_special(d->size, (size_t)(r >> 8)));
    }
}

/* ---- one call, its reference and its judgement ---------------------------- */

static bkt_buf want_buf, scalar_buf;

void bkt_reference(bkt_case *c) {
    const bkr_op *o = &bkr_ops[c->op];
    c->form = o->form;
    c->od = bkr_result_dtype(c->op, c->d);
    if (bkr_is_reduction(c->form)) {
        o->red(c->d, &c->red, c->a0, c->b0, c->n);
        return;
    }
    unsigned char *w = bkt_reserve(&want_buf, c->n * c->od->size + 1);
    c->rule = o->ew(c->d, w, c->a0, c->b0, c->k, c->n);
    c->want = w;
}

int bkt_has_inplace(const bkt_case *c) {
    return bke_typed_entries[c->op][c->d->dt].call != NULL;
}

int bkt_call(const bkt_case *c, enum bkt_api api, void *out, void *a, const void *b, void *res) {
    if (api == BKT_GENERIC) {
        const bke_generic *g = &bke_generic_entries[c->op];
        return out ? g->out(c->d->dt, out, a, b, c->k, c->n)
                   : g->call(c->d->dt, a, b, c->k, c->n, res);
    }
    const bke_typed *e = &bke_typed_entries[c->op][c->d->dt];
    if (out)
        return e->out(out, a, b, c->k, c->n);
    e->call(a, b, c->k, c->n, res);
    return BK_OK;
}

/* Reports element i of got against want, with the operands it came from. */
static void report_elem(size_t t, const bkt_case *c, const char *against, const void *got,
                        const void *want, size_t i) {
    char g[128], w[128], x[128], y[128] = "";
    const char *yname = "";
    bkr_fmt_elem(c->od, got, i, g, sizeof g);
    bkr_fmt_elem(c->od, want, i, w, sizeof w);
    bkr_fmt_elem(c->d, c->a0, i, x, sizeof x);
    if (c->form == BKR_BINARY) {
        bkr_fmt_elem(c->d, c->b0, i, y, sizeof y);
        yname = ", b = ";
    } else if (bkr_has_k(c->form)) {
        bkr_fmt_elem(c->d, c->k, 0, y, sizeof y);
        yname = c->form == BKR_FILL ? ", v = " : ", k = ";
    }
    bkt_check(t, 0, "element %zu: got %s, %s %s (a = %s%s%s; rule: %s)", i, g, against, w, x,
              yname, y, c->rule->name);
}

/* The scalar target's verdict on the current case: a SIMD target's result
 * with the same bytes has the same verdict, without judging it again. */
static int scalar_ok;

void bkt_judge(size_t t, bkt_case *c, const void *got) {
    const int is_scalar = t == bkt.scalar;
    char msg[512] = "";
    if (bkr_is_reduction(c->form)) {
        bkt_check(t, bkr_red_ok(&c->red, got, msg, sizeof msg), "%s", msg);
        if (is_scalar) {
            memcpy(c->scalar_res, got, c->red.size);
        } else {
            msg[0] = 0;
            bkt_check(t, bkr_red_agree(&c->red, got, c->scalar_res, msg, sizeof msg), "%s", msg);
        }
        return;
    }
    const size_t n = c->n, bytes = n * c->od->size;
    const int as_scalar = !is_scalar && scalar_ok && memcmp(got, scalar_buf.p, bytes) == 0;
    size_t i = as_scalar ? n
                         : bkr_mismatch(c->d, c->od, c->rule, c->form, got, c->want, n, c->a0,
                                        c->b0, c->k, 0);
    if (i < n) {
        report_elem(t, c, "reference", got, c->want, i);
    } else {
        bkt_check(t, 1, "%s", "");
        if (memcmp(got, c->want, bytes) != 0)
            bkt.targets[t].inexact++;
    }
    if (is_scalar) {
        scalar_ok = i == n;
        memcpy(bkt_reserve(&scalar_buf, bytes + 1), got, bytes);
        return;
    }
    i = as_scalar ? n
                  : bkr_mismatch(c->d, c->od, c->rule, c->form, got, scalar_buf.p, n, c->a0,
                                 c->b0, c->k, 1);
    if (i < n)
        report_elem(t, c, "scalar target", got, scalar_buf.p, i);
    else
        bkt_check(t, 1, "%s", "");
}

/* ---- what the matrix runs ------------------------------------------------------ */

size_t bkt_modes(enum bkr_form form, const bkr_dtype *d, const int **modes) {
    static const int sums[] = {BKT_GEN_FINITE, BKT_GEN_INTVAL, BKT_GEN_SPECIAL, BKT_GEN_ZEROS};
    static const int extremes[] = {BKT_GEN_FINITE, BKT_GEN_SPECIAL, BKT_GEN_ZEROS, BKT_GEN_ANY};
    static const int ints[] = {BKT_GEN_ANY, BKT_GEN_ZEROS};
    static const int any[] = {BKT_GEN_ANY};
    if (!bkr_is_reduction(form))
        return *modes = any, 1;
    if (!bkr_is_fp(d))
        return *modes = ints, 2;
    return *modes = form == BKR_EXTREME ? extremes : sums, 4;
}

size_t bkt_op_dtypes(size_t op, const bkr_dtype *dts[BK_NDTYPES]) {
    size_t count = 0;
    for (size_t i = 0; i < BK_NDTYPES; i++)
        if (bkr_op_takes(op, (bk_dtype)i))
            dts[count++] = &bkr_dtypes[i];
    return count;
}
