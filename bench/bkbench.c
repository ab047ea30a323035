/*
 * bkbench - the C side of bufkern's benchmark: it runs things, it does not
 * decide how to time them. The timing method (calibration, alternating
 * batches, disturbed batches, statistics) is bench/bufkern_bench/timing.py,
 * the one implementation; this driver only runs one batch of K calls when
 * asked and reports its wall and CPU time, or runs K calls for hyperfine.
 *
 *   bkbench --list
 *       JSON: targets, dtypes, the op table (from BK_OPS, so a new op is
 *       here with no edit), bandwidth loops, VOLK kernels, compiler, SIMDe.
 *   bkbench --serve
 *       reads commands on stdin, one per line, and answers each with one
 *       line, "ok ..." or "err <why>":
 *         work <dtype> <n>                  buffers a, b, out with the values
 *                                           of bb_init_buffers -> ok <work>
 *         kernel <work> <op> <target>       a kernel on them -> ok <subject>
 *         volk <work> <volk_name>           a VOLK kernel on them -> ok <subject>
 *         bwbuf <bytes>                     (re)allocates the bandwidth buffers
 *                                           (0: frees them)
 *         pattern <pattern> <stores> <isa> <threads> <offset> [<work>]
 *                                           a bandwidth loop over them (or over
 *                                           a work's a, b, out), <offset> bytes
 *                                           (0-64) past their start, split over
 *                                           <threads> -> ok <subject> <bytes>
 *         threads <n>                       bk_set_threads(n)
 *         run <subject> <iters>             one batch -> ok <wall_ns> <cpu_ns>
 *         drop <work>                       frees a work and its subjects
 *   bkbench --target T --op OP --dtype D --n N --iters K [--threads N]
 *       K calls of one kernel and nothing else, for hyperfine; --iters 0 is
 *       the set-up alone (the baseline hyperfine's figures are taken from).
 *
 * Sizes take binary suffixes (16Ki, 4Mi, 1Gi). --misalign B makes the kernel
 * buffers start B bytes past a 64-byte boundary, --misalign A,B puts a and
 * out at A and b at B (NumPy's small arrays sit 16 bytes apart mod 64);
 * --small-pages turns huge pages off.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise's MADV_HUGEPAGE */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "bkbench.h"
#include "bufkern.h"

#ifndef BKBENCH_SIMDE_VERSION
#define BKBENCH_SIMDE_VERSION ""
#endif
#ifndef BKBENCH_C_FLAGS
#define BKBENCH_C_FLAGS ""
#endif

/* ---- utilities ---------------------------------------------------------- */

static uint64_t clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Large buffers are 2 MiB-aligned and asked for transparent huge pages, as
 * NumPy does for its arrays (madvise from 4 MiB): beyond the caches, TLB
 * misses on 4 KiB pages cost real bandwidth (in a VM, two-level page walks),
 * and the limit must be measured on memory like the arrays being compared.
 * --small-pages turns this off.
 */
static int bb_small_pages;

void *bb_alloc(size_t bytes) {
    const size_t huge = (size_t)2 << 20;
    const int big = bytes >= ((size_t)4 << 20) && !bb_small_pages;
    const size_t align = big ? huge : 64;
    size_t r = (bytes + align - 1) / align * align;
    if (r == 0)
        r = align;
    void *p = aligned_alloc(align, r);
    if (!p) {
        fprintf(stderr, "bkbench: cannot allocate %zu bytes\n", r);
        exit(1);
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (big)
        (void)madvise(p, r, MADV_HUGEPAGE); /* a hint: ignored where THP is off */
#endif
    memset(p, 0, r);
    return p;
}

void bb_free(void *p) { free(p); }

static void die(const char *msg, const char *arg) {
    fprintf(stderr, "bkbench: %s%s%s\n", msg, arg ? ": " : "", arg ? arg : "");
    exit(2);
}

/* "16Ki" -> 16384; plain numbers; K/M/G and Ki/Mi/Gi are all binary. */
static size_t parse_size(const char *s) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || errno)
        die("not a size", s);
    unsigned shift = 0;
    switch (*end) {
    case 'k':
    case 'K':
        shift = 10;
        end++;
        break;
    case 'm':
    case 'M':
        shift = 20;
        end++;
        break;
    case 'g':
    case 'G':
        shift = 30;
        end++;
        break;
    default:
        break;
    }
    if (shift && *end == 'i')
        end++;
    if (*end)
        die("not a size", s);
    return (size_t)(v << shift);
}

