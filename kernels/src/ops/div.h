/*
 * div: out[i] = a[i] / b[i], floats and complex only. Real: one IEEE division
 * (x/0 is ±inf, 0/0 NaN). Complex: Smith's scaled quotient, in the form of
 * NumPy's loop (the ratio of b's smaller to its larger component, one
 * reciprocal), so no intermediate overflows or underflows where the quotient
 * is representable; b = 0 divides each component by +0.0, as NumPy does.
 */
#ifndef BK_OPS_DIV_H
#define BK_OPS_DIV_H
#include <math.h>
#define BK_E_DIV_float(name, T, R) static inline T bk_e_div_##name(T x, T y) { return x / y; }
#define BK_E_DIV_sint(name, T, R)
#define BK_E_DIV_uint(name, T, R)
#define BK_E_DIV_cplx(name, T, R)                                           \
    static inline T bk_e_div_##name(T x, T y) {                                \
        R ar = (R)fabs(y.re), ai = (R)fabs(y.im);                              \
        T q;                                                                   \
        if (ar >= ai) {                                                        \
            if (ar == 0 && ai == 0) {                                          \
                q.re = x.re / ar;                                              \
                q.im = x.im / ar;                                              \
            } else {                                                           \
                R rat = y.im / y.re, scl = (R)1 / (y.re + y.im * rat);         \
                q.re = (x.re + x.im * rat) * scl;                              \
                q.im = (x.im - x.re * rat) * scl;                              \
            }                                                                  \
        } else {                                                               \
            R rat = y.re / y.im, scl = (R)1 / (y.im + y.re * rat);             \
            q.re = (x.re * rat + x.im) * scl;                                  \
            q.im = (x.im * rat - x.re) * scl;                                  \
        }                                                                      \
        return q;                                                              \
    }
#define BK_X_E_DIV(name, ENUM, T, S, kind, R, RENUM) BK_E_DIV_##kind(name, T, R)
BK_DTYPES(BK_X_E_DIV)
#undef BK_X_E_DIV
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_DIV_V)
#define BK_OPS_DIV_V
BK_DEF_BINARY(div_f32, 4, bk_vf, vf_load, vf_store, vf_div, bk_s_div_f32)
BK_DEF_BINARY(div_f64, 8, bk_vd, vd_load, vd_store, vd_div, bk_s_div_f64)
/*
 * Complex: bk_e_div_<c> on split parts, both branches computed and the
 * lanes' own one selected, with the scalar source's operations in its order
 * (big, small: b's part of the larger and smaller magnitude). b = 0 takes a
 * third, rare branch: skipped when no lane needs it. The bits are the scalar
 * loop's but for a NaN's payload and sign where two NaNs meet in one
 * operation: C fixes no operand order for them, and compilers pick one per
 * translation unit (the scalar loop inlined in two targets differs too).
 */
#define BK_DEF_VCDIV(c, P, V, M, PAIR, R)                                      \
    BK_INLINE PAIR c##_div(PAIR x, PAIR y) {                                   \
        V ar = P##_abs(y.re), ai = P##_abs(y.im);                              \
        M re_big = P##_ge(ar, ai);                                             \
        V big = P##_select(re_big, y.im, y.re), small = P##_select(re_big, y.re, y.im); \
        V rat = P##_div(small, big);                                           \
        V scl = P##_div(P##_set1((R)1), P##_add(big, P##_mul(small, rat)));    \
        V xr_rat = P##_mul(x.re, rat), xi_rat = P##_mul(x.im, rat);            \
        PAIR q = {P##_mul(P##_select(re_big, P##_add(xr_rat, x.im), P##_add(x.re, xi_rat)), scl), \
                  P##_mul(P##_select(re_big, P##_sub(xi_rat, x.re), P##_sub(x.im, xr_rat)), scl)}; \
        M zero = P##_mand(P##_eq(ar, P##_set1((R)0)), P##_eq(ai, P##_set1((R)0))); \
        if (P##_any(zero)) {                                                   \
            q.re = P##_select(zero, q.re, P##_div(x.re, ar));                  \
            q.im = P##_select(zero, q.im, P##_div(x.im, ar));                  \
        }                                                                      \
        return q;                                                              \
    }
BK_DEF_VCDIV(vc64, vf, bk_vf, bk_mf, bk_vf_pair, float)
BK_DEF_VCDIV(vc128, vd, bk_vd, bk_md, bk_vd_pair, double)
BK_DEF_BINARY(div_c64, 8, bk_vf_pair, vc64_load_split, vc64_store_join, vc64_div, bk_s_div_c64)
#if BK_SSE2_ONLY
/*
 * Two divisions per element bound both loops, and SSE2's two-lane ones gained
 * less than its emulated selects cost (c128 divide, 64 KiB: 17.0 us against
 * 14.7 for the scalar loop).
 */
BK_USE_SCALAR(binary, div, c128, bk_c128, bk_c128, double)
#else
BK_DEF_BINARY(div_c128, 16, bk_vd_pair, vc128_load_split, vc128_store_join, vc128_div,
              bk_s_div_c128)
#endif
#endif
