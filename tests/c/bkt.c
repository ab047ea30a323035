/*
 * bkt.c - the harness: dtype table, random data, reference results and the
 * rules by which a target's result is accepted.
 */
#include "bkt.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bkt_state bkt;

const char *const bkt_op_names[BKT_NOPS] = {"sum", "scale", "mul", "add", "fill"};
const char *const bkt_mode_names[BKT_NMODES] = {"any", "finite", "intval", "special", "zeros"};

/* ---- the dtype table, from BK_DTYPES ------------------------------------ */

#define BKT_KIND_float BKT_FLOAT
#define BKT_KIND_sint BKT_SINT
#define BKT_KIND_uint BKT_UINT
#define BKT_KIND_cplx BKT_COMPLEX

#define BKT_X_THUNKS(name, ENUM, T, S, kind, R, RENUM)                                   \
    static void bkt_sum_##name(const void *a, size_t n, void *out) {           \
        S s = bk_sum_##name((const T *)a, n);                                  \
        memcpy(out, &s, sizeof s);                                             \
    }                                                                          \
    static void bkt_scale_##name(void *a, size_t n, const void *k) {           \
        T x;                                                                   \
        memcpy(&x, k, sizeof x);                                               \
        bk_scale_##name((T *)a, n, x);                                         \
    }                                                                          \
    static void bkt_mul_##name(void *a, const void *b, size_t n) {             \
        bk_mul_##name((T *)a, (const T *)b, n);                                \
    }                                                                          \
    static void bkt_add_##name(void *a, const void *b, size_t n) {             \
        bk_add_##name((T *)a, (const T *)b, n);                                \
    }                                                                          \
    static void bkt_fill_##name(void *a, size_t n, const void *v) {            \
        T x;                                                                   \
        memcpy(&x, v, sizeof x);                                               \
        bk_fill_##name((T *)a, n, x);                                          \
    }
BK_DTYPES(BKT_X_THUNKS)
#undef BKT_X_THUNKS

const bkt_dtype bkt_dtypes[] = {
#define BKT_X_ROW(name, ENUM, T, S, kind, R, RENUM)                                      \
    {#name,          ENUM,          sizeof(T),     sizeof(S),     BKT_KIND_##kind,                 \
     bkt_sum_##name, bkt_scale_##name, bkt_mul_##name, bkt_add_##name, bkt_fill_##name},
    BK_DTYPES(BKT_X_ROW)
#undef BKT_X_ROW
};
const size_t bkt_ndtypes = sizeof bkt_dtypes / sizeof bkt_dtypes[0];

void bkt_call(const bkt_dtype *d, int op, void *a, const void *b, size_t n, const void *k,
              void *sum_out) {
    switch (op) {
    case BKT_SUM:
        d->sum(a, n, sum_out);
        break;
    case BKT_SCALE:
        d->scale(a, n, k);
        break;
    case BKT_MUL:
        d->mul(a, b, n);
        break;
    case BKT_ADD:
        d->add(a, b, n);
        break;
    case BKT_FILL:
        d->fill(a, n, k);
        break;
    }
}

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

static void bkt_put_real(void *p, size_t rs, double v) {
    if (rs == 4) {
        float f = (float)v; /* callers pass values within float's range */
        memcpy(p, &f, 4);
    } else {
        memcpy(p, &v, 8);
    }
}

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
    return (r & 1 ? -m : m) * ldexp(1.0, e);
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
            bkt_put_real(p, rs, bkt_moderate(8));
            return;
        default:
            bkt_put_special(p, rs, (size_t)((r >> 8) % (rs == 4 ? BKT_NSPECIAL32 : BKT_NSPECIAL64)));
            return;
        }
    case BKT_GEN_INTVAL: {
        /* Partial sums of up to n values stay integers below 2^(mantissa bits). */
        double lim = rs == 4 ? 0x1p24 : 0x1p53, amax = 1024;
        while (amax > 1 && amax * (double)n > lim)
            amax /= 2;
        int64_t span = (int64_t)amax;
        int64_t v = (int64_t)((r >> 8) % (uint64_t)(2 * span + 1)) - span;
        bkt_put_real(p, rs, v == 0 && (r & 1) ? -0.0 : (double)v);
        return;
    }
    case BKT_GEN_ZEROS:
        bkt_put_real(p, rs, -0.0);
        return;
    default: /* BKT_GEN_FINITE, BKT_GEN_SPECIAL (specials are added later) */
        if ((r & 31) == 0)
            bkt_put_special(p, rs, (size_t)((r >> 8) % BKT_NFINITE_SMALL));
        else if ((r & 31) == 1)
            bkt_put_real(p, rs, bkt_moderate(40));
        else
            bkt_put_real(p, rs, bkt_moderate(3));
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

