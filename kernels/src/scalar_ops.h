/*
 * scalar_ops.h - portable C definitions of every kernel: bk_s_<op>_<dtype>.
 *
 * These are the scalar target, and the tail routines of the SIMD targets, so
 * there is one definition of each operation's semantics. Each op's element
 * function (bk_e_<op>_<dtype>) or scalar loop lives in ops/<op>.h; the loops
 * of the elementwise forms are made here from the element functions, by the
 * form the op has in BK_OPS. Elements are read and written through memcpy, so
 * any address works.
 */
#ifndef BK_SCALAR_OPS_H
#define BK_SCALAR_OPS_H

#include <string.h>

#include "bufkern.h"

/* ---- element access at any address -------------------------------------- */

#define BK_X_ACCESS(name, ENUM, T, S, kind, R, RENUM)                                    \
    static inline T bk_ld_##name(const void *p, size_t i) {                    \
        T x;                                                                   \
        memcpy(&x, (const char *)p + i * sizeof x, sizeof x);                  \
        return x;                                                              \
    }                                                                          \
    static inline void bk_st_##name(void *p, size_t i, T x) {                  \
        memcpy((char *)p + i * sizeof x, &x, sizeof x);                        \
    }
BK_DTYPES(BK_X_ACCESS)
#undef BK_X_ACCESS

/* ---- pairwise combination of block sums --------------------------------- */

/*
 * A binary counter of partial sums: level[l] holds the sum of 2^l blocks
 * whenever bit l of count is set. Each block sum therefore passes through at
 * most log2(blocks) + 1 additions, which is what keeps the error of a long
 * sum within the pairwise bound.
 */
#define BK_PAIRWISE(NAME, T, ADD, IDENTITY)                                    \
    typedef struct bk_pairwise_##NAME {                                        \
        T level[64];                                                           \
        size_t count;                                                          \
    } bk_pairwise_##NAME;                                                      \
    static inline void bk_pairwise_push_##NAME(bk_pairwise_##NAME *pw, T x) {  \
        size_t c = pw->count++;                                                \
        int l = 0;                                                             \
        for (; c & 1; c >>= 1, l++)                                            \
            x = ADD(pw->level[l], x);                                          \
        pw->level[l] = x;                                                      \
    }                                                                          \
    static inline T bk_pairwise_total_##NAME(const bk_pairwise_##NAME *pw) {   \
        T s = IDENTITY;                                                        \
        size_t c = pw->count;                                                  \
        for (int l = 0; c; c >>= 1, l++)                                       \
            if (c & 1)                                                         \
                s = ADD(pw->level[l], s);                                      \
        return s;                                                              \
    }
#define BK_PLUS(x, y) ((x) + (y))
BK_PAIRWISE(float, float, BK_PLUS, -0.0f)
BK_PAIRWISE(double, double, BK_PLUS, -0.0)

/*
 * Float sums start from -0.0, the exact additive identity of IEEE arithmetic,
 * so a sum of negative zeros stays -0.0 as in NumPy.
 *
 * Sums n elements spaced `step` reals apart (step 2 sums one component of a
 * complex array) in blocks of 128 with 8 accumulators.
 */
#define BK_SCALAR_FSUM(R)                                                      \
    static inline R bk_s_block_##R(const R *p, size_t n, size_t step) {        \
        R acc[8];                                                              \
        for (int j = 0; j < 8; j++)                                            \
            acc[j] = (R)-0.0;                                                  \
        size_t i = 0;                                                          \
        for (; i + 8 <= n; i += 8)                                             \
            for (size_t j = 0; j < 8; j++) {                                   \
                R x;                                                           \
                memcpy(&x, p + (i + j) * step, sizeof x);                      \
                acc[j] += x;                                                   \
            }                                                                  \
        R rest = (R)-0.0;                                                      \
        for (; i < n; i++) {                                                   \
            R x;                                                               \
            memcpy(&x, p + i * step, sizeof x);                                \
            rest += x;                                                         \
        }                                                                      \
        return (((acc[0] + acc[1]) + (acc[2] + acc[3])) +                      \
                ((acc[4] + acc[5]) + (acc[6] + acc[7]))) +                     \
               rest;                                                           \
    }                                                                          \
    static inline R bk_s_fsum_##R(const void *a, size_t n, size_t step) {      \
        const R *p = (const R *)a;                                             \
        if (n <= 128)                                                          \
            return bk_s_block_##R(p, n, step);                                 \
        bk_pairwise_##R pw;                                                    \
        pw.count = 0;                                                          \
        for (size_t i = 0; i < n; i += 128)                                    \
            bk_pairwise_push_##R(                                              \
                &pw, bk_s_block_##R(p + i * step, n - i < 128 ? n - i : 128,   \
                                    step));                                    \
        return bk_pairwise_total_##R(&pw);                                     \
    }
