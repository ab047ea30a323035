/*
 * test_special.c - directed cases whose expected values are written out by
 * hand, on every target: float sums of zeros, subnormals, overflow, NaN and
 * infinities at every position; no flush to zero; integer wraparound and the
 * widening of sums and dots; the zero signs and NaNs of min and max, across
 * the reduction blocks too; divisions by zero; magnitudes at the edges of the
 * range; conjugates of zeros and NaNs; complex products and quotients of
 * small integers; a raised invalid flag stays raised through min and max.
 */
#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bkt.h"

static bkt_buf dbuf, dbuf2;

/* The typed entry points of op for d. */
static const bke_typed *typed(size_t op, const bkr_dtype *d) {
    return &bke_typed_entries[op][d->dt];
}

/* n copies of the size bytes at e, at p (by doubling: millions of elements). */
static void fill_elems(unsigned char *p, const void *e, size_t size, size_t n) {
    if (!n)
        return;
    memcpy(p, e, size);
    for (size_t done = 1; done < n; done *= 2)
        memcpy(p + done * size, p, (done < n - done ? done : n - done) * size);
}

/* Sets every real component of n elements to v. */
static unsigned char *all_reals(const bkr_dtype *d, size_t n, double v) {
    unsigned char *p = bkt_reserve(&dbuf, n * d->size + 1), e[16];
    for (size_t c = 0; c < bkr_ncomp(d); c++)
        bkr_put_real(e + c * d->real_size, d->real_size, v);
    fill_elems(p, e, d->size, n);
    return p;
}

/* Checks every real component of a float sum against v (NaN: any NaN). */
static void want_fsum(size_t t, const bkr_dtype *d, const void *p, size_t n, double v,
                      const char *what) {
    unsigned char out[32];
    const size_t rs = d->real_size;
    typed(BKR_OP_sum, d)->call((void *)p, NULL, NULL, n, out);
    for (size_t c = 0; c < bkr_ncomp(d); c++) {
        double g = bkr_get_real(out + c * rs, rs);
        int ok = isnan(v) ? isnan(g) : (g == v && signbit(g) == signbit(v));
        bkt_check(t, ok, "%s: n=%zu, sum is %a, want %a", what, n, g, v);
    }
}

static void directed_float_sums(size_t t, const bkr_dtype *d) {
    const size_t rs = d->real_size;
    const double max = rs == 4 ? FLT_MAX : DBL_MAX;
    const double tiny = rs == 4 ? 0x1p-149 : 0x1p-1074; /* smallest subnormal */
    static const size_t lens[] = {1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65,
                                  127, 128, 129, 255, 256, 257, 1000, 4099};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        const size_t n = lens[li];
        bkt_where("directed float sums, %s", d->name);
        want_fsum(t, d, all_reals(d, n, -0.0), n, -0.0, "all -0.0");
        want_fsum(t, d, all_reals(d, n, tiny), n, (double)n * tiny, "subnormals (no flush to 0)");
        want_fsum(t, d, all_reals(d, n, -tiny), n, -(double)n * tiny, "negative subnormals");
        if (n >= 2) {
            want_fsum(t, d, all_reals(d, n, max), n, INFINITY, "n x MAX overflows to +inf");
            want_fsum(t, d, all_reals(d, n, -max), n, -INFINITY, "n x -MAX overflows to -inf");
        } else {
            want_fsum(t, d, all_reals(d, n, max), n, max, "one MAX");
        }
        /* NaN, and +inf with -inf, at each position (every one for short
         * arrays: vector bodies and scalar tails alike). */
        const size_t step = n <= 70 ? 1 : n / 37 + 1;
        for (size_t i = 0; i < n; i += step) {
            unsigned char *p = all_reals(d, n, 1.0);
            for (size_t c = 0; c < bkr_ncomp(d); c++)
                bkr_put_real(p + i * d->size + c * rs, rs, NAN);
            want_fsum(t, d, p, n, NAN, "a NaN");
            p = all_reals(d, n, 1.0);
            for (size_t c = 0; c < bkr_ncomp(d); c++)
                bkr_put_real(p + i * d->size + c * rs, rs, INFINITY);
            want_fsum(t, d, p, n, INFINITY, "+inf with finite values");
            if (n >= 2) {
                const size_t j = (i + n / 2 + 1) % n == i ? (i + 1) % n : (i + n / 2 + 1) % n;
                for (size_t c = 0; c < bkr_ncomp(d); c++)
                    bkr_put_real(p + j * d->size + c * rs, rs, -INFINITY);
                want_fsum(t, d, p, n, NAN, "+inf and -inf");
            }
        }
    }
    bkt_where("directed float sums, %s", d->name);
    want_fsum(t, d, NULL, 0, 0.0, "the empty sum");
    unsigned char *p = all_reals(d, 2, max);
    for (size_t c = 0; c < bkr_ncomp(d); c++)
        bkr_put_real(p + d->size + c * rs, rs, -max);
    want_fsum(t, d, p, 2, 0.0, "MAX + -MAX");
}