static void bkt_put_int(void *p, size_t bytes, uint64_t v) {
    switch (bytes) {
    case 1: {
        uint8_t x = (uint8_t)v;
        memcpy(p, &x, 1);
        break;
    }
    case 2: {
        uint16_t x = (uint16_t)v;
        memcpy(p, &x, 2);
        break;
    }
    case 4: {
        uint32_t x = (uint32_t)v;
        memcpy(p, &x, 4);
        break;
    }
    default:
        memcpy(p, &v, 8);
        break;
    }
}

/* The element at p as a 64-bit integer, sign- or zero-extended. */
static uint64_t bkt_get_int(const void *p, size_t bytes, int is_signed) {
    switch (bytes) {
    case 1:
        if (is_signed) {
            int8_t x;
            memcpy(&x, p, 1);
            return (uint64_t)(int64_t)x;
        } else {
            uint8_t x;
            memcpy(&x, p, 1);
            return x;
        }
    case 2:
        if (is_signed) {
            int16_t x;
            memcpy(&x, p, 2);
            return (uint64_t)(int64_t)x;
        } else {
            uint16_t x;
            memcpy(&x, p, 2);
            return x;
        }
    case 4:
        if (is_signed) {
            int32_t x;
            memcpy(&x, p, 4);
            return (uint64_t)(int64_t)x;
        } else {
            uint32_t x;
            memcpy(&x, p, 4);
            return x;
        }
    default: {
        uint64_t x;
        memcpy(&x, p, 8);
        return x;
    }
    }
}

/* Overwrites a few finite values with NaN, +inf or -inf, in one of five mixes. */
static void bkt_add_specials(const bkt_dtype *d, unsigned char *p, size_t n) {
    static const double nan_inf[5][2] = {
        {NAN, 0}, {INFINITY, 0}, {-INFINITY, 0}, {INFINITY, -INFINITY}, {NAN, -INFINITY}};
    if (!n)
        return;
    const size_t rs = bkt_real_size(d), nreal = d->size / rs;
    const size_t mix = bkt_below(5);
    for (int s = 0; s < 2; s++) {
        double v = nan_inf[mix][s];
        if (v == 0)
            continue;
        for (size_t c = 1 + bkt_below(2); c > 0; c--) {
            size_t i = bkt_below(n), comp = bkt_below(nreal);
            bkt_put_real(p + i * d->size + comp * rs, rs, v);
        }
    }
}

void bkt_gen(const bkt_dtype *d, void *dst, size_t n, int mode) {
    unsigned char *p = dst;
    if (bkt_is_fp(d)) {
        const size_t rs = bkt_real_size(d), nreal = n * (d->size / rs);
        for (size_t i = 0; i < nreal; i++)
            bkt_gen_real(p + i * rs, rs, n, mode);
        if (mode == BKT_GEN_SPECIAL)
            bkt_add_specials(d, p, n);
        if (mode == BKT_GEN_ZEROS && n && (bkt_rand() & 1))
            bkt_put_real(p + bkt_below(nreal) * rs, rs, 0.0);
        return;
    }
    if (mode == BKT_GEN_ZEROS) {
        /* One extreme everywhere: the worst case for narrow accumulators. */
        size_t which = d->kind == BKT_SINT ? (bkt_rand() & 1 ? 6 : 7) : 4; /* min, max; max */
        uint64_t v = bkt_int_special(d->size, which);
        for (size_t i = 0; i < n; i++)
            bkt_put_int(p + i * d->size, d->size, v);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        uint64_t r = bkt_rand();
        bkt_put_int(p + i * d->size, d->size,
                    (r & 3) ? bkt_rand() : bkt_int_special(d->size, (size_t)(r >> 8)));
    }
}

