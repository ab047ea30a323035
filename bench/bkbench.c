/*
 * bkbench - the C benchmark driver of bufkern.
 *
 *   bkbench --list [--json]
 *       targets compiled in and supported, dtypes, ops, VOLK kernels.
 *   bkbench --target T --op OP --dtype D --n N (--iters K | --seconds S) [--json]
 *       runs one kernel K times (or for S seconds) on one target and prints
 *       ns/call and GB/s. Made to be timed as a whole command by hyperfine:
 *       --iters 0 does the set-up only (the baseline to subtract).
 *   bkbench --sweep [--ops ...] [--dtypes ...] [--sizes ...] [--targets ...]
 *       every op x dtype x size on every target, in-process, targets
 *       interleaved batch by batch on the same buffers.
 *   bkbench --bandwidth [--bytes ...]
 *       the machine's bandwidth per access pattern and array size.
 *   bkbench --volk [--sizes ...]
 *       VOLK's dispatched kernels beside bufkern's, interleaved, same buffers.
 *
 * Common options: --reps R (batches per subject, default 7), --batch-ms M
 * (target length of one batch, default 10), --json (JSON Lines on stdout),
 * --misalign B (kernel buffers start B bytes past a 64-byte boundary, as
 * NumPy's arrays from malloc do: 16 mod 64 is common), --small-pages (no
 * transparent huge pages for large buffers; see bb_alloc).
 * Lists are comma-separated; sizes take binary suffixes (16Ki, 4Mi, 1Gi).
 *
 * How a figure is made: each subject (a kernel on a target, a bandwidth loop,
 * a VOLK kernel) is first calibrated to a number of calls that fills one
 * batch; then R rounds run one batch of every subject in turn (the order
 * reversed every other round, so no subject always goes first). A figure is
 * the median over the R batches of the batch's time / calls; q1 and q3 give
 * the spread. GB/s counts the bytes the access pattern moves (bkbench.h).
 * A batch during which another process took the CPU is run again (batch_ns);
 * "redone_batches" in the JSON counts them, cumulatively.
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

/* ---- utilities ---------------------------------------------------------- */

uint64_t bb_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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

static int bb_cmp_double(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static double bb_quantile(const double *sorted, size_t n, double q) {
    double pos = q * (double)(n - 1);
    size_t i = (size_t)pos;
    if (i + 1 >= n)
        return sorted[n - 1];
    double f = pos - (double)i;
    return sorted[i] * (1 - f) + sorted[i + 1] * f;
}

bb_stats bb_summarise(double *xs, size_t n) {
    bb_stats s = {0, 0, 0, 0};
    if (n == 0)
        return s;
    qsort(xs, n, sizeof *xs, bb_cmp_double);
    s.median = bb_quantile(xs, n, 0.5);
    s.q1 = bb_quantile(xs, n, 0.25);
    s.q3 = bb_quantile(xs, n, 0.75);
    s.min = xs[0];
    return s;
}

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

/* Splits a comma-separated list in place; returns how many items. */
static size_t split_list(char *s, char **items, size_t max) {
    size_t n = 0;
    for (char *tok = strtok(s, ","); tok && n < max; tok = strtok(NULL, ","))
        if (*tok)
            items[n++] = tok;
    return n;
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

/* ---- kernels: one timed loop per op x dtype ----------------------------- */

enum { OP_SUM, OP_SCALE, OP_MUL, OP_ADD, OP_FILL, NOPS };
static const char *const op_names[NOPS] = {"sum", "scale", "mul", "add", "fill"};
static const bb_pattern op_pattern[NOPS] = {BB_READ, BB_RMW, BB_R2W1, BB_R2W1, BB_WRITE};

typedef struct bb_work {
    void *a, *b;
    void *a_base, *b_base; /* as allocated; a and b are misaligned from them */
    size_t n;
    _Alignas(16) unsigned char k[16], v[16];
} bb_work;

typedef void (*bb_loop)(const bb_work *w, uint64_t iters);

/*
 * The kernel is called through its public typed entry point (the active
 * target's table), exactly as a C user calls it; a sum's result is stored to
 * a volatile so it is never optimised out.
 */
#define BB_X_LOOPS(name, ENUM, T, S, kind, R, RENUM)                                  \
    static volatile S bb_sink_##name;                                       \
    static void init_##name(void *a, void *b, size_t n, void *k, void *v) { \
        BB_INIT_##kind(T, (T *)a, (T *)b, n, (T *)k, (T *)v);               \
    }                                                                       \
    static void loop_sum_##name(const bb_work *w, uint64_t iters) {         \
        for (uint64_t i = 0; i < iters; i++)                                \
            bb_sink_##name = bk_sum_##name((const T *)w->a, w->n);          \
    }                                                                       \
    static void loop_scale_##name(const bb_work *w, uint64_t iters) {       \
        T k;                                                                \
        memcpy(&k, w->k, sizeof k);                                         \
        for (uint64_t i = 0; i < iters; i++)                                \
            bk_scale_##name((T *)w->a, w->n, k);                            \
    }                                                                       \
    static void loop_mul_##name(const bb_work *w, uint64_t iters) {         \
        for (uint64_t i = 0; i < iters; i++)                                \
            bk_mul_##name((T *)w->a, (const T *)w->b, w->n);                \
    }                                                                       \
    static void loop_add_##name(const bb_work *w, uint64_t iters) {         \
        for (uint64_t i = 0; i < iters; i++)                                \
            bk_add_##name((T *)w->a, (const T *)w->b, w->n);                \
    }                                                                       \
    static void loop_fill_##name(const bb_work *w, uint64_t iters) {        \
        T v;                                                                \
        memcpy(&v, w->v, sizeof v);                                         \
        for (uint64_t i = 0; i < iters; i++)                                \
            bk_fill_##name((T *)w->a, w->n, v);                             \
    }
