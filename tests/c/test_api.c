/*
 * test_api.c - the dispatch API and the environment override, the
 * dtype-generic API and its status codes, dtype names and sizes, and
 * directed cases whose expected values are written out by hand.
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bkt.h"

#ifndef BKT_COMPILED_TARGETS
#error "BKT_COMPILED_TARGETS (the targets the build compiled in, comma-separated) is not defined"
#endif

/* ---- dispatch ------------------------------------------------------------- */

/* Known targets by rank: bk_target_at must list them best first. */
static int target_rank(const char *name) {
    static const struct {
        const char *name;
        int rank;
    } ranks[] = {{"avx512", 3}, {"avx2", 2}, {"sse2", 1}, {"neon", 1}, {"scalar", 0}};
    for (size_t i = 0; i < sizeof ranks / sizeof ranks[0]; i++)
        if (strcmp(ranks[i].name, name) == 0)
            return ranks[i].rank;
    return -1;
}

/* Whether this CPU can run a target, found independently of the library.
 * Returns -1 where this test has no independent way to know. */
static int cpu_can_run(const char *name) {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    /* libgcc's detection also checks that the OS saves YMM/ZMM state. */
    __builtin_cpu_init();
    const int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (strcmp(name, "scalar") == 0)
        return 1;
    if (strcmp(name, "sse2") == 0)
        return __builtin_cpu_supports("sse2") != 0;
    if (strcmp(name, "avx2") == 0)
        return avx2;
    if (strcmp(name, "avx512") == 0)
        return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
    return -1;
#elif defined(__aarch64__)
    /* Advanced SIMD is mandatory in ARMv8-A. */
    return strcmp(name, "scalar") == 0 || strcmp(name, "neon") == 0 ? 1 : -1;
#else
    return strcmp(name, "scalar") == 0 ? 1 : -1;
#endif
}

static const char *best_target(void) {
    for (size_t i = 0; bk_target_at(i); i++)
        if (bk_target_supported(bk_target_at(i)))
            return bk_target_at(i);
    return NULL;
}

static int active_is(const char *name) {
    const char *now = bk_target_name();
    return now && name && strcmp(now, name) == 0;
}

