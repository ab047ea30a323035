/*
 * test_api.c - the dispatch API and the environment override; the dtype and
 * op tables as the library reports them (names, sizes, bk_op_takes), status
 * codes, and the dtype-generic API: its errors, and its agreement with the
 * typed one.
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
#ifndef BKT_CMAKE_OPS
#error "BKT_CMAKE_OPS (the ops tests/c/CMakeLists.txt read from bufkern.h) is not defined"
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

/* ---- dtypes, ops and status codes -------------------------------------------- */

static const bk_dtype invalid_dtypes[] = {BK_NDTYPES, (bk_dtype)(BK_NDTYPES + 7), (bk_dtype)-1};
enum { NINVALID = sizeof invalid_dtypes / sizeof invalid_dtypes[0] };

static void check_dtypes(void) {
    const size_t T = BKT_NO_TARGET;
    bkt_where("dtype table");
    for (size_t i = 0; i < BK_NDTYPES; i++) {
        const bkr_dtype *d = &bkr_dtypes[i];
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
        const size_t want_sum = bkr_is_fp(d) ? d->size : 8;
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
    for (size_t i = 0; i < NINVALID; i++) {
        const bk_dtype bad = invalid_dtypes[i];
        bkt_check(T, bk_dtype_name(bad) == NULL, "bk_dtype_name(%d) is not NULL", (int)bad);
        bkt_check(T, bk_dtype_size(bad) == 0 && bk_dtype_sum_size(bad) == 0,
                  "sizes of invalid dtype %d are not 0", (int)bad);
    }
}

/* The dtype a magnitude of d gives, found apart from the tables: the float
 * dtype of half d's size. */
static bk_dtype real_of(const bkr_dtype *d) {
    for (size_t i = 0; i < BK_NDTYPES; i++)
        if (bkr_dtypes[i].kind == BKR_FLOAT && 2 * bkr_dtypes[i].size == d->size)
            return (bk_dtype)i;
    return BK_NDTYPES;
}

static void check_ops(void) {
    const size_t T = BKT_NO_TARGET;
    bkt_where("op table");
    /* The group list ctest runs was read from bufkern.h by CMake: the same ops. */
    char list[512] = "";
    for (size_t op = 0; op < BKR_NOPS; op++)
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", op ? "," : "",
                 bkr_ops[op].name);
    bkt_check(T, strcmp(list, BKT_CMAKE_OPS) == 0,
              "tests/c/CMakeLists.txt read the ops %s from bufkern.h, BK_OPS has %s",
              BKT_CMAKE_OPS, list);
    for (size_t op = 0; op < BKR_NOPS; op++) {
        const bkr_op *o = &bkr_ops[op];
        bkt_where("op table: %s", o->name);
        bkt_check(T, bkr_op_index(o->name) == op, "op %s is listed twice", o->name);
        for (size_t i = 0; i < BK_NDTYPES + NINVALID; i++) {
            const int valid = i < BK_NDTYPES;
            const bkr_dtype *d = valid ? &bkr_dtypes[i] : NULL;
            const bk_dtype dt = valid ? d->dt : invalid_dtypes[i - BK_NDTYPES];
            const int want = valid ? bkr_set_has(o->set, d->kind) : 0;
            if (!bkt_check(T, want >= 0, "the tests do not know the dtype set %s", o->set))
                continue;
            bkt_check(T, bkr_op_takes(op, dt) == want,
                      "BK_OPS_DTYPES %s %s of %s, but its set is %s",
                      want ? "lacks" : "has", valid ? d->name : "an invalid dtype", o->name,
                      o->set);
            bk_dtype res = (bk_dtype)12345;
            const int got = bk_op_takes(o->name, dt, &res);
            bkt_check(T, got == want, "bk_op_takes(\"%s\", %d) = %d, want %d", o->name, (int)dt,
                      got, want);
            bkt_check(T, bk_op_takes(o->name, dt, NULL) == want,
                      "bk_op_takes(\"%s\", %d, NULL) differs", o->name, (int)dt);
            if (want) {
                const bk_dtype wres =
                    o->form == BKR_MAGNITUDE && d->kind == BKR_COMPLEX ? real_of(d) : dt;
                bkt_check(T, res == wres,
                          "bk_op_takes(\"%s\", %s) gives the result dtype %d, want %d", o->name,
                          d->name, (int)res, (int)wres);
            }
        }
    }
    bkt_where("op table: unknown names");
    static const char *const unknown[] = {"", "nonsense", "SUM", "su", "summ", "sum ", " abs"};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        for (size_t dt = 0; dt < BK_NDTYPES; dt++)
            bkt_check(T, bk_op_takes(unknown[i], (bk_dtype)dt, NULL) == 0,
                      "bk_op_takes(\"%s\", %zu) is not 0", unknown[i], dt);
    bkt_check(T, bk_op_takes(NULL, BK_F64, NULL) == 0, "bk_op_takes(NULL, f64) is not 0");

    bkt_where("status codes");
    const int codes[] = {BK_OK, BK_ERR_DTYPE, BK_ERR_NULL, BK_ERR_TARGET, BK_ERR_EMPTY,
                         BK_ERR_NOMEM};
    enum { NCODES = sizeof codes / sizeof codes[0] };
    for (size_t i = 0; i < NCODES; i++) {
        const char *s = bk_status_str(codes[i]);
        bkt_check(T, s && *s, "bk_status_str(%d) is empty", codes[i]);
        bkt_check(T, i == 0 ? codes[i] == 0 : codes[i] < 0,
                  "status %d: OK must be 0, errors negative", codes[i]);
        for (size_t j = 0; j < i; j++)
            bkt_check(T, codes[i] != codes[j] && s && strcmp(s, bk_status_str(codes[j])) != 0,
                      "status %d and %d have the same code or text", codes[i], codes[j]);
    }
    const char *unknown_status = bk_status_str(12345);
    bkt_check(T, unknown_status != NULL, "bk_status_str(12345) is NULL");
    for (size_t i = 0; i < NCODES && unknown_status; i++)
        bkt_check(T, strcmp(unknown_status, bk_status_str(codes[i])) != 0,
                  "bk_status_str(12345) is the text of status %d", codes[i]);
}

