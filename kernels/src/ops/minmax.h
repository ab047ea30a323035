/*
 * min, max: the smallest and largest element. As NumPy's np.min/np.max: a NaN
 * among the elements gives a NaN (the first one, so that the bits do not
 * depend on the target or the split). -0.0 counts as below +0.0, which makes
 * the result one value whatever the order of the elements. No elements: the
 * identity (+inf / -inf, or the type's largest / smallest value); the
 * generic entry points report that as BK_ERR_EMPTY before calling a kernel.
 */
#ifndef BK_OPS_MINMAX_H
#define BK_OPS_MINMAX_H
#include <float.h>
#include <math.h>

/* x comes before m: below for min (LESS = <), above for max (LESS = >). */
#define BK_BEFORE_float(x, m, LESS, NEG_FIRST)                                 \
    ((x)LESS(m) || ((x) == 0 && (m) == 0 && (signbit(x) != 0) == (NEG_FIRST)))
#define BK_BEFORE_sint(x, m, LESS, NEG_FIRST) ((x)LESS(m))
#define BK_BEFORE_uint BK_BEFORE_sint

#define BK_S_EXTREME_float(op, name, T, kind, IDENTITY, LESS, NEG_FIRST)       \
    static inline T bk_s_##op##_##name(const void *a, size_t n) {              \
        T m = IDENTITY;                                                        \
        for (size_t i = 0; i < n; i++) {                                       \
            T x = bk_ld_##name(a, i);                                          \
            if (x != x)                                                        \
                return x;                                                      \
            if (BK_BEFORE_##kind(x, m, LESS, NEG_FIRST))                       \
                m = x;                                                         \
        }                                                                      \
        return m;                                                              \
    }
#define BK_S_EXTREME_sint BK_S_EXTREME_float /* x != x is never true */
#define BK_S_EXTREME_uint BK_S_EXTREME_float
#define BK_S_EXTREME_cplx(...)

/* The identities: the largest value for min, the smallest for max. */
#define BK_MINMAX_LIMITS_f32 HUGE_VALF, -HUGE_VALF
#define BK_MINMAX_LIMITS_f64 HUGE_VAL, -HUGE_VAL
#define BK_MINMAX_LIMITS_i8 INT8_MAX, INT8_MIN
#define BK_MINMAX_LIMITS_i16 INT16_MAX, INT16_MIN
#define BK_MINMAX_LIMITS_i32 INT32_MAX, INT32_MIN
#define BK_MINMAX_LIMITS_i64 INT64_MAX, INT64_MIN
#define BK_MINMAX_LIMITS_u8 UINT8_MAX, 0
#define BK_MINMAX_LIMITS_u16 UINT16_MAX, 0
#define BK_MINMAX_LIMITS_u32 UINT32_MAX, 0
#define BK_MINMAX_LIMITS_u64 UINT64_MAX, 0
#define BK_MINMAX_LIMITS_c64 0, 0
#define BK_MINMAX_LIMITS_c128 0, 0
#define BK_MINMAX_PICK_(lo, hi) lo, hi
#define BK_MIN_IDENTITY_(lo, hi) lo
#define BK_MAX_IDENTITY_(lo, hi) hi
#define BK_CALL_(f, args) f args
#define BK_X_S_MINMAX(name, ENUM, T, S, kind, R, RENUM)                        \
    BK_S_EXTREME_##kind(min, name, T, kind,                                    \
                        BK_CALL_(BK_MIN_IDENTITY_, (BK_MINMAX_LIMITS_##name)), <, 1) \
    BK_S_EXTREME_##kind(max, name, T, kind,                                    \
                        BK_CALL_(BK_MAX_IDENTITY_, (BK_MINMAX_LIMITS_##name)), >, 0)
BK_DTYPES(BK_X_S_MINMAX)
#undef BK_X_S_MINMAX
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_MINMAX_V)
#define BK_OPS_MINMAX_V
#define BK_X_V_MINMAX(name, ENUM, T, S, kind, R, RENUM)                        \
    BK_IF_REAL_(kind)(BK_USE_SCALAR(extreme, min, name, T, S, R)               \
                      BK_USE_SCALAR(extreme, max, name, T, S, R))
BK_DTYPES(BK_X_V_MINMAX)
#undef BK_X_V_MINMAX
#endif
