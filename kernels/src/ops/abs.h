/*
 * abs: out[i] = |a[i]|. Integers as NumPy: the most negative value wraps to
 * itself; unsigned values are unchanged. Floats: the sign bit cleared (a NaN
 * stays a NaN). Complex: the magnitude, into R (half the element), without
 * overflow or underflow in between: both parts are scaled by the power of
 * two that brings the larger into [2, 4), squared, added, square-rooted and
 * scaled back (one rounding each, no FMA: every target gives the same bits);
 * inf when either part is inf, even with a NaN.
 */
#ifndef BK_OPS_ABS_H
#define BK_OPS_ABS_H
#include <float.h>
#include <math.h>
#define BK_E_ABS_float(name, T, R) static inline T bk_e_abs_##name(T x) { return (T)fabs(x); }
#define BK_E_ABS_sint(name, T, R)                                              \
    static inline T bk_e_abs_##name(T x) { return x < 0 ? BK_WRAP(T, 0, -, x) : x; }
#define BK_E_ABS_uint(name, T, R) static inline T bk_e_abs_##name(T x) { return x; }
/*
 * U: the unsigned integer of R's width; EXP: its exponent mask; TOP: the
 * exponent field of 2^(bias+1)... written as (2 * bias + 1) << mantissa bits,
 * so that TOP - bits(p) is the power of two 2 / p for p = 2^e.
 */
#define BK_E_ABS_complex_(name, T, R, U, EXP, TOP, RMIN)                       \
    static inline R bk_e_abs_##name(T z) {                                     \
        R ar = z.re < 0 ? -z.re : z.re, ai = z.im < 0 ? -z.im : z.im;          \
        if (isinf(ar) || isinf(ai))                                            \
            return (R)INFINITY;                                                \
        R m = ar > ai ? ar : ai; /* as the vector max: ai when either is NaN */ \
        U mb, pb, sb;                                                          \
        R p, s;                                                                \
        memcpy(&mb, &m, sizeof m);                                             \
        pb = mb & (EXP);                                                       \
        memcpy(&p, &pb, sizeof p);                                             \
        p = p > (RMIN) ? p : (RMIN); /* 2^e: m in [2^e, 2^(e+1)) */            \
        memcpy(&pb, &p, sizeof p);                                             \
        sb = (TOP) - pb;                                                       \
        memcpy(&s, &sb, sizeof s); /* 2^(1-e) */                               \
        R x = ar * s, y = ai * s;                                              \
        return (R)sqrt(x * x + y * y) * (p * (R)0.5);                          \
    }
#define BK_E_ABS_cplx(name, T, R) BK_E_ABS_complex_##R(name, T, R)
#define BK_E_ABS_complex_float(name, T, R)                                     \
    BK_E_ABS_complex_(name, T, R, uint32_t, 0x7f800000u, (uint32_t)255 << 23, FLT_MIN)
#define BK_E_ABS_complex_double(name, T, R)                                    \
    BK_E_ABS_complex_(name, T, R, uint64_t, 0x7ff0000000000000ull, (uint64_t)2047 << 52, DBL_MIN)
#define BK_X_E_ABS(name, ENUM, T, S, kind, R, RENUM) BK_E_ABS_##kind(name, T, R)
BK_DTYPES(BK_X_E_ABS)
#undef BK_X_E_ABS
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_ABS_V)
#define BK_OPS_ABS_V
#define BK_X_V_ABS(name, ENUM, T, S, kind, R, RENUM) BK_USE_SCALAR(magnitude, abs, name, T, S, R)
BK_DTYPES(BK_X_V_ABS)
#undef BK_X_V_ABS
#endif