void bkt_group_dispatch(const char *initial, const char *expect, int have_expect) {
    const size_t T = BKT_NO_TARGET;
    bkt_where("dispatch");

    /* The list: non-empty, NULL-terminated, unique names, scalar last. */
    const char *names[64];
    size_t count = 0;
    while (count < 64 && bk_target_at(count))
        names[count] = bk_target_at(count), count++;
    bkt_check(T, count >= 1 && count < 64, "bk_target_at lists %zu targets", count);
    bkt_check(T, bk_target_at(count) == NULL && bk_target_at(count + 1) == NULL &&
                     bk_target_at((size_t)-1) == NULL,
              "bk_target_at past the end is not NULL");
    bkt_check(T, count && strcmp(names[count - 1], "scalar") == 0,
              "the last target listed is %s, not scalar", count ? names[count - 1] : "none");
    for (size_t i = 0; i < count; i++)
        for (size_t j = i + 1; j < count; j++)
            bkt_check(T, strcmp(names[i], names[j]) != 0, "%s is listed twice", names[i]);

    /* Exactly the targets the build says it compiled in, best first. */
    const char *compiled = BKT_COMPILED_TARGETS;
    size_t ncompiled = 0;
    for (const char *p = compiled; *p;) {
        size_t len = strcspn(p, ",");
        int found = 0;
        for (size_t i = 0; i < count; i++)
            found |= strlen(names[i]) == len && strncmp(names[i], p, len) == 0;
        bkt_check(T, found, "target %.*s was compiled in but is not listed", (int)len, p);
        ncompiled++;
        p += len + (p[len] == ',');
    }
    bkt_check(T, ncompiled == count, "%zu targets listed, the build compiled %zu (%s)", count,
              ncompiled, compiled);
    for (size_t i = 0; i + 1 < count; i++) {
        int r0 = target_rank(names[i]), r1 = target_rank(names[i + 1]);
        if (r0 >= 0 && r1 >= 0)
            bkt_check(T, r0 > r1, "%s is listed before %s: not best first", names[i],
                      names[i + 1]);
    }

    /* Support, against this test's own view of the CPU. */
    bkt_check(T, bk_target_supported("scalar") == 1, "scalar is not supported");
    bkt_check(T, bk_target_supported("nonsense") == 0, "\"nonsense\" is supported");
    bkt_check(T, bk_target_supported("") == 0, "\"\" is supported");
    bkt_check(T, bk_target_supported(NULL) == 0, "NULL is supported");
    bkt_check(T, bk_target_supported("scala") == 0 && bk_target_supported("scalar2") == 0,
              "a prefix or extension of a name is supported");
    for (size_t i = 0; i < count; i++) {
        int s = bk_target_supported(names[i]), c = cpu_can_run(names[i]);
        bkt_check(T, s == 0 || s == 1, "bk_target_supported(\"%s\") = %d", names[i], s);
        if (c >= 0)
            bkt_check(T, s == c, "bk_target_supported(\"%s\") = %d, but this CPU %s run it",
                      names[i], s, c ? "can" : "cannot");
    }

    /* The active target at the first call: BUFKERN_TARGET if it names a
     * supported target, else the best one. */
    const char *best = best_target();
    const char *env = getenv("BUFKERN_TARGET");
    printf("  compiled in: %s; supported:", compiled);
    for (size_t i = 0; i < count; i++)
        if (bk_target_supported(names[i]))
            printf(" %s", names[i]);
    printf("; best: %s; active at start: %s (BUFKERN_TARGET=%s)\n", best ? best : "none",
           initial ? initial : "(null)", env ? env : "(unset)");
    if (have_expect) {
        const char *want = bk_target_supported(expect) ? expect : best;
        bkt_check(T, initial && want && strcmp(initial, want) == 0,
                  "with BUFKERN_TARGET=%s the first active target is %s, want %s",
                  env ? env : "(unset)", initial ? initial : "(null)", want ? want : "none");
    } else if (!env || !*env) {
        bkt_check(T, initial && best && strcmp(initial, best) == 0,
                  "without BUFKERN_TARGET the first active target is %s, want the best, %s",
                  initial ? initial : "(null)", best ? best : "none");
    }

    /* Setting each target, and refusing what cannot run. */
    for (size_t i = 0; i < count; i++) {
        bk_set_target("scalar");
        int st = bk_set_target(names[i]);
        if (bk_target_supported(names[i]))
            bkt_check(T, st == BK_OK && active_is(names[i]),
                      "bk_set_target(\"%s\") = %d, active %s", names[i], st, bk_target_name());
        else
            bkt_check(T, st == BK_ERR_TARGET && active_is("scalar"),
                      "bk_set_target(\"%s\") on a CPU without it = %d, active %s", names[i], st,
                      bk_target_name());
    }
    static const char *const bad[] = {"nonsense", "scala", "scalar2", "SCALAR", " scalar"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        bk_set_target(names[0]);
        const char *before = bk_target_name();
        int st = bk_set_target(bad[i]);
        bkt_check(T, st == BK_ERR_TARGET, "bk_set_target(\"%s\") = %d, want BK_ERR_TARGET (%d)",
                  bad[i], st, BK_ERR_TARGET);
        bkt_check(T, active_is(before), "bk_set_target(\"%s\") changed the target from %s to %s",
                  bad[i], before, bk_target_name());
    }
    bk_set_target("scalar");
    bkt_check(T, bk_set_target("") == BK_OK && active_is(best),
              "bk_set_target(\"\") did not select the best target %s (active %s)", best,
              bk_target_name());
    bk_set_target("scalar");
    bkt_check(T, bk_set_target(NULL) == BK_OK && active_is(best),
              "bk_set_target(NULL) did not select the best target %s (active %s)", best,
              bk_target_name());
}

