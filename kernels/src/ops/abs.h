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
/* In place on an unsigned dtype: nothing to do (see BK_IDENTITY_ in api.c). */
#define BK_IDENTITY_abs_uint ~, 1
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
        R ar = (R)fabs(z.re), ai = (R)fabs(z.im);                              \
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
        /* z's own parts: their squares ignore the sign (GCC drops the fabs    \
         * here anyway), and a NaN keeps its sign on every target */          \
        R x = z.re * s, y = z.im * s;                                          \
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
#define BK_DEF_ABS_SINT(w)                                                     \
    BK_DEF_UNARY(abs_i##w, w / 8, w / 8, bk_vi, vi_load, vi_store, vi_abs_i##w, bk_s_abs_i##w)
BK_DEF_ABS_SINT(8)
BK_DEF_ABS_SINT(16)
BK_DEF_ABS_SINT(32)
BK_DEF_ABS_SINT(64)
BK_DEF_COPY(abs_u8, uint8_t)
BK_DEF_COPY(abs_u16, uint16_t)
BK_DEF_COPY(abs_u32, uint32_t)
BK_DEF_COPY(abs_u64, uint64_t)
BK_DEF_UNARY(abs_f32, 4, 4, bk_vf, vf_load, vf_store, vf_abs, bk_s_abs_f32)
BK_DEF_UNARY(abs_f64, 8, 8, bk_vd, vd_load, vd_store, vd_abs, bk_s_abs_f64)

/*
 * The magnitude of bk_e_abs_<c> on split parts, with a shortcut: where every
 * lane's re^2 + im^2 lies in [1/SAFE, SAFE], the scaling is left out, which
 * changes no bit. There the larger square is normal and exact up to the
 * power of two the scaling multiplies by; the smaller one, if it can move
 * the sum's rounding at all (half an ulp of the larger or more), is normal
 * in both computations too; and a square root of a value scaled by an even
 * power of two is the root scaled by its half. A zero, NaN, inf or an
 * extreme part sends the whole vector the long way. Xeon Ice Lake, avx512,
 * 64 KiB of normal random values: c64 0.40 -> 0.30 ns an element, the
 * speed of vsqrtps alone (np.sqrt of f32: 0.30); c128 1.0 -> 0.8, with
 * every second vector's root from vd_sqrt_fma, as vsqrtpd alone bounds it
 * at 0.97 (np.sqrt of f64). The long way is operation for operation the
 * scalar loop, so its bits are the scalar loop's. Only where both parts are
 * NaN can the result's payload and sign differ: C fixes no operand order for
 * the one addition, and the order written here is the one GCC 12 then emits
 * for x86 as it does in the scalar loop (not so on aarch64).
 */
#define BK_DEF_VCABS(c, P, V, M, PAIR, R, w, EXP, TOP, RMIN, SAFE, SQRT)       \
    BK_INLINE V c(PAIR z) {                                                    \
        V q = P##_add(P##_mul(z.im, z.im), P##_mul(z.re, z.re));               \
        const V lo = P##_set1((R)1 / (SAFE)), hi = P##_set1(SAFE);             \
        if (P##_all(P##_mand(P##_ge(q, lo), P##_ge(hi, q))))                   \
            return P##_in_order(SQRT(q));                                      \
        V ar = P##_abs(z.re), ai = P##_abs(z.im);                              \
        V p = P##_max(P##_and(P##_max(ar, ai), vi_as_##P(vi_set1_##w(EXP))), P##_set1(RMIN)); \
        V s = vi_as_##P(vi_sub##w(vi_set1_##w(TOP), P##_as_vi(p)));            \
        V x = P##_mul(z.re, s), y = P##_mul(z.im, s);                          \
        V r = P##_mul(P##_sqrt(P##_add(P##_mul(y, y), P##_mul(x, x))),         \
                      P##_mul(p, P##_set1((R)0.5)));                           \
        /* Only a NaN or an infinite part makes r a NaN: look for inf then. */ \
        if (P##_any(P##_unord(r, r))) {                                        \
            const V inf = P##_set1((R)INFINITY);                               \
            r = P##_select(P##_mor(P##_eq(ar, inf), P##_eq(ai, inf)), r, inf); \
        }                                                                      \
        return P##_in_order(r);                                                \
    }

BK_DEF_VCABS(vc64_abs, vf, bk_vf, bk_mf, bk_vf_pair, float, 32, 0x7f800000u,
             (uint32_t)255 << 23, FLT_MIN, 0x1p100f, vf_sqrt)
#define BK_DEF_VCABS_C128(c, SQRT)                                             \
    BK_DEF_VCABS(c, vd, bk_vd, bk_md, bk_vd_pair, double, 64, 0x7ff0000000000000ull, \
                 (uint64_t)2047 << 52, DBL_MIN, 0x1p900, SQRT)
BK_DEF_VCABS_C128(vc128_abs, vd_sqrt)

#if BK_VBITS == 512 && defined(SIMDE_X86_AVX512F_NATIVE)
/*
 * The correctly rounded square root of q in [2^-900, 2^900] without the
 * divider, whose vsqrtpd bounds c128 absolute (square roots alone, Ice Lake:
 * 0.91 ns an element by vsqrtpd, 0.47 with every second vector this way,
 * 0.78 with all of them; AVX-512 only, for rsqrt14): rsqrt14's
 * 14 bits, two Goldschmidt steps to y ~ sqrt(q) and h ~ 1/(2 sqrt(q)), and
 * Markstein's last step y + (q - y^2) h. Then checked, exactly, so that no
 * proof of that sequence is relied on: with d = q - y^2 (one FMA), y is the
 * rounded root when -y ulp_below(y) < d <= y ulp(y), the midpoints to its
 * neighbours; all three are multiples of ulp(y)^2, and a d that passes is
 * small enough to be exact. A lane that fails sends the vector to vsqrtpd.
 * 196 M values (near squares of midpoints, exact squares, powers of two):
 * no failure, and every result the bits of sqrt().
 */
BK_INLINE bk_vd vd_sqrt_fma(bk_vd q) {
    const bk_vd half = vd_set1(0.5);
    bk_vd r = _mm512_rsqrt14_pd(q), y = vd_mul(q, r), h = vd_mul(r, half);
    for (int step = 0; step < 2; step++) {
        bk_vd e = _mm512_fnmadd_pd(y, h, half);
        y = _mm512_fmadd_pd(y, e, y);
        h = _mm512_fmadd_pd(h, e, h);
    }
    y = _mm512_fmadd_pd(_mm512_fnmadd_pd(y, y, q), h, y);
    bk_vi yb = vd_as_vi(y);
    bk_vd ulp = vi_as_vd(vi_sub64(vi_and(yb, vi_set1_64(0x7ff0000000000000ull)),
                                  vi_set1_64((uint64_t)52 << 52)));
    bk_vd below = vd_sub(vi_as_vd(vi_sub64(yb, vi_set1_64(1))), y); /* -ulp_below(y) */
    bk_vd d = _mm512_fnmadd_pd(y, y, q);
    if (!vd_all(vd_mand(vd_ge(vd_mul(y, ulp), d), vd_gt(d, vd_mul(y, below)))))
        return vd_sqrt(q);
    return y;
}
BK_DEF_VCABS_C128(vc128_abs_fma, vd_sqrt_fma)
#else
#define vc128_abs_fma vc128_abs
#endif
BK_DEF_UNARY(abs_c64, 8, 4, bk_vf_pair, vc64_load_split, vf_store, vc64_abs, bk_s_abs_c64)
BK_DEF_UNARY2(abs_c128, 16, 8, bk_vd_pair, vc128_load_split, vd_store, vc128_abs, vc128_abs_fma,
              bk_s_abs_c128)
#endif
