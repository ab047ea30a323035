/*
 * fuzz_kernels.c - libFuzzer harness over the dtype-generic C API.
 *
 * One input is one call: the bytes choose the op, the dtype, the length, the
 * start offsets of a and b (b separate, b == a, or b overlapping a by any
 * byte shift), how the values are drawn, k / v, and which SIMD targets run.
 * The call runs on the scalar target and on every chosen target, each time
 * on a fresh copy of the same buffers, and every result is checked:
 *
 *   - scale, mul, add, fill: against an independent reference computed here
 *     (b copied first, one IEEE operation per element, wrapping integers),
 *     bit-exact over the whole allocation (so a stray write anywhere is
 *     caught); float elements may differ only where both are NaN.
 *   - integer sums: exact (mod 2^64) against a reference sum.
 *   - float and complex sums (per component): within the SPEC's pairwise
 *     bound 4 (log2 n + 1) eps sum|a| of a long double pairwise sum, NaN and
 *     +-inf exactly as IEEE says, zero signs exactly (-0 only if every addend
 *     is -0), and 0 for n = 0. Where partial sums could overflow, only NaN
 *     propagation and finite results are checked.
 *   - error paths: invalid dtypes and NULL pointers give their status and
 *     write nothing.
 *
 * Every buffer is its own heap allocation that ends exactly where the data
 * ends, and the bytes before the start offset are poisoned, so AddressSanitizer
 * reports any read or write outside the operands. Any mismatch aborts.
 *
 * Input layout (missing bytes read as 0; element data past the end of the
 * input comes from a PRNG seeded by the input):
 *   [0] op: 0 sum, 1 scale, 2 mul, 3 add, 4 fill, 5 error paths (mod 6)
 *   [1] dtype (mod 12)
 *   [2] [3] length bits   [4] length class (low 2 bits) | extra length bits
 *   [5] offset of a (mod 64)
 *   [6] placement of b: 0 separate, 1 b == a, 2 byte shift, 3 element shift
 *   [7] offset of b, or the shift (signed)
 *   [8] value mode: 0 raw bits, 1 small integers, 2 specials, 3 moderate floats
 *   [9] low 4 bits: target mask over bk_target_at() (0: every target);
 *       high 4 bits: BUFKERN_LARGE_BYTES (from that many bytes arrays
 *       count as beyond the caches: fills use streaming stores, avx512
 *       hands off to the avx2 kernels): unset (the default, 3/4 of the LLC
 *       up to 96 MiB), 0, 1, 100 or 4096 bytes, so that small arrays take
 *       those paths too
 *   [10..25] k / v bytes
 *   [26..]   element data
 */
#define _POSIX_C_SOURCE 200112L /* setenv */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bufkern.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BKF_ASAN 1
#endif
#endif
#ifdef BKF_ASAN
#include <sanitizer/asan_interface.h>
#define BKF_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define BKF_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define BKF_POISON(p, n) ((void)(p), (void)(n))
#define BKF_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum { OP_SUM, OP_SCALE, OP_MUL, OP_ADD, OP_FILL, OP_ERRORS, N_OPS };
static const char *const op_names[] = {"sum", "scale", "mul", "add", "fill", "errors"};
enum { K_FLOAT, K_SINT, K_UINT, K_COMPLEX };
enum { HEADER = 26, MAX_TARGETS = 16 };

/* ---- dtypes as the harness sees them ------------------------------------- */

typedef struct dtinfo {
    const char *name;
    size_t size; /* element bytes */
    size_t real; /* bytes of one real component (floats, complex), else size */
    int kind;
} dtinfo;

