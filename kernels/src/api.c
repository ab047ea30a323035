/*
 * api.c - the public entry points, made from the op table: typed kernels,
 * dtype-generic kernels, dtype names and status strings. Each call goes to
 * the active target's table.
 *
 * Two things happen here and nowhere else:
 *  - overlap: the kernels may be called with out == a (or b) exactly, or with
 *    disjoint operands; every other overlap is resolved here (bk_ew_run);
 *  - the block structure of reductions: long sums, dots, mins and maxes are
 *    cut into blocks of BK_RBLOCK elements whose results are combined in
 *    index order (floats through a pairwise counter), so the result does not
 *    depend on how the blocks are shared out (bk_reduce_run).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parallel.h"
#include "scalar_ops.h"
#include "table.h"


/* ---- elementwise ops: overlap ------------------------------------------- */

/*
 * Every elementwise kernel behind one signature: out[i] = op(a[i], b[i]) with
 * b or the scalar k unused by the forms that have none.
 */
typedef void (*bk_ew_fn)(const bk_kernel_table *kt, void *out, const void *a, const void *b,
                         size_t n, const void *k);

/* 0 is "no walk serves": see bk_relation. */
enum { BK_FREE = 1, BK_SAME, BK_FORWARD, BK_BACKWARD };
#define BK_CHUNK_BYTES 4096

/*
 * How input x (isz-byte elements) lies against out (osz-byte elements):
 * FREE (disjoint), SAME (x is out, elementwise: the kernels read each vector
 * before writing it), or the direction in which a walk that copies each chunk
 * of x before writing the chunk of out never overwrites an element of x it
 * has yet to read (FORWARD when out starts before x and its elements are no
 * larger, BACKWARD in the mirror case; 0 when neither holds).
 */
static int bk_relation(const void *out, size_t osz, const void *x, size_t isz, size_t n) {
    const uintptr_t o = (uintptr_t)out, p = (uintptr_t)x;
    if (!x || o + n * osz <= p || p + n * isz <= o)
        return BK_FREE;
    if (o == p && osz == isz)
        return BK_SAME;
    if (o <= p && osz <= isz)
        return o == p ? BK_SAME : BK_FORWARD; /* SAME: a magnitude into its own array */
    if (o >= p && osz >= isz)
        return BK_BACKWARD;
    return 0;
}

/* The chunked walk for inputs that partly overlap out (rel: their relations). */
static void bk_ew_chunked(const bk_kernel_table *kt, bk_ew_fn fn, char *out, size_t osz, const char *a, const char *b,
                          size_t isz, size_t n, const void *k, const int rel[2], int backward) {
    _Alignas(64) unsigned char ta[BK_CHUNK_BYTES], tb[BK_CHUNK_BYTES];
    const size_t chunk = BK_CHUNK_BYTES / (osz > isz ? osz : isz);
    const int copy_a = rel[0] == BK_FORWARD || rel[0] == BK_BACKWARD;
    const int copy_b = rel[1] == BK_FORWARD || rel[1] == BK_BACKWARD;
    for (size_t done = 0; done < n;) {
        const size_t m = n - done < chunk ? n - done : chunk;
        const size_t i = backward ? n - done - m : done;
        const void *xa = a + i * isz, *xb = b ? b + i * isz : NULL;
        if (copy_a)
            xa = memcpy(ta, xa, m * isz);
        if (copy_b)
            xb = memcpy(tb, xb, m * isz);
        fn(kt, out + i * osz, xa, xb, m, k);
        done += m;
    }
}

/*
 * Where splitting over threads starts to pay, in bytes of input, by form:
 * from bench/split_threshold.py on a 2-core Xeon (Ice Lake), where waking
 * the other thread costs about as much as 4-16 us of kernel. Min and max of
 * i8/u8 lose until 1 MiB. (Fill had 2 MiB while the threads' shares of a
 * call moved between cores, parallel.c; with fixed shares it gains from
 * 256 KiB like the other elementwise ops: 1.28-1.37x, 1.59x at 512 KiB.)
 */
#define BK_SPLIT_EW ((size_t)256 << 10)
#define BK_SPLIT_SUM ((size_t)256 << 10)
#define BK_SPLIT_EXTREME ((size_t)1 << 20)

