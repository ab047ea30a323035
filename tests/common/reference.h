/*
 * reference.h - the one reference of bufkern's C tests (tests/c) and its
 * libFuzzer harness (tests/fuzz).
 *
 * What every op must compute, written independently of the library's kernels
 * (not kernels/src/ops/): plain loops over the C types, integers through
 * uint64_t, exact products and compensated sums in double, long double where
 * a result must be known more precisely than its dtype holds it. Also the
 * rules by which a result is accepted (SPEC: bit-exact, within the sum bound,
 * within some ulp) and the op and dtype tables as the tests see them, made
 * from BK_OPS and BK_DTYPES.
 *
 * A new row of BK_OPS needs one thing here: its reference, bkr_ref_<op>, of
 * the signature of its form's kind (bkr_ew_ref or bkr_red_ref). The op table
 * names it, so the tests do not build until it exists.
 */
#ifndef BKR_REFERENCE_H
#define BKR_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "bufkern.h"

/* ---- dtypes ------------------------------------------------------------- */

enum bkr_kind { BKR_FLOAT, BKR_SINT, BKR_UINT, BKR_COMPLEX };

typedef struct bkr_dtype {
    const char *name;
    bk_dtype dt;
    enum bkr_kind kind;
    size_t size;      /* bytes of one element */
    size_t real_size; /* bytes of one real component; the element for integers */
    size_t sum_size;  /* bytes of S, the result of sum and dot */
    bk_dtype real_dt; /* the dtype of one component (absolute's result) */
} bkr_dtype;

extern const bkr_dtype bkr_dtypes[BK_NDTYPES]; /* indexed by bk_dtype */

static inline int bkr_is_fp(const bkr_dtype *d) {
    return d->kind == BKR_FLOAT || d->kind == BKR_COMPLEX;
}
/* Real components per element: 2 for complex, else 1. */
static inline size_t bkr_ncomp(const bkr_dtype *d) { return d->size / d->real_size; }

/* ---- ops ------------------------------------------------------------------ */

enum bkr_form {
    BKR_REDUCE,
    BKR_EXTREME,
    BKR_DOT,
    BKR_FILL,
    BKR_SCALAR,
    BKR_BINARY,
    BKR_UNARY,
    BKR_MAGNITUDE,
};
static inline int bkr_is_reduction(enum bkr_form f) { return f <= BKR_DOT; }
static inline int bkr_has_b(enum bkr_form f) { return f == BKR_DOT || f == BKR_BINARY; }
static inline int bkr_has_k(enum bkr_form f) { return f == BKR_FILL || f == BKR_SCALAR; }
/* The forms with a three-operand bk_<op>_out_<dtype>. */
static inline int bkr_has_out(enum bkr_form f) { return f >= BKR_SCALAR; }

/* Op indexes, in the order of BK_OPS: BKR_OP_sum, BKR_OP_min, ... */
enum {
#define BKR_X_OPINDEX(op, pyname, form, set) BKR_OP_##op,
    BK_OPS(BKR_X_OPINDEX)
#undef BKR_X_OPINDEX
    BKR_NOPS
};

/*
 * How an elementwise result is accepted against the reference's. Bits equal
 * always pass; with nan_free, float components that are NaN on both sides
 * pass too (IEEE leaves NaN payloads open); close, when set, is asked about
 * the rest: got and want are result elements, x and y the operands (y is
 * b[i], k or NULL by the form).
 */
typedef struct bkr_rule {
    const char *name;
    int nan_free;
    int (*close)(const bkr_dtype *d, const void *got, const void *want, const void *x,
                 const void *y);
} bkr_rule;

/*
 * The reference of an elementwise op: out[0..n) (of the result dtype) from
 * a, b and k, whichever the form has, all at any address and not
 * overlapping out. Returns the rule for this dtype's results.
 */
typedef const bkr_rule *(*bkr_ew_ref)(const bkr_dtype *d, void *out, const void *a,
                                      const void *b, const void *k, size_t n);

/* One real component of a float sum or dot, as facts about its terms. */
typedef struct bkr_fsum {
    long double hi, lo; /* the exact sum of the finite terms, nearly: hi + lo */
    long double abssum; /* sum of |term| over the finite terms */
    int nan, pinf, ninf;    /* some term is NaN, +inf, -inf (in the dtype) */
    int all_zero, pos_zero; /* every term is ±0; some term is +0 */
    int exact;      /* integer terms whose partial sums all fit: exact result */
    int safe;       /* no partial sum can overflow, in any order */
} bkr_fsum;