/* ---- the generic API, names, sizes, status codes ---------------------------- */

static bkt_buf gbuf_a, gbuf_b, gbuf_c;

void bkt_group_api(void) {
    const size_t T = BKT_NO_TARGET;
    bkt_where("dtype table");
    bkt_check(T, bkt_ndtypes == (size_t)BK_NDTYPES, "BK_NDTYPES = %d, the table has %zu rows",
              (int)BK_NDTYPES, bkt_ndtypes);
    for (size_t i = 0; i < bkt_ndtypes; i++) {
        const bkt_dtype *d = &bkt_dtypes[i];
        const char *nm = bk_dtype_name(d->dt);
        bkt_check(T, (size_t)d->dt == i, "%s has enum value %d, not %zu", d->name, (int)d->dt, i);
        bkt_check(T, nm && strcmp(nm, d->name) == 0, "bk_dtype_name(%s) = %s", d->name,
                  nm ? nm : "(null)");
        bkt_check(T, bk_dtype_from_name(d->name) == d->dt, "bk_dtype_from_name(\"%s\") = %d",
                  d->name, (int)bk_dtype_from_name(d->name));
        bkt_check(T, bk_dtype_size(d->dt) == d->size, "bk_dtype_size(%s) = %zu, want %zu",
                  d->name, bk_dtype_size(d->dt), d->size);
        bkt_check(T, bk_dtype_sum_size(d->dt) == d->sum_size,
                  "bk_dtype_sum_size(%s) = %zu, want %zu", d->name, bk_dtype_sum_size(d->dt),
                  d->sum_size);
        const size_t want_sum = d->kind == BKT_SINT || d->kind == BKT_UINT ? 8 : d->size;
        bkt_check(T, d->sum_size == want_sum, "the sum of %s has %zu bytes, want %zu", d->name,
                  d->sum_size, want_sum);
    }
    static const char *const bad_names[] = {"", "nonsense", "F64", "f6", "f644", "f64 ",
                                            " f64", "c"};
    for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++)
        bkt_check(T, bk_dtype_from_name(bad_names[i]) == BK_NDTYPES,
                  "bk_dtype_from_name(\"%s\") = %d, want BK_NDTYPES", bad_names[i],
                  (int)bk_dtype_from_name(bad_names[i]));
    bkt_check(T, bk_dtype_from_name(NULL) == BK_NDTYPES, "bk_dtype_from_name(NULL)");
    const bk_dtype invalid[] = {BK_NDTYPES, (bk_dtype)(BK_NDTYPES + 7), (bk_dtype)-1};
    for (size_t i = 0; i < 3; i++) {
        bkt_check(T, bk_dtype_name(invalid[i]) == NULL, "bk_dtype_name(%d) is not NULL",
                  (int)invalid[i]);
        bkt_check(T, bk_dtype_size(invalid[i]) == 0 && bk_dtype_sum_size(invalid[i]) == 0,
                  "sizes of invalid dtype %d are not 0", (int)invalid[i]);
    }
    const int codes[] = {BK_OK, BK_ERR_DTYPE, BK_ERR_NULL, BK_ERR_TARGET};
    for (size_t i = 0; i < 4; i++) {
        const char *s = bk_status_str(codes[i]);
        bkt_check(T, s && *s, "bk_status_str(%d) is empty", codes[i]);
        for (size_t j = 0; j < i; j++)
            bkt_check(T, s && bk_status_str(codes[j]) && strcmp(s, bk_status_str(codes[j])) != 0,
                      "status %d and %d have the same text", codes[i], codes[j]);
    }
    bkt_check(T, bk_status_str(12345) != NULL, "bk_status_str(12345) is NULL");
    bkt_check(T, BK_OK == 0 && BK_ERR_DTYPE < 0 && BK_ERR_NULL < 0 && BK_ERR_TARGET < 0,
              "status codes: OK must be 0, errors negative");

    /* Status codes, on every target: a bad dtype, NULL where data is needed,
     * NULL with n == 0 (fine); and nothing is written on error. */
    unsigned char a[64], b[64], k[32], out[32], snap[64];
    for (size_t t = 0; t < bkt.ntargets; t++) {
        bkt_use(t);
        for (size_t i = 0; i < bkt_ndtypes + 3; i++) {
            const bk_dtype dt = i < bkt_ndtypes ? bkt_dtypes[i].dt : invalid[i - bkt_ndtypes];
            const int valid = i < bkt_ndtypes;
            const int bad = valid ? BK_OK : BK_ERR_DTYPE;
            const char *nm = valid ? bkt_dtypes[i].name : "invalid";
            bkt_where("status codes, dtype %s (%d)", nm, (int)dt);
            bkt_random_bytes(a, sizeof a);
            bkt_random_bytes(b, sizeof b);
            memset(k, 0, sizeof k);
            memcpy(snap, a, sizeof a);
            memset(out, 0x5a, sizeof out);
            int st;
            st = bk_sum(dt, NULL, 0, out);
            bkt_check(t, st == bad, "bk_sum(NULL, n=0) = %d, want %d", st, bad);
            if (valid) {
                unsigned char zero[32] = {0};
                bkt_check(t, memcmp(out, zero, bkt_dtypes[i].sum_size) == 0,
                          "the empty sum is not all zero bits (+0)");
            } else {
                bkt_check(t, out[0] == 0x5a, "bk_sum with a bad dtype wrote its result");
            }
            st = bk_sum(dt, NULL, 3, out);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_sum(NULL, n=3) = %d", st);
            st = bk_sum(dt, a, 3, NULL);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_sum(out=NULL) = %d", st);
            st = bk_scale(dt, NULL, 0, k);
            bkt_check(t, st == bad, "bk_scale(NULL, n=0) = %d, want %d", st, bad);
            st = bk_scale(dt, NULL, 3, k);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_scale(NULL, n=3) = %d", st);
            st = bk_scale(dt, a, 3, NULL);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_scale(k=NULL) = %d", st);
            st = bk_fill(dt, NULL, 0, k);
            bkt_check(t, st == bad, "bk_fill(NULL, n=0) = %d, want %d", st, bad);
            st = bk_fill(dt, NULL, 3, k);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_fill(NULL, n=3) = %d", st);
            st = bk_fill(dt, a, 3, NULL);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_fill(v=NULL) = %d", st);
            st = bk_mul(dt, NULL, NULL, 0);
            bkt_check(t, st == bad, "bk_mul(NULL, NULL, n=0) = %d, want %d", st, bad);
            st = bk_add(dt, NULL, NULL, 0);
            bkt_check(t, st == bad, "bk_add(NULL, NULL, n=0) = %d, want %d", st, bad);
            st = bk_mul(dt, a, NULL, 3);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_mul(b=NULL) = %d", st);
            st = bk_add(dt, NULL, b, 3);
            bkt_check(t, st == (valid ? BK_ERR_NULL : BK_ERR_DTYPE), "bk_add(a=NULL) = %d", st);
            /* A bad dtype with valid pointers: refused, nothing written. */
            if (!valid) {
                st = bk_scale(dt, a, 3, k);
                bkt_check(t, st == BK_ERR_DTYPE, "bk_scale(bad dtype) = %d", st);
                st = bk_fill(dt, a, 3, k);
                bkt_check(t, st == BK_ERR_DTYPE, "bk_fill(bad dtype) = %d", st);
                st = bk_mul(dt, a, b, 3);
                bkt_check(t, st == BK_ERR_DTYPE, "bk_mul(bad dtype) = %d", st);
                st = bk_add(dt, a, b, 3);
                bkt_check(t, st == BK_ERR_DTYPE, "bk_add(bad dtype) = %d", st);
            }
            bkt_check(t, memcmp(a, snap, sizeof a) == 0, "a call that failed modified a");
        }
    }

    /* The typed API with NULL and n == 0, on every target. */
    for (size_t t = 0; t < bkt.ntargets; t++) {
        bkt_use(t);
        for (size_t i = 0; i < bkt_ndtypes; i++) {
            const bkt_dtype *d = &bkt_dtypes[i];
            unsigned char zero[32] = {0};
            bkt_where("typed %s, NULL and n=0", d->name);
            memset(out, 0x5a, sizeof out);
            memset(k, 0, sizeof k);
            d->sum(NULL, 0, out);
            bkt_check(t, memcmp(out, zero, d->sum_size) == 0, "empty sum is not +0");
            d->scale(NULL, 0, k);
            d->mul(NULL, NULL, 0);
            d->add(NULL, NULL, 0);
            d->fill(NULL, 0, k);
            bkt_check(t, 1, "%s", "");
        }
    }

    /* Generic == typed, bit for bit on the same target, with k and v read
     * from misaligned addresses. */
    static const size_t lens[] = {0, 1, 5, 64, 129, 1000};
    for (size_t t = 0; t < bkt.ntargets; t++) {
        bkt_use(t);
        for (size_t i = 0; i < bkt_ndtypes; i++) {
            const bkt_dtype *d = &bkt_dtypes[i];
            for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
                const size_t n = lens[li], bytes = n * d->size, oa = 1 + li, ob = 3 + 2 * li;
                unsigned char *pa = bkt_reserve(&gbuf_a, 2 * bytes + 64);
                unsigned char *pb = bkt_reserve(&gbuf_b, bytes + 64);
                unsigned char *pc = bkt_reserve(&gbuf_c, bytes + 64);
                unsigned char kk[48], s1[32], s2[32];
                for (int op = 0; op < BKT_NOPS; op++) {
                    bkt_where("generic vs typed: %s %s n=%zu", bkt_op_names[op], d->name, n);
                    bkt_gen(d, pa + oa, n, BKT_GEN_ANY);
                    bkt_gen(d, pb + ob, n, BKT_GEN_ANY);
                    bkt_gen(d, kk + 5, 1, BKT_GEN_ANY);
                    memcpy(pc + oa, pa + oa, bytes);
                    int st = BK_OK;
                    switch (op) {
                    case BKT_SUM:
                        st = bk_sum(d->dt, pa + oa, n, s1);
                        d->sum(pa + oa, n, s2);
                        break;
                    case BKT_SCALE:
                        st = bk_scale(d->dt, pa + oa, n, kk + 5);
                        d->scale(pc + oa, n, kk + 5);
                        break;
                    case BKT_MUL:
                        st = bk_mul(d->dt, pa + oa, pb + ob, n);
                        d->mul(pc + oa, pb + ob, n);
                        break;
                    case BKT_ADD:
                        st = bk_add(d->dt, pa + oa, pb + ob, n);
                        d->add(pc + oa, pb + ob, n);
                        break;
                    case BKT_FILL:
                        st = bk_fill(d->dt, pa + oa, n, kk + 5);
                        d->fill(pc + oa, n, kk + 5);
                        break;
                    }
                    bkt_check(t, st == BK_OK, "status %d", st);
                    if (op == BKT_SUM)
                        bkt_check(t, memcmp(s1, s2, d->sum_size) == 0,
                                  "bk_sum and bk_sum_%s differ", d->name);
                    else
                        bkt_check(t, memcmp(pa + oa, pc + oa, bytes) == 0,
                                  "bk_%s and bk_%s_%s differ", bkt_op_names[op],
                                  bkt_op_names[op], d->name);
                }
            }
        }
    }
}