/* No flush to zero in elementwise ops: subnormal in, subnormal out. */
static void directed_subnormals(size_t t, const bkr_dtype *d) {
    static const size_t ops[] = {BKR_OP_scale, BKR_OP_mul, BKR_OP_add, BKR_OP_sub, BKR_OP_div};
    const size_t rs = d->real_size, n = 67, nreal = n * d->size / rs;
    const double tiny = rs == 4 ? 0x1p-149 : 0x1p-1074, min = rs == 4 ? FLT_MIN : DBL_MIN;
    for (size_t oi = 0; oi < sizeof ops / sizeof ops[0]; oi++) {
        const size_t op = ops[oi];
        bkt_where("directed subnormals, %s %s", bkr_ops[op].name, d->name);
        unsigned char *a = bkt_reserve(&dbuf, n * d->size), *b = bkt_reserve(&dbuf2, n * d->size);
        unsigned char k[32];
        /* b: +tiny (add), -tiny (sub), 1 or 1 + 0i (mul, div); k = 0.5 */
        for (size_t i = 0; i < nreal; i++) {
            bkr_put_real(a + i * rs, rs, i % 2 ? min : tiny * (double)(i + 1));
            bkr_put_real(b + i * rs, rs, op == BKR_OP_add ? tiny : op == BKR_OP_sub ? -tiny : 0.0);
        }
        if (op == BKR_OP_mul || op == BKR_OP_div)
            for (size_t i = 0; i < n; i++)
                bkr_put_real(b + i * d->size, rs, 1.0);
        bkr_put_real(k, rs, 0.5);
        bkr_put_real(k + rs, rs, 0.0);
        typed(op, d)->call(a, b, k, n, NULL);
        for (size_t i = 0; i < nreal; i++) {
            const double x = i % 2 ? min : tiny * (double)(i + 1);
            double want; /* in the dtype's precision: halving may round */
            if (rs == 4) {
                const float xf = (float)x;
                want = op == BKR_OP_scale ? xf * 0.5f
                       : op == BKR_OP_add || op == BKR_OP_sub ? xf + (float)tiny
                                                              : xf;
            } else {
                want = op == BKR_OP_scale                        ? x * 0.5
                       : op == BKR_OP_add || op == BKR_OP_sub ? x + tiny
                                                              : x;
            }
            const double g = bkr_get_real(a + i * rs, rs);
            if (!bkt_check(t, g == want, "component %zu of %a: got %a, want %a", i, x, g, want))
                break;
        }
    }

    /* fill keeps every bit of the value, signalling NaN payloads included. */
    bkt_where("directed fill with a signalling NaN, %s", d->name);
    unsigned char v[16], *a = bkt_reserve(&dbuf, 100 * d->size);
    const uint32_t snan32 = 0x7fa00001u;
    const uint64_t snan64 = 0x7ff4000000000001u;
    for (size_t c = 0; c < bkr_ncomp(d); c++)
        memcpy(v + c * rs, rs == 4 ? (const void *)&snan32 : (const void *)&snan64, rs);
    typed(BKR_OP_fill, d)->call(a, NULL, v, 100, NULL);
    int same = 1;
    for (size_t i = 0; i < 100; i++)
        same &= memcmp(a + i * d->size, v, d->size) == 0;
    bkt_check(t, same, "fill changed the bits of a signalling NaN");
}

static uint64_t sum_int(const bkr_dtype *d, size_t op, const void *a, const void *b, size_t n) {
    unsigned char out[8];
    uint64_t s;
    typed(op, d)->call((void *)a, b, NULL, n, out);
    memcpy(&s, out, 8);
    return s;
}