/*
 * Elementwise work on operands that are disjoint from out or are out itself,
 * element for element, split into one contiguous range per thread. Range
 * edges fall on 64-byte lines of out, so no two threads write one line.
 * (A magnitude written over its own input is not split: its output runs
 * through the input at half the pace, into another thread's range.)
 */
typedef struct bk_ew_job {
    const bk_kernel_table *kt;
    bk_ew_fn fn;
    char *out;
    const char *a, *b;
    size_t osz, isz, n, parts, step;
    const void *k;
} bk_ew_job;

static void bk_ew_part(void *ctx, size_t i) {
    const bk_ew_job *j = ctx;
    size_t lo = j->n / j->parts * i / j->step * j->step;
    size_t hi = i + 1 == j->parts ? j->n : j->n / j->parts * (i + 1) / j->step * j->step;
    if (hi > lo)
        j->fn(j->kt, j->out + lo * j->osz, j->a ? j->a + lo * j->isz : NULL, j->b ? j->b + lo * j->isz : NULL,
              hi - lo, j->k);
}

/* Inlined into each typed entry point, where fn is known (BK_INLINE). */
BK_INLINE void bk_ew_split(const bk_kernel_table *kt, bk_ew_fn fn, void *out, size_t osz, const void *a, const void *b,
                        size_t isz, size_t n, const void *k, size_t split) {
    const int threads = n * isz >= bk_split_bytes(split) && (osz == isz || out != a) ? bk_get_threads() : 1;
    if (threads <= 1) {
        fn(kt, out, a, b, n, k);
        return;
    }
    bk_ew_job j = {kt, fn, (char *)out, (const char *)a, (const char *)b, osz, isz, n,
                   (size_t)threads, 64 / osz ? 64 / osz : 1, k};
    bk_parallel_for(j.parts, bk_ew_part, &j);
}

/*
 * out[i] = op(a[i], b[i]) for any overlap of out with a and b: the result is
 * as if a and b had been copied before the first write. Only out lying partly
 * over two inputs that ask for opposite walks needs a heap copy of one.
 */
BK_NOINLINE int bk_ew_run_any(bk_ew_fn fn, void *out, size_t osz, const void *a, const void *b,
                              size_t isz, size_t n, const void *k) {
    const bk_kernel_table *kt = bk_kernels(); /* one call, one target */
    const void *in[2] = {a, b};
    int rel[2];
    void *copy[2] = {NULL, NULL};
    for (int j = 0; j < 2; j++)
        rel[j] = bk_relation(out, osz, in[j], isz, n);
    for (int j = 0; j < 2; j++) {
        /* An input no walk can serve, or the first of two asking for
         * opposite walks, is copied whole. */
        const int opposite = rel[0] + rel[1] == BK_FORWARD + BK_BACKWARD && rel[0] != BK_SAME &&
                             rel[1] != BK_SAME;
        if (rel[j] && !(j == 0 && opposite))
            continue;
        if (!(copy[j] = malloc(n * isz))) {
            free(copy[0]);
            return BK_ERR_NOMEM;
        }
        in[j] = memcpy(copy[j], in[j], n * isz);
        rel[j] = BK_FREE;
    }
    if (rel[0] <= BK_SAME && rel[1] <= BK_SAME) {
        bk_ew_split(kt, fn, out, osz, in[0], in[1], isz, n, k, BK_SPLIT_EW);
    } else {
        const int backward = rel[0] == BK_BACKWARD || rel[1] == BK_BACKWARD;
        bk_ew_chunked(kt, fn, (char *)out, osz, (const char *)in[0], (const char *)in[1], isz, n, k,
                      rel, backward);
    }
    if (copy[0] || copy[1]) {
        free(copy[0]);
        free(copy[1]);
    }
    return BK_OK;
}

/*
 * The common case inline, in each typed entry point, where fn is known:
 * inputs disjoint from out or out itself, too short to split. It needs no
 * stack frame; with the rest of bk_ew_run_any inlined, every call paid its
 * frame (typed entry points, Xeon Ice Lake, 1-64 elements: 1.2-1.45x
 * faster so; bk_add_f32 of 16 16.1 -> 11.1 ns).
 */