/* ---- directed cases ------------------------------------------------------- */

static void put_real(void *p, size_t rs, double v) {
    if (rs == 4) {
        float f = (float)v;
        memcpy(p, &f, 4);
    } else {
        memcpy(p, &v, 8);
    }
}
static void put_int(void *p, size_t bytes, uint64_t v) {
    if (bytes == 8) {
        memcpy(p, &v, 8);
    } else if (bytes == 4) {
        uint32_t y = (uint32_t)v;
        memcpy(p, &y, 4);
    } else if (bytes == 2) {
        uint16_t y = (uint16_t)v;
        memcpy(p, &y, 2);
    } else {
        uint8_t y = (uint8_t)v;
        memcpy(p, &y, 1);
    }
}
/* The element's bits, zero-extended. */
static uint64_t get_uint(const void *p, size_t bytes) {
    if (bytes == 8) {
        uint64_t y;
        memcpy(&y, p, 8);
        return y;
    } else if (bytes == 4) {
        uint32_t y;
        memcpy(&y, p, 4);
        return y;
    } else if (bytes == 2) {
        uint16_t y;
        memcpy(&y, p, 2);
        return y;
    }
    uint8_t y;
    memcpy(&y, p, 1);
    return y;
}

static bkt_buf dbuf, dbuf2;