/* ---- values ------------------------------------------------------------- */

static uint64_t bb_rng_state = 0x9E3779B97F4A7C15u;

static uint64_t bb_rand(void) { /* xorshift64* */
    uint64_t x = bb_rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    bb_rng_state = x;
    return x * 0x2545F4914F6CDD1Du;
}

static double bb_unit(void) { return (double)(bb_rand() >> 11) * 0x1p-53; }

#define BB_INIT_float(T, a, b, n, k, v)                \
    do {                                               \
        for (size_t i = 0; i < (n); i++) {             \
            (a)[i] = (T)(1 + bb_unit());               \
            (b)[i] = (bb_rand() >> 63) ? (T)1 : (T)-1; \
        }                                              \
        *(k) = (T)-1;                                  \
        *(v) = (T)1.5;                                 \
    } while (0)
#define BB_INIT_sint(T, a, b, n, k, v)     \
    do {                                   \
        for (size_t i = 0; i < (n); i++) { \
            (a)[i] = (T)bb_rand();         \
            (b)[i] = (T)(bb_rand() | 1);   \
        }                                  \
        *(k) = (T)3;                       \
        *(v) = (T)7;                       \
    } while (0)
#define BB_INIT_uint BB_INIT_sint
#define BB_INIT_cplx(T, a, b, n, k, v)                                     \
    do {                                                                      \
        static const double units[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}; \
        for (size_t i = 0; i < (n); i++) {                                    \
            (a)[i].re = 1 + bb_unit();                                        \
            (a)[i].im = 1 + bb_unit();                                        \
            const double *u = units[bb_rand() >> 62];                         \
            (b)[i].re = u[0];                                                 \
            (b)[i].im = u[1];                                                 \
        }                                                                     \
        (k)->re = 0;                                                          \
        (k)->im = 1;                                                          \
        (v)->re = 1;                                                          \
        (v)->im = 2;                                                          \
    } while (0)

/* ---- kernels: one loop per op of BK_OPS ---------------------------------- */

typedef struct bb_work {
    bk_dtype dt;
    size_t n;
    void *a, *b, *out; /* out: the result of an op whose result is another dtype */
    void *a_base, *b_base, *out_base;
    _Alignas(16) unsigned char k[16], v[16], res[16];
    int live;
} bb_work;

/*
 * Each op is called through its dtype-generic public entry point, as a C
 * user with a run-time dtype calls it; the forms are those of BK_OPS. An op
 * whose result has another dtype (absolute of complex) writes into out.
 */
#define BB_CALL_reduce(op, w, into_out) bk_##op((w)->dt, (w)->a, (w)->n, (w)->res)
#define BB_CALL_extreme BB_CALL_reduce
#define BB_CALL_dot(op, w, into_out) bk_##op((w)->dt, (w)->a, (w)->b, (w)->n, (w)->res)
#define BB_CALL_fill(op, w, into_out) bk_##op((w)->dt, (w)->a, (w)->n, (w)->v)
#define BB_CALL_scalar(op, w, into_out) bk_##op((w)->dt, (w)->a, (w)->n, (w)->k)
#define BB_CALL_binary(op, w, into_out) bk_##op((w)->dt, (w)->a, (w)->b, (w)->n)
#define BB_CALL_unary(op, w, into_out) bk_##op((w)->dt, (w)->a, (w)->n)
#define BB_CALL_magnitude(op, w, into_out)                                                   \
    ((into_out) ? bk_##op##_out((w)->dt, (w)->out, (w)->a, (w)->n) : bk_##op((w)->dt, (w)->a, \
                                                                              (w)->n))

typedef int (*bb_loop)(bb_work *w, int into_out, uint64_t iters);

#define BB_X_LOOP(op, pyname, form, set)                                     \
    static int loop_##op(bb_work *w, int into_out, uint64_t iters) {         \
        int st = BK_OK;                                                      \
        (void)into_out;                                                      \
        for (uint64_t i = 0; i < iters; i++) {                               \
            int s = BB_CALL_##form(op, w, into_out);                         \
            if (s != BK_OK)                                                  \
                st = s;                                                      \
        }                                                                    \
        return st;                                                           \
    }