static void directed_int(size_t t, const bkr_dtype *d) {
    const size_t w = d->size * 8;
    const int sgn = d->kind == BKR_SINT;
    const uint64_t ones = w == 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
    const uint64_t top = (uint64_t)1 << (w - 1);
    const uint64_t max = sgn ? top - 1 : ones, min = sgn ? top : 0;
    unsigned char a[16], b[16], k[8];
    uint64_t r;
    bkt_where("directed integer wraparound, %s", d->name);
    /* max + 1 wraps to min (0 for unsigned); min - 1 to max */
    bkr_put_int(a, d->size, max);
    bkr_put_int(b, d->size, 1);
    typed(BKR_OP_add, d)->call(a, b, NULL, 1, NULL);
    r = bkr_get_int(a, d->size, 0);
    bkt_check(t, r == min, "max + 1 = 0x%llx, want 0x%llx", (unsigned long long)r,
              (unsigned long long)min);
    typed(BKR_OP_sub, d)->call(a, b, NULL, 1, NULL);
    r = bkr_get_int(a, d->size, 0);
    bkt_check(t, r == max, "min - 1 = 0x%llx, want 0x%llx", (unsigned long long)r,
              (unsigned long long)max);
    /* signed: min * -1 = min; unsigned: max * max = 1 */
    bkr_put_int(a, d->size, sgn ? min : max);
    bkr_put_int(b, d->size, sgn ? ones : max);
    typed(BKR_OP_mul, d)->call(a, b, NULL, 1, NULL);
    r = bkr_get_int(a, d->size, 0);
    bkt_check(t, r == (sgn ? min : 1), "%s = 0x%llx", sgn ? "min * -1" : "max * max",
              (unsigned long long)r);
    /* max * 2: every bit but the lowest (-2 signed, 2^w - 2 unsigned) */
    bkr_put_int(a, d->size, max);
    bkr_put_int(k, d->size, 2);
    typed(BKR_OP_scale, d)->call(a, NULL, k, 1, NULL);
    r = bkr_get_int(a, d->size, 0);
    bkt_check(t, r == ones - 1, "max * 2 = 0x%llx, want 0x%llx", (unsigned long long)r,
              (unsigned long long)(ones - 1));
    /* abs: of min, min itself (signed); -1 to 1; unsigned unchanged */
    const uint64_t abs_in[] = {min, ones, 1, max}, abs_out[] = {min, sgn ? 1 : ones, 1, max};
    for (size_t i = 0; i < 4; i++) {
        bkr_put_int(a, d->size, abs_in[i]);
        typed(BKR_OP_abs, d)->call(a, NULL, NULL, 1, NULL);
        r = bkr_get_int(a, d->size, 0);
        bkt_check(t, r == abs_out[i], "abs(0x%llx) = 0x%llx, want 0x%llx",
                  (unsigned long long)abs_in[i], (unsigned long long)r,
                  (unsigned long long)abs_out[i]);
    }
    /*
     * Sums and dots widen to 64 bits: n copies of max (or min) never wrap
     * below 64 bits, and wrap modulo 2^64 at 64 bits. 3 * 2^20: more than 2^15
     * vectors per accumulator at 128 and 256 bits, where 16-bit pair sums held
     * in 32-bit lanes would overflow.
     */
    static const size_t lens[] = {1, 2, 31, 300, 4099, 16385, 65537, 300000, 3u << 20};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        const size_t n = lens[li];
        if (n > 300000 && d->size > 2)
            continue; /* the narrow sums are the ones that widen */
        unsigned char *p = bkt_reserve(&dbuf, n * d->size);
        for (int which = 0; which < 2; which++) {
            const uint64_t v = which ? min : max;
            unsigned char e[8];
            bkr_put_int(e, d->size, v);
            fill_elems(p, e, d->size, n);
            /* min of a signed type, sign-extended to 64 bits, is -top. */
            const uint64_t v64 = sgn && which ? (uint64_t)0 - top : v;
            uint64_t want = v64 * (uint64_t)n, s = sum_int(d, BKR_OP_sum, p, NULL, n);
            bkt_check(t, s == want, "sum of %zu x %s = 0x%llx, want 0x%llx", n,
                      which ? "min" : "max", (unsigned long long)s, (unsigned long long)want);
            if (n > 300000 && d->size > 1)
                continue; /* wider products overflow narrow lanes sooner */
            want = v64 * v64 * (uint64_t)n;
            s = sum_int(d, BKR_OP_dot, p, p, n);
            bkt_check(t, s == want, "dot of %zu x %s with itself = 0x%llx, want 0x%llx", n,
                      which ? "min" : "max", (unsigned long long)s, (unsigned long long)want);
        }
    }
    /* 64-bit sums wrap: INT64_MAX + 1 and UINT64_MAX + UINT64_MAX + 3. */
    if (w == 64) {
        unsigned char p[24];
        bkr_put_int(p, 8, max);
        bkr_put_int(p + 8, 8, sgn ? 1 : max);
        bkr_put_int(p + 16, 8, sgn ? 0 : 3);
        const uint64_t s = sum_int(d, BKR_OP_sum, p, NULL, 3);
        bkt_check(t, s == (sgn ? top : 1), "64-bit sum wraparound: got 0x%llx",
                  (unsigned long long)s);
    }
}