BK_INLINE int bk_ew_run(bk_ew_fn fn, void *out, size_t osz, const void *a, const void *b,
                         size_t isz, size_t n, const void *k) {
    if (n == 0)
        return BK_OK;
    const int ra = bk_relation(out, osz, a, isz, n), rb = bk_relation(out, osz, b, isz, n);
    if ((ra == BK_FREE || ra == BK_SAME) && (rb == BK_FREE || rb == BK_SAME) &&
        n * isz < bk_split_bytes(BK_SPLIT_EW)) {
        fn(bk_kernels(), out, a, b, n, k);
        return BK_OK;
    }
    return bk_ew_run_any(fn, out, osz, a, b, isz, n, k);
}

/*
 * The kernels behind bk_ew_fn: bk_ew_<op>_<dtype> reads k (when the form has
 * one) and calls the active target's kernel.
 */
#define BK_EW_scalar(op, name, T)                                              \
    static void bk_ew_##op##_##name(const bk_kernel_table *kt, void *out, const void *a, \
                                    const void *b, size_t n, const void *k) {                           \
        (void)b;                                                               \
        T kv;                                                                  \
        memcpy(&kv, k, sizeof kv);                                             \
        kt->op##_##name(out, a, n, kv);                              \
    }
#define BK_EW_binary(op, name, T)                                              \
    static void bk_ew_##op##_##name(const bk_kernel_table *kt, void *out, const void *a, \
                                    const void *b, size_t n, const void *k) {                           \
        (void)k;                                                               \
        kt->op##_##name(out, a, b, n);                               \
    }
#define BK_EW_unary(op, name, T)                                               \
    static void bk_ew_##op##_##name(const bk_kernel_table *kt, void *out, const void *a, \
                                    const void *b, size_t n, const void *k) {                           \
        (void)b, (void)k;                                                      \
        kt->op##_##name(out, a, n);                                  \
    }
#define BK_EW_magnitude BK_EW_unary
#define BK_EW_reduce(op, name, T)
#define BK_EW_extreme(op, name, T)
#define BK_EW_dot(op, name, T)
#define BK_EW_fill(op, name, T)                                                \
    static void bk_ew_##op##_##name(const bk_kernel_table *kt, void *out, const void *a, \
                                    const void *b, size_t n, const void *k) {                           \
        (void)a, (void)b;                                                      \
        T kv;                                                                  \
        memcpy(&kv, k, sizeof kv);                                             \
        kt->op##_##name(out, n, kv);                                 \
    }
#define BK_X_EW(op, pyname, form, name, ENUM, T, S, kind, R, RENUM) BK_EW_##form(op, name, T)
BK_OPS_DTYPES(BK_X_EW)
#undef BK_X_EW

/* ---- reductions: the block structure ------------------------------------ */

/*
 * A reduction of more than BK_RBLOCK elements is the combination, in index
 * order, of its blocks' results. Fixed in elements, not in threads.
 */
#define BK_RBLOCK ((size_t)1 << 14)

/* Accumulators of block results, by kind: the sum type S for sums and dots. */
#define BK_ACC_sint(S, R)                                                      \
    struct {                                                                   \
        uint64_t v;                                                            \
    }
#define BK_ACC_uint BK_ACC_sint
#define BK_ACC_float(S, R)                                                     \
    struct {                                                                   \
        bk_pairwise_##R v;                                                     \
    }
#define BK_ACC_cplx(S, R)                                                   \
    struct {                                                                   \
        bk_pairwise_##R re, im;                                                \
    }