BK_SCALAR_FSUM(float)
BK_SCALAR_FSUM(double)

/* ---- arithmetic by kind ---------------------------------------------------- */

/*
 * Integers: every operation goes through uint64_t, where wraparound is
 * defined; the low bits are the wrapped result for every width. Conversion
 * back to a signed type keeps those bits (GCC and Clang define it so).
 */
#define BK_WRAP(T, x, op, y) ((T)((uint64_t)(x)op(uint64_t)(y)))
/* The real type of a complex type, for the ops' per-kind macros. */
#define BK_REAL_OF_bk_c64 float
#define BK_REAL_OF_bk_c128 double

/*
 * The element functions bk_e_<op>_<dtype> of an arithmetic op, for every
 * dtype: x SYM y on reals (wrapping for integers), T_CFUN(x, y) on complex.
 */
#define BK_E_ARITH(op, SYM, CFUN) BK_DTYPES_ARGS_(BK_E_ARITH_ROW_, op, SYM, CFUN)
#define BK_E_ARITH_ROW_(op, SYM, CFUN, name, ENUM, T, S, kind, R, RENUM)       \
    static inline T bk_e_##op##_##name(T x, T y) { return BK_E_ARITH_##kind(T, x, SYM, y, CFUN); }
#define BK_E_ARITH_float(T, x, SYM, y, CFUN) ((x)SYM(y))
#define BK_E_ARITH_sint(T, x, SYM, y, CFUN) BK_WRAP(T, x, SYM, y)
#define BK_E_ARITH_uint BK_E_ARITH_sint
#define BK_E_ARITH_cplx(T, x, SYM, y, CFUN) T##_##CFUN(x, y)

/* ---- the ops' element functions and scalar reductions --------------------- */

#include "ops/all.h"

/* ---- the loops of the elementwise forms ---------------------------------- */

/* out may be a itself (or b): each element is read before it is written. */
#define BK_S_LOOP_binary(op, name, T, R)                                       \
    static inline void bk_s_##op##_##name(void *out, const void *a, const void *b, size_t n) { \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(out, i, bk_e_##op##_##name(bk_ld_##name(a, i), bk_ld_##name(b, i))); \
    }
#define BK_S_LOOP_scalar(op, name, T, R)                                       \
    static inline void bk_s_##op##_##name(void *out, const void *a, size_t n, T k) { \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(out, i, bk_e_##op##_##name(bk_ld_##name(a, i), k));   \
    }
#define BK_S_LOOP_unary(op, name, T, R)                                        \
    static inline void bk_s_##op##_##name(void *out, const void *a, size_t n) { \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(out, i, bk_e_##op##_##name(bk_ld_##name(a, i)));      \
    }
/* The result is R, half the element for complex: out = a is safe forwards. */
#define BK_S_LOOP_magnitude(op, name, T, R)                                    \
    static inline void bk_s_##op##_##name(void *out, const void *a, size_t n) { \
        for (size_t i = 0; i < n; i++) {                                       \
            R r = bk_e_##op##_##name(bk_ld_##name(a, i));                      \
            memcpy((char *)out + i * sizeof r, &r, sizeof r);                  \
        }                                                                      \
    }
/* Forms whose scalar loops the op files write themselves. */
#define BK_S_LOOP_reduce(op, name, T, R)
#define BK_S_LOOP_extreme(op, name, T, R)
#define BK_S_LOOP_dot(op, name, T, R)
#define BK_S_LOOP_fill(op, name, T, R)
#define BK_X_S_LOOP(op, pyname, form, name, ENUM, T, S, kind, R, RENUM)        \
    BK_S_LOOP_##form(op, name, T, R)
BK_OPS_DTYPES(BK_X_S_LOOP)
#undef BK_X_S_LOOP

#endif