/* ---- min and max ------------------------------------------------------------ */

/* op of n elements of d (filled with `fill`, then x at i and y at j) is the
 * element at want_at: its bits. */
static void want_extreme(size_t t, size_t op, const bkr_dtype *d, size_t n, const void *fill,
                         size_t i, const void *x, size_t j, const void *y, size_t want_at) {
    unsigned char *p = bkt_reserve(&dbuf, n * d->size), got[16];
    char g[96], w[96];
    fill_elems(p, fill, d->size, n);
    memcpy(p + i * d->size, x, d->size);
    memcpy(p + j * d->size, y, d->size);
    typed(op, d)->call(p, NULL, NULL, n, got);
    if (memcmp(got, p + want_at * d->size, d->size) == 0) {
        bkt_check(t, 1, "%s", "");
        return;
    }
    bkr_fmt_elem(d, got, 0, g, sizeof g);
    bkr_fmt_elem(d, p, want_at, w, sizeof w);
    bkt_check(t, 0, "%s of %zu elements (special ones at %zu and %zu) is %s, want %s",
              bkr_ops[op].name, n, i, j, g, w);
}

/*
 * A flag raised before a min or max of a NaN is still raised after it: the
 * avx512 target clears the invalid flag to learn of NaNs from minps (vec.h),
 * then puts the flags back as they were. (Other targets' minps raise it.)
 */
static void extremes_keep_flag(size_t t, const bkr_dtype *d, const void *one, const void *nan) {
    enum { N = 300 };
    unsigned char *p = bkt_reserve(&dbuf, N * d->size), got[16];
    fill_elems(p, one, d->size, N);
    memcpy(p + 150 * d->size, nan, d->size);
    bkt_where("min and max of a NaN with the invalid flag raised, %s", d->name);
    feclearexcept(FE_ALL_EXCEPT);
    feraiseexcept(FE_INVALID);
    if (!fetestexcept(FE_INVALID)) /* valgrind keeps no flags: nothing to see */
        return;
    static const size_t ops[] = {BKR_OP_min, BKR_OP_max};
    for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++) {
        const size_t op = ops[k];
        feclearexcept(FE_ALL_EXCEPT);
        feraiseexcept(FE_INVALID);
        typed(op, d)->call(p, NULL, NULL, N, got);
        bkt_check(t, fetestexcept(FE_INVALID) != 0, "%s cleared the invalid flag",
                  bkr_ops[op].name);
    }
    feclearexcept(FE_ALL_EXCEPT);
}

