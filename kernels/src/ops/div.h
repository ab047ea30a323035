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
        R ar = (R)fabs(y.re), ai = (R)fabs(y.im); /* -0.0 must become +0.0 */ \
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
BK_USE_SCALAR(binary, div, c64, bk_c64, bk_c64, float)
BK_USE_SCALAR(binary, div, c128, bk_c128, bk_c128, double)
#endif