/* ---- elementwise reference ---------------------------------------------- */

/* The products are stored in volatiles so that no compiler contracts them
 * with the following add into an FMA, whatever the flags. */
static void bkt_cmul_f(float xr, float xi, float yr, float yi, float *re, float *im) {
    volatile float p1 = xr * yr, p2 = xi * yi, p3 = xr * yi, p4 = xi * yr;
    *re = p1 - p2;
    *im = p3 + p4;
}
static void bkt_cmul_d(double xr, double xi, double yr, double yi, double *re, double *im) {
    volatile double p1 = xr * yr, p2 = xi * yi, p3 = xr * yi, p4 = xi * yr;
    *re = p1 - p2;
    *im = p3 + p4;
}

void bkt_ref_elementwise(const bkt_dtype *d, int op, void *out, const void *a, const void *b,
                         size_t n, const void *k) {
    unsigned char *o = out;
    const unsigned char *pa = a, *pb = b;
    const size_t sz = d->size;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *x = pa + i * sz;
        const unsigned char *y = op == BKT_SCALE ? (const unsigned char *)k : pb + i * sz;
        unsigned char *r = o + i * sz;
        if (op == BKT_FILL) {
            memcpy(r, k, sz);
            continue;
        }
        switch (d->kind) {
        case BKT_SINT:
        case BKT_UINT: {
            uint64_t u = bkt_get_int(x, sz, 0), v = bkt_get_int(y, sz, 0);
            bkt_put_int(r, sz, op == BKT_ADD ? u + v : u * v);
            break;
        }
        case BKT_FLOAT:
            if (sz == 4) {
                float u, v, w;
                memcpy(&u, x, 4);
                memcpy(&v, y, 4);
                w = op == BKT_ADD ? u + v : u * v;
                memcpy(r, &w, 4);
            } else {
                double u, v, w;
                memcpy(&u, x, 8);
                memcpy(&v, y, 8);
                w = op == BKT_ADD ? u + v : u * v;
                memcpy(r, &w, 8);
            }
            break;
        case BKT_COMPLEX:
            if (sz == 8) {
                float u[2], v[2], w[2];
                memcpy(u, x, 8);
                memcpy(v, y, 8);
                if (op == BKT_ADD) {
                    w[0] = u[0] + v[0];
                    w[1] = u[1] + v[1];
                } else {
                    bkt_cmul_f(u[0], u[1], v[0], v[1], &w[0], &w[1]);
                }
                memcpy(r, w, 8);
            } else {
                double u[2], v[2], w[2];
                memcpy(u, x, 16);
                memcpy(v, y, 16);
                if (op == BKT_ADD) {
                    w[0] = u[0] + v[0];
                    w[1] = u[1] + v[1];
                } else {
                    bkt_cmul_d(u[0], u[1], v[0], v[1], &w[0], &w[1]);
                }
                memcpy(r, w, 16);
            }
            break;
        }
    }
}

/* ---- comparison ---------------------------------------------------------- */