BK_OPS(BB_X_LOOP)
#undef BB_X_LOOP

typedef struct bb_op {
    const char *c_name, *pyname, *form;
    bb_loop loop;
} bb_op;

static const bb_op bb_ops[] = {
#define BB_X_ROW(op, pyname, form, set) {#op, #pyname, #form, loop_##op},
    BK_OPS(BB_X_ROW)
#undef BB_X_ROW
};
enum { NOPS = sizeof bb_ops / sizeof bb_ops[0] };

static const bb_op *find_op(const char *name) {
    for (size_t i = 0; i < NOPS; i++)
        if (!strcmp(bb_ops[i].c_name, name) || !strcmp(bb_ops[i].pyname, name))
            return &bb_ops[i];
    return NULL;
}

typedef void (*bb_init_fn)(void *a, void *b, size_t n, void *k, void *v);
#define BB_X_INIT(name, ENUM, T, S, kind, R, RENUM)                         \
    static void init_##name(void *a, void *b, size_t n, void *k, void *v) { \
        BB_INIT_##kind(T, (T *)a, (T *)b, n, (T *)k, (T *)v);               \
    }
BK_DTYPES(BB_X_INIT)
#undef BB_X_INIT
static const bb_init_fn bb_inits[BK_NDTYPES] = {
#define BB_X_INITROW(name, ENUM, T, S, kind, R, RENUM) init_##name,
    BK_DTYPES(BB_X_INITROW)
#undef BB_X_INITROW
};

int bb_init_buffers(const char *dtype, void *a, void *b, size_t n, void *k, void *v) {
    bk_dtype dt = bk_dtype_from_name(dtype);
    if (dt == BK_NDTYPES)
        return -1;
    bb_inits[dt](a, b, n, k, v);
    return 0;
}

/* Bytes past a 64-byte boundary at which a (and out) and b start (--misalign). */
static size_t bb_misalign, bb_misalign_b;

static int work_alloc(bb_work *w, const char *dtype, size_t n) {
    memset(w, 0, sizeof *w);
    w->dt = bk_dtype_from_name(dtype);
    if (w->dt == BK_NDTYPES)
        return -1;
    size_t bytes = n * bk_dtype_size(w->dt) + BB_SLACK;
    w->n = n;
    w->a_base = bb_alloc(bytes);
    w->b_base = bb_alloc(bytes);
    w->out_base = bb_alloc(bytes);
    w->a = (char *)w->a_base + bb_misalign;
    w->b = (char *)w->b_base + bb_misalign_b;
    w->out = (char *)w->out_base + bb_misalign;
    bb_inits[w->dt](w->a, w->b, n, w->k, w->v);
    w->live = 1;
    return 0;
}

static void work_free(bb_work *w) {
    if (!w->live)
        return;
    bb_free(w->a_base);
    bb_free(w->b_base);
    bb_free(w->out_base);
    w->live = 0;
}

/* Whether op writes its result into out rather than in place: 1 or 0, or -1
   when op does not take the work's dtype. */
static int op_into_out(const bb_op *op, bk_dtype dt) {
    bk_dtype res;
    if (!bk_op_takes(op->c_name, dt, &res))
        return -1;
    return res != dt;
}

/* ---- bandwidth loops over one thread or several -------------------------- */

static unsigned char *bw_a, *bw_b, *bw_c;
static size_t bw_bytes;

/* A pattern subject: a loop, its width, store kind and threads, and a work's
   buffers (a NULL: the bandwidth buffers, as they are when it runs). */
typedef struct bb_pattern_job {
    bb_pattern p;
    bb_stores stores;
    int isa;
    unsigned threads;
    unsigned char *a, *b, *c;
    size_t bytes, off; /* off: how far past a's, b's and c's start the loop starts */
} bb_pattern_job;

/* ---- subjects: what one "run" times --------------------------------------- */

typedef enum { S_KERNEL, S_VOLK, S_PATTERN } bb_kind;