#define BK_ACC_INIT_sint(acc) ((acc).v = 0)
#define BK_ACC_INIT_uint BK_ACC_INIT_sint
#define BK_ACC_INIT_float(acc) ((acc).v.count = 0)
#define BK_ACC_INIT_cplx(acc) ((acc).re.count = (acc).im.count = 0)
#define BK_ACC_PUSH_sint(R, acc, s) ((acc).v += (uint64_t)(s))
#define BK_ACC_PUSH_uint BK_ACC_PUSH_sint
#define BK_ACC_PUSH_float(R, acc, s) bk_pairwise_push_##R(&(acc).v, (s))
#define BK_ACC_PUSH_cplx(R, acc, s)                                         \
    (bk_pairwise_push_##R(&(acc).re, (s).re), bk_pairwise_push_##R(&(acc).im, (s).im))
#define BK_ACC_TOTAL_sint(S, R, acc, out) ((out) = (S)(acc).v)
#define BK_ACC_TOTAL_uint BK_ACC_TOTAL_sint
#define BK_ACC_TOTAL_float(S, R, acc, out) ((out) = bk_pairwise_total_##R(&(acc).v))
#define BK_ACC_TOTAL_cplx(S, R, acc, out)                                   \
    ((out).re = bk_pairwise_total_##R(&(acc).re), (out).im = bk_pairwise_total_##R(&(acc).im))

/*
 * The blocks of a long reduction are computed a round at a time, in
 * parallel (each block's result into its own slot), then combined in index
 * order. The parts of a round are blocks, so the split never changes a
 * block and the result is the same for any number of threads.
 */
#define BK_RROUND 64
typedef struct bk_reduce_job {
    const bk_kernel_table *kt; /* one call, one target */
    const char *a, *b;
    size_t isz, n, first; /* first block of the round */
    size_t split;         /* bytes of a round from which it is split */
    int streams;          /* the operands exceed BK_JOIN_UNTIL (table.h) */
    void *res;            /* one result slot per block of the round */
} bk_reduce_job;
static size_t bk_block_len(const bk_reduce_job *j, size_t i) {
    size_t lo = (j->first + i) * BK_RBLOCK;
    return j->n - lo < BK_RBLOCK ? j->n - lo : BK_RBLOCK;
}
/* The part function of op for one dtype: block i of the round into res[i].
 * The first block takes a and b as they are: they may be NULL (n = 0), and
 * NULL + 0 is undefined. */
#define BK_RPART(op, name, T, RT, ARGS)                                        \
    static void bk_rpart_##op##_##name(void *ctx, size_t i) {                  \
        const bk_reduce_job *j = ctx;                                          \
        const size_t off = (j->first + i) * BK_RBLOCK * sizeof(T), m = bk_block_len(j, i); \
        const char *pa = off ? j->a + off : j->a, *pb = off && j->b ? j->b + off : j->b; \
        (void)pb;                                                              \
        if (j->streams) /* a TLS access costs a call: small ones go without */ \
            bk_reduce_streams = 1;                                             \
        ((RT *)j->res)[i] = j->kt->op##_##name ARGS;                           \
        if (j->streams)                                                        \
            bk_reduce_streams = 0;                                             \
    }
#define BK_ARGS_A (pa, m)
#define BK_ARGS_AB (pa, pb, m)

_Thread_local int bk_reduce_streams BK_TLS_IE;

/* Runs one round: rounds of blocks [first, first + count). */
static void bk_reduce_round(bk_part_fn part, bk_reduce_job *j, size_t count) {
    if (count > 1 && count * BK_RBLOCK * j->isz >= bk_split_bytes(j->split))
        bk_parallel_for(count, part, j);
    else
        for (size_t i = 0; i < count; i++)
            part(j, i);
}

/* Sums and dots: block results pushed in order. */
#define BK_REDUCE_BLOCKS(op, name, T, S, kind, R, b)                           \
    {                                                                          \
        bk_reduce_job j = {bk_kernels(), (const char *)a, (const char *)(b), sizeof(T), n, 0, \
                           BK_SPLIT_SUM, n * sizeof(T) > BK_JOIN_UNTIL, NULL};                  \
        BK_ACC_##kind(S, R) acc;                                               \
        BK_ACC_INIT_##kind(acc);                                               \
        S res[BK_RROUND];                                                      \
        j.res = res;                                                           \
        for (size_t blocks = (n + BK_RBLOCK - 1) / BK_RBLOCK; j.first < blocks;) { \
            size_t count = blocks - j.first < BK_RROUND ? blocks - j.first : BK_RROUND; \
            bk_reduce_round(bk_rpart_##op##_##name, &j, count);                \
            for (size_t i = 0; i < count; i++)                                 \
                BK_ACC_PUSH_##kind(R, acc, res[i]);                            \
            j.first += count;                                                  \
        }                                                                      \
        S total;                                                               \
        BK_ACC_TOTAL_##kind(S, R, acc, total);                                 \
        return total;                                                          \
    }

/* min/max: the first NaN of the blocks, else the one that comes first by the
 * kernels' own rule (BK_BEFORE in ops/minmax.h). */
#define BK_EXTREME_BLOCKS(op, name, T, kind, LESS, NEG_FIRST)                  \
    {                                                                          \
        bk_reduce_job j = {bk_kernels(), (const char *)a, NULL, sizeof(T), n, 0,           \
                           BK_SPLIT_EXTREME, n * sizeof(T) > BK_JOIN_UNTIL, NULL};   \
        T res[BK_RROUND], m = 0;                                               \
        j.res = res;                                                           \
        for (size_t blocks = (n + BK_RBLOCK - 1) / BK_RBLOCK; j.first < blocks;) { \
            size_t count = blocks - j.first < BK_RROUND ? blocks - j.first : BK_RROUND; \
            bk_reduce_round(bk_rpart_##op##_##name, &j, count);                \
            for (size_t i = 0; i < count; i++) {                               \
                T x = res[i];                                                  \
                if (j.first + i == 0 ||                                        \
                    (m == m && (x != x || BK_BEFORE_##kind(x, m, LESS, NEG_FIRST)))) \
                    m = x; /* a NaN, once there, stays */                     \
            }                                                                  \
            j.first += count;                                                  \
        }                                                                      \
        return m;                                                              \
    }
#define BK_LESS_min <
#define BK_LESS_max >
#define BK_NEG_FIRST_min 1
#define BK_NEG_FIRST_max 0

/* ---- typed entry points ------------------------------------------------- */

/* A reduction of one block (or none: min and max of nothing return their
 * identity) is one kernel call, the block loop's result for it without the
 * job and the loop (short calls: ops/sum.h). */
#define BK_TYPED_reduce(op, name, T, S, kind, R)                               \
    BK_RPART(op, name, T, S, BK_ARGS_A)                                        \
    S bk_##op##_##name(const T *a, size_t n) {                                 \
        if (n <= BK_RBLOCK)                                                    \
            return bk_kernels()->op##_##name(a, n);                            \
        BK_REDUCE_BLOCKS(op, name, T, S, kind, R, NULL)                        \
    }
#define BK_TYPED_dot(op, name, T, S, kind, R)                                  \
    BK_RPART(op, name, T, S, BK_ARGS_AB)                                       \
    S bk_##op##_##name(const T *a, const T *b, size_t n) {                     \
        if (n <= BK_RBLOCK)                                                    \
            return bk_kernels()->op##_##name(a, b, n);                         \
        BK_REDUCE_BLOCKS(op, name, T, S, kind, R, b)                           \
    }
#define BK_TYPED_extreme(op, name, T, S, kind, R)                              \
    BK_RPART(op, name, T, T, BK_ARGS_A)                                        \
    T bk_##op##_##name(const T *a, size_t n) {                                 \
        if (n <= BK_RBLOCK)                                                    \
            return bk_kernels()->op##_##name(a, n);                            \
        BK_EXTREME_BLOCKS(op, name, T, kind, BK_LESS_##op, BK_NEG_FIRST_##op)  \
    }
#define BK_TYPED_fill(op, name, T, S, kind, R)                                 \
    void bk_##op##_##name(T *a, size_t n, T v) {                               \
        bk_ew_split(bk_kernels(), bk_ew_##op##_##name, a, sizeof(T), NULL, NULL, sizeof(T), n, &v, \
                    BK_SPLIT_EW);                                              \
    }
#define BK_TYPED_scalar(op, name, T, S, kind, R)                               \
    int bk_##op##_out_##name(T *out, const T *a, size_t n, T k) {              \
        return bk_ew_run(bk_ew_##op##_##name, out, sizeof(T), a, NULL, sizeof(T), n, &k); \
    }                                                                          \
    void bk_##op##_##name(T *a, size_t n, T k) { bk_##op##_out_##name(a, a, n, k); }
#define BK_TYPED_binary(op, name, T, S, kind, R)                               \
    int bk_##op##_out_##name(T *out, const T *a, const T *b, size_t n) {       \
        return bk_ew_run(bk_ew_##op##_##name, out, sizeof(T), a, b, sizeof(T), n, NULL); \
    }                                                                          \
    void bk_##op##_##name(T *a, const T *b, size_t n) { bk_##op##_out_##name(a, a, b, n); }
/*
 * An op whose in-place form leaves the values of some kinds unchanged says so
 * in its file, BK_IDENTITY_<op>_<kind> defined as `~, 1` (conj of the real
 * kinds, abs of the unsigned); its unary and magnitude entry points then
 * return at once in place, rather than waking threads for nothing.
 * BK_IDENTITY_(op, kind) is 1 when that macro is defined, else 0: a defined
 * one expands to two arguments, which moves the 1 into the place the 0 holds
 * otherwise.
 */
#define BK_PROBE_SECOND_(x, y, ...) y
#define BK_PROBE_(...) BK_PROBE_SECOND_(__VA_ARGS__, 0, ~)
#define BK_IDENTITY_(op, kind) BK_PROBE_(BK_IDENTITY_##op##_##kind)
#define BK_TYPED_unary(op, name, T, S, kind, R)                                \
    int bk_##op##_out_##name(T *out, const T *a, size_t n) {                   \
        if (BK_IDENTITY_(op, kind) && out == a)                                \
            return BK_OK;                                                      \
        return bk_ew_run(bk_ew_##op##_##name, out, sizeof(T), a, NULL, sizeof(T), n, NULL); \
    }                                                                          \
    void bk_##op##_##name(T *a, size_t n) { bk_##op##_out_##name(a, a, n); }
#define BK_TYPED_magnitude(op, name, T, S, kind, R)                            \
    int bk_##op##_out_##name(R *out, const T *a, size_t n) {                   \
        if (BK_IDENTITY_(op, kind) && (const void *)out == (const void *)a)    \
            return BK_OK;                                                      \
        return bk_ew_run(bk_ew_##op##_##name, out, sizeof(R), a, NULL, sizeof(T), n, NULL); \
    }                                                                          \
    BK_IF_REAL_(kind)(void bk_##op##_##name(T *a, size_t n) { bk_##op##_out_##name(a, a, n); })
#define BK_X_TYPED(op, pyname, form, name, ENUM, T, S, kind, R, RENUM)         \
    BK_TYPED_##form(op, name, T, S, kind, R)
BK_OPS_DTYPES(BK_X_TYPED)
#undef BK_X_TYPED

/* ---- dtype-generic entry points ----------------------------------------- */

/*
 * bk_<op>(dt, ...): check, then a switch over the dtypes op takes, each case
 * calling the typed entry point. Elements (k, v) and results are copied
 * through memcpy, so any address works.
 */
#define BK_CHECK(ptr_ok)                                                       \
    do {                                                                       \
        if ((unsigned)dt >= BK_NDTYPES || !bk_op_takes_(op_index, dt))         \
            return BK_ERR_DTYPE;                                               \
        if (!(ptr_ok))                                                         \
            return BK_ERR_NULL;                                                \
    } while (0)
#define BK_SWITCH(op, set, CASE)                                               \
    switch (dt) {                                                              \
        BK_DTYPES_ARGS_(BK_CASE_IN_, CASE, op, set)                            \
    default:                                                                   \
        return BK_ERR_DTYPE;                                                   \
    }
#define BK_CASE_IN_(CASE, op, set, name, ENUM, T, S, kind, R, RENUM)           \
    BK_IN_(set, kind)(case ENUM: { CASE(op, name, T, S, kind, R) })

/* Which dtypes each op takes, by op index (the order of BK_OPS). */
enum {
#define BK_X_OPINDEX(op, pyname, form, set) BK_OP_##op,
    BK_OPS(BK_X_OPINDEX)
#undef BK_X_OPINDEX
    BK_NOPS
};
static int bk_op_takes_(int op, bk_dtype dt) {
    static const unsigned char takes[BK_NOPS][BK_NDTYPES] = {
#define BK_X_TAKES(op, pyname, form, name, ENUM, T, S, kind, R, RENUM) [BK_OP_##op][ENUM] = 1,
        BK_OPS_DTYPES(BK_X_TAKES)
#undef BK_X_TAKES
    };
    return op >= 0 && op < BK_NOPS && (unsigned)dt < BK_NDTYPES && takes[op][dt];
}

#define BK_CASE_reduce(op, name, T, S, kind, R)                                \
    S s = bk_##op##_##name((const T *)a, n);                                   \
    memcpy(res, &s, sizeof s);                                                 \
    return BK_OK;
#define BK_CASE_extreme(op, name, T, S, kind, R)                               \
    T s = bk_##op##_##name((const T *)a, n);                                   \
    memcpy(res, &s, sizeof s);                                                 \
    return BK_OK;
#define BK_CASE_dot(op, name, T, S, kind, R)                                   \
    S s = bk_##op##_##name((const T *)a, (const T *)b, n);                     \
    memcpy(res, &s, sizeof s);                                                 \
    return BK_OK;
#define BK_CASE_fill(op, name, T, S, kind, R)                                  \
    T x;                                                                       \
    memcpy(&x, v, sizeof x);                                                   \
    bk_##op##_##name((T *)a, n, x);                                            \
    return BK_OK;
/* The generic in-place forms run the _out forms with out = a. */
#define BK_CASE_scalar(op, name, T, S, kind, R)                                \
    return bk_ew_run(bk_ew_##op##_##name, out, sizeof(T), a, NULL, sizeof(T), n, k);
#define BK_CASE_binary(op, name, T, S, kind, R)                                \
    return bk_ew_run(bk_ew_##op##_##name, out, sizeof(T), a, b, sizeof(T), n, NULL);
#define BK_CASE_unary(op, name, T, S, kind, R)                                 \
    return bk_ew_run(bk_ew_##op##_##name, out, sizeof(T), a, NULL, sizeof(T), n, NULL);
#define BK_CASE_magnitude(op, name, T, S, kind, R)                             \
    return bk_ew_run(bk_ew_##op##_##name, out, sizeof(R), a, NULL, sizeof(T), n, NULL);

#define BK_GENERIC_DEF_reduce(op, set)                                         \
    int bk_##op(bk_dtype dt, const void *a, size_t n, void *res) {             \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK(res && (a || !n));                                            \
        BK_SWITCH(op, set, BK_CASE_reduce)                                     \
    }
#define BK_GENERIC_DEF_extreme(op, set)                                        \
    int bk_##op(bk_dtype dt, const void *a, size_t n, void *res) {             \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK(res && (a || !n));                                            \
        if (n == 0)                                                            \
            return BK_ERR_EMPTY;                                               \
        BK_SWITCH(op, set, BK_CASE_extreme)                                    \
    }
#define BK_GENERIC_DEF_dot(op, set)                                            \
    int bk_##op(bk_dtype dt, const void *a, const void *b, size_t n, void *res) { \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK(res && ((a && b) || !n));                                     \
        BK_SWITCH(op, set, BK_CASE_dot)                                        \
    }
#define BK_GENERIC_DEF_fill(op, set)                                           \
    int bk_##op(bk_dtype dt, void *a, size_t n, const void *v) {               \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK(v && (a || !n));                                              \
        BK_SWITCH(op, set, BK_CASE_fill)                                       \
    }
#define BK_GENERIC_DEF_scalar(op, set)                                         \
    int bk_##op##_out(bk_dtype dt, void *out, const void *a, size_t n, const void *k) { \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK(k && ((out && a) || !n));                                     \
        BK_SWITCH(op, set, BK_CASE_scalar)                                     \
    }                                                                          \
    int bk_##op(bk_dtype dt, void *a, size_t n, const void *k) { return bk_##op##_out(dt, a, a, n, k); }
#define BK_GENERIC_DEF_binary(op, set)                                         \
    int bk_##op##_out(bk_dtype dt, void *out, const void *a, const void *b, size_t n) { \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK((out && a && b) || !n);                                       \
        BK_SWITCH(op, set, BK_CASE_binary)                                     \
    }                                                                          \
    int bk_##op(bk_dtype dt, void *a, const void *b, size_t n) { return bk_##op##_out(dt, a, a, b, n); }
#define BK_GENERIC_DEF_unary(op, set)                                          \
    int bk_##op##_out(bk_dtype dt, void *out, const void *a, size_t n) {       \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK((out && a) || !n);                                            \
        BK_SWITCH(op, set, BK_CASE_unary)                                      \
    }                                                                          \
    int bk_##op(bk_dtype dt, void *a, size_t n) { return bk_##op##_out(dt, a, a, n); }
/* In place only where the result has the input's dtype (not complex). */
#define BK_GENERIC_DEF_magnitude(op, set)                                      \
    int bk_##op##_out(bk_dtype dt, void *out, const void *a, size_t n) {       \
        const int op_index = BK_OP_##op;                                       \
        BK_CHECK((out && a) || !n);                                            \
        BK_SWITCH(op, set, BK_CASE_magnitude)                                  \
    }                                                                          \
    int bk_##op(bk_dtype dt, void *a, size_t n) {                              \
        if (dt == BK_C64 || dt == BK_C128)                                     \
            return BK_ERR_DTYPE;                                               \
        return bk_##op##_out(dt, a, a, n);                                     \
    }