/* ---- the generic API: errors -------------------------------------------------- */

/*
 * On targets[t], every op with every dtype, valid or not: a dtype the op does
 * not take is BK_ERR_DTYPE whatever the pointers; NULL where data, a scalar,
 * a result or out is needed is BK_ERR_NULL; NULL data with n == 0 is fine
 * (min/max: BK_ERR_EMPTY, whatever a is); and a call that fails writes
 * nothing.
 */
static void generic_errors(size_t t, size_t op) {
    const bke_generic *g = &bke_generic_entries[op];
    const enum bkr_form form = bkr_ops[op].form;
    const int has_b = bkr_has_b(form), has_k = bkr_has_k(form);
    unsigned char a[64], b[64], k[32], res[32], out[64], snap[64 * 4];
    for (size_t i = 0; i < BK_NDTYPES + NINVALID; i++) {
        const int valid = i < BK_NDTYPES;
        const bk_dtype dt = valid ? (bk_dtype)i : invalid_dtypes[i - BK_NDTYPES];
        const int takes = valid && bkr_op_takes(op, dt);
        const int inplace = takes && (bkr_is_reduction(form) || form == BKR_FILL ||
                                      bke_typed_entries[op][dt].call != NULL);
        bkt_where("generic %s, dtype %s (%d)", bkr_ops[op].name,
                  valid ? bkr_dtypes[i].name : "invalid", (int)dt);
        bkt_random_bytes(a, sizeof a);
        bkt_random_bytes(b, sizeof b);
        bkt_random_bytes(k, sizeof k);
        memset(res, 0x5a, sizeof res);
        memset(out, 0x5a, sizeof out);
        memcpy(snap, a, 64), memcpy(snap + 64, b, 64), memcpy(snap + 128, res, 32);
        memcpy(snap + 160, out, 64);
        const int dtype_err = inplace ? BK_OK : BK_ERR_DTYPE;
        const int out_err = takes ? BK_OK : BK_ERR_DTYPE;
        int st;
#define BKT_WANT(call, want)                                                                 \
    do {                                                                                     \
        st = (call);                                                                         \
        bkt_check(t, st == (want), "%s = %d, want %d", #call, st, (want));                   \
    } while (0)
        /* Refused dtypes, with every pointer valid: nothing written. */
        if (!inplace) {
            BKT_WANT(g->call(dt, a, b, k, 3, res), BK_ERR_DTYPE);
            BKT_WANT(g->call(dt, NULL, NULL, NULL, 3, NULL), BK_ERR_DTYPE);
        }
        if (g->out && !takes) {
            BKT_WANT(g->out(dt, out, a, b, k, 3), BK_ERR_DTYPE);
            BKT_WANT(g->out(dt, NULL, NULL, NULL, NULL, 3), BK_ERR_DTYPE);
        }
        /* NULL where something is needed. */
        const int null_err = inplace ? BK_ERR_NULL : BK_ERR_DTYPE;
        BKT_WANT(g->call(dt, NULL, b, k, 3, res), null_err);
        if (has_b)
            BKT_WANT(g->call(dt, a, NULL, k, 3, res), null_err);
        if (has_k)
            BKT_WANT(g->call(dt, a, b, NULL, 3, res), null_err);
        if (bkr_is_reduction(form))
            BKT_WANT(g->call(dt, a, b, k, 3, NULL), null_err);
        if (g->out) {
            const int onull = takes ? BK_ERR_NULL : BK_ERR_DTYPE;
            BKT_WANT(g->out(dt, NULL, a, b, k, 3), onull);
            BKT_WANT(g->out(dt, out, NULL, b, k, 3), onull);
            if (has_b)
                BKT_WANT(g->out(dt, out, a, NULL, k, 3), onull);
            if (has_k)
                BKT_WANT(g->out(dt, out, a, b, NULL, 3), onull);
        }
        /* Empty: NULL data is fine; min and max of nothing is an error. */
        const int empty = form == BKR_EXTREME && inplace ? BK_ERR_EMPTY : dtype_err;
        BKT_WANT(g->call(dt, NULL, NULL, k, 0, res), empty);
        if (form == BKR_EXTREME)
            BKT_WANT(g->call(dt, a, a, k, 0, res), empty);
        if (g->out)
            BKT_WANT(g->out(dt, NULL, NULL, NULL, k, 0), out_err);
        if (form == BKR_EXTREME || !inplace || !bkr_is_reduction(form)) {
            bkt_check(t, memcmp(res, snap + 128, 32) == 0,
                      "a call that failed or had no result wrote one");
        } else {
            /* The empty sum and dot are zero (+0.0 for floats). */
            static const unsigned char zero[32];
            bkt_check(t, memcmp(res, zero, bkr_dtypes[dt].sum_size) == 0,
                      "the empty %s is not all zero bits", bkr_ops[op].name);
        }
#undef BKT_WANT
        bkt_check(t, memcmp(a, snap, 64) == 0 && memcmp(b, snap + 64, 64) == 0 &&
                         memcmp(out, snap + 160, 64) == 0,
                  "a call that failed (or had nothing to do) wrote into its operands");
    }
}

/* ---- generic == typed ------------------------------------------------------------ */

static bkt_buf gbuf_a, gbuf_b, gbuf_c, gbuf_o;

/* Bit for bit on targets[t], in place and into out, with k and v read from
 * misaligned addresses; and every typed entry point with NULL and n == 0. */
static void generic_vs_typed(size_t t, size_t op) {
    static const size_t lens[] = {0, 1, 5, 64, 129, 1000};
    const enum bkr_form form = bkr_ops[op].form;
    const bke_generic *g = &bke_generic_entries[op];
    const bkr_dtype *dts[BK_NDTYPES];
    const size_t nd = bkt_op_dtypes(op, dts);
    for (size_t di = 0; di < nd; di++) {
        const bkr_dtype *d = dts[di];
        const bke_typed *e = &bke_typed_entries[op][d->dt];
        const size_t osz = bkr_result_dtype(op, d)->size;
        unsigned char kk[48], r1[32], r2[32];
        bkt_where("typed %s %s with NULL and n = 0", bkr_ops[op].name, d->name);
        bkt_gen(d, kk + 5, 1, BKT_GEN_ANY);
        memset(r1, 0x5a, sizeof r1);
        if (e->call)
            e->call(NULL, NULL, kk + 5, 0, r1);
        if (e->out)
            bkt_check(t, e->out(NULL, NULL, NULL, kk + 5, 0) == BK_OK, "status not BK_OK");
        if (bkr_is_reduction(form)) {
            bkr_red ref;
            char msg[256] = "";
            bkr_ops[op].red(d, &ref, NULL, NULL, 0);
            bkt_check(t, bkr_red_ok(&ref, r1, msg, sizeof msg), "%s", msg);
        } else {
            bkt_check(t, 1, "%s", "");
        }
        for (size_t li = 0; li < sizeof lens / sizeof lens[0]; li++) {
            const size_t n = lens[li], bytes = n * d->size, oa = 1 + li, ob = 3 + 2 * li;
            unsigned char *pa = bkt_reserve(&gbuf_a, bytes + 64);
            unsigned char *pb = bkt_reserve(&gbuf_b, bytes + 64);
            unsigned char *pc = bkt_reserve(&gbuf_c, bytes + 64);
            unsigned char *po = bkt_reserve(&gbuf_o, 2 * n * osz + 64);
            bkt_where("generic vs typed: %s %s n=%zu", bkr_ops[op].name, d->name, n);
            bkt_gen(d, pa + oa, n, BKT_GEN_ANY);
            bkt_gen(d, pb + ob, n, BKT_GEN_ANY);
            bkt_gen(d, kk + 5, 1, BKT_GEN_ANY);
            if (bkr_is_reduction(form)) {
                if (form == BKR_EXTREME && n == 0)
                    continue; /* generic: BK_ERR_EMPTY, checked above */
                const int st = g->call(d->dt, pa + oa, pb + ob, kk + 5, n, r1);
                e->call(pa + oa, pb + ob, kk + 5, n, r2);
                const size_t rsize = form == BKR_EXTREME ? d->size : d->sum_size;
                bkt_check(t, st == BK_OK && memcmp(r1, r2, rsize) == 0,
                          "bk_%s (status %d) and bk_%s_%s differ", bkr_ops[op].name, st,
                          bkr_ops[op].name, d->name);
                continue;
            }
            if (e->call) { /* in place */
                memcpy(pc + oa, pa + oa, bytes);
                const int st = g->call(d->dt, pc + oa, pb + ob, kk + 5, n, NULL);
                memcpy(po, pa + oa, bytes);
                e->call(po, pb + ob, kk + 5, n, NULL);
                bkt_check(t, st == BK_OK && memcmp(pc + oa, po, bytes) == 0,
                          "bk_%s (status %d) and bk_%s_%s differ", bkr_ops[op].name, st,
                          bkr_ops[op].name, d->name);
            }
            if (e->out) { /* into out */
                const int s1 = g->out(d->dt, po + 7, pa + oa, pb + ob, kk + 5, n);
                const int s2 = e->out(po + 9 + n * osz, pa + oa, pb + ob, kk + 5, n);
                bkt_check(t, s1 == BK_OK && s2 == BK_OK &&
                                 memcmp(po + 7, po + 9 + n * osz, n * osz) == 0,
                          "bk_%s_out (status %d) and bk_%s_out_%s (status %d) differ",
                          bkr_ops[op].name, s1, bkr_ops[op].name, d->name, s2);
            }
        }
    }
}

void bkt_group_api(void) {
    check_dtypes();
    check_ops();
    for (size_t t = 0; t < bkt.ntargets; t++) {
        bkt_use(t);
        for (size_t op = 0; op < BKR_NOPS; op++) {
            generic_errors(t, op);
            generic_vs_typed(t, op);
        }
    }
}