static void directed_extremes(size_t t, const bkr_dtype *d) {
    static const size_t lens[] = {1, 2, 3, 7, 8, 9, 16, 17, 33, 64, 65, 129, 300, 1000,
                                  (1u << 14) + 1, 3u * (1u << 14) + 5};
    unsigned char one[16], lo[16], hi[16], nan1[16], nan2[16], pz[16], nz[16];
    const size_t sz = d->size;
    if (d->kind == BKR_FLOAT) {
        const uint64_t q1 = sz == 4 ? 0x7fc12345u : 0x7ff8000000012345u;
        const uint64_t q2 = sz == 4 ? 0xffc00001u : 0xfff8000000000001u;
        bkr_put_real(one, sz, 1.0);
        bkr_put_real(lo, sz, -INFINITY);
        bkr_put_real(hi, sz, INFINITY);
        bkr_put_int(nan1, sz, q1);
        bkr_put_int(nan2, sz, q2);
        bkr_put_real(pz, sz, 0.0);
        bkr_put_real(nz, sz, -0.0);
    } else {
        const int sgn = d->kind == BKR_SINT;
        const uint64_t top = (uint64_t)1 << (8 * sz - 1);
        bkr_put_int(one, sz, 1);
        bkr_put_int(lo, sz, sgn ? top : 0);
        bkr_put_int(hi, sz, sgn ? top - 1 : ~(uint64_t)0);
    }
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        const size_t n = lens[li], step = n <= 70 ? 1 : n <= 1000 ? n / 23 + 1 : n / 3 + 1;
        bkt_where("directed min and max, %s n=%zu", d->name, n);
        for (size_t i = 0; i < n; i += step) {
            const size_t j = (i + n / 2 + 1) % n;
            /* the type's extremes anywhere */
            want_extreme(t, BKR_OP_min, d, n, one, i, lo, i, lo, i);
            want_extreme(t, BKR_OP_max, d, n, one, i, hi, i, hi, i);
            if (d->kind != BKR_FLOAT)
                continue;
            /* the first NaN, whatever comes after it (inf, another NaN) */
            const size_t first = i < j ? i : j;
            want_extreme(t, BKR_OP_min, d, n, one, i, nan1, j, nan2, first);
            want_extreme(t, BKR_OP_max, d, n, hi, i, nan1, j, nan2, first);
            want_extreme(t, BKR_OP_max, d, n, one, i, nan1, i, nan1, i);
            /* -0.0 below +0.0, in either order */
            want_extreme(t, BKR_OP_min, d, n, pz, i, nz, i, nz, i);
            want_extreme(t, BKR_OP_max, d, n, nz, i, pz, i, pz, i);
        }
    }
    if (d->kind == BKR_FLOAT)
        extremes_keep_flag(t, d, one, nan1);
    /* The identities of no elements (the generic API says BK_ERR_EMPTY). */
    bkt_where("directed min and max of nothing, %s", d->name);
    unsigned char got[16];
    typed(BKR_OP_min, d)->call(NULL, NULL, NULL, 0, got);
    bkt_check(t, memcmp(got, hi, sz) == 0, "min of nothing is not the largest value");
    typed(BKR_OP_max, d)->call(NULL, NULL, NULL, 0, got);
    bkt_check(t, memcmp(got, lo, sz) == 0, "max of nothing is not the smallest value");
}

/* ---- real division, absolute value and conjugate ------------------------------- */

static void directed_real(size_t t, const bkr_dtype *d) {
    const size_t rs = d->size;
    static const double x[] = {1, -1, 1, 0, INFINITY, -0.0, 6, 1};
    static const double y[] = {0, 0, -0.0, 0, INFINITY, 5, 3, 3};
    const double q[] = {INFINITY, -INFINITY, -INFINITY, NAN, NAN, -0.0, 2,
                        rs == 4 ? (double)(1.0f / 3.0f) : 1.0 / 3.0};
    enum { N = sizeof x / sizeof x[0] };
    unsigned char a[N * 8], b[N * 8];
    bkt_where("directed division, %s", d->name);
    for (size_t i = 0; i < N; i++) {
        bkr_put_real(a + i * rs, rs, x[i]);
        bkr_put_real(b + i * rs, rs, y[i]);
    }
    typed(BKR_OP_div, d)->call(a, b, NULL, N, NULL);
    for (size_t i = 0; i < N; i++) {
        const double g = bkr_get_real(a + i * rs, rs);
        bkt_check(t, isnan(q[i]) ? isnan(g) : g == q[i] && signbit(g) == signbit(q[i]),
                  "%g / %g = %a, want %a", x[i], y[i], g, q[i]);
    }
    /* abs clears the sign bit, of zeros, infinities and NaNs alike; conj
     * keeps every bit. */
    bkt_where("directed absolute value and conjugate, %s", d->name);
    const uint64_t bits[] = {rs == 4 ? 0x80000000u : 0x8000000000000000u,
                             rs == 4 ? 0xff800000u : 0xfff0000000000000u,
                             rs == 4 ? 0xffc12345u : 0xfff8000000012345u,
                             rs == 4 ? 0x80000001u : 0x8000000000000001u,
                             rs == 4 ? 0x7fa00001u : 0x7ff4000000000001u};
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++) {
        unsigned char e[8];
        bkr_put_int(e, rs, bits[i]);
        typed(BKR_OP_conj, d)->call(e, NULL, NULL, 1, NULL);
        bkt_check(t, bkr_get_int(e, rs, 0) == bits[i], "conj changed the bits 0x%llx",
                  (unsigned long long)bits[i]);
        typed(BKR_OP_abs, d)->call(e, NULL, NULL, 1, NULL);
        const uint64_t want = bits[i] & ~((uint64_t)1 << (8 * rs - 1));
        bkt_check(t, bkr_get_int(e, rs, 0) == want, "abs of 0x%llx is 0x%llx, want 0x%llx",
                  (unsigned long long)bits[i], (unsigned long long)bkr_get_int(e, rs, 0),
                  (unsigned long long)want);
    }
}