#define BK_X_GENERIC_DEF(op, pyname, form, set) BK_GENERIC_DEF_##form(op, set)
BK_OPS(BK_X_GENERIC_DEF)
#undef BK_X_GENERIC_DEF

/* The dtype of each op's elementwise result, by form: the input's, except
 * for a magnitude (the real dtype). */
#define BK_RESULT_magnitude(ENUM, RENUM) RENUM
#define BK_RESULT_reduce(ENUM, RENUM) ENUM
#define BK_RESULT_extreme BK_RESULT_reduce
#define BK_RESULT_dot BK_RESULT_reduce
#define BK_RESULT_fill BK_RESULT_reduce
#define BK_RESULT_scalar BK_RESULT_reduce
#define BK_RESULT_binary BK_RESULT_reduce
#define BK_RESULT_unary BK_RESULT_reduce

int bk_op_takes(const char *op, bk_dtype dt, bk_dtype *result) {
    static const char *const names[BK_NOPS] = {
#define BK_X_NAME(o, pyname, form, set) [BK_OP_##o] = #o,
        BK_OPS(BK_X_NAME)
#undef BK_X_NAME
    };
    static const bk_dtype results[BK_NOPS][BK_NDTYPES] = {
#define BK_X_RESULT(o, pyname, form, dname, ENUM, T, S, kind, R, RENUM)        \
    [BK_OP_##o][ENUM] = BK_RESULT_##form(ENUM, RENUM),
        BK_OPS_DTYPES(BK_X_RESULT)
#undef BK_X_RESULT
    };
    for (int i = 0; op && i < BK_NOPS; i++) {
        if (strcmp(names[i], op) != 0)
            continue;
        if (!bk_op_takes_(i, dt))
            return 0;
        if (result)
            *result = results[i][dt];
        return 1;
    }
    return 0;
}

/* ---- dtypes and status codes -------------------------------------------- */

typedef struct bk_dtype_info {
    const char *name;
    size_t size, sum_size;
} bk_dtype_info;

static const bk_dtype_info bk_dtype_infos[BK_NDTYPES] = {
#define BK_X_INFO(name, ENUM, T, S, kind, R, RENUM) [ENUM] = {#name, sizeof(T), sizeof(S)},
    BK_DTYPES(BK_X_INFO)
#undef BK_X_INFO
};

const char *bk_dtype_name(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bk_dtype_infos[dt].name : NULL;
}
size_t bk_dtype_size(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bk_dtype_infos[dt].size : 0;
}
size_t bk_dtype_sum_size(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bk_dtype_infos[dt].sum_size : 0;
}
bk_dtype bk_dtype_from_name(const char *name) {
    for (int i = 0; name && i < BK_NDTYPES; i++)
        if (strcmp(bk_dtype_infos[i].name, name) == 0)
            return (bk_dtype)i;
    return BK_NDTYPES;
}

const char *bk_status_str(int status) {
    switch (status) {
    case BK_OK:
        return "ok";
    case BK_ERR_DTYPE:
        return "invalid dtype, or one the op does not take";
    case BK_ERR_NULL:
        return "NULL pointer with a non-zero length, or no place for the result";
    case BK_ERR_TARGET:
        return "unknown target, or one this CPU cannot run";
    case BK_ERR_EMPTY:
        return "min or max of no elements";
    case BK_ERR_NOMEM:
        return "out of memory for a temporary copy";
    case BK_ERR_THREADS:
        return "the number of threads must be 0 (the default) or more";
    default:
        return "unknown status";
    }
}