/* Sets every real component of n elements to v. */
static unsigned char *all_reals(const bkt_dtype *d, size_t n, double v) {
    const size_t rs = bkt_real_size(d), nreal = n * d->size / rs;
    unsigned char *p = bkt_reserve(&dbuf, n * d->size + 1) ;
    for (size_t i = 0; i < nreal; i++)
        put_real(p + i * rs, rs, v);
    return p;
}

/* Checks every real component of a float sum against v (NaN: any NaN). */
static void want_fsum(size_t t, const bkt_dtype *d, const void *p, size_t n, double v,
                      const char *what) {
    unsigned char out[32];
    const size_t rs = bkt_real_size(d);
    d->sum(p, n, out);
    for (size_t c = 0; c < d->size / rs; c++) {
        double g = bkt_get_real(out + c * rs, rs);
        int ok = isnan(v) ? isnan(g) : (g == v && signbit(g) == signbit(v));
        bkt_check(t, ok, "%s: n=%zu, sum is %a, want %a", what, n, g, v);
    }
}

static void directed_float(size_t t, const bkt_dtype *d) {
    const size_t rs = bkt_real_size(d);
    const double max = rs == 4 ? FLT_MAX : DBL_MAX;
    const double tiny = rs == 4 ? 0x1p-149 : 0x1p-1074; /* smallest subnormal */
    const double min = rs == 4 ? FLT_MIN : DBL_MIN;
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
            put_real(p + i * d->size, rs, NAN);
            if (d->kind == BKT_COMPLEX)
                put_real(p + i * d->size + rs, rs, NAN);
            want_fsum(t, d, p, n, NAN, "a NaN");
            p = all_reals(d, n, 1.0);
            for (size_t c = 0; c < d->size / rs; c++)
                put_real(p + i * d->size + c * rs, rs, INFINITY);
            want_fsum(t, d, p, n, INFINITY, "+inf with finite values");
            if (n >= 2) {
                const size_t j = (i + n / 2 + 1) % n == i ? (i + 1) % n : (i + n / 2 + 1) % n;
                for (size_t c = 0; c < d->size / rs; c++)
                    put_real(p + j * d->size + c * rs, rs, -INFINITY);
                want_fsum(t, d, p, n, NAN, "+inf and -inf");
            }
        }
    }
    bkt_where("directed float sums, %s", d->name);
    want_fsum(t, d, NULL, 0, 0.0, "the empty sum");
    unsigned char *p = all_reals(d, 2, max);
    put_real(p + d->size, rs, -max);
    if (d->kind == BKT_COMPLEX)
        put_real(p + d->size + rs, rs, -max);
    want_fsum(t, d, p, 2, 0.0, "MAX + -MAX");

    /* No flush to zero in elementwise ops: subnormal in, subnormal out. */
    const size_t n = 67;
    for (int op = BKT_SCALE; op <= BKT_ADD; op++) {
        bkt_where("directed subnormals, %s %s", bkt_op_names[op], d->name);
        unsigned char *a = bkt_reserve(&dbuf, n * d->size), *b = bkt_reserve(&dbuf2, n * d->size);
        unsigned char k[32];
        const size_t nreal = n * d->size / rs;
        for (size_t i = 0; i < nreal; i++) {
            put_real(a + i * rs, rs, i % 2 ? min : tiny * (double)(i + 1));
            put_real(b + i * rs, rs, op == BKT_ADD ? tiny : 0.0);
        }
        if (op == BKT_MUL) /* b = 1 (complex: 1 + 0i) */
            for (size_t i = 0; i < n; i++)
                put_real(b + i * d->size, rs, 1.0);
        put_real(k, rs, 0.5);
        put_real(k + rs, rs, 0.0);
        bkt_call(d, op, a, b, n, k, NULL);
        for (size_t i = 0; i < nreal; i++) {
            const double x = i % 2 ? min : tiny * (double)(i + 1);
            double want; /* in the dtype's precision: halving may round */
            if (rs == 4) {
                const float xf = (float)x;
                want = op == BKT_SCALE ? xf * 0.5f : op == BKT_MUL ? xf : xf + (float)tiny;
            } else {
                want = op == BKT_SCALE ? x * 0.5 : op == BKT_MUL ? x : x + tiny;
            }
            const double g = bkt_get_real(a + i * rs, rs);
            if (!bkt_check(t, g == want, "component %zu of %a: got %a, want %a", i, x, g, want))
                break;
        }
    }

    /* fill keeps every bit of the value, signalling NaN payloads included. */
    bkt_where("directed fill with a signalling NaN, %s", d->name);
    unsigned char v[16], *a = bkt_reserve(&dbuf, 100 * d->size);
    const uint32_t snan32 = 0x7fa00001u;
    const uint64_t snan64 = 0x7ff4000000000001u;
    for (size_t c = 0; c < d->size / rs; c++)
        memcpy(v + c * rs, rs == 4 ? (const void *)&snan32 : (const void *)&snan64, rs);
    d->fill(a, 100, v);
    int same = 1;
    for (size_t i = 0; i < 100; i++)
        same &= memcmp(a + i * d->size, v, d->size) == 0;
    bkt_check(t, same, "fill changed the bits of a signalling NaN");
}

