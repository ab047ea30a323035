/*
 * fuzz_kernels.c - libFuzzer harness over the C API, every op of BK_OPS.
 *
 * One input is one call: the bytes choose the op, the dtype, the length, the
 * start offsets of a, b and out, where b and out lie (apart, equal to a, or
 * overlapping a or b by any byte shift, or out between a and b over both),
 * how the values are drawn, k / v, the typed or the dtype-generic entry
 * point, and which SIMD targets run. The call runs on the scalar target and on
 * every chosen target, each time on fresh copies of the same buffers, and
 * every result is checked against the shared reference (tests/common, the
 * one the C tests use) by the SPEC's rules, and against the scalar target's
 * (bit for bit, but for float sums and dots: within the bound):
 *
 *   - elementwise ops: the reference on copies of the inputs, bit-exact
 *     where the SPEC says so (NaN payloads free where IEEE leaves them
 *     open), within the SPEC's ulps for complex multiply, divide and
 *     magnitude; every other byte of every allocation unchanged, so a stray
 *     write anywhere is caught;
 *   - reductions: integers exact (mod 2^64), min and max bit-exact, float
 *     sums and dots within the SPEC's bound, NaN and ±inf as IEEE says;
 *   - error paths: every op with invalid dtypes, dtypes it does not take and
 *     NULL pointers gives its status and writes nothing.
 *
 * Every buffer is its own heap allocation that ends exactly where the data
 * ends, and the bytes before the start offset are poisoned, so AddressSanitizer
 * reports any read or write outside the operands. Any mismatch aborts.
 *
 * Input layout (missing bytes read as 0; element data past the end of the
 * input comes from a PRNG seeded by the input):
 *   [0] op: below 0xf0 an index into BK_OPS (mod the number of ops); from
 *       0xf0 the error paths
 *   [1] dtype: an index into the dtypes the op takes
 *   [2] [3] length bits   [4] length class (bits 0-1), threads - 1 (bits
 *       2-3: 1 to 4 threads, with BUFKERN_SPLIT_BYTES set to 1 KiB so that
 *       small operands are split too), extra length bit (bit 7)
 *   [5] offset of a (mod 64)
 *   [6] bits 0-1, where b lies: 0 apart, 1 b == a, 2 byte shift, 3 element
 *       shift; bits 2-4, where out lies (elementwise ops with an out form): 0
 *       in place, 1 and 6-7 apart, 2 out = a + byte shift, 3 out = a +
 *       element shift, 4 out = b + byte shift, 5 out between a and b over
 *       both; bit 5: the dtype-generic entry points instead of the typed ones
 *   [7] offset of b (mod 64), or its shift (signed)
 *   [8] value mode: 0 raw bits, 1 small integers, 2 specials, 3 moderate floats
 *   [9] low 4 bits: target mask over bk_target_at() (0: every target);
 *       high 4 bits: BUFKERN_LARGE_BYTES (from that many bytes arrays
 *       count as beyond the caches: fills use streaming stores, avx512
 *       hands off to the avx2 kernels): unset (the default, 3/4 of the LLC
 *       up to 96 MiB), 0, 1, 100 or 4096 bytes, so that small arrays take
 *       those paths too
 *   [10..25] k / v bytes
 *   [26] offset of out (mod 64), or its shift (signed)
 *   [27..]   element data
 */
#define _POSIX_C_SOURCE 200112L /* setenv */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bufkern.h"
#include "entries.h"
#include "reference.h"

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

enum { HEADER = 27, MAX_TARGETS = 16, ERROR_PATHS = 0xf0 };
enum { OUT_INPLACE, OUT_APART, OUT_A_BYTES, OUT_A_ELEMS, OUT_B_BYTES, OUT_BETWEEN };

/* The SIMD targets this CPU runs (scalar is not among them). */
static const char *targets[MAX_TARGETS];
static size_t ntargets;

/* ---- failing loudly ------------------------------------------------------ */

static struct {
    const char *op, *dtype, *target, *threshold, *api;
    size_t n, a_off;
    int b_place, o_place, threads;
    long b_delta, o_delta;
} ctx;