/* ---- complex -------------------------------------------------------------------- */

/* Complex elements from pairs of doubles. */
static void put_complex(const bkr_dtype *d, unsigned char *p, const double (*v)[2], size_t n) {
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < 2; c++)
            bkr_put_real(p + i * d->size + c * d->real_size, d->real_size, v[i][c]);
}

/* Component c of element i is want (NaN: any NaN; else the value and its sign). */
static int is_real(const unsigned char *p, size_t rs, double want) {
    const double g = bkr_get_real(p, rs);
    return isnan(want) ? isnan(g) : g == want && signbit(g) == signbit(want);
}

static void directed_complex(size_t t, const bkr_dtype *d) {
    const size_t rs = d->real_size, sz = d->size;
    const double max = rs == 4 ? FLT_MAX : DBL_MAX, tiny = rs == 4 ? 0x1p-149 : 0x1p-1074;
    unsigned char a[8 * 16], b[8 * 16], r[8 * 16];
    bkt_where("directed complex products, %s", d->name);
    {
        /* (1+2i)(3+4i) = -5+10i; (0.5-1.5i)(2+0i) = 1-3i; (7+3i) i = -3+7i */
        static const double x[3][2] = {{1, 2}, {0.5, -1.5}, {7, 3}};
        static const double y[3][2] = {{3, 4}, {2, 0}, {0, 1}};
        static const double z[3][2] = {{-5, 10}, {1, -3}, {-3, 7}};
        for (int scale = 0; scale < 2; scale++) {
            put_complex(d, a, x, 3);
            put_complex(d, b, y, 3);
            if (scale)
                for (int i = 0; i < 3; i++)
                    typed(BKR_OP_scale, d)->call(a + i * sz, NULL, b + i * sz, 1, NULL);
            else
                typed(BKR_OP_mul, d)->call(a, b, NULL, 3, NULL);
            for (int i = 0; i < 3; i++)
                for (int c = 0; c < 2; c++)
                    bkt_check(t, is_real(a + i * sz + c * rs, rs, z[i][c]),
                              "%s: (%g%+gi)(%g%+gi) component %d = %g, want %g",
                              scale ? "scale" : "mul", x[i][0], x[i][1], y[i][0], y[i][1], c,
                              bkr_get_real(a + i * sz + c * rs, rs), z[i][c]);
        }
    }
    bkt_where("directed complex quotients, %s", d->name);
    {
        /* Small integers; huge and tiny operands whose quotient is 1 or -i (no
         * spurious overflow or underflow, where the textbook formula has
         * both): within 4 ulp. b = 0 in every sign: NumPy divides by +0.0, so
         * 1+1i gives inf+infi, exactly. */
        const double big = max / 16, small = rs == 4 ? 0x1p-60 : 0x1p-900;
        const double x[8][2] = {{-5, 10}, {big, big}, {small, small}, {big, -big},
                                {1, 1},   {1, 1},     {1, -1},        {0, 0}};
        const double y[8][2] = {{1, 2}, {big, big}, {small, small}, {big, big},
                                {0, 0}, {-0.0, 0},  {-0.0, -0.0},   {0, 0}};
        const double z[8][2] = {{3, 4},   {1, 0},     {1, 0},          {0, -1},
                                {INFINITY, INFINITY}, {INFINITY, INFINITY},
                                {INFINITY, -INFINITY}, {NAN, NAN}};
        const double ulp = rs == 4 ? FLT_EPSILON : DBL_EPSILON;
        put_complex(d, a, x, 8);
        put_complex(d, b, y, 8);
        typed(BKR_OP_div, d)->call(a, b, NULL, 8, NULL);
        for (int i = 0; i < 8; i++) {
            const double m = fmax(fabs(z[i][0]), fabs(z[i][1]));
            for (int c = 0; c < 2; c++) {
                const double g = bkr_get_real(a + i * sz + c * rs, rs);
                bkt_check(t, isfinite(m) ? fabs(g - z[i][c]) <= 4 * ulp * m
                                         : is_real(a + i * sz + c * rs, rs, z[i][c]),
                          "(%g%+gi) / (%g%+gi) component %d = %a, want %a", x[i][0], x[i][1],
                          y[i][0], y[i][1], c, g, z[i][c]);
            }
        }
    }
    bkt_where("directed magnitudes, %s", d->name);
    {
        /* Exact magnitudes, the edges of the range (no overflow or underflow
         * in between: MAX/2 stays finite, subnormals stay subnormal), inf
         * with NaN, NaN without inf. */
        const double h = max / 2;
        const double x[8][2] = {{3, 4},          {-3, -4},        {h, h},       {max, max},
                                {3 * tiny, 4 * tiny}, {INFINITY, NAN}, {NAN, -INFINITY}, {NAN, 0}};
        const double z[8] = {5, 5, -1 /* checked below */, INFINITY, 5 * tiny, INFINITY, INFINITY,
                             NAN};
        put_complex(d, a, x, 8);
        memset(r, 0xa5, sizeof r);
        bkt_check(t, typed(BKR_OP_abs, d)->out(r, a, NULL, NULL, 8) == BK_OK, "status");
        for (int i = 0; i < 8; i++) {
            if (i == 2) { /* h * sqrt(2), within 2 ulp */
                const double g = bkr_get_real(r + i * rs, rs), want = h * sqrt(2.0);
                const double eps = rs == 4 ? FLT_EPSILON : DBL_EPSILON;
                bkt_check(t, isfinite(g) && fabs(g - want) <= 4 * want * eps,
                          "|(MAX/2)(1+i)| = %a, want about %a", g, want);
                continue;
            }
            bkt_check(t, is_real(r + i * rs, rs, z[i]), "|%g%+gi| = %a, want %a", x[i][0],
                      x[i][1], bkr_get_real(r + i * rs, rs), z[i]);
        }
    }
    bkt_where("directed conjugates, %s", d->name);
    {
        /* The imaginary part's sign flips, of zeros and NaNs too; nothing else changes. */
        const double x[3][2] = {{1, 0}, {-0.0, -0.0}, {NAN, NAN}};
        put_complex(d, a, x, 3);
        memcpy(r, a, 3 * sz);
        typed(BKR_OP_conj, d)->call(a, NULL, NULL, 3, NULL);
        for (size_t i = 0; i < 3; i++) {
            r[i * sz + sz - 1] ^= 0x80;
            bkt_check(t, memcmp(a + i * sz, r + i * sz, sz) == 0,
                      "conj(%g%+gi) is not (%g, -(%g)) bit for bit", x[i][0], x[i][1], x[i][0],
                      x[i][1]);
        }
    }
}

void bkt_group_special(void) {
    for (size_t t = 0; t < bkt.ntargets; t++) {
        bkt_use(t);
        for (size_t i = 0; i < BK_NDTYPES; i++) {
            const bkr_dtype *d = &bkr_dtypes[i];
            if (bkr_is_fp(d)) {
                directed_float_sums(t, d);
                directed_subnormals(t, d);
            } else {
                directed_int(t, d);
            }
            if (d->kind != BKR_COMPLEX)
                directed_extremes(t, d);
            if (d->kind == BKR_FLOAT)
                directed_real(t, d);
            if (d->kind == BKR_COMPLEX)
                directed_complex(t, d);
        }
    }
}