#define KIND_float K_FLOAT
#define KIND_sint K_SINT
#define KIND_uint K_UINT
#define KIND_cplx K_COMPLEX
static const dtinfo dts[BK_NDTYPES] = {
#define X(name, ENUM, T, S, kind, R, RENUM) \
    [ENUM] = {#name, sizeof(T), KIND_##kind == K_COMPLEX ? sizeof(T) / 2 : sizeof(T), KIND_##kind},
    BK_DTYPES(X)
#undef X
};

/* The SIMD targets this CPU runs (scalar is not among them). */
static const char *targets[MAX_TARGETS];
static size_t ntargets;

/* ---- failing loudly ------------------------------------------------------ */

static struct {
    const char *op, *dtype, *target, *threshold;
    size_t n, a_off;
    int placement;
    long delta;
} ctx;

static void fail(const char *what, size_t index) {
    fprintf(stderr,
            "bufkern fuzz FINDING: %s\n  op=%s dtype=%s target=%s n=%zu a_off=%zu "
            "placement=%d delta=%ld element=%zu BUFKERN_LARGE_BYTES=%s\n",
            what, ctx.op, ctx.dtype, ctx.target, ctx.n, ctx.a_off, ctx.placement, ctx.delta, index,
            ctx.threshold ? ctx.threshold : "default");
    abort();
}

/* ---- input bytes and the PRNG behind them -------------------------------- */

typedef struct stream {
    const uint8_t *p;
    size_t len, pos;
    uint64_t state;
} stream;

static uint8_t next_byte(stream *s) {
    if (s->pos < s->len)
        return s->p[s->pos++];
    /* splitmix64, one byte at a time */
    uint64_t z = (s->state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return (uint8_t)(z ^ (z >> 31));
}

/* One real component (size bytes) of a float dtype, or one integer, drawn in
 * the given value mode. */
static void gen_real(stream *s, int kind, size_t size, int mode, void *out) {
    uint8_t raw[8];
    for (size_t i = 0; i < size; i++)
        raw[i] = next_byte(s);
    uint8_t pick = next_byte(s);
    if (kind == K_FLOAT) {
        double d;
        switch (mode) {
        case 1: /* small integers: sums stay exact-ish */
            d = (double)((int)(pick % 17) - 8);
            break;
        case 2: { /* specials, sprinkled among raw values */
            static const double sp[] = {0.0,     -0.0,    1.0,      -1.0,     INFINITY, -INFINITY,
                                        NAN,     -NAN,    DBL_MAX,  -DBL_MAX, FLT_MAX,  -FLT_MAX,
                                        DBL_MIN, FLT_MIN, 4.9e-324, 1.4e-45,  0.5,      3.0};
            if (pick < 128) {
                d = sp[pick % (sizeof sp / sizeof sp[0])];
                break;
            }
            memcpy(out, raw, size);
            return;
        }
        case 3: { /* moderate magnitudes with full mantissas */
            uint64_t m;
            memcpy(&m, raw, sizeof m < size ? sizeof m : size);
            d = ldexp((double)(m & 0xfffffffffffffu) / 4503599627370496.0 + 1.0,
                      (int)(pick % 16) - 8);
            if (pick & 0x80)
                d = -d;
            break;
        }
        default:
            memcpy(out, raw, size);
            return;
        }
        if (size == 4) {
            float f = (float)d;
            memcpy(out, &f, 4);
        } else {
            memcpy(out, &d, 8);
        }
        return;
    }
    /* integers */
    switch (mode) {
    case 1: {
        int64_t v = (int64_t)(pick % 17) - 8;
        if (kind == K_UINT)
            v = pick % 9;
        memcpy(out, &v, size); /* little-endian: low bytes */
        return;
    }
    case 2:
        if (pick < 128) {
            /* 0, -1 (all ones), MIN, MAX, 1 of the width */
            uint64_t v = 0;
            switch (pick % 5) {
            case 1:
                v = ~(uint64_t)0;
                break;
            case 2:
                v = (uint64_t)1 << (8 * size - 1);
                break;
            case 3:
                v = ((uint64_t)1 << (8 * size - 1)) - 1;
                break;
            case 4:
                v = 1;
                break;
            }
            memcpy(out, &v, size);
            return;
        }
        /* fall through */
    default:
        memcpy(out, raw, size);
        return;
    }
}

static void gen_element(stream *s, const dtinfo *d, int mode, uint8_t *out) {
    if (d->kind == K_COMPLEX) {
        gen_real(s, K_FLOAT, d->real, mode, out);
        gen_real(s, K_FLOAT, d->real, mode, out + d->real);
    } else {
        gen_real(s, d->kind, d->size, mode, out);
    }
}

/* ---- exact-size heap buffers --------------------------------------------- */

/* off bytes of poisoned prefix, then len bytes that end the allocation. */
typedef struct region {
    uint8_t *base, *p;
    size_t off, len;
} region;

static region region_alloc(size_t off, size_t len) {
    region r;
    r.off = off;
    r.len = len;
    r.base = malloc(off + len ? off + len : 1);
    if (!r.base)
        abort();
    r.p = r.base + off;
    BKF_POISON(r.base, off);
    return r;
}

static void region_free(region *r) {
    BKF_UNPOISON(r->base, r->off);
    free(r->base);
    r->base = r->p = NULL;
}

/* ---- the reference: elementwise ops -------------------------------------- */

/* Element access at any address, one pair of helpers per dtype. */
#define X(name, ENUM, T, S, kind, R, RENUM)                                \
    static inline T ld_##name(const void *p, size_t i) {         \
        T x;                                                     \
        memcpy(&x, (const uint8_t *)p + i * sizeof x, sizeof x); \
        return x;                                                \
    }                                                            \
    static inline void st_##name(void *p, size_t i, T x) {       \
        memcpy((uint8_t *)p + i * sizeof x, &x, sizeof x);       \
    }
