/*
 * scalar_ops.h - portable C definitions of every kernel.
 *
 * These are the scalar target, and the tail routines of the SIMD targets, so
 * there is one definition of each operation's semantics. Elements are read
 * and written through memcpy, so any address works.
 */
#ifndef BK_SCALAR_OPS_H
#define BK_SCALAR_OPS_H

#include <string.h>

#include "bufkern.h"

/* ---- element access at any address -------------------------------------- */

#define BK_X_ACCESS(name, ENUM, T, S, kind)                                    \
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

/* ---- the kernels, by kind of dtype -------------------------------------- */

/*
 * Integers: every operation goes through uint64_t, where wraparound is
 * defined; the low bits are the wrapped result for every width. Conversion
 * back to a signed type keeps those bits (GCC and Clang define it so).
 */
#define BK_S_ARITH_sint(T, x, op, y) ((T)((uint64_t)(x)op(uint64_t)(y)))
#define BK_S_ARITH_uint BK_S_ARITH_sint
#define BK_S_ARITH_float(T, x, op, y) ((x)op(y))

#define BK_S_SUM_sint(name, T, S)                                              \
    static inline S bk_s_sum_##name(const void *a, size_t n) {                 \
        uint64_t acc = 0;                                                      \
        for (size_t i = 0; i < n; i++)                                         \
            acc += (uint64_t)bk_ld_##name(a, i);                               \
        return (S)acc;                                                         \
    }
#define BK_S_SUM_uint BK_S_SUM_sint
#define BK_S_SUM_float(name, T, S)                                             \
    static inline S bk_s_sum_##name(const void *a, size_t n) {                 \
        return n ? bk_s_fsum_##T(a, n, 1) : (S)0;                              \
    }

/* Real dtypes: integers and floats share everything but arithmetic and sum. */
#define BK_S_REAL(name, T, S, kind)                                            \
    BK_S_SUM_##kind(name, T, S)                                                \
    static inline void bk_s_scale_##name(void *a, size_t n, T k) {             \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, BK_S_ARITH_##kind(T, bk_ld_##name(a, i), *, k)); \
    }                                                                          \
    static inline void bk_s_mul_##name(void *a, const void *b, size_t n) {     \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, BK_S_ARITH_##kind(T, bk_ld_##name(a, i), *,     \
                                                 bk_ld_##name(b, i)));         \
    }                                                                          \
    static inline void bk_s_add_##name(void *a, const void *b, size_t n) {     \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, BK_S_ARITH_##kind(T, bk_ld_##name(a, i), +,     \
                                                 bk_ld_##name(b, i)));         \
    }

#define BK_S_COMPLEX(name, T, S, R)                                            \
    static inline S bk_s_sum_##name(const void *a, size_t n) {                 \
        S s = {0, 0};                                                          \
        if (n) {                                                               \
            s.re = bk_s_fsum_##R(a, n, 2);                                     \
            s.im = bk_s_fsum_##R((const R *)a + 1, n, 2);                      \
        }                                                                      \
        return s;                                                              \
    }                                                                          \
    static inline void bk_s_scale_##name(void *a, size_t n, T k) {             \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, T##_mul(bk_ld_##name(a, i), k));                \
    }                                                                          \
    static inline void bk_s_mul_##name(void *a, const void *b, size_t n) {     \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, T##_mul(bk_ld_##name(a, i), bk_ld_##name(b, i))); \
    }                                                                          \
    static inline void bk_s_add_##name(void *a, const void *b, size_t n) {     \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, T##_add(bk_ld_##name(a, i), bk_ld_##name(b, i))); \
    }

#define BK_S_KIND_sint(name, T, S) BK_S_REAL(name, T, S, sint)
#define BK_S_KIND_uint(name, T, S) BK_S_REAL(name, T, S, uint)
#define BK_S_KIND_float(name, T, S) BK_S_REAL(name, T, S, float)
/* One more expansion step, so that BK_REAL_OF_<T> becomes float or double. */
#define BK_S_COMPLEX_EXPANDED(...) BK_S_COMPLEX(__VA_ARGS__)
#define BK_S_KIND_complex(name, T, S)                                          \
    BK_S_COMPLEX_EXPANDED(name, T, S, BK_REAL_OF_##T)
#define BK_REAL_OF_bk_c64 float
#define BK_REAL_OF_bk_c128 double

#define BK_X_SCALAR(name, ENUM, T, S, kind)                                    \
    BK_S_KIND_##kind(name, T, S)                                               \
    static inline void bk_s_fill_##name(void *a, size_t n, T v) {              \
        for (size_t i = 0; i < n; i++)                                         \
            bk_st_##name(a, i, v);                                             \
    }
BK_DTYPES(BK_X_SCALAR)
#undef BK_X_SCALAR

#endif