typedef struct bb_subject {
    bb_kind kind;
    size_t work;
    const bb_op *op;
    int into_out, threads;
    char target[64];
#ifdef BKBENCH_HAVE_VOLK
    const bb_volk_case *volk;
    int volk_side; /* 0: bufkern's call, 1: VOLK's */
#endif
    bb_pattern_job job;
} bb_subject;

enum { MAXWORK = 1024, MAXSUBJ = 16384 };
static bb_work works[MAXWORK];
static size_t nworks;
static bb_subject subjects[MAXSUBJ];
static size_t nsubjects;

/* *ns: the batch's time, when the subject times itself (a pattern's batch
   leaves its threads' wake-up out: bandwidth.c), else left as it is. */
static int run_subject(const bb_subject *s, uint64_t iters, uint64_t *ns) {
    switch (s->kind) {
    case S_KERNEL:
        return s->op->loop(&works[s->work], s->into_out, iters);
#ifdef BKBENCH_HAVE_VOLK
    case S_VOLK: {
        bb_work *w = &works[s->work];
        void (*f)(void *, const void *, size_t, const void *, void *) =
            s->volk_side ? s->volk->run_volk : s->volk->run_bufkern;
        for (uint64_t i = 0; i < iters; i++)
            f(w->a, w->b, w->n, w->k, w->res);
        return BK_OK;
    }
#endif
    case S_PATTERN: {
        const bb_pattern_job *j = &s->job;
        if (bb_pattern_batch(j->p, j->stores, j->isa, (j->a ? j->a : bw_a) + j->off,
                             (j->a ? j->b : bw_b) + j->off, (j->a ? j->c : bw_c) + j->off,
                             j->a ? j->bytes : bw_bytes, j->threads, iters, ns))
            die("cannot start a thread", NULL);
        return BK_OK;
    }
    default:
        return BK_OK;
    }
}

/* Everything a batch needs set, outside the timed part. */
static int prepare(const bb_subject *s) {
    if (s->kind == S_VOLK) /* VOLK runs on one thread: so does bufkern beside it */
        return bk_set_target(NULL) == BK_OK && bk_set_threads(1) == BK_OK ? 0 : -1;
    if (s->kind != S_KERNEL)
        return 0;
    if (bk_set_target(s->target[0] ? s->target : NULL) != BK_OK)
        return -1;
    return bk_set_threads(s->threads) == BK_OK ? 0 : -1;
}

/* ---- --list ----------------------------------------------------------------- */

static void json_str(const char *s) {
    putchar('"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            putchar('\\');
        if ((unsigned char)*s >= 0x20)
            putchar(*s);
    }
    putchar('"');
}

#if defined(__clang__)
#define BB_COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define BB_COMPILER "gcc " __VERSION__
#else
#define BB_COMPILER "unknown"
#endif

