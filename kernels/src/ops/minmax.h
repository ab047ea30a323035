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
/*
 * BK_MINMAX_ACC accumulators of OP (a lane-wise min or max; for floats in the
 * total order of the scalar loop, keeping any NaN) over the aligned vectors
 * of a, then the lanes halved down to one. The elements before and after them
 * come in through the first and last vector of a, which overlap the others
 * (taking an element twice changes no min); vectors that straddle cache lines
 * cost the avx512 target up to twice the time (i8 min, 64 KiB at 16 mod 64:
 * 1.20 us against 0.56). A NaN may not be the first one of a, so the scalar
 * loop, which stops at the first, runs the block again.
 */
enum { BK_MINMAX_ACC = 8 };
#define BK_AS_SELF(v) (v)
/* How the kernel learns of a NaN: from the lanes (a NaN stays a NaN through
 * OP), or from the invalid flag (vec.h, BK_EXTREME_NAN_BY_FLAG). */
#define BK_NAN_IN_LANES_BEGIN 0
#define BK_NAN_IN_LANES(probe, acc, r) ((r) != (r))
#define BK_NAN_BY_FLAG_BEGIN bk_fp_probe_begin()
#define BK_NAN_BY_FLAG_(V) bk_fp_probe_end_##V
/* Beyond the caches a block of a long min or max prefetches ahead (api.c
 * sets bk_reduce_streams; simd_body.h says why): 192 MiB, one thread, Xeon
 * Ice Lake, max i8 1.07x, min f64 1.07x, max f32 1.04x; in the L3 (4-32
 * MiB) 1.00-1.05x; in L1 or L2 it would cost (0.73-0.78x). */
#define BK_EXTREME_RUN(OP, LOAD, PREFETCH)                                     \
    for (; i + BK_MINMAX_ACC <= nvec; i += BK_MINMAX_ACC) {                    \
        PREFETCH(p + i * BK_VBYTES, BK_MINMAX_ACC * BK_VBYTES);                \
        for (int u = 0; u < BK_MINMAX_ACC; u++)                                \
            acc[u] = OP(acc[u], LOAD(p + (i + u) * BK_VBYTES));                \
    }
#define BK_DEF_EXTREME(op, name, T, V, LOAD, STORE, OP, AS_VI, FROM_VI, FINISH, NAN_BEGIN, NAN_IN) \
    static T op##_##name(const void *a, size_t n) {                            \
        enum { W = BK_VBYTES / sizeof(T) };                                    \
        if (n < W)                                                             \
            return bk_s_##op##_##name(a, n);                                   \
        const char *p = (const char *)a;                                       \
        size_t skip = BK_TO_ALIGNED(p, sizeof(T)), nvec = (n - skip) / W, i = 0;  \
        V acc[BK_MINMAX_ACC];                                                  \
        const unsigned probe = NAN_BEGIN;                                      \
        const V last = LOAD(p + (n - W) * sizeof(T));                          \
        for (int u = 0; u < BK_MINMAX_ACC; u++)                                \
            acc[u] = OP(last, last); /* what OP sees of a NaN, it sees here too */ \
        acc[1] = OP(acc[1], LOAD(p));                                          \
        p += skip * sizeof(T);                                                 \
        /* the size first: small calls read no TLS */                          \
        BK_PREFETCH_IF(n * sizeof(T) >= BK_PREFETCH_AHEAD && bk_reduce_streams, BK_EXTREME_RUN, \
                       OP, LOAD)                                               \
        for (; i < nvec; i++)                                                  \
            acc[0] = OP(acc[0], LOAD(p + i * BK_VBYTES));                      \
        for (int w = BK_MINMAX_ACC / 2; w > 0; w /= 2)                         \
            for (int u = 0; u < w; u++)                                        \
                acc[u] = OP(acc[u], acc[u + w]);                               \
        for (int bytes = BK_VBYTES / 2; bytes >= (int)sizeof(T); bytes /= 2)   \
            acc[0] = OP(acc[0], FROM_VI(vi_down(AS_VI(acc[0]), bytes)));       \
        T lanes[W];                                                            \
        STORE(lanes, acc[0]);                                                  \
        (void)probe;                                                           \
        return NAN_IN(probe, acc[0], lanes[0]) ? bk_s_##op##_##name(a, n) : FINISH(lanes[0]); \
    }