BK_DTYPES(X)
#undef X

#define IARITH(T, x, op, y) ((T)((uint64_t)(x)op(uint64_t)(y)))

static void ref_elementwise(int op, bk_dtype dt, uint8_t *a, const uint8_t *b, size_t n,
                            const uint8_t *k) {
    switch (dt) {
#define REF_INT(name, ENUM, T)                                     \
    case ENUM:                                                     \
        for (size_t i = 0; i < n; i++) {                           \
            T x = ld_##name(a, i);                                 \
            switch (op) {                                          \
            case OP_SCALE:                                         \
                st_##name(a, i, IARITH(T, x, *, ld_##name(k, 0))); \
                break;                                             \
            case OP_MUL:                                           \
                st_##name(a, i, IARITH(T, x, *, ld_##name(b, i))); \
                break;                                             \
            case OP_ADD:                                           \
                st_##name(a, i, IARITH(T, x, +, ld_##name(b, i))); \
                break;                                             \
            case OP_FILL:                                          \
                st_##name(a, i, ld_##name(k, 0));                  \
                break;                                             \
            }                                                      \
        }                                                          \
        break;
#define REF_FLOAT(name, ENUM, T)                      \
    case ENUM:                                        \
        for (size_t i = 0; i < n; i++) {              \
            T x = ld_##name(a, i);                    \
            switch (op) {                             \
            case OP_SCALE:                            \
                st_##name(a, i, x *ld_##name(k, 0));  \
                break;                                \
            case OP_MUL:                              \
                st_##name(a, i, x *ld_##name(b, i));  \
                break;                                \
            case OP_ADD:                              \
                st_##name(a, i, x + ld_##name(b, i)); \
                break;                                \
            case OP_FILL:                             \
                st_##name(a, i, ld_##name(k, 0));     \
                break;                                \
            }                                         \
        }                                             \
        break;
#define REF_COMPLEX(name, ENUM, T, R)                                   \
    case ENUM:                                                          \
        for (size_t i = 0; i < n; i++) {                                \
            T x = ld_##name(a, i), y, r;                                \
            switch (op) {                                               \
            case OP_FILL:                                               \
                st_##name(a, i, ld_##name(k, 0));                       \
                continue;                                               \
            case OP_ADD:                                                \
                y = ld_##name(b, i);                                    \
                r.re = x.re + y.re;                                     \
                r.im = x.im + y.im;                                     \
                break;                                                  \
            default: {                                                  \
                y = op == OP_SCALE ? ld_##name(k, 0) : ld_##name(b, i); \
                R ac = x.re * y.re, bd = x.im * y.im;                   \
                R ad = x.re * y.im, bc = x.im * y.re;                   \
                r.re = ac - bd;                                         \
                r.im = ad + bc;                                         \
            }                                                           \
            }                                                           \
            st_##name(a, i, r);                                         \
        }                                                               \
        break;
        REF_FLOAT(f32, BK_F32, float)
        REF_FLOAT(f64, BK_F64, double)
        REF_INT(i8, BK_I8, int8_t)
        REF_INT(i16, BK_I16, int16_t)
        REF_INT(i32, BK_I32, int32_t)
        REF_INT(i64, BK_I64, int64_t)
        REF_INT(u8, BK_U8, uint8_t)
        REF_INT(u16, BK_U16, uint16_t)
        REF_INT(u32, BK_U32, uint32_t)
        REF_INT(u64, BK_U64, uint64_t)
        REF_COMPLEX(c64, BK_C64, bk_c64, float)
        REF_COMPLEX(c128, BK_C128, bk_c128, double)
    default:
        abort();
    }
}