static void fail(const char *what, size_t index) {
    fprintf(stderr,
            "bufkern fuzz FINDING: %s\n  op=%s dtype=%s target=%s api=%s n=%zu a_off=%zu "
            "b_place=%d b_delta=%ld o_place=%d o_delta=%ld element=%zu "
            "BUFKERN_LARGE_BYTES=%s threads=%d\n",
            what, ctx.op, ctx.dtype, ctx.target, ctx.api, ctx.n, ctx.a_off, ctx.b_place,
            ctx.b_delta, ctx.o_place, ctx.o_delta, index,
            ctx.threshold ? ctx.threshold : "default", ctx.threads);
    abort();
}

/* ---- input bytes and the PRNG behind them -------------------------------- */

/* Drawing element bytes is most of the harness's work and none of what the
 * fuzzer should steer by: no coverage there. */
#if defined(__clang__)
#define BKF_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define BKF_NO_COVERAGE
#endif

typedef struct stream {
    const uint8_t *p;
    size_t len, pos;
    uint64_t state;
} stream;

BKF_NO_COVERAGE static uint8_t next_byte(stream *s) {
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
BKF_NO_COVERAGE static void gen_real(stream *s, int is_float, int is_unsigned, size_t size,
                                     int mode, void *out) {
    uint8_t raw[8];
    for (size_t i = 0; i < size; i++)
        raw[i] = next_byte(s);
    uint8_t pick = next_byte(s);
    if (is_float) {
        double d;
        switch (mode) {
        case 1: /* small integers: sums stay exact */
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
            uint64_t m = 0;
            memcpy(&m, raw, size);
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
        bkr_put_real(out, size, d);
        return;
    }
    switch (mode) {
    case 1: {
        const int64_t v = is_unsigned ? pick % 9 : (int64_t)(pick % 17) - 8;
        bkr_put_int(out, size, (uint64_t)v);
        return;
    }
    case 2:
        if (pick < 128) { /* 0, -1 (all ones), MIN, MAX, 1 of the width */
            const uint64_t top = (uint64_t)1 << (8 * size - 1);
            const uint64_t v[] = {0, ~(uint64_t)0, top, top - 1, 1};
            bkr_put_int(out, size, v[pick % 5]);
            return;
        }
        /* fall through */
    default:
        memcpy(out, raw, size);
        return;
    }
}

BKF_NO_COVERAGE static void gen_element(stream *s, const bkr_dtype *d, int mode, uint8_t *out) {
    for (size_t c = 0; c < bkr_ncomp(d); c++)
        gen_real(s, bkr_is_fp(d), d->kind == BKR_UINT, d->real_size, mode, out + c * d->real_size);
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
    if (!r->base)
        return;
    BKF_UNPOISON(r->base, r->off);
    free(r->base);
    r->base = r->p = NULL;
}

/* ---- the error paths -------------------------------------------------------- */

/*
 * Every op through the generic entry points: a dtype that is invalid or that
 * the op does not take is BK_ERR_DTYPE; NULL where data, a scalar, a result
 * or out is needed is BK_ERR_NULL; n = 0 with NULL data is fine on every
 * target (min and max: BK_ERR_EMPTY); nothing is written on error.
 */
static void check_errors(stream *s) {
    static const int bad_dtypes[] = {BK_NDTYPES, BK_NDTYPES + 1, -1, 1000, 0x7fffffff};
    const uint8_t sel = next_byte(s);
    const size_t n = (size_t)1 + next_byte(s);
    region a = region_alloc(0, 16 * n), b = region_alloc(0, 16 * n), out = region_alloc(0, 16 * n);
    region res = region_alloc(0, 16);
    for (size_t i = 0; i < 16 * n; i++)
        a.p[i] = b.p[i] = out.p[i] = next_byte(s);
    memset(res.p, 0xa5, 16);
    uint8_t snap[3 * 16 * 256];
    memcpy(snap, a.p, 16 * n);
    memcpy(snap + 16 * n, b.p, 16 * n);
    memcpy(snap + 32 * n, out.p, 16 * n);
    const uint8_t k[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
    ctx.op = "errors";
    ctx.api = "generic";
    for (size_t op = 0; op < BKR_NOPS; op++) {
        const bke_generic *g = &bke_generic_entries[op];
        const enum bkr_form form = bkr_ops[op].form;
        ctx.op = bkr_ops[op].name;
        for (int i = 0; i <= BK_NDTYPES; i++) {
            const bk_dtype dt = i < BK_NDTYPES ? (bk_dtype)i : (bk_dtype)bad_dtypes[sel % 5];
            const int takes = bkr_op_takes(op, dt);
            const int inplace = takes && (bkr_is_reduction(form) || form == BKR_FILL ||
                                          bke_typed_entries[op][dt].call != NULL);
            ctx.dtype = i < BK_NDTYPES ? bkr_dtypes[i].name : "invalid";
            if (!inplace && (g->call(dt, a.p, b.p, k, n, res.p) != BK_ERR_DTYPE ||
                             g->call(dt, NULL, NULL, NULL, n, NULL) != BK_ERR_DTYPE))
                fail("a dtype the op does not take is not refused with BK_ERR_DTYPE", 0);
            if (g->out && !takes && g->out(dt, out.p, a.p, b.p, k, n) != BK_ERR_DTYPE)
                fail("a dtype the op does not take is not refused with BK_ERR_DTYPE (out)", 0);
            if (!inplace)
                continue;
            if (g->call(dt, NULL, b.p, k, n, res.p) != BK_ERR_NULL ||
                (bkr_has_b(form) && g->call(dt, a.p, NULL, k, n, res.p) != BK_ERR_NULL) ||
                (bkr_has_k(form) && g->call(dt, a.p, b.p, NULL, n, res.p) != BK_ERR_NULL) ||
                (bkr_is_reduction(form) && g->call(dt, a.p, b.p, k, n, NULL) != BK_ERR_NULL))
                fail("a NULL pointer is not refused with BK_ERR_NULL", 0);
            if (g->out && (g->out(dt, NULL, a.p, b.p, k, n) != BK_ERR_NULL ||
                           g->out(dt, out.p, NULL, b.p, k, n) != BK_ERR_NULL))
                fail("a NULL pointer is not refused with BK_ERR_NULL (out)", 0);
            /* n = 0 with NULL data, on every target. */
            for (size_t t = 0; t <= ntargets; t++) {
                ctx.target = t < ntargets ? targets[t] : "scalar";
                bk_set_target(ctx.target);
                const int want = form == BKR_EXTREME ? BK_ERR_EMPTY : BK_OK;
                if (g->call(dt, NULL, NULL, k, 0, res.p) != want ||
                    (g->out && g->out(dt, NULL, NULL, NULL, k, 0) != BK_OK))
                    fail("n = 0 with NULL data not accepted (min, max: not BK_ERR_EMPTY)", 0);
                if (form == BKR_REDUCE || form == BKR_DOT) {
                    for (size_t j = 0; j < bkr_dtypes[dt].sum_size; j++)
                        if (res.p[j] != 0)
                            fail("an empty sum or dot is not 0", j);
                    memset(res.p, 0xa5, 16);
                }
            }
            bk_set_target(NULL);
            ctx.target = bk_target_name();
        }
    }
    if (memcmp(snap, a.p, 16 * n) != 0 || memcmp(snap + 16 * n, b.p, 16 * n) != 0 ||
        memcmp(snap + 32 * n, out.p, 16 * n) != 0)
        fail("an error path wrote into an operand", 0);
    for (size_t j = 0; j < 16; j++)
        if (res.p[j] != 0xa5)
            fail("an error path wrote a result", j);
    /* an unknown target is refused and leaves the active one alone */
    const char *before = bk_target_name();
    static const char *const junk[] = {"bogus", "AVX2", "avx", "scalar ", "neon512", "sse"};
    if (bk_set_target(junk[sel % 6]) != BK_ERR_TARGET || strcmp(before, bk_target_name()) != 0)
        fail("unknown target accepted or active target changed", 0);
    const bk_dtype good = (bk_dtype)(sel % BK_NDTYPES);
    const bk_dtype bad = (bk_dtype)bad_dtypes[sel % 5];
    if (bk_dtype_name(bad) || bk_dtype_size(bad) ||
        bk_dtype_from_name("f65") != BK_NDTYPES || bk_dtype_from_name(NULL) != BK_NDTYPES ||
        bk_dtype_from_name(bkr_dtypes[good].name) != good)
        fail("dtype table lookups", 0);
    region_free(&a);
    region_free(&b);
    region_free(&out);
    region_free(&res);
}

/* ---- judging one target's memory --------------------------------------------- */

/* The call being checked, and its reference. */
typedef struct call {
    size_t op;
    enum bkr_form form;
    const bkr_dtype *d, *od;
    size_t n;
    const uint8_t *a0, *b0, *k;
    const bkr_rule *rule;
    uint8_t *want;
    bkr_red red;
} call;

/*
 * A region after the call against what it held before: every byte the same,
 * but out's n elements at out_at (out_at < 0: none here), which the rule
 * judges against the reference and, strictly, against the scalar target's
 * (NULL on the scalar target).
 */
static void check_region(const call *c, const region *r, const uint8_t *before, long out_at,
                         const uint8_t *scalar) {
    const size_t ob = c->n * c->od->size;
    const size_t lo = out_at < 0 ? r->len : (size_t)out_at, hi = out_at < 0 ? r->len : lo + ob;
    if (memcmp(r->p, before, lo) != 0 || memcmp(r->p + hi, before + hi, r->len - hi) != 0)
        fail("a byte outside out changed", 0);
    if (out_at < 0)
        return;
    size_t e = bkr_mismatch(c->d, c->od, c->rule, c->form, r->p + lo, c->want, c->n, c->a0, c->b0,
                            c->k, 0);
    if (e < c->n)
        fail("result differs from the reference", e);
    if (scalar) {
        e = bkr_mismatch(c->d, c->od, c->rule, c->form, r->p + lo, scalar, c->n, c->a0, c->b0,
                         c->k, 1);
        if (e < c->n)
            fail("result differs from the scalar target's", e);
    }
}

/* ---- one input --------------------------------------------------------------- */

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc;
    (void)argv;
    /* Read once, at the first split: small operands take the threaded paths. */
    setenv("BUFKERN_SPLIT_BYTES", "1024", 1);
    for (size_t i = 0; bk_target_at(i) && ntargets < MAX_TARGETS; i++)
        if (bk_target_supported(bk_target_at(i)) && strcmp(bk_target_at(i), "scalar") != 0)
            targets[ntargets++] = bk_target_at(i);
    return 0;
}

/* Fills len bytes with elements of d drawn in mode (the last one cut short). */
BKF_NO_COVERAGE static void fill_elements(stream *s, const bkr_dtype *d, int mode, uint8_t *p,
                                          size_t len) {
    for (size_t i = 0; i < len; i += d->size) {
        uint8_t e[16];
        gen_element(s, d, mode, e);
        memcpy(p + i, e, len - i < d->size ? len - i : d->size);
    }
}

static long lmin(long x, long y) { return x < y ? x : y; }
static long lmax(long x, long y) { return x > y ? x : y; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint8_t h[HEADER] = {0};
    memcpy(h, data, size < HEADER ? size : HEADER);
    stream s = {data + (size < HEADER ? size : HEADER), size < HEADER ? 0 : size - HEADER, 0,
                0x243f6a8885a308d3u};
    for (size_t i = 0; i < size; i++)
        s.state = (s.state ^ data[i]) * 0x100000001b3u;

    if (h[0] >= ERROR_PATHS) {
        check_errors(&s);
        return 0;
    }
    call c = {.op = h[0] % BKR_NOPS};
    c.form = bkr_ops[c.op].form;
    {
        const bkr_dtype *dts[BK_NDTYPES];
        size_t nd = 0;
        for (size_t i = 0; i < BK_NDTYPES; i++)
            if (bkr_op_takes(c.op, (bk_dtype)i))
                dts[nd++] = &bkr_dtypes[i];
        c.d = dts[h[1] % nd];
    }
    const bkr_dtype *d = c.d;
    c.od = bkr_result_dtype(c.op, d);
    const unsigned u16 = h[2] | (unsigned)h[3] << 8;
    switch (h[4] & 3) {
    case 0:
        c.n = h[2] % 48;
        break; /* tails and one vector */
    case 1:
        c.n = u16 % 700;
        break; /* a few blocks */
    case 2:
        c.n = u16 % 6000;
        break; /* many vectors */
    default:
        c.n = ((size_t)u16 << 1 | (h[4] >> 7)) % 100000;
        break; /* pairwise levels, reduction blocks */
    }
    const size_t n = c.n, nb = n * d->size, ob = n * c.od->size;
    const int reduction = bkr_is_reduction(c.form), has_b = bkr_has_b(c.form);
    const int has_in = reduction || bke_typed_entries[c.op][d->dt].call != NULL;
    const size_t a_off = h[5] % 64;
    const int mode = h[8] % 4;
    const uint8_t mask = h[9];
    const int generic = (h[6] >> 5) & 1;
    const int8_t b_shift = (int8_t)h[7], o_shift = (int8_t)h[26];

    /* Where b and out lie, in bytes from a; those in a's allocation are shared. */
    int b_place = has_b ? h[6] & 3 : 0, o_place = reduction ? OUT_INPLACE : (h[6] >> 2) & 7;
    if (o_place > OUT_BETWEEN || (o_place == OUT_BETWEEN && (!has_b || n < 2)) ||
        (o_place == OUT_B_BYTES && !has_b) || (c.form == BKR_FILL && o_place != OUT_INPLACE))
        o_place = c.form == BKR_FILL ? OUT_INPLACE : OUT_APART;
    long b_delta = b_place == 2 ? b_shift : b_place == 3 ? (long)b_shift * (long)d->size : 0;
    long o_delta = 0;
    if (o_place == OUT_INPLACE && !has_in) {
        o_place = OUT_A_BYTES; /* out == a, through the _out form */
    } else if (o_place == OUT_BETWEEN) {
        b_place = 2;
        b_delta = (long)nb + (b_shift & 15);
        o_delta = (long)(n / 2 * d->size) + (o_shift & 1);
    } else if (o_place == OUT_A_BYTES) {
        o_delta = o_shift;
    } else if (o_place == OUT_A_ELEMS) {
        o_delta = (long)o_shift * (long)c.od->size;
    }
    const int b_shared = has_b && b_place != 0;
    if (o_place == OUT_B_BYTES)
        o_delta = (b_shared ? b_delta : 0) + o_shift;
    const int o_shared = !reduction && o_place != OUT_APART && o_place != OUT_INPLACE &&
                         !(o_place == OUT_B_BYTES && !b_shared);
    const int o_in_b = o_place == OUT_B_BYTES && !b_shared; /* out within b's allocation */
    const long lo = lmin(0, lmin(b_shared ? b_delta : 0, o_shared ? o_delta : 0));
    const long hi = lmax((long)nb, lmax(b_shared ? b_delta + (long)nb : 0,
                                        o_shared ? o_delta + (long)ob : 0));
    const size_t span = (size_t)(hi - lo), a_at = (size_t)(-lo);
    const size_t b_off = h[7] % 64, o_off = h[26] % 64;
    /* b's allocation holds out too when out lies over a b apart from a */
    const size_t b_at = o_in_b ? (size_t)(-lmin(0, o_shift)) : 0;
    const size_t b_span = o_in_b ? b_at + (size_t)lmax((long)nb, o_shift + (long)ob) : nb;

    ctx.op = bkr_ops[c.op].name;
    ctx.dtype = d->name;
    ctx.api = generic ? "generic" : "typed";
    ctx.n = n;
    ctx.a_off = a_off;
    ctx.b_place = b_shared ? b_place : 0;
    ctx.b_delta = b_delta;
    ctx.o_place = o_place;
    ctx.o_delta = o_in_b ? o_shift : o_delta;

    /* The initial contents: a's allocation (b and out when shared), b's, out's, k. */
    uint8_t *init = malloc(span ? span : 1), *init_b = malloc(b_span ? b_span : 1);
    uint8_t *init_o = malloc(ob ? ob : 1), *a0 = malloc(nb ? nb : 1), *b0 = malloc(nb ? nb : 1);
    uint8_t kbuf[16];
    c.want = malloc(ob ? ob : 1);
    uint8_t *scalar_out = malloc(ob ? ob : 1);
    if (!init || !init_b || !init_o || !a0 || !b0 || !c.want || !scalar_out)
        abort();
    {
        stream ks = {h + 10, 16, 0, s.state};
        gen_element(&ks, d, mode, kbuf);
    }
    fill_elements(&s, d, mode, init, span);
    if (has_b && !b_shared)
        fill_elements(&s, d, mode, init_b, b_span);
    if (o_place == OUT_APART)
        for (size_t i = 0; i < ob; i++)
            init_o[i] = next_byte(&s);
    memcpy(a0, init + a_at, nb);
    if (has_b)
        memcpy(b0, b_shared ? init + (long)a_at + b_delta : init_b + b_at, nb);
    c.a0 = a0;
    c.b0 = has_b ? b0 : NULL;
    c.k = kbuf;
    if (reduction)
        bkr_ops[c.op].red(d, &c.red, a0, b0, n);
    else
        c.rule = bkr_ops[c.op].ew(d, c.want, a0, b0, kbuf, n);

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
    ctx.threads = 1 + (h[4] >> 2 & 3);
    if (bk_set_threads(ctx.threads) != BK_OK)
        fail("bk_set_threads refused 1 to 4 threads", 0);

    uint8_t scalar_res[32];
    for (size_t t = 0; t < nrun; t++) {
        ctx.target = run[t];
        if (bk_set_target(run[t]) != BK_OK || strcmp(bk_target_name(), run[t]) != 0)
            fail("bk_set_target refused a supported target", 0);
        region r = region_alloc(a_off, span), rb = {0}, ro = {0};
        memcpy(r.p, init, span);
        uint8_t *a = r.p + a_at, *b = NULL, *out = NULL;
        if (has_b && b_shared) {
            b = a + b_delta;
        } else if (has_b) {
            rb = region_alloc(b_off, b_span);
            memcpy(rb.p, init_b, b_span);
            b = rb.p + b_at;
        }
        if (o_shared)
            out = a + o_delta;
        else if (o_in_b)
            out = b + o_shift;
        else if (o_place == OUT_APART) {
            ro = region_alloc(o_off, ob);
            memcpy(ro.p, init_o, ob);
            out = ro.p;
        }
        region kr = region_alloc(0, d->size); /* k and v: exactly one element */
        memcpy(kr.p, kbuf, d->size);
        region res = region_alloc(0, reduction ? c.red.size : 0);

        const bke_typed *e = &bke_typed_entries[c.op][d->dt];
        const bke_generic *g = &bke_generic_entries[c.op];
        int st = BK_OK;
        if (out && generic)
            st = g->out(d->dt, out, a, b, kr.p, n);
        else if (out)
            st = e->out(out, a, b, kr.p, n);
        else if (generic)
            st = g->call(d->dt, a, b, kr.p, n, res.p);
        else
            e->call(a, b, kr.p, n, res.p);
        if (st != (c.form == BKR_EXTREME && n == 0 && generic ? BK_ERR_EMPTY : BK_OK))
            fail("a valid call did not return BK_OK", 0);

        if (reduction) {
            char msg[512] = "";
            check_region(&c, &r, init, -1, NULL);
            if (rb.base)
                check_region(&c, &rb, init_b, -1, NULL);
            if (!(c.form == BKR_EXTREME && n == 0 && generic)) {
                if (!bkr_red_ok(&c.red, res.p, msg, sizeof msg)) {
                    fprintf(stderr, "%s\n", msg);
                    fail("reduction outside the SPEC's rule", 0);
                }
                if (t == 0)
                    memcpy(scalar_res, res.p, c.red.size);
                else if (!bkr_red_agree(&c.red, res.p, scalar_res, msg, sizeof msg)) {
                    fprintf(stderr, "%s\n", msg);
                    fail("reduction differs from the scalar target's", 0);
                }
            }
        } else {
            const long in_a = out ? (o_shared ? (long)a_at + o_delta : -1) : (long)a_at;
            const uint8_t *vs = t ? scalar_out : NULL;
            check_region(&c, &r, init, in_a, vs);
            if (rb.base)
                check_region(&c, &rb, init_b, o_in_b ? (long)b_at + o_shift : -1, vs);
            if (ro.base)
                check_region(&c, &ro, init_o, 0, vs);
            if (t == 0)
                memcpy(scalar_out, out ? out : a, ob);
        }
        if (memcmp(kr.p, kbuf, d->size) != 0)
            fail("k / v was modified", 0);
        region_free(&res);
        region_free(&kr);
        region_free(&ro);
        region_free(&rb);
        region_free(&r);
    }
    bk_set_target(NULL);
    free(scalar_out);
    free(c.want);
    free(b0);
    free(a0);
    free(init_o);
    free(init_b);
    free(init);
    return 0;
}
