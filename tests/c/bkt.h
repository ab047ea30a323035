/*
 * bkt.h - the harness of bufkern's C tests.
 *
 * Every check compares what a target computes with an independent reference
 * written here (plain loops over the C types, not the library's
 * scalar_ops.h) and, for the SIMD targets, with the scalar target. The dtype
 * table is built from BK_DTYPES, so a new dtype is tested without changes here
 * as long as its kind (float, sint, uint, complex) is one of the four known.
 */
#ifndef BKT_H
#define BKT_H

#include <stddef.h>
#include <stdint.h>

#include "bufkern.h"

/* ---- dtypes and ops ------------------------------------------------------ */

enum bkt_kind { BKT_FLOAT, BKT_SINT, BKT_UINT, BKT_COMPLEX };
enum bkt_op { BKT_SUM, BKT_SCALE, BKT_MUL, BKT_ADD, BKT_FILL, BKT_NOPS };

typedef struct bkt_dtype {
    const char *name;
    bk_dtype dt;
    size_t size;     /* bytes of one element */
    size_t sum_size; /* bytes of the sum's result */
    enum bkt_kind kind;
    /* The typed entry points bk_<op>_<name>, behind untyped pointers. */
    void (*sum)(const void *a, size_t n, void *out);
    void (*scale)(void *a, size_t n, const void *k);
    void (*mul)(void *a, const void *b, size_t n);
    void (*add)(void *a, const void *b, size_t n);
    void (*fill)(void *a, size_t n, const void *v);
} bkt_dtype;

extern const bkt_dtype bkt_dtypes[];
extern const size_t bkt_ndtypes;
extern const char *const bkt_op_names[BKT_NOPS];

/* Size of one real component: the element for floats, half of it for complex. */
static inline size_t bkt_real_size(const bkt_dtype *d) {
    return d->kind == BKT_COMPLEX ? d->size / 2 : d->size;
}
static inline int bkt_is_fp(const bkt_dtype *d) {
    return d->kind == BKT_FLOAT || d->kind == BKT_COMPLEX;
}

/* Runs op of dtype d through the typed API on the active target. */
void bkt_call(const bkt_dtype *d, int op, void *a, const void *b, size_t n, const void *k,
              void *sum_out);

/* ---- state, targets, reporting -------------------------------------------- */

#define BKT_MAX_TARGETS 16

typedef struct bkt_target {
    const char *name;
    unsigned long long checks, failed;
    unsigned long long inexact; /* complex mul/scale within 2 ulp, not bit-exact */
} bkt_target;

typedef struct bkt_state {
    int thorough;
    uint64_t seed, rng;
    /* Targets under test: every compiled-in one the CPU supports, best first
     * (or only those named by --target=), and the scalar one, always. */
    bkt_target targets[BKT_MAX_TARGETS];
    size_t ntargets;
    size_t scalar; /* index of "scalar" in targets */
    unsigned long long checks, failed, printed;
    unsigned long long max_printed; /* failures printed in full (BUFKERN_TEST_MAX_FAILS) */
    char where[512]; /* the case being run, for failure messages */
} bkt_state;

extern bkt_state bkt;

/* Makes targets[t] active (a failure to do so is itself a failed check). */
void bkt_use(size_t t);

/* Records one check for targets[t] (t == BKT_NO_TARGET: target-independent). */
#define BKT_NO_TARGET ((size_t)-1)
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
int bkt_check(size_t t, int ok, const char *fmt, ...);

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void bkt_where(const char *fmt, ...);

/* ---- random data ------------------------------------------------------------ */

uint64_t bkt_rand(void);
static inline size_t bkt_below(size_t n) { return n ? (size_t)(bkt_rand() % n) : 0; }
void bkt_random_bytes(void *p, size_t bytes);

enum bkt_mode {
    BKT_GEN_ANY,     /* any bits: random patterns, NaN, inf, subnormals, extremes */
    BKT_GEN_FINITE,  /* finite, mostly of moderate size (sums: the error bound) */
    BKT_GEN_INTVAL,  /* small integer values (float sums are then exact); ints: any */
    BKT_GEN_SPECIAL, /* finite plus a few NaN/+inf/-inf; ints: any */
    BKT_GEN_ZEROS,   /* floats: -0.0 (maybe one +0.0); ints: all max or all min */
    BKT_NMODES
};
extern const char *const bkt_mode_names[BKT_NMODES];

/* Writes n elements at p (any address). */
void bkt_gen(const bkt_dtype *d, void *p, size_t n, int mode);

/* ---- references ----------------------------------------------------------- */

/* out[i] = a[i] op b[i] (or op k), for every op but sum; out is any address. */
void bkt_ref_elementwise(const bkt_dtype *d, int op, void *out, const void *a, const void *b,
                         size_t n, const void *k);

typedef struct bkt_fref {
    double hi, lo;  /* the exact sum of the finite elements, nearly: hi + lo */
    double abssum;  /* sum of |x| over the finite elements */
    int nan, pinf, ninf;
    int all_zero, pos_zero; /* every element is ±0; some element is +0 */
} bkt_fref;

typedef struct bkt_sumref {
    size_t n;
    uint64_t isum;   /* integers: the sum modulo 2^64 */
    bkt_fref fp[2];  /* floats: [0]; complex: [0] re, [1] im */
    int exact;       /* float data of small integers: the sum must be exact */
} bkt_sumref;

void bkt_ref_sum(const bkt_dtype *d, const void *a, size_t n, int mode, bkt_sumref *r);

/* Checks a sum result (sum_size bytes at got) against r; explains in msg. */
/* A float (rs 4) or double (rs 8) at any address, as a double. */
double bkt_get_real(const void *p, size_t rs);
int bkt_sum_ok(const bkt_dtype *d, const void *got, const bkt_sumref *r, char *msg, size_t cap);
/* Checks two targets' sums agree: equal for integers, within twice the bound
 * (and of the same class: NaN, ±inf, ±0) for floats. */
int bkt_sums_agree(const bkt_dtype *d, const void *x, const void *y, const bkt_sumref *r,
                   char *msg, size_t cap);

/*
 * Index of the first element of got[0..n) that does not match want[0..n), or
 * n. Integers and fill: identical bits. Float add/mul/scale: identical bits,
 * or both NaN. Complex mul/scale when !strict: as floats, or else finite and
 * within 2 ulp of the larger component of the exact product of a0[i] and
 * b0[i] (or k); *inexact counts those.
 */
size_t bkt_mismatch(const bkt_dtype *d, int op, const void *got, const void *want, size_t n,
                    const void *a0, const void *b0, const void *k, int strict,
                    unsigned long long *inexact);

/* Describes element i of p (bits and value) for messages. */
void bkt_fmt_elem(const bkt_dtype *d, const void *p, size_t i, char *buf, size_t cap);

/* ---- buffers -------------------------------------------------------------- */

/* A 64-byte aligned scratch buffer that grows as needed and lives until exit. */
typedef struct bkt_buf {
    unsigned char *p;
    size_t cap;
} bkt_buf;
unsigned char *bkt_reserve(bkt_buf *b, size_t bytes);

/* ---- test groups ------------------------------------------------------------ */

void bkt_group_api(void);
void bkt_group_dispatch(const char *initial, const char *expect, int have_expect);
void bkt_group_special(void);
void bkt_group_op(int op); /* the matrix of one op: every dtype, length, offset */
void bkt_group_overlap(void);
void bkt_group_edges(void);

#endif