static int cmd_list(void) {
    printf("{\"active\":\"%s\",\"threads\":%d,\"targets\":[", bk_target_name(), bk_get_threads());
    for (size_t i = 0; bk_target_at(i); i++)
        printf("%s{\"name\":\"%s\",\"supported\":%s}", i ? "," : "", bk_target_at(i),
               bk_target_supported(bk_target_at(i)) ? "true" : "false");
    printf("],\"dtypes\":[");
    for (int d = 0; d < BK_NDTYPES; d++)
        printf("%s{\"name\":\"%s\",\"size\":%zu}", d ? "," : "", bk_dtype_name((bk_dtype)d),
               bk_dtype_size((bk_dtype)d));
    printf("],\"ops\":[");
    for (size_t i = 0; i < NOPS; i++) {
        printf("%s{\"c_name\":\"%s\",\"pyname\":\"%s\",\"form\":\"%s\",\"dtypes\":[", i ? "," : "",
               bb_ops[i].c_name, bb_ops[i].pyname, bb_ops[i].form);
        for (int d = 0, k = 0; d < BK_NDTYPES; d++)
            if (bk_op_takes(bb_ops[i].c_name, (bk_dtype)d, NULL))
                printf("%s\"%s\"", k++ ? "," : "", bk_dtype_name((bk_dtype)d));
        printf("]}");
    }
    printf("],\"patterns\":[");
    for (int p = 0; p < BB_NPATTERNS; p++)
        printf("%s\"%s\"", p ? "," : "", bb_pattern_names[p]);
    printf("],\"isas\":[");
    for (int i = 0, k = 0; i < BB_NISA; i++)
        if (bb_isa_supported(i))
            printf("%s\"%s\"", k++ ? "," : "", bb_isa_name(i));
    printf("],\"stores\":{");
    for (int p = 0; p < BB_NPATTERNS; p++) {
        printf("%s\"%s\":[", p ? "," : "", bb_pattern_names[p]);
        for (int st = 0, k = 0; st < BB_NSTORES; st++)
            if (bb_has_stores((bb_pattern)p, (bb_stores)st))
                printf("%s\"%s\"", k++ ? "," : "", bb_store_name(st));
        printf("]");
    }
    printf("},\"streaming_stores\":%s,\"compiler\":",
           bb_has_stores(BB_RMW, BB_STREAMING) ? "true" : "false");
    json_str(BB_COMPILER);
    printf(",\"c_flags\":");
    json_str(BKBENCH_C_FLAGS);
    printf(",\"simde\":");
    json_str(BKBENCH_SIMDE_VERSION);
    printf(",\"volk\":");
#ifdef BKBENCH_HAVE_VOLK
    const bb_volk_case *vc;
    size_t nv = bb_volk_cases(&vc);
    printf("{\"version\":\"%s\",\"machine\":\"%s\",\"kernels\":[", bb_volk_version(),
           bb_volk_machine());
    for (size_t i = 0; i < nv; i++) {
        const bb_op *op = find_op(vc[i].op);
        printf("%s{\"name\":\"%s\",\"op\":\"%s\",\"dtype\":\"%s\"}", i ? "," : "", vc[i].volk_name,
               op ? op->pyname : vc[i].op, vc[i].dtype);
    }
    printf("]}");
#else
    printf("null");
#endif
    printf("}\n");
    return 0;
}

/* ---- --serve ------------------------------------------------------------------ */