double bkt_get_real(const void *p, size_t rs) {
    if (rs == 4) {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    double v;
    memcpy(&v, p, 8);
    return v;
}

/* Same bits, or both NaN. */
static int bkt_real_same(const unsigned char *x, const unsigned char *y, size_t rs) {
    if (memcmp(x, y, rs) == 0)
        return 1;
    return isnan(bkt_get_real(x, rs)) && isnan(bkt_get_real(y, rs));
}

static double bkt_ulp(double m, size_t rs) {
    if (rs == 4)
        return m < FLT_MIN ? 0x1p-149 : ldexp(1.0, ilogb(m) - 23);
    return m < DBL_MIN ? 0x1p-1074 : ldexp(1.0, ilogb(m) - 52);
}

/* hi + lo = x * y exactly, for finite products that do not overflow. */
static void bkt_two_prod(double x, double y, double *hi, double *lo) {
    *hi = x * y;
    *lo = fma(x, y, -*hi);
}
/* hi + lo = x + y exactly. */
static void bkt_two_sum(double x, double y, double *hi, double *lo) {
    double s = x + y, bb = s - x;
    *hi = s;
    *lo = (x - (s - bb)) + (y - bb);
}
/* p*q - r*s (sign = -1) or p*q + r*s (sign = +1), as hi + lo, nearly exactly. */
static void bkt_dot2(double p, double q, double r, double s, double sign, double *hi,
                     double *lo) {
    double h1, l1, h2, l2, h, l;
    bkt_two_prod(p, q, &h1, &l1);
    bkt_two_prod(r, s, &h2, &l2);
    bkt_two_sum(h1, sign * h2, &h, &l);
    l += l1 + sign * l2;
    *hi = h + l;
    *lo = l - (*hi - h);
}

/* A complex product that is not bit-exact: finite and within 2 ulp of the
 * larger component of the exact product (what SPEC allows, e.g. for FMA). */
static int bkt_complex_close(const unsigned char *got, const unsigned char *x,
                             const unsigned char *y, size_t rs) {
    double g[2], u[2], v[2], hi[2], lo[2];
    for (int c = 0; c < 2; c++) {
        g[c] = bkt_get_real(got + c * rs, rs);
        u[c] = bkt_get_real(x + c * rs, rs);
        v[c] = bkt_get_real(y + c * rs, rs);
        if (!isfinite(g[c]) || !isfinite(u[c]) || !isfinite(v[c]))
            return 0;
    }
    bkt_dot2(u[0], v[0], u[1], v[1], -1, &hi[0], &lo[0]);
    bkt_dot2(u[0], v[1], u[1], v[0], +1, &hi[1], &lo[1]);
    if (!isfinite(hi[0]) || !isfinite(hi[1]))
        return 0;
    const double m = fmax(fabs(hi[0]), fabs(hi[1]));
    const double tol = 2 * bkt_ulp(m, rs);
    for (int c = 0; c < 2; c++)
        if (!(fabs((g[c] - hi[c]) - lo[c]) <= tol))
            return 0;
    return 1;
}

size_t bkt_mismatch(const bkt_dtype *d, int op, const void *got, const void *want, size_t n,
                    const void *a0, const void *b0, const void *k, int strict,
                    unsigned long long *inexact) {
    const size_t sz = d->size;
    if (n == 0 || memcmp(got, want, n * sz) == 0)
        return n;
    const unsigned char *g = got, *w = want, *x = a0, *y = b0;
    const int exact_bits = op == BKT_FILL || !bkt_is_fp(d);
    const int tolerant =
        !strict && d->kind == BKT_COMPLEX && (op == BKT_MUL || op == BKT_SCALE);
    const size_t rs = bkt_real_size(d);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *gi = g + i * sz, *wi = w + i * sz;
        if (memcmp(gi, wi, sz) == 0)
            continue;
        if (exact_bits)
            return i;
        int same = 1;
        for (size_t c = 0; c < sz / rs; c++)
            same &= bkt_real_same(gi + c * rs, wi + c * rs, rs);
        if (same)
            continue;
        if (tolerant &&
            bkt_complex_close(gi, x + i * sz, op == BKT_SCALE ? (const unsigned char *)k : y + i * sz,
                              rs)) {
            if (inexact)
                (*inexact)++;
            continue;
        }
        return i;
    }
    return n;
}