static void directed_int(size_t t, const bkt_dtype *d) {
    const size_t w = d->size * 8;
    const int sgn = d->kind == BKT_SINT;
    const uint64_t ones = w == 64 ? ~(uint64_t)0 : ((uint64_t)1 << w) - 1;
    const uint64_t top = (uint64_t)1 << (w - 1);
    const uint64_t max = sgn ? top - 1 : ones, min = sgn ? top : 0;
    unsigned char a[16], b[16], k[8];
    uint64_t r;
    bkt_where("directed integer wraparound, %s", d->name);
    /* max + 1 wraps to min (0 for unsigned) */
    put_int(a, d->size, max);
    put_int(b, d->size, 1);
    d->add(a, b, 1);
    r = get_uint(a, d->size);
    bkt_check(t, r == min, "max + 1 = 0x%llx, want 0x%llx", (unsigned long long)r,
              (unsigned long long)min);
    /* signed: min * -1 = min; unsigned: max * max = 1 */
    put_int(a, d->size, sgn ? min : max);
    put_int(b, d->size, sgn ? ones : max);
    d->mul(a, b, 1);
    r = get_uint(a, d->size);
    bkt_check(t, r == (sgn ? min : 1), "%s = 0x%llx", sgn ? "min * -1" : "max * max",
              (unsigned long long)r);
    /* max * 2: every bit but the lowest (-2 signed, 2^w - 2 unsigned) */
    put_int(a, d->size, max);
    put_int(k, d->size, 2);
    d->scale(a, 1, k);
    r = get_uint(a, d->size);
    bkt_check(t, r == ones - 1, "max * 2 = 0x%llx, want 0x%llx",
              (unsigned long long)r, (unsigned long long)(ones - 1));
    /* Sums widen to 64 bits: n copies of max (or min) never wrap below 64 bits,
     * and wrap modulo 2^64 at 64 bits. */
    /* 3 * 2^20: more than 2^15 vectors per accumulator at 128 and 256 bits,
     * where 16-bit pair sums held in 32-bit lanes would overflow. */
    static const size_t lens[] = {1, 2, 31, 300, 4099, 65537, 300000, 3u << 20};
    for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
        const size_t n = lens[li];
        if (n > 300000 && d->size > 2)
            continue; /* the narrow sums are the ones that widen */
        unsigned char *p = bkt_reserve(&dbuf, n * d->size);
        for (int which = 0; which < 2; which++) {
            const uint64_t v = which ? min : max;
            for (size_t i = 0; i < n; i++)
                put_int(p + i * d->size, d->size, v);
            /* min of a signed type, sign-extended to 64 bits, is -top. */
            const uint64_t v64 = sgn && which ? (uint64_t)0 - top : v;
            const uint64_t want = v64 * (uint64_t)n;
            unsigned char out[8];
            uint64_t s;
            d->sum(p, n, out);
            memcpy(&s, out, 8);
            if (sgn)
                bkt_check(t, s == want, "sum of %zu x %s = %lld, want %lld", n,
                          which ? "min" : "max", (long long)s, (long long)want);
            else
                bkt_check(t, s == want, "sum of %zu x %s = %llu, want %llu", n,
                          which ? "min" : "max", (unsigned long long)s, (unsigned long long)want);
        }
    }
    /* 64-bit sums wrap: INT64_MAX + 1 and UINT64_MAX + UINT64_MAX + 3. */
    if (w == 64) {
        unsigned char p[24], out[8];
        uint64_t s;
        put_int(p, 8, max);
        put_int(p + 8, 8, sgn ? 1 : max);
        put_int(p + 16, 8, sgn ? 0 : 3);
        d->sum(p, 3, out);
        memcpy(&s, out, 8);
        bkt_check(t, s == (sgn ? top : 1), "64-bit sum wraparound: got 0x%llx",
                  (unsigned long long)s);
    }
}