/* A float (size 4) or double (size 8) at any address; exact in long double. */
static long double load_real(const uint8_t *p, size_t size) {
    if (size == 4) {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    double d;
    memcpy(&d, p, 8);
    return d;
}

static int real_is_nan(const uint8_t *p, size_t size) { return isnan(load_real(p, size)); }

/*
 * got and want span the same bytes; [a_at, a_at + n * size) holds the
 * elements an op wrote. Bytes must match, except float components that are
 * NaN on both sides (NaN payloads and signs may differ between targets).
 */
static void compare_bytes(const uint8_t *got, const uint8_t *want, size_t len, size_t a_at,
                          size_t n, const dtinfo *d, const char *what) {
    if (memcmp(got, want, len) == 0)
        return;
    const size_t a_end = a_at + n * d->size;
    for (size_t i = 0; i < len;) {
        if (d->kind != K_SINT && d->kind != K_UINT && i >= a_at && i < a_end) {
            /* a whole real component */
            if (memcmp(got + i, want + i, d->real) != 0 &&
                !(real_is_nan(got + i, d->real) && real_is_nan(want + i, d->real)))
                fail(what, (i - a_at) / d->size);
            i += d->real;
            continue;
        }
        if (got[i] != want[i])
            fail(what, i >= a_at && i < a_end ? (i - a_at) / d->size : (size_t)-1);
        i++;
    }
}

/* ---- the reference: sums ------------------------------------------------- */

typedef struct fsum_facts {
    long double sum; /* pairwise in long double: far more precise than the bound */
    long double abs; /* sum of |x| over the finite elements */
    int nan, pinf, ninf, all_negzero;
} fsum_facts;

static long double pairwise_ld(const uint8_t *p, size_t n, size_t stride, size_t size) {
    if (n <= 8) {
        long double s = 0;
        for (size_t i = 0; i < n; i++) {
            long double x = load_real(p + i * stride, size);
            if (isfinite(x))
                s += x;
        }
        return s;
    }
    size_t h = n / 2;
    return pairwise_ld(p, h, stride, size) + pairwise_ld(p + h * stride, n - h, stride, size);
}

static fsum_facts fsum_facts_of(const uint8_t *p, size_t n, size_t stride, size_t size) {
    fsum_facts f = {0, 0, 0, 0, 0, 1};
    for (size_t i = 0; i < n; i++) {
        long double x = load_real(p + i * stride, size);
        if (isnan(x))
            f.nan = 1;
        else if (isinf(x))
            *(x > 0 ? &f.pinf : &f.ninf) = 1;
        else
            f.abs += fabsl(x);
        if (!(x == 0 && signbit(x)))
            f.all_negzero = 0;
    }
    if (n == 0)
        f.all_negzero = 0;
    f.sum = pairwise_ld(p, n, stride, size);
    return f;
}

/* One real sum, as the target returned it, against the facts of its input. */
static void check_fsum(long double got, const fsum_facts *f, size_t n, size_t size,
                       const char *what) {
    const long double eps = size == 4 ? FLT_EPSILON : DBL_EPSILON;
    const long double max = size == 4 ? FLT_MAX : DBL_MAX;
    if (n == 0) {
        if (!(got == 0 && !signbit(got)))
            fail(what, 0);
        return;
    }
    const long double rel = 4 * (log2l((long double)n) + 1) * eps;
    const long double bound = rel * f->abs + 64 * LDBL_EPSILON * f->abs;
    const int safe = f->abs * (1 + rel) < max * (1 - 4 * eps);
    if (f->nan || (f->pinf && f->ninf)) {
        if (!isnan(got))
            fail(what, 0);
        return;
    }
    if (!safe) { /* partial sums may overflow, in an order-dependent way */
        if (isfinite(got) && fabsl(got - f->sum) > bound)
            fail(what, 0);
        return;
    }
    if (f->pinf || f->ninf) {
        if (!isinf(got) || (got > 0) != (f->pinf != 0))
            fail(what, 0);
        return;
    }
    if (!isfinite(got) || fabsl(got - f->sum) > bound)
        fail(what, 0);
    if (got == 0 && (signbit(got) != 0) != (f->all_negzero != 0))
        fail(what, 0); /* -0 exactly when every addend is -0 */
}

static void check_sum(bk_dtype dt, const uint8_t *a, size_t n, const uint8_t *out,
                      const char *what) {
    const dtinfo *d = &dts[dt];
    if (d->kind == K_SINT || d->kind == K_UINT) {
        uint64_t want = 0, got;
        for (size_t i = 0; i < n; i++) {
            uint64_t x = 0;
            memcpy(&x, a + i * d->size, d->size);
            if (d->kind == K_SINT && d->size < 8 && (x >> (8 * d->size - 1)) & 1)
                x |= ~(uint64_t)0 << (8 * d->size); /* sign-extend */
            want += x;
        }
        memcpy(&got, out, 8);
        if (got != want)
            fail(what, 0);
        return;
    }
    const size_t parts = d->kind == K_COMPLEX ? 2 : 1;
    for (size_t c = 0; c < parts; c++) {
        fsum_facts f = fsum_facts_of(a + c * d->real, n, d->size, d->real);
        long double got;
        if (d->real == 4) {
            float v;
            memcpy(&v, out + c * 4, 4);
            got = v;
        } else {
            double v;
            memcpy(&v, out + c * 8, 8);
            got = v;
        }
        check_fsum(got, &f, n, d->real, what);
    }
}

/* ---- error paths ----------------------------------------------------------- */

static void check_errors(stream *s) {
    static const int bad_dtypes[] = {BK_NDTYPES, BK_NDTYPES + 1, -1, 1000, 0x7fffffff};
    uint8_t sel = next_byte(s);
    const int bad = bad_dtypes[sel % 5];
    const bk_dtype good = (bk_dtype)(next_byte(s) % BK_NDTYPES);
    const size_t n = (size_t)1 + next_byte(s);
    region a = region_alloc(0, 16 * n), b = region_alloc(0, 16 * n), out = region_alloc(0, 16);
    for (size_t i = 0; i < 16 * n; i++)
        a.p[i] = b.p[i] = next_byte(s);
    memset(out.p, 0xa5, 16);
    uint8_t snap[16 * 256];
    memcpy(snap, a.p, 16 * n);
    const uint8_t k[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

    ctx.op = "errors";
    ctx.dtype = "invalid";
    /* an invalid dtype: BK_ERR_DTYPE from every entry point, nothing written */
    if (bk_sum((bk_dtype)bad, a.p, n, out.p) != BK_ERR_DTYPE ||
        bk_scale((bk_dtype)bad, a.p, n, k) != BK_ERR_DTYPE ||
        bk_mul((bk_dtype)bad, a.p, b.p, n) != BK_ERR_DTYPE ||
        bk_add((bk_dtype)bad, a.p, b.p, n) != BK_ERR_DTYPE ||
        bk_fill((bk_dtype)bad, a.p, n, k) != BK_ERR_DTYPE)
        fail("invalid dtype not refused with BK_ERR_DTYPE", 0);
    ctx.dtype = dts[good].name;
    /* NULL where data or a result is needed: BK_ERR_NULL */
    if (bk_sum(good, NULL, n, out.p) != BK_ERR_NULL || bk_sum(good, a.p, n, NULL) != BK_ERR_NULL ||
        bk_scale(good, NULL, n, k) != BK_ERR_NULL || bk_scale(good, a.p, n, NULL) != BK_ERR_NULL ||
        bk_mul(good, NULL, b.p, n) != BK_ERR_NULL || bk_mul(good, a.p, NULL, n) != BK_ERR_NULL ||
        bk_add(good, NULL, b.p, n) != BK_ERR_NULL || bk_add(good, a.p, NULL, n) != BK_ERR_NULL ||
        bk_fill(good, NULL, n, k) != BK_ERR_NULL || bk_fill(good, a.p, n, NULL) != BK_ERR_NULL)
        fail("NULL pointer not refused with BK_ERR_NULL", 0);
    /* n = 0 with NULL data is fine and writes nothing, on every target. */
    for (size_t t = 0; t <= ntargets; t++) {
        ctx.target = t < ntargets ? targets[t] : "scalar";
        bk_set_target(ctx.target);
        if (bk_sum(good, NULL, 0, out.p) != BK_OK || bk_scale(good, NULL, 0, k) != BK_OK ||
            bk_mul(good, NULL, NULL, 0) != BK_OK || bk_add(good, NULL, NULL, 0) != BK_OK ||
            bk_fill(good, NULL, 0, k) != BK_OK)
            fail("n = 0 with NULL data not accepted", 0);
        if (bk_scale(good, a.p, 0, k) != BK_OK || bk_mul(good, a.p, b.p, 0) != BK_OK ||
            bk_add(good, a.p, b.p, 0) != BK_OK || bk_fill(good, a.p, 0, k) != BK_OK)
            fail("n = 0 not accepted", 0);
    }
    bk_set_target(NULL);
    ctx.target = bk_target_name();
    /* the empty sum is zero: +0 for floats */
    for (size_t i = 0; i < bk_dtype_sum_size(good); i++)
        if (out.p[i] != 0)
            fail("empty sum is not 0", i);
    memset(out.p, 0xa5, 16);
    if (memcmp(snap, a.p, 16 * n) != 0)
        fail("an error path wrote into a", 0);
    /* an unknown target is refused and leaves the active one alone */
    const char *before = bk_target_name();
    static const char *const junk[] = {"bogus", "AVX2", "avx", "scalar ", "neon512", "sse"};
    if (bk_set_target(junk[sel % 6]) != BK_ERR_TARGET || strcmp(before, bk_target_name()) != 0)
        fail("unknown target accepted or active target changed", 0);
    if (bk_dtype_name((bk_dtype)bad) || bk_dtype_size((bk_dtype)bad) ||
        bk_dtype_from_name("f65") != BK_NDTYPES || bk_dtype_from_name(NULL) != BK_NDTYPES ||
        bk_dtype_from_name(dts[good].name) != good)
        fail("dtype table lookups", 0);
    region_free(&a);
    region_free(&b);
    region_free(&out);
}

/* ---- one input --------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    for (size_t i = 0; bk_target_at(i) && ntargets < MAX_TARGETS; i++)
        if (bk_target_supported(bk_target_at(i)) && strcmp(bk_target_at(i), "scalar") != 0)
            targets[ntargets++] = bk_target_at(i);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t h[HEADER] = {0};
    memcpy(h, data, size < HEADER ? size : HEADER);
    stream s = {data + (size < HEADER ? size : HEADER), size < HEADER ? 0 : size - HEADER, 0,
                0x243f6a8885a308d3u};
    for (size_t i = 0; i < size; i++)
        s.state = (s.state ^ data[i]) * 0x100000001b3u;

    const int op = h[0] % N_OPS;
    if (op == OP_ERRORS) {
        check_errors(&s);
        return 0;
    }
    const bk_dtype dt = (bk_dtype)(h[1] % BK_NDTYPES);
    const dtinfo *d = &dts[dt];
    const unsigned u16 = h[2] | (unsigned)h[3] << 8;
    size_t n;
    switch (h[4] & 3) {
    case 0:
        n = h[2] % 48;
        break; /* tails and one vector */
    case 1:
        n = u16 % 700;
        break; /* a few blocks */
    case 2:
        n = u16 % 6000;
        break; /* many vectors */
    default:
        n = ((size_t)u16 << 1 | (h[4] >> 7)) % 100000;
        break; /* pairwise levels */
    }
    const size_t a_off = h[5] % 64;
    const int placement = h[6] % 4;
    const int8_t shift = (int8_t)h[7];
    const int mode = h[8] % 4;
    const uint8_t mask = h[9];
    const size_t nb = n * d->size;

    /* Where b lies relative to a, in bytes (placements 1-3 share one allocation). */
    long delta = 0;
    if (placement == 2)
        delta = shift;
    else if (placement == 3)
        delta = (long)shift * (long)d->size;
    const int shared = placement != 0 && (op == OP_MUL || op == OP_ADD);
    const long lo = delta < 0 && shared ? delta : 0;
    const long hi = shared && delta > 0 ? (long)nb + delta : (long)nb;
    const size_t span = (size_t)(hi - lo); /* bytes of the allocation after a_off */
    const size_t a_at = (size_t)(-lo);     /* a's position within the span */

    ctx.op = op_names[op];
    ctx.dtype = d->name;
    ctx.n = n;
    ctx.a_off = a_off;
    ctx.placement = shared ? placement : 0;
    ctx.delta = delta;

    /* The initial contents: the span (a, and b when shared), b when separate, k. */
    uint8_t *init = malloc(span ? span : 1);
    uint8_t *init_b = NULL;
    uint8_t kbuf[16];
    if (!init)
        abort();
    {
        stream ks = {h + 10, 16, 0, s.state};
        gen_element(&ks, d, mode, kbuf);
    }
    for (size_t i = 0; i < span; i += d->size) {
        uint8_t e[16];
        gen_element(&s, d, mode, e);
        memcpy(init + i, e, span - i < d->size ? span - i : d->size);
    }
    const size_t b_off = h[7] % 64;
    if ((op == OP_MUL || op == OP_ADD) && !shared) {
        init_b = malloc(nb ? nb : 1);
        if (!init_b)
            abort();
        for (size_t i = 0; i < nb; i += d->size)
            gen_element(&s, d, mode, init_b + i);
    }

    /* The reference result, for the elementwise ops. */
    uint8_t *want = NULL;
    if (op != OP_SUM) {
        want = malloc(span ? span : 1);
        uint8_t *bcopy = malloc(nb ? nb : 1);
        if (!want || !bcopy)
            abort();
        memcpy(want, init, span);
        if (op == OP_MUL || op == OP_ADD)
            memcpy(bcopy, shared ? init + (long)a_at + delta : init_b, nb);
        ref_elementwise(op, dt, want + a_at, bcopy, n, kbuf);
        free(bcopy);
    }

    /* Run on scalar, then on every chosen target, each on fresh buffers. */
    const char *run[MAX_TARGETS + 1];
    size_t nrun = 0;
    run[nrun++] = "scalar";
    for (size_t t = 0; t < ntargets; t++)
        if (!(mask & 15) || (mask >> (t % 4)) & 1)
            run[nrun++] = targets[t];

    /* BUFKERN_LARGE_BYTES is read when a target is activated. */
    static const char *const thresholds[] = {NULL, "0", "1", "100", "4096"};
    const char *threshold = thresholds[(mask >> 4) % 5];
    if (threshold)
        setenv("BUFKERN_LARGE_BYTES", threshold, 1);
    else
        unsetenv("BUFKERN_LARGE_BYTES");
    ctx.threshold = threshold ? threshold : "default";

    for (size_t t = 0; t < nrun; t++) {
        ctx.target = run[t];
        if (bk_set_target(run[t]) != BK_OK || strcmp(bk_target_name(), run[t]) != 0)
            fail("bk_set_target refused a supported target", 0);
        region r = region_alloc(a_off, span);
        memcpy(r.p, init, span);
        uint8_t *a = r.p + a_at;
        region rb = {0};
        const uint8_t *b = NULL;
        if (op == OP_MUL || op == OP_ADD) {
            if (shared) {
                b = a + delta;
            } else {
                rb = region_alloc(b_off, nb);
                memcpy(rb.p, init_b, nb);
                b = rb.p;
            }
        }
        region kr = region_alloc(0, d->size); /* k and v: exactly one element */
        memcpy(kr.p, kbuf, d->size);
        region out = region_alloc(0, bk_dtype_sum_size(dt));
        int st;
        switch (op) {
        case OP_SUM:
            st = bk_sum(dt, a, n, out.p);
            break;
        case OP_SCALE:
            st = bk_scale(dt, a, n, kr.p);
            break;
        case OP_MUL:
            st = bk_mul(dt, a, b, n);
            break;
        case OP_ADD:
            st = bk_add(dt, a, b, n);
            break;
        default:
            st = bk_fill(dt, a, n, kr.p);
            break;
        }
        if (st != BK_OK)
            fail("valid call did not return BK_OK", 0);
        if (op == OP_SUM) {
            if (memcmp(r.p, init, span) != 0)
                fail("sum wrote into its operand", 0);
            check_sum(dt, a, n, out.p, "sum outside the SPEC's bound, or wrong");
        } else {
            compare_bytes(r.p, want, span, a_at, n, d, "result differs from the reference");
            if (rb.base && memcmp(rb.p, init_b, nb) != 0)
                fail("b was modified", 0);
        }
        if (memcmp(kr.p, kbuf, d->size) != 0)
            fail("k / v was modified", 0);
        region_free(&out);
        region_free(&kr);
        if (rb.base)
            region_free(&rb);
        region_free(&r);
    }
    bk_set_target(NULL);
    free(want);
    free(init_b);
    free(init);
    return 0;
}