/*
 * The reference of a reduction. exact_bits: the result must be `bits`
 * (integers, min, max). Otherwise per real component, within
 * factor * eps * abssum + slack of the exact value, NaN and ±inf as IEEE says.
 */
typedef struct bkr_red {
    size_t n, size; /* elements reduced; bytes of the result */
    int exact_bits;
    unsigned char bits[16];
    size_t ncomp, real_size;
    bkr_fsum fp[2];
    double factor, slack;
    int zero_sign; /* a zero result has the sign a sum of the terms has */
} bkr_red;

typedef void (*bkr_red_ref)(const bkr_dtype *d, bkr_red *r, const void *a, const void *b,
                            size_t n);

typedef struct bkr_op {
    const char *name, *pyname, *set;
    enum bkr_form form;
    bkr_ew_ref ew;   /* elementwise forms */
    bkr_red_ref red; /* reductions */
} bkr_op;

extern const bkr_op bkr_ops[BKR_NOPS];

/* Whether the library has op's kernels for dt (BK_OPS_DTYPES). */
int bkr_op_takes(size_t op, bk_dtype dt);
/* The test's own reading of a dtype set of BK_OPS (all, real, inexact);
 * -1 for a set it does not know. */
int bkr_set_has(const char *set, enum bkr_kind kind);
/* The dtype of op's elementwise result for d: d, or the real dtype of a
 * complex magnitude. */
const bkr_dtype *bkr_result_dtype(size_t op, const bkr_dtype *d);
/* The op called name, or BKR_NOPS. */
size_t bkr_op_index(const char *name);

/* ---- the references ------------------------------------------------------ */

#define BKR_DECLARE_reduce(op) void bkr_ref_##op(const bkr_dtype *, bkr_red *, const void *, \
                                                 const void *, size_t);
#define BKR_DECLARE_extreme BKR_DECLARE_reduce
#define BKR_DECLARE_dot BKR_DECLARE_reduce
#define BKR_DECLARE_fill(op)                                                   \
    const bkr_rule *bkr_ref_##op(const bkr_dtype *, void *, const void *, const void *, \
                                 const void *, size_t);
#define BKR_DECLARE_scalar BKR_DECLARE_fill
#define BKR_DECLARE_binary BKR_DECLARE_fill
#define BKR_DECLARE_unary BKR_DECLARE_fill
#define BKR_DECLARE_magnitude BKR_DECLARE_fill
#define BKR_X_DECLARE(op, pyname, form, set) BKR_DECLARE_##form(op)
BK_OPS(BKR_X_DECLARE)
#undef BKR_X_DECLARE

/* ---- judging results -------------------------------------------------------- */

/*
 * Index of the first of n result elements at got that the rule does not
 * accept against want, or n. d is the op's input dtype, out the result's;
 * a, b, k the operands (as for the reference). strict: bits (and NaN where the
 * rule leaves payloads free) only, never close: what the SIMD targets must
 * give against the scalar target.
 */
size_t bkr_mismatch(const bkr_dtype *d, const bkr_dtype *out, const bkr_rule *rule,
                    enum bkr_form form, const void *got, const void *want, size_t n,
                    const void *a, const void *b, const void *k, int strict);

/* Checks a reduction's result (r->size bytes at got); explains in msg. */
int bkr_red_ok(const bkr_red *r, const void *got, char *msg, size_t cap);
/* Checks that two targets' results agree: identical where exact_bits, else
 * of one class (NaN, ±inf, finite, and the zero sign where it is defined)
 * and within twice the bound of each other. */
int bkr_red_agree(const bkr_red *r, const void *got, const void *other, char *msg, size_t cap);

/* ---- elements ------------------------------------------------------------- */

/* An integer of `bytes` bytes at p, sign- or zero-extended; and stored, truncated. */
uint64_t bkr_get_int(const void *p, size_t bytes, int is_signed);
void bkr_put_int(void *p, size_t bytes, uint64_t v);
/* A float (rs 4) or double (rs 8) at p, as a double; and stored, rounded once. */
double bkr_get_real(const void *p, size_t rs);
void bkr_put_real(void *p, size_t rs, double v);
/* Element i at p, as bits and value, for messages. */
void bkr_fmt_elem(const bkr_dtype *d, const void *p, size_t i, char *buf, size_t cap);

#endif