static void directed_complex_literals(size_t t, const bkt_dtype *d) {
    const size_t rs = bkt_real_size(d);
    /* (1+2i)(3+4i) = -5+10i; (0.5-1.5i)(2+0i) = 1-3i; (7+3i) i = -3+7i */
    static const double x[3][2] = {{1, 2}, {0.5, -1.5}, {7, 3}};
    static const double y[3][2] = {{3, 4}, {2, 0}, {0, 1}};
    static const double z[3][2] = {{-5, 10}, {1, -3}, {-3, 7}};
    bkt_where("directed complex products, %s", d->name);
    for (int op = BKT_SCALE; op <= BKT_MUL; op++) {
        unsigned char a[3 * 16], b[3 * 16];
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 2; c++) {
                put_real(a + i * d->size + c * rs, rs, x[i][c]);
                put_real(b + i * d->size + c * rs, rs, y[i][c]);
            }
        if (op == BKT_MUL) {
            d->mul(a, b, 3);
        } else {
            for (int i = 0; i < 3; i++)
                d->scale(a + i * d->size, 1, b + i * d->size);
        }
        for (int i = 0; i < 3; i++)
            for (int c = 0; c < 2; c++)
                bkt_check(t, bkt_get_real(a + i * d->size + c * rs, rs) == z[i][c],
                          "%s: (%g%+gi)(%g%+gi) component %d = %g, want %g", bkt_op_names[op],
                          x[i][0], x[i][1], y[i][0], y[i][1], c,
                          bkt_get_real(a + i * d->size + c * rs, rs), z[i][c]);
    }
}

void bkt_group_special(void) {
    for (size_t t = 0; t < bkt.ntargets; t++) {
        bkt_use(t);
        for (size_t i = 0; i < bkt_ndtypes; i++) {
            const bkt_dtype *d = &bkt_dtypes[i];
            if (bkt_is_fp(d))
                directed_float(t, d);
            else
                directed_int(t, d);
            if (d->kind == BKT_COMPLEX)
                directed_complex_literals(t, d);
        }
    }
}