void bkt_fmt_elem(const bkt_dtype *d, const void *p, size_t i, char *buf, size_t cap) {
    const unsigned char *e = (const unsigned char *)p + i * d->size;
    switch (d->kind) {
    case BKT_SINT:
        snprintf(buf, cap, "%lld", (long long)(int64_t)bkt_get_int(e, d->size, 1));
        break;
    case BKT_UINT:
        snprintf(buf, cap, "%llu", (unsigned long long)bkt_get_int(e, d->size, 0));
        break;
    case BKT_FLOAT:
    case BKT_COMPLEX: {
        const size_t rs = bkt_real_size(d);
        size_t len = 0;
        for (size_t c = 0; c < d->size / rs && len < cap; c++) {
            uint64_t bits = bkt_get_int(e + c * rs, rs, 0);
            len += (size_t)snprintf(buf + len, cap - len, "%s%a (0x%0*llx)", c ? ", " : "",
                                    bkt_get_real(e + c * rs, rs), (int)rs * 2,
                                    (unsigned long long)bits);
        }
        break;
    }
    }
}

/* ---- sums ------------------------------------------------------------------ */

/* Reference for one real component: Neumaier's compensated sum in double, whose
 * error (about 2^-53 |sum| + n^2 2^-106 sum|x|) is far below any bound tested. */
static void bkt_ref_fsum(const unsigned char *p, size_t n, size_t stride, size_t rs,
                         bkt_fref *f) {
    double s = 0, c = 0, abssum = 0;
    memset(f, 0, sizeof *f);
    f->all_zero = 1;
    for (size_t i = 0; i < n; i++) {
        const double x = bkt_get_real(p + i * stride, rs);
        if (isnan(x)) {
            f->nan = 1;
        } else if (isinf(x)) {
            if (x > 0)
                f->pinf = 1;
            else
                f->ninf = 1;
        } else {
            const double t = s + x;
            c += fabs(s) >= fabs(x) ? (s - t) + x : (x - t) + s;
            s = t;
            abssum += fabs(x);
        }
        if (x != 0)
            f->all_zero = 0;
        else if (!signbit(x))
            f->pos_zero = 1;
    }
    f->hi = s + c;
    f->lo = c - (f->hi - s);
    f->abssum = abssum;
}

void bkt_ref_sum(const bkt_dtype *d, const void *a, size_t n, int mode, bkt_sumref *r) {
    const unsigned char *p = a;
    memset(r, 0, sizeof *r);
    r->n = n;
    if (!bkt_is_fp(d)) {
        uint64_t s = 0;
        for (size_t i = 0; i < n; i++)
            s += bkt_get_int(p + i * d->size, d->size, d->kind == BKT_SINT);
        r->isum = s;
        return;
    }
    const size_t rs = bkt_real_size(d);
    for (size_t c = 0; c < d->size / rs; c++)
        bkt_ref_fsum(p + c * rs, n, d->size, rs, &r->fp[c]);
    r->exact = mode == BKT_GEN_INTVAL;
}

static double bkt_bound(const bkt_sumref *r, const bkt_fref *f, size_t rs) {
    const double eps = rs == 4 ? FLT_EPSILON : DBL_EPSILON;
    const double n = r->n ? (double)r->n : 1;
    /* SPEC: |err| <= 4 (log2 n + 1) eps sum|a|; the factor covers the
     * reference's own rounding. */
    return 4 * (log2(n) + 1) * eps * f->abssum * (1 + 0x1p-20);
}

