/*
 * bkt.h - the harness of bufkern's C tests.
 *
 * Every check compares what a target computes with the one shared reference
 * (tests/common/reference.h: plain loops over the C types, not the library's
 * kernels) and, for the SIMD targets, with the scalar target. Ops, dtypes and
 * the entry points called come from BK_OPS and BK_DTYPES (tests/common), so a
 * new op of a known form is tested once its reference exists.
 */
#ifndef BKT_H
#define BKT_H

#include <stddef.h>
#include <stdint.h>

#include "bufkern.h"
#include "entries.h"
#include "reference.h"

/* ---- state, targets, reporting -------------------------------------------- */

#define BKT_MAX_TARGETS 16

typedef struct bkt_target {
    const char *name;
    unsigned long long checks, failed;
    unsigned long long inexact; /* elements accepted by a tolerance, not bit-exact */
} bkt_target;

typedef struct bkt_state {
    int thorough;
    size_t max_len; /* the matrix skips longer arrays (--max-length) */
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
/* Target i of the order the checks run in: scalar first, as its results are
 * what the others are compared with. */
size_t bkt_nth_target(size_t i);

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

/* Writes n elements of d at p (any address). */
void bkt_gen(const bkr_dtype *d, void *p, size_t n, int mode);

/* ---- buffers -------------------------------------------------------------- */

/* A 64-byte aligned scratch buffer that grows as needed and lives until exit. */
typedef struct bkt_buf {
    unsigned char *p;
    size_t cap;
} bkt_buf;
unsigned char *bkt_reserve(bkt_buf *b, size_t bytes);

/* Offset of the first byte where x and y differ, or len. */
size_t bkt_first_diff(const void *x, const void *y, size_t len);

/* ---- one call, its reference and its judgement ------------------------------ */

/*
 * One call of op on n elements of d: the operands as they were before it
 * (a0, b0, k: copies, so that overlapping layouts do not matter) and what
 * the reference makes of them.
 */
typedef struct bkt_case {
    size_t op;
    enum bkr_form form;
    const bkr_dtype *d, *od; /* the operands' dtype and the result's */
    size_t n;
    const unsigned char *a0, *b0, *k;
    const bkr_rule *rule; /* elementwise: the reference's rule and result */
    const unsigned char *want;
    bkr_red red;                  /* reductions */
    unsigned char scalar_res[32]; /* the scalar target's reduction, for the others */
} bkt_case;

/*
 * Computes the reference of c (op, d, n, a0, b0, k set by the caller); an
 * elementwise result goes into a buffer of the harness that the next call
 * reuses.
 */
void bkt_reference(bkt_case *c);

/* How bkt_call reaches the op: the typed or the dtype-generic entry points. */
enum bkt_api { BKT_TYPED, BKT_GENERIC };

/* Whether the typed library has an in-place form of c's op for its dtype. */
int bkt_has_inplace(const bkt_case *c);

/*
 * Calls c's op on the active target: in place when out is NULL (a is then
 * the destination), else into out; res receives a reduction's result.
 * Returns the status (BK_OK for the typed in-place forms).
 */
int bkt_call(const bkt_case *c, enum bkt_api api, void *out, void *a, const void *b, void *res);

/*
 * Judges the result of c on targets[t]: got (n result elements, or a
 * reduction's result) against the reference and, for a SIMD target, against
 * the scalar target's result, which the harness keeps when t is the scalar
 * target (so run that first: bkt_nth_target).
 */
void bkt_judge(size_t t, bkt_case *c, const void *got);

/* The value modes a matrix case of c's form and dtype runs. */
size_t bkt_modes(enum bkr_form form, const bkr_dtype *d, const int **modes);

/* The dtypes op takes, in table order: *dts[0..count). */
size_t bkt_op_dtypes(size_t op, const bkr_dtype *dts[BK_NDTYPES]);

/* ---- test groups ------------------------------------------------------------ */

void bkt_group_api(void);
void bkt_group_dispatch(const char *initial, const char *expect, int have_expect);
void bkt_group_special(void);
void bkt_group_op(size_t op); /* the matrix of one op: every dtype, length, offset */
void bkt_group_overlap(void);
void bkt_group_edges(void);

#endif