BK_DTYPES(BB_X_LOOPS)
#undef BB_X_LOOPS

typedef struct bb_dtype_info {
    const char *name;
    size_t size;
    void (*init)(void *a, void *b, size_t n, void *k, void *v);
    bb_loop loops[NOPS];
} bb_dtype_info;

static const bb_dtype_info bb_dtypes[] = {
#define BB_X_ROW(name, ENUM, T, S, kind, R, RENUM) \
    {#name,                              \
     sizeof(T),                          \
     init_##name,                        \
     {loop_sum_##name, loop_scale_##name, loop_mul_##name, loop_add_##name, loop_fill_##name}},
    BK_DTYPES(BB_X_ROW)
#undef BB_X_ROW
};
enum { NDTYPES = sizeof bb_dtypes / sizeof bb_dtypes[0] };

static const bb_dtype_info *find_dtype(const char *name) {
    for (size_t i = 0; i < NDTYPES; i++)
        if (strcmp(bb_dtypes[i].name, name) == 0)
            return &bb_dtypes[i];
    return NULL;
}

static int find_op(const char *name) {
    if (strcmp(name, "multiply") == 0)
        return OP_MUL;
    for (int i = 0; i < NOPS; i++)
        if (strcmp(op_names[i], name) == 0)
            return i;
    return -1;
}

int bb_init_buffers(const char *dtype, void *a, void *b, size_t n, void *k, void *v) {
    const bb_dtype_info *d = find_dtype(dtype);
    if (!d)
        return -1;
    d->init(a, b, n, k, v);
    return 0;
}

/* ---- interleaved measurement -------------------------------------------- */

typedef struct bb_subject {
    void (*run)(void *ctx, uint64_t iters); /* `iters` calls or passes */
    void *ctx;
    const char *target; /* made active before each batch, or NULL */
    uint64_t iters;     /* per batch, from calibration */
    double *samples;    /* ns per call, one per batch */
} bb_subject;

static void activate(const bb_subject *s) {
    if (s->target && bk_set_target(s->target) != BK_OK)
        die("cannot activate target", s->target);
}

static uint64_t thread_cpu_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * One batch, timed by the wall clock. On a shared machine another process
 * may take the core in the middle of a batch: the thread's CPU time then
 * falls short of the wall time. Such a batch is run again (up to 3 times)
 * and counted in bb_redone, so that the figures are the code's speed, not
 * the neighbours'; when most recent batches are disturbed (the machine is
 * busy for good) retrying is pointless, and the batch is kept and counted in
 * bb_kept_disturbed.
 */
static unsigned long bb_redone, bb_kept_disturbed;
static double bb_disturbed_rate; /* exponential average: are disturbances the rule? */

static double batch_ns(bb_subject *s, uint64_t iters) {
    double wall = 0;
    for (int attempt = 0; attempt < 4; attempt++) {
        uint64_t c0 = thread_cpu_ns(), t0 = bb_now_ns();
        s->run(s->ctx, iters);
        uint64_t t1 = bb_now_ns(), c1 = thread_cpu_ns();
        wall = (double)(t1 - t0);
        /* short batches: the CPU clock's granularity makes the test meaningless */
        int disturbed = wall >= 200000 && (double)(c1 - c0) < 0.9 * wall;
        bb_disturbed_rate = 0.9 * bb_disturbed_rate + 0.1 * disturbed;
        /* retry only while disturbances are occasional, at most 3 times */
        if (!disturbed || bb_disturbed_rate >= 0.5 || attempt == 3) {
            bb_kept_disturbed += (unsigned long)disturbed;
            break;
        }
        bb_redone++;
    }
    return wall;
}

/* The number of calls that takes about target_ns (at least 1). */
static uint64_t calibrate(bb_subject *s, double target_ns) {
    activate(s);
    /* warm: caches, TLB, lazy binding, VOLK's dispatcher; a call that fills a
       batch by itself needs no more calibration */
    double first = batch_ns(s, 1);
    if (first >= target_ns)
        return 1;
    uint64_t iters = 1;
    for (;;) {
        double t = batch_ns(s, iters);
        if (t >= target_ns / 8 || iters >= (1ull << 40)) {
            double per = t / (double)iters;
            double want = per > 0 ? target_ns / per : 1;
            return want < 1 ? 1 : (uint64_t)want;
        }
        iters *= (t < target_ns / 1000) ? 16 : 2;
    }
}

static void interleave(bb_subject *subs, size_t m, unsigned reps, double target_ns) {
    for (size_t j = 0; j < m; j++)
        subs[j].iters = calibrate(&subs[j], target_ns);
    for (unsigned r = 0; r < reps; r++) {
        for (size_t jj = 0; jj < m; jj++) {
            size_t j = (r & 1) ? m - 1 - jj : jj;
            activate(&subs[j]);
            subs[j].samples[r] = batch_ns(&subs[j], subs[j].iters) / (double)subs[j].iters;
        }
    }
}

/* ---- options ------------------------------------------------------------ */

enum { MAXLIST = 64 };

typedef struct bb_opts {
    int json;
    unsigned reps;
    double batch_ms;
    const char *target, *op, *dtype;
    size_t n;
    long long iters; /* -1: unset */
    double seconds;
    char *ops[MAXLIST], *dts[MAXLIST], *targets[MAXLIST];
    size_t nops, ndts, ntargets;
    size_t sizes[MAXLIST], nsizes;
    size_t bytes[MAXLIST], nbytes;
} bb_opts;

static void json_samples(const double *xs, unsigned n) {
    printf("[");
    for (unsigned i = 0; i < n; i++)
        printf("%s%.6g", i ? "," : "", xs[i]);
    printf("]");
}

/* ---- --list ------------------------------------------------------------- */

static int cmd_list(const bb_opts *o) {
    const char *active = bk_target_name();
    if (o->json) {
        printf("{\"kind\":\"list\",\"active\":\"%s\",\"targets\":[", active);
        for (size_t i = 0; bk_target_at(i); i++)
            printf("%s{\"name\":\"%s\",\"supported\":%s}", i ? "," : "", bk_target_at(i),
                   bk_target_supported(bk_target_at(i)) ? "true" : "false");
        printf("],\"dtypes\":[");
        for (size_t i = 0; i < NDTYPES; i++)
            printf("%s{\"name\":\"%s\",\"size\":%zu}", i ? "," : "", bb_dtypes[i].name,
                   bb_dtypes[i].size);
        printf("],\"ops\":[");
        for (int i = 0; i < NOPS; i++)
            printf("%s\"%s\"", i ? "," : "", op_names[i]);
        printf("],\"bandwidth_isas\":[");
        for (int i = 0, k = 0; i < BB_NISA; i++)
            if (bb_isa_supported(i))
                printf("%s\"%s\"", k++ ? "," : "", bb_isa_name(i));
        printf("],\"volk\":");
#ifdef BKBENCH_HAVE_VOLK
        const bb_volk_case *vc;
        size_t nv = bb_volk_cases(&vc);
        printf("{\"version\":\"%s\",\"machine\":\"%s\",\"kernels\":[", bb_volk_version(),
               bb_volk_machine());
        for (size_t i = 0; i < nv; i++)
            printf("%s{\"name\":\"%s\",\"op\":\"%s\",\"dtype\":\"%s\"}", i ? "," : "",
                   vc[i].volk_name, vc[i].op, vc[i].dtype);
        printf("]}");
#else
        printf("null");
#endif
        printf("}\n");
        return 0;
    }
    printf("targets (best first; * = active):\n");
    for (size_t i = 0; bk_target_at(i); i++)
        printf("  %-8s %s%s\n", bk_target_at(i),
               bk_target_supported(bk_target_at(i)) ? "supported" : "not supported by this CPU",
               strcmp(bk_target_at(i), active) ? "" : " *");
    printf("ops: sum scale mul (or multiply) add fill\ndtypes:");
    for (size_t i = 0; i < NDTYPES; i++)
        printf(" %s", bb_dtypes[i].name);
    printf("\nbandwidth loops:");
    for (int i = 0; i < BB_NISA; i++)
        if (bb_isa_supported(i))
            printf(" %s", bb_isa_name(i));
    printf("%s\n", bb_have_nt() ? " (ordinary and streaming stores)" : "");
#ifdef BKBENCH_HAVE_VOLK
    const bb_volk_case *vc;
    size_t nv = bb_volk_cases(&vc);
    printf("VOLK %s (machine %s):\n", bb_volk_version(), bb_volk_machine());
    for (size_t i = 0; i < nv; i++)
        printf("  %-32s = bufkern %s %s\n", vc[i].volk_name, vc[i].op, vc[i].dtype);
#else
    printf("VOLK: not built in (pkg-config could not find volk)\n");
#endif
    return 0;
}

/* ---- one kernel, for hyperfine ------------------------------------------ */

static void run_kernel(void *ctx, uint64_t iters);

typedef struct bb_kernel_ctx {
    bb_loop loop;
    const bb_work *w;
} bb_kernel_ctx;

static void run_kernel(void *ctx, uint64_t iters) {
    const bb_kernel_ctx *c = ctx;
    c->loop(c->w, iters);
}

/* Bytes past a 64-byte boundary at which a and b start (--misalign). */
static size_t bb_misalign;

static void work_alloc(bb_work *w, const bb_dtype_info *d, size_t n) {
    w->n = n;
    w->a_base = bb_alloc(n * d->size + 64);
    w->b_base = bb_alloc(n * d->size + 64);
    w->a = (char *)w->a_base + bb_misalign;
    w->b = (char *)w->b_base + bb_misalign;
    d->init(w->a, w->b, n, w->k, w->v);
}

static void work_free(bb_work *w) {
    bb_free(w->a_base);
    bb_free(w->b_base);
}

static int cmd_single(const bb_opts *o) {
    if (!o->target || !o->op || !o->dtype || !o->n)
        die("a single run needs --target, --op, --dtype and --n", NULL);
    const bb_dtype_info *d = find_dtype(o->dtype);
    int op = find_op(o->op);
    if (!d)
        die("unknown dtype", o->dtype);
    if (op < 0)
        die("unknown op", o->op);
    if (bk_set_target(o->target) != BK_OK) {
        fprintf(stderr, "bkbench: target %s is not compiled in or not supported here\n", o->target);
        return 3;
    }
    bb_work w;
    work_alloc(&w, d, o->n);
    bb_kernel_ctx ctx = {d->loops[op], &w};
    bb_subject s = {run_kernel, &ctx, o->target, 0, NULL};
    uint64_t iters;
    if (o->iters >= 0)
        iters = (uint64_t)o->iters;
    else
        iters = calibrate(&s, o->seconds * 1e9);
    double t = iters ? batch_ns(&s, iters) : 0;
    double per = iters ? t / (double)iters : 0;
    double bytes = (double)bb_pattern_traffic[op_pattern[op]] * (double)(o->n * d->size);
    double gbps = per > 0 ? bytes / per : 0;
    if (o->json)
        printf("{\"kind\":\"single\",\"target\":\"%s\",\"op\":\"%s\",\"dtype\":\"%s\",\"n\":%zu,"
               "\"iters\":%llu,\"ns_per_call\":%.6g,\"gbps\":%.6g}\n",
               o->target, op_names[op], d->name, o->n, (unsigned long long)iters, per, gbps);
    else
        printf("%s %s %s n=%zu: %llu calls, %.1f ns/call, %.2f GB/s\n", o->target, op_names[op],
               d->name, o->n, (unsigned long long)iters, per, gbps);
    work_free(&w);
    return 0;
}

/* ---- --sweep: every target, interleaved --------------------------------- */

static int cmd_sweep(const bb_opts *o) {
    const char *targets[MAXLIST];
    size_t nt = 0;
    if (o->ntargets) {
        for (size_t i = 0; i < o->ntargets; i++) {
            if (!bk_target_supported(o->targets[i])) {
                fprintf(stderr, "bkbench: skipping target %s (not compiled in or not supported)\n",
                        o->targets[i]);
                continue;
            }
            targets[nt++] = o->targets[i];
        }
    } else {
        for (size_t i = 0; bk_target_at(i) && nt < MAXLIST; i++)
            if (bk_target_supported(bk_target_at(i)))
                targets[nt++] = bk_target_at(i);
    }
    if (!nt)
        die("no target to run", NULL);
    double *samples = malloc(sizeof(double) * nt * o->reps);
    bb_kernel_ctx ctx[MAXLIST];
    bb_subject subs[MAXLIST];
    for (size_t di = 0; di < o->ndts; di++) {
        const bb_dtype_info *d = find_dtype(o->dts[di]);
        if (!d)
            die("unknown dtype", o->dts[di]);
        for (size_t si = 0; si < o->nsizes; si++) {
            size_t n = o->sizes[si];
            bb_work w;
            work_alloc(&w, d, n);
            for (size_t oi = 0; oi < o->nops; oi++) {
                int op = find_op(o->ops[oi]);
                if (op < 0)
                    die("unknown op", o->ops[oi]);
                for (size_t t = 0; t < nt; t++) {
                    ctx[t] = (bb_kernel_ctx){d->loops[op], &w};
                    subs[t] =
                        (bb_subject){run_kernel, &ctx[t], targets[t], 0, samples + t * o->reps};
                }
                interleave(subs, nt, o->reps, o->batch_ms * 1e6);
                double bytes = (double)bb_pattern_traffic[op_pattern[op]] * (double)(n * d->size);
                for (size_t t = 0; t < nt; t++) {
                    if (o->json) {
                        printf("{\"kind\":\"kernel\",\"target\":\"%s\",\"op\":\"%s\","
                               "\"dtype\":\"%s\",\"n\":%zu,\"pattern\":\"%s\","
                               "\"bytes_per_call\":%.0f,\"iters\":%llu,\"samples_ns\":",
                               targets[t], op_names[op], d->name, n,
                               bb_pattern_names[op_pattern[op]], bytes,
                               (unsigned long long)subs[t].iters);
                        json_samples(subs[t].samples, o->reps);
                    }
                    bb_stats st = bb_summarise(subs[t].samples, o->reps);
                    if (o->json)
                        printf(
                            ",\"ns_median\":%.6g,\"ns_q1\":%.6g,\"ns_q3\":%.6g,"
                            "\"gbps_median\":%.6g,\"redone_batches\":%lu,\"kept_disturbed\":%lu}\n",
                            st.median, st.q1, st.q3, bytes / st.median, bb_redone,
                            bb_kept_disturbed);
                    else
                        printf("%-6s %-5s %-4s n=%-10zu %12.1f ns/call (IQR %.1f-%.1f) "
                               "%8.2f GB/s\n",
                               targets[t], op_names[op], d->name, n, st.median, st.q1, st.q3,
                               bytes / st.median);
                }
                fflush(stdout);
            }
            work_free(&w);
        }
    }
    bk_set_target(NULL);
    free(samples);
    return 0;
}

/* ---- --bandwidth ---------------------------------------------------------- */

typedef struct bb_pattern_ctx {
    bb_pattern p;
    int nt, isa;
    void *a, *b;
    size_t bytes;
} bb_pattern_ctx;

static void run_pattern(void *ctx, uint64_t iters) {
    const bb_pattern_ctx *c = ctx;
    for (uint64_t i = 0; i < iters; i++)
        bb_pattern_pass(c->p, c->nt, c->isa, c->a, c->b, c->bytes);
}

/* Every pattern at every vector width, with ordinary stores and (the writing
   ones) with streaming stores, interleaved on the same buffers. */
static int cmd_bandwidth(const bb_opts *o) {
    enum { MAXSUB = 2 * BB_NPATTERNS * BB_NISA };
    double *samples = malloc(sizeof(double) * MAXSUB * o->reps);
    for (size_t i = 0; i < o->nbytes; i++) {
        size_t bytes = o->bytes[i];
        unsigned char *a = bb_alloc(bytes), *b = bb_alloc(bytes);
        for (size_t j = 0; j < bytes; j++)
            a[j] = b[j] = (unsigned char)j;
        bb_pattern_ctx ctx[MAXSUB];
        bb_subject subs[MAXSUB];
        size_t m = 0;
        for (int isa = 0; isa < BB_NISA; isa++) {
            if (!bb_isa_supported(isa))
                continue;
            for (int nt = 0; nt <= bb_have_nt(); nt++)
                for (int p = 0; p < BB_NPATTERNS; p++) {
                    if (nt && p == BB_READ)
                        continue;
                    ctx[m] = (bb_pattern_ctx){(bb_pattern)p, nt, isa, a, b, bytes};
                    subs[m] = (bb_subject){run_pattern, &ctx[m], NULL, 0, samples + m * o->reps};
                    m++;
                }
        }
        interleave(subs, m, o->reps, o->batch_ms * 1e6);
        for (size_t j = 0; j < m; j++) {
            const bb_pattern p = ctx[j].p;
            const char *stores = ctx[j].nt ? "streaming" : "ordinary";
            const char *isa = bb_isa_name(ctx[j].isa);
            double traffic = (double)bb_pattern_traffic[p] * (double)bytes;
            if (o->json) {
                printf("{\"kind\":\"bandwidth\",\"pattern\":\"%s\",\"stores\":\"%s\","
                       "\"isa\":\"%s\",\"bytes\":%zu,\"working_set\":%zu,"
                       "\"traffic_per_pass\":%.0f,\"iters\":%llu,\"samples_ns\":",
                       bb_pattern_names[p], stores, isa, bytes, bytes * bb_pattern_arrays[p],
                       traffic, (unsigned long long)subs[j].iters);
                json_samples(subs[j].samples, o->reps);
            }
            bb_stats st = bb_summarise(subs[j].samples, o->reps);
            /* GB/s spread: the fastest quartile of time is the top of the band. */
            if (o->json)
                printf(",\"ns_median\":%.6g,\"gbps_median\":%.6g,\"gbps_q1\":%.6g,"
                       "\"gbps_q3\":%.6g,\"redone_batches\":%lu,\"kept_disturbed\":%lu}\n",
                       st.median, traffic / st.median, traffic / st.q3, traffic / st.q1, bb_redone,
                       bb_kept_disturbed);
            else
                printf("%-6s %-9s %-7s %12zu B/array %12.1f ns/pass %8.2f GB/s\n",
                       bb_pattern_names[p], stores, isa, bytes, st.median, traffic / st.median);
        }
        fflush(stdout);
        bb_free(a);
        bb_free(b);
    }
    free(samples);
    return 0;
}

/* ---- --volk ------------------------------------------------------------- */

#ifdef BKBENCH_HAVE_VOLK
typedef struct bb_volk_ctx {
    void (*run)(void *a, const void *b, size_t n, const void *k, void *out);
    void *a, *b;
    size_t n;
    const void *k;
} bb_volk_ctx;

static void run_volk_case(void *ctx, uint64_t iters) {
    const bb_volk_ctx *c = ctx;
    _Alignas(16) unsigned char out[16];
    for (uint64_t i = 0; i < iters; i++)
        c->run(c->a, c->b, c->n, c->k, out);
}

/* Both on copies of the same input: do they compute the same thing? */
static double volk_agreement(const bb_volk_case *vc, size_t size) {
    const size_t n = 1000;
    unsigned char k[16], v[16];
    void *a1 = bb_alloc(n * size), *a2 = bb_alloc(n * size), *b = bb_alloc(n * size);
    bb_init_buffers(vc->dtype, a1, b, n, k, v);
    memcpy(a2, a1, n * size);
    _Alignas(16) unsigned char o1[16] = {0}, o2[16] = {0};
    vc->run_bufkern(a1, b, n, k, o1);
    vc->run_volk(a2, b, n, k, o2);
    /* the largest relative difference over the output floats */
    double worst = 0;
    const int f32 = strcmp(vc->dtype, "f64") != 0;
    size_t count = strcmp(vc->op, "sum") == 0 ? 1 : n * size / (f32 ? 4 : 8);
    const void *x = strcmp(vc->op, "sum") == 0 ? (void *)o1 : a1;
    const void *y = strcmp(vc->op, "sum") == 0 ? (void *)o2 : a2;
    for (size_t i = 0; i < count; i++) {
        double p = f32 ? ((const float *)x)[i] : ((const double *)x)[i];
        double q = f32 ? ((const float *)y)[i] : ((const double *)y)[i];
        double d = p - q < 0 ? q - p : p - q, m = p < 0 ? -p : p;
        double rel = m > 0 ? d / m : d;
        if (rel > worst)
            worst = rel;
    }
    bb_free(a1);
    bb_free(a2);
    bb_free(b);
    return worst;
}

static int cmd_volk(const bb_opts *o) {
    const bb_volk_case *vc;
    size_t nv = bb_volk_cases(&vc);
    double *samples = malloc(sizeof(double) * 2 * o->reps);
    for (size_t i = 0; i < nv; i++) {
        const bb_dtype_info *d = find_dtype(vc[i].dtype);
        if (o->ndts && !(o->ndts == 1 && strcmp(o->dts[0], "all") == 0)) {
            int want = 0;
            for (size_t j = 0; j < o->ndts; j++)
                want |= strcmp(o->dts[j], d->name) == 0;
            if (!want)
                continue;
        }
        double agree = volk_agreement(&vc[i], d->size);
        int op = find_op(vc[i].op);
        for (size_t si = 0; si < o->nsizes; si++) {
            size_t n = o->sizes[si];
            bb_work w;
            work_alloc(&w, d, n);
            bb_volk_ctx cb = {vc[i].run_bufkern, w.a, w.b, n, w.k};
            bb_volk_ctx cv = {vc[i].run_volk, w.a, w.b, n, w.k};
            bb_subject subs[2] = {{run_volk_case, &cb, NULL, 0, samples},
                                  {run_volk_case, &cv, NULL, 0, samples + o->reps}};
            interleave(subs, 2, o->reps, o->batch_ms * 1e6);
            double bytes = (double)bb_pattern_traffic[op_pattern[op]] * (double)(n * d->size);
            if (o->json) {
                printf("{\"kind\":\"volk\",\"volk\":\"%s\",\"op\":\"%s\",\"dtype\":\"%s\","
                       "\"n\":%zu,\"bufkern_target\":\"%s\",\"max_rel_diff\":%.3g,"
                       "\"bufkern_samples_ns\":",
                       vc[i].volk_name, vc[i].op, vc[i].dtype, n, bk_target_name(), agree);
                json_samples(subs[0].samples, o->reps);
                printf(",\"volk_samples_ns\":");
                json_samples(subs[1].samples, o->reps);
            }
            bb_stats sb = bb_summarise(subs[0].samples, o->reps);
            bb_stats sv = bb_summarise(subs[1].samples, o->reps);
            if (o->json)
                printf(",\"bufkern_ns\":%.6g,\"bufkern_q1\":%.6g,\"bufkern_q3\":%.6g,"
                       "\"volk_ns\":%.6g,\"volk_q1\":%.6g,\"volk_q3\":%.6g,"
                       "\"bufkern_gbps\":%.6g,\"volk_gbps\":%.6g,\"speedup\":%.6g,"
                       "\"redone_batches\":%lu,\"kept_disturbed\":%lu}\n",
                       sb.median, sb.q1, sb.q3, sv.median, sv.q1, sv.q3, bytes / sb.median,
                       bytes / sv.median, sv.median / sb.median, bb_redone, bb_kept_disturbed);
            else
                printf("%-30s n=%-10zu bufkern %10.1f ns  VOLK %10.1f ns  bufkern %.2fx\n",
                       vc[i].volk_name, n, sb.median, sv.median, sv.median / sb.median);
            fflush(stdout);
            work_free(&w);
        }
    }
    free(samples);
    return 0;
}
#endif

/* ---- main --------------------------------------------------------------- */

static void usage(void) {
    fputs("usage: bkbench --list [--json]\n"
          "       bkbench --target T --op OP --dtype D --n N (--iters K | --seconds S) [--json]\n"
          "       bkbench --sweep [--ops L] [--dtypes L] [--sizes L] [--targets L]\n"
          "       bkbench --bandwidth [--bytes L]\n"
          "       bkbench --volk [--sizes L] [--dtypes L]\n"
          "common: --reps R (default 7)  --batch-ms M (default 10)  --json\n"
          "        --misalign B: kernel buffers start B bytes past a 64-byte boundary\n"
          "        --small-pages: no transparent huge pages for buffers of 4 MiB and more\n"
          "ops: sum scale mul add fill; sizes take Ki/Mi/Gi suffixes\n",
          stderr);
}

int main(int argc, char **argv) {
    static char default_ops[] = "sum,scale,mul,add,fill";
    static char default_dts[] = "f32,f64,i8,i16,i32,i64,u8,u16,u32,u64,c64,c128";
    bb_opts o = {.reps = 7, .batch_ms = 10, .iters = -1};
    const char *mode = NULL;
    char *sizes_arg = NULL, *bytes_arg = NULL;
    o.nops = split_list(default_ops, o.ops, MAXLIST);
    o.ndts = split_list(default_dts, o.dts, MAXLIST);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *val = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_VAL()                       \
    do {                                 \
        if (!val)                        \
            die("missing value for", a); \
        i++;                             \
    } while (0)
        if (!strcmp(a, "--list") || !strcmp(a, "--sweep") || !strcmp(a, "--bandwidth") ||
            !strcmp(a, "--volk"))
            mode = a + 2;
        else if (!strcmp(a, "--json"))
            o.json = 1;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage();
            return 0;
        } else if (!strcmp(a, "--target")) {
            NEED_VAL();
            o.target = val;
        } else if (!strcmp(a, "--op")) {
            NEED_VAL();
            o.op = val;
        } else if (!strcmp(a, "--dtype")) {
            NEED_VAL();
            o.dtype = val;
        } else if (!strcmp(a, "--n")) {
            NEED_VAL();
            o.n = parse_size(val);
        } else if (!strcmp(a, "--iters")) {
            NEED_VAL();
            o.iters = (long long)parse_size(val);
        } else if (!strcmp(a, "--seconds")) {
            NEED_VAL();
            o.seconds = atof(val);
        } else if (!strcmp(a, "--small-pages")) {
            bb_small_pages = 1;
        } else if (!strcmp(a, "--misalign")) {
            NEED_VAL();
            bb_misalign = parse_size(val) % 64;
        } else if (!strcmp(a, "--reps")) {
            NEED_VAL();
            o.reps = (unsigned)atoi(val);
        } else if (!strcmp(a, "--batch-ms")) {
            NEED_VAL();
            o.batch_ms = atof(val);
        } else if (!strcmp(a, "--ops")) {
            NEED_VAL();
            o.nops = split_list(argv[i], o.ops, MAXLIST);
        } else if (!strcmp(a, "--dtypes")) {
            NEED_VAL();
            o.ndts = split_list(argv[i], o.dts, MAXLIST);
        } else if (!strcmp(a, "--targets")) {
            NEED_VAL();
            o.ntargets = split_list(argv[i], o.targets, MAXLIST);
        } else if (!strcmp(a, "--sizes")) {
            NEED_VAL();
            sizes_arg = argv[i];
        } else if (!strcmp(a, "--bytes")) {
            NEED_VAL();
            bytes_arg = argv[i];
        } else {
            usage();
            die("unknown argument", a);
        }
#undef NEED_VAL
    }
    if (o.reps < 1 || o.reps > 1000)
        die("--reps must be 1..1000", NULL);
    char *items[MAXLIST];
    static char default_sizes[] = "1,16,1Ki,16Ki,256Ki,4Mi,64Mi";
    size_t k = split_list(sizes_arg ? sizes_arg : default_sizes, items, MAXLIST);
    for (size_t i = 0; i < k; i++)
        o.sizes[o.nsizes++] = parse_size(items[i]);
    if (bytes_arg) {
        k = split_list(bytes_arg, items, MAXLIST);
        for (size_t i = 0; i < k; i++)
            o.bytes[o.nbytes++] = parse_size(items[i]);
    } else {
        for (size_t b = 64; b <= ((size_t)1 << 30); b *= 2)
            o.bytes[o.nbytes++] = b;
    }
    if (o.ntargets == 1 && !strcmp(o.targets[0], "all"))
        o.ntargets = 0;

    if (!mode) {
        if (!o.target && !o.op && !o.dtype) {
            usage();
            return 2;
        }
        if (o.iters < 0 && o.seconds <= 0)
            die("give --iters K or --seconds S", NULL);
        return cmd_single(&o);
    }
    if (!strcmp(mode, "list"))
        return cmd_list(&o);
    if (!strcmp(mode, "sweep"))
        return cmd_sweep(&o);
    if (!strcmp(mode, "bandwidth"))
        return cmd_bandwidth(&o);
#ifdef BKBENCH_HAVE_VOLK
    if (!strcmp(mode, "volk"))
        return cmd_volk(&o);
#else
    if (!strcmp(mode, "volk")) {
        fprintf(stderr, "bkbench: built without VOLK (pkg-config could not find volk)\n");
        return 4;
    }
#endif
    return 2;
}