static int bkt_fsum_ok(double got, const bkt_sumref *r, const bkt_fref *f, size_t rs,
                       char *msg, size_t cap) {
    if (r->n == 0) {
        if (got == 0 && !signbit(got))
            return 1;
        snprintf(msg, cap, "empty sum is %a, want +0.0", got);
        return 0;
    }
    if (f->nan || (f->pinf && f->ninf)) {
        if (isnan(got))
            return 1;
        snprintf(msg, cap, "got %a, want NaN (NaN in the data: %d, +inf and -inf: %d)", got,
                 f->nan, f->pinf && f->ninf);
        return 0;
    }
    if (f->pinf || f->ninf) {
        if (isinf(got) && (got > 0) == (f->pinf != 0))
            return 1;
        snprintf(msg, cap, "got %a, want %cinf", got, f->pinf ? '+' : '-');
        return 0;
    }
    if (f->all_zero) {
        if (got == 0 && (signbit(got) != 0) == !f->pos_zero)
            return 1;
        snprintf(msg, cap, "sum of zeros is %a, want %s", got, f->pos_zero ? "+0.0" : "-0.0");
        return 0;
    }
    if (r->exact) {
        if (got == f->hi && f->lo == 0)
            return 1;
        snprintf(msg, cap, "sum of small integers is %a, want exactly %a", got, f->hi);
        return 0;
    }
    const double err = fabs((got - f->hi) - f->lo), bound = bkt_bound(r, f, rs);
    if (isfinite(got) && err <= bound)
        return 1;
    snprintf(msg, cap, "got %a, want %a (error %g > bound %g, sum|a| = %g)", got, f->hi, err,
             bound, f->abssum);
    return 0;
}

static void bkt_sum_parts(const bkt_dtype *d, const void *s, double out[2]) {
    const size_t rs = bkt_real_size(d);
    const unsigned char *p = s;
    out[0] = bkt_get_real(p, rs);
    out[1] = d->kind == BKT_COMPLEX ? bkt_get_real(p + rs, rs) : 0;
}

int bkt_sum_ok(const bkt_dtype *d, const void *got, const bkt_sumref *r, char *msg, size_t cap) {
    if (!bkt_is_fp(d)) {
        uint64_t g;
        memcpy(&g, got, 8);
        if (g == r->isum)
            return 1;
        if (d->kind == BKT_SINT)
            snprintf(msg, cap, "got %lld, want %lld", (long long)g, (long long)r->isum);
        else
            snprintf(msg, cap, "got %llu, want %llu", (unsigned long long)g,
                     (unsigned long long)r->isum);
        return 0;
    }
    double g[2];
    bkt_sum_parts(d, got, g);
    const size_t rs = bkt_real_size(d);
    for (size_t c = 0; c < d->size / rs; c++) {
        if (!bkt_fsum_ok(g[c], r, &r->fp[c], rs, msg, cap)) {
            if (d->kind == BKT_COMPLEX) {
                size_t len = strlen(msg);
                snprintf(msg + len, cap - len, " [%s part]", c ? "imaginary" : "real");
            }
            return 0;
        }
    }
    return 1;
}

/* Class of a sum: NaN, +inf, -inf, finite. */
static int bkt_class(double x) {
    if (isnan(x))
        return 0;
    if (isinf(x))
        return x > 0 ? 1 : 2;
    return 3;
}

int bkt_sums_agree(const bkt_dtype *d, const void *x, const void *y, const bkt_sumref *r,
                   char *msg, size_t cap) {
    if (!bkt_is_fp(d)) {
        if (memcmp(x, y, 8) == 0)
            return 1;
        uint64_t u, v;
        memcpy(&u, x, 8);
        memcpy(&v, y, 8);
        snprintf(msg, cap, "got %llu, scalar target %llu", (unsigned long long)u,
                 (unsigned long long)v);
        return 0;
    }
    double u[2], v[2];
    bkt_sum_parts(d, x, u);
    bkt_sum_parts(d, y, v);
    const size_t rs = bkt_real_size(d);
    for (size_t c = 0; c < d->size / rs; c++) {
        const int cu = bkt_class(u[c]), cv = bkt_class(v[c]);
        const double tol = 2 * bkt_bound(r, &r->fp[c], rs);
        const int zero_sign_differs =
            r->fp[c].all_zero && (signbit(u[c]) != 0) != (signbit(v[c]) != 0);
        if (cu != cv || zero_sign_differs || (cu == 3 && !(fabs(u[c] - v[c]) <= tol))) {
            snprintf(msg, cap, "got %a, scalar target %a (more than %g apart, or not alike)",
                     u[c], v[c], tol);
            return 0;
        }
    }
    return 1;
}