static void reply(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void reply(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

static bb_subject *new_subject(bb_kind kind) {
    if (nsubjects == MAXSUBJ)
        return NULL;
    bb_subject *s = &subjects[nsubjects];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    return s;
}

static int find_isa(const char *name) {
    for (int i = 0; i < BB_NISA; i++)
        if (bb_isa_name(i) && !strcmp(bb_isa_name(i), name) && bb_isa_supported(i))
            return i;
    return -1;
}

static void serve_line(char *line) {
    char cmd[32], s1[64], s2[64], s3[64];
    unsigned long long u1, u2;
    if (sscanf(line, "%31s", cmd) != 1)
        return reply("err empty command");
    if (!strcmp(cmd, "work")) {
        if (sscanf(line, "%*s %63s %llu", s1, &u1) != 2)
            return reply("err usage: work <dtype> <n>");
        if (nworks == MAXWORK)
            return reply("err too many works");
        if (work_alloc(&works[nworks], s1, (size_t)u1))
            return reply("err unknown dtype %s", s1);
        return reply("ok %zu", nworks++);
    }
    if (!strcmp(cmd, "kernel")) {
        int threads = 1;
        if (sscanf(line, "%*s %llu %63s %63s %d", &u1, s1, s2, &threads) < 3 || u1 >= nworks ||
            !works[u1].live)
            return reply("err usage: kernel <work> <op> <target|best> [threads]");
        const bb_op *op = find_op(s1);
        if (!op)
            return reply("err unknown op %s", s1);
        int into = op_into_out(op, works[u1].dt);
        if (into < 0)
            return reply("err %s does not take %s", s1, bk_dtype_name(works[u1].dt));
        if (strcmp(s2, "best") && !bk_target_supported(s2))
            return reply("err target %s is not compiled in or not supported here", s2);
        bb_subject *s = new_subject(S_KERNEL);
        if (!s)
            return reply("err too many subjects");
        s->work = u1;
        s->op = op;
        s->into_out = into;
        s->threads = threads;
        snprintf(s->target, sizeof s->target, "%s", strcmp(s2, "best") ? s2 : "");
        if (prepare(s) || run_subject(s, 1, NULL) != BK_OK) /* the call works, once */
            return reply("err %s %s failed", s1, bk_dtype_name(works[u1].dt));
        return reply("ok %zu", nsubjects++);
    }
    if (!strcmp(cmd, "volk")) {
#ifdef BKBENCH_HAVE_VOLK
        if (sscanf(line, "%*s %llu %63s %63s", &u1, s1, s2) != 3 || u1 >= nworks || !works[u1].live)
            return reply("err usage: volk <work> <volk_name> bufkern|volk");
        const bb_volk_case *vc;
        size_t nv = bb_volk_cases(&vc);
        for (size_t i = 0; i < nv; i++)
            if (!strcmp(vc[i].volk_name, s1)) {
                bb_subject *s = new_subject(S_VOLK);
                if (!s)
                    return reply("err too many subjects");
                s->work = u1;
                s->volk = &vc[i];
                s->volk_side = !strcmp(s2, "volk");
                return reply("ok %zu", nsubjects++);
            }
        return reply("err no VOLK kernel %s", s1);
#else
        return reply("err built without VOLK");
#endif
    }
    if (!strcmp(cmd, "bwbuf")) {
        if (sscanf(line, "%*s %llu", &u1) != 1)
            return reply("err usage: bwbuf <bytes> (0 frees them)");
        if (bw_a) {
            bb_free(bw_a);
            bb_free(bw_b);
            bb_free(bw_c);
            bw_a = bw_b = bw_c = NULL;
        }
        bw_bytes = (size_t)u1;
        if (!bw_bytes)
            return reply("ok");
        bw_a = bb_alloc(bw_bytes + BB_SLACK);
        bw_b = bb_alloc(bw_bytes + BB_SLACK);
        bw_c = bb_alloc(bw_bytes + BB_SLACK);
        for (size_t j = 0; j < bw_bytes + BB_SLACK; j++)
            bw_a[j] = bw_b[j] = (unsigned char)j;
        return reply("ok");
    }
    if (!strcmp(cmd, "pattern")) {
        int threads = 1, off = 0;
        long long work = -1;
        int got = sscanf(line, "%*s %63s %63s %63s %d %d %lld", s1, s2, s3, &threads, &off, &work);
        if (got < 5 || threads < 1 || threads > BB_MAXTHREADS || off < 0 || off > BB_SLACK ||
            (got == 5 && !bw_a) ||
            (got == 6 && (work < 0 || (size_t)work >= nworks || !works[work].live)))
            return reply("err usage: pattern <pattern> <stores> <isa> <threads> "
                         "<offset 0-%d> [<work>] (without a work: after bwbuf)",
                         BB_SLACK);
        int p = -1, st = -1, isa = find_isa(s3);
        for (int i = 0; i < BB_NPATTERNS; i++)
            if (!strcmp(bb_pattern_names[i], s1))
                p = i;
        for (int i = 0; i < BB_NSTORES; i++)
            if (!strcmp(bb_store_name(i), s2))
                st = i;
        if (p < 0 || st < 0 || isa < 0 || !bb_has_stores((bb_pattern)p, (bb_stores)st))
            return reply("err no such loop: %s %s %s", s1, s2, s3);
        if (st == BB_STREAMING && off % 64) /* a streaming store needs its vector's alignment */
            return reply("err streaming stores start on a line: offset %d", off);
        bb_subject *s = new_subject(S_PATTERN);
        if (!s)
            return reply("err too many subjects");
        s->job = (bb_pattern_job){.p = (bb_pattern)p, .stores = (bb_stores)st, .isa = isa,
                                  .threads = (unsigned)threads, .off = (size_t)off};
        if (got == 6) { /* on the work's own buffers, whole steps of them */
            const bb_work *w = &works[work];
            s->work = (size_t)work;
            s->job.a = w->a, s->job.b = w->b, s->job.c = w->out;
            size_t have = w->n * bk_dtype_size(w->dt);
            s->job.bytes = have > (size_t)off ? (have - (size_t)off) / bb_pattern_step * bb_pattern_step : 0;
            if (!s->job.bytes)
                return reply("err work %lld is smaller than one step of the loops", work);
        }
        return reply("ok %zu %zu", nsubjects++, got == 6 ? s->job.bytes : bw_bytes);
    }
    if (!strcmp(cmd, "run")) {
        if (sscanf(line, "%*s %llu %llu", &u1, &u2) != 2 || u1 >= nsubjects)
            return reply("err usage: run <subject> <iters>");
        const bb_subject *s = &subjects[u1];
        if ((s->kind == S_KERNEL || s->kind == S_VOLK || s->job.a) && !works[s->work].live)
            return reply("err subject %llu's work was dropped", u1);
        if (prepare(s))
            return reply("err cannot set target or threads");
        uint64_t c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID), t0 = clock_ns(CLOCK_MONOTONIC);
        uint64_t ns = UINT64_MAX;
        run_subject(s, u2, &ns);
        uint64_t t1 = clock_ns(CLOCK_MONOTONIC), c1 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
        if (ns == UINT64_MAX)
            ns = t1 - t0;
        return reply("ok %llu %llu", (unsigned long long)ns, (unsigned long long)(c1 - c0));
    }
    if (!strcmp(cmd, "drop")) {
        if (sscanf(line, "%*s %llu", &u1) != 1 || u1 >= nworks)
            return reply("err usage: drop <work>");
        work_free(&works[u1]);
        return reply("ok");
    }
    return reply("err unknown command %s", cmd);
}

static int cmd_serve(void) {
    char line[512];
    while (fgets(line, sizeof line, stdin)) {
        if (!strncmp(line, "quit", 4))
            break;
        serve_line(line);
    }
    return 0;
}

/* ---- one kernel K times, for hyperfine ----------------------------------------- */

static int cmd_run(const char *target, const char *opname, const char *dtype, size_t n,
                   long long iters, int threads) {
    const bb_op *op = find_op(opname);
    bb_work w;
    if (!op)
        die("unknown op", opname);
    if (work_alloc(&w, dtype, n))
        die("unknown dtype", dtype);
    int into = op_into_out(op, w.dt);
    if (into < 0)
        die("the op does not take this dtype", dtype);
    if (bk_set_target(target) != BK_OK)
        die("target not compiled in or not supported here", target);
    if (bk_set_threads(threads) != BK_OK)
        die("bad thread count", NULL);
    int st = op->loop(&w, into, (uint64_t)iters);
    work_free(&w);
    return st == BK_OK ? 0 : 1;
}

static void usage(void) {
    fputs("usage: bkbench --list\n"
          "       bkbench --serve             (commands on stdin; see the top of bkbench.c)\n"
          "       bkbench --target T --op OP --dtype D --n N --iters K [--threads N]\n"
          "common: --misalign B  --small-pages\n",
          stderr);
}

int main(int argc, char **argv) {
    const char *mode = NULL, *target = NULL, *op = NULL, *dtype = NULL;
    size_t n = 0;
    long long iters = -1;
    int threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
        int takes = !strcmp(a, "--target") || !strcmp(a, "--op") || !strcmp(a, "--dtype") ||
                    !strcmp(a, "--n") || !strcmp(a, "--iters") || !strcmp(a, "--threads") ||
                    !strcmp(a, "--misalign");
        if (takes && !val)
            die("missing value for", a);
        if (!strcmp(a, "--list") || !strcmp(a, "--serve"))
            mode = a + 2;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else if (!strcmp(a, "--small-pages"))
            bb_small_pages = 1;
        else if (!strcmp(a, "--target"))
            target = val;
        else if (!strcmp(a, "--op"))
            op = val;
        else if (!strcmp(a, "--dtype"))
            dtype = val;
        else if (!strcmp(a, "--n"))
            n = parse_size(val);
        else if (!strcmp(a, "--iters"))
            iters = (long long)parse_size(val);
        else if (!strcmp(a, "--threads"))
            threads = atoi(val);
        else if (!strcmp(a, "--misalign")) {
            char first[32];
            snprintf(first, sizeof first, "%.*s", (int)strcspn(val, ","), val);
            bb_misalign = parse_size(first) % 64;
            bb_misalign_b = val[strlen(first)] ? parse_size(val + strlen(first) + 1) % 64 : bb_misalign;
        }
        else {
            usage();
            die("unknown argument", a);
        }
        i += takes;
    }
    if (mode && !strcmp(mode, "list"))
        return cmd_list();
    if (mode && !strcmp(mode, "serve"))
        return cmd_serve();
    if (!target || !op || !dtype || !n || iters < 0) {
        usage();
        return 2;
    }
    return cmd_run(target, op, dtype, n, iters, threads);
}