#define BK_DEF_EXTREME_INT(name, T)                                            \
    BK_DEF_EXTREME(min, name, T, bk_vi, vi_load, vi_store, vi_min_##name, BK_AS_SELF, BK_AS_SELF, \
                   BK_AS_SELF, BK_NAN_IN_LANES_BEGIN, BK_NAN_IN_LANES)         \
    BK_DEF_EXTREME(max, name, T, bk_vi, vi_load, vi_store, vi_max_##name, BK_AS_SELF, BK_AS_SELF, \
                   BK_AS_SELF, BK_NAN_IN_LANES_BEGIN, BK_NAN_IN_LANES)
BK_DEF_EXTREME_INT(i8, int8_t)
BK_DEF_EXTREME_INT(u8, uint8_t)
BK_DEF_EXTREME_INT(i16, int16_t)
BK_DEF_EXTREME_INT(u16, uint16_t)
BK_DEF_EXTREME_INT(i32, int32_t)
BK_DEF_EXTREME_INT(u32, uint32_t)
#if BK_SSE2_ONLY
/*
 * SSE2 has no 64-bit compare: SIMDe's five-instruction one, a select and the
 * flips did not beat the scalar loop's cmov (64 KiB: u64 max 6.9 us against
 * 4.8, i64 min 4.8 against 4.9).
 */
BK_USE_SCALAR(extreme, min, i64, int64_t, int64_t, int64_t)
BK_USE_SCALAR(extreme, max, i64, int64_t, int64_t, int64_t)
BK_USE_SCALAR(extreme, min, u64, uint64_t, uint64_t, uint64_t)
BK_USE_SCALAR(extreme, max, u64, uint64_t, uint64_t, uint64_t)
#else
BK_DEF_EXTREME_INT(i64, int64_t)
BK_DEF_EXTREME_INT(u64, uint64_t)
#endif
#if BK_EXTREME_NAN_BY_FLAG
#define BK_DEF_EXTREME_FLOAT(name, T, P, V)                                    \
    BK_DEF_EXTREME(min, name, T, V, P##_load, P##_store, P##_min_flagnan, P##_as_vi, vi_as_##P, \
                   BK_AS_SELF, BK_NAN_BY_FLAG_BEGIN, BK_NAN_BY_FLAG_(V))      \
    BK_DEF_EXTREME(max, name, T, V, P##_load, P##_store, P##_max_flagnan, P##_as_vi, vi_as_##P, \
                   BK_AS_SELF, BK_NAN_BY_FLAG_BEGIN, BK_NAN_BY_FLAG_(V))
#else
#define BK_DEF_EXTREME_FLOAT(name, T, P, V)                                    \
    BK_DEF_EXTREME(min, name, T, V, P##_load, P##_store, P##_min_total, P##_as_vi, vi_as_##P, \
                   BK_AS_SELF, BK_NAN_IN_LANES_BEGIN, BK_NAN_IN_LANES)         \
    BK_DEF_EXTREME(max, name, T, V, BK_MAX_LOAD_(P), P##_store, BK_MAX_OP_(P), P##_as_vi,     \
                   vi_as_##P, BK_MAX_FINISH_, BK_NAN_IN_LANES_BEGIN, BK_NAN_IN_LANES)
#if BK_MAX_AS_NEG_MIN /* max(x) = -min(-x): see vec.h */
BK_INLINE bk_vf vf_load_neg(const void *p) { return vf_xor(vf_load(p), vf_set1(-0.0f)); }
BK_INLINE bk_vd vd_load_neg(const void *p) { return vd_xor(vd_load(p), vd_set1(-0.0)); }
#define BK_MAX_LOAD_(P) P##_load_neg
#define BK_MAX_OP_(P) P##_min_total
#define BK_MAX_FINISH_(x) (-(x))
#else
#define BK_MAX_LOAD_(P) P##_load
#define BK_MAX_OP_(P) P##_max_total
#define BK_MAX_FINISH_ BK_AS_SELF
#endif
#endif
BK_DEF_EXTREME_FLOAT(f32, float, vf, bk_vf)
BK_DEF_EXTREME_FLOAT(f64, double, vd, bk_vd)
#endif
