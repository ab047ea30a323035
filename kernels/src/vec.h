/*
 * vec.h - the small vocabulary of vector operations the kernels are written
 * in, mapped onto SIMDe at one width: BK_VBITS = 128 (sse2, neon), 256 (avx2)
 * or 512 (avx512). Only intrinsics that SIMDe provides at all three widths are
 * used, so one kernel body serves every target.
 *
 * No vector constants live at file scope: a static initialiser could execute
 * an instruction the CPU lacks before dispatch has checked it.
 */
#ifndef BK_VEC_H
#define BK_VEC_H

#include <stdint.h>

#include "table.h" /* BK_INLINE */

#if BK_VBITS == 128
#include <simde/x86/sse4.2.h>
#include <simde/x86/avx512/abs.h> /* abs_epi64: SSE2 and NEON forms */
typedef simde__m128i bk_vi;
typedef simde__m128 bk_vf;
typedef simde__m128d bk_vd;
#define BK_MM(op) simde_mm_##op
#define BK_SI(op) simde_mm_##op##_si128
#define vi_as_vf simde_mm_castsi128_ps
#define vi_as_vd simde_mm_castsi128_pd
#define vf_as_vi simde_mm_castps_si128
#define vd_as_vi simde_mm_castpd_si128
#define vi_set1_64(x) simde_mm_set1_epi64x((int64_t)(x))
#define vi_set_128(lo, hi) simde_mm_set_epi64x((int64_t)(hi), (int64_t)(lo))
#elif BK_VBITS == 256
#include <simde/x86/avx2.h>
typedef simde__m256i bk_vi;
typedef simde__m256 bk_vf;
typedef simde__m256d bk_vd;
#define BK_MM(op) simde_mm256_##op
#define BK_SI(op) simde_mm256_##op##_si256
#define vi_as_vf simde_mm256_castsi256_ps
#define vi_as_vd simde_mm256_castsi256_pd
#define vf_as_vi simde_mm256_castps_si256
#define vd_as_vi simde_mm256_castpd_si256
#define vi_set1_64(x) simde_mm256_set1_epi64x((int64_t)(x))
#define vi_set_128(lo, hi)                                                     \
    simde_mm256_set_epi64x((int64_t)(hi), (int64_t)(lo), (int64_t)(hi), (int64_t)(lo))
#elif BK_VBITS == 512
#include <simde/x86/avx512.h>
typedef simde__m512i bk_vi;
typedef simde__m512 bk_vf;
typedef simde__m512d bk_vd;
#define BK_MM(op) simde_mm512_##op
#define BK_SI(op) simde_mm512_##op##_si512
#define vi_as_vf simde_mm512_castsi512_ps
#define vi_as_vd simde_mm512_castsi512_pd
#define vf_as_vi simde_mm512_castps_si512
#define vd_as_vi simde_mm512_castpd_si512
#define vi_set1_64(x) simde_mm512_set1_epi64((int64_t)(x))
#define vi_set_128(lo, hi)                                                     \
    simde_mm512_set_epi64((int64_t)(hi), (int64_t)(lo), (int64_t)(hi), (int64_t)(lo),      \
                          (int64_t)(hi), (int64_t)(lo), (int64_t)(hi), (int64_t)(lo))
#else
#error "BK_VBITS must be 128, 256 or 512"
#endif

#define BK_VBYTES (BK_VBITS / 8)

/* ---- integers ----------------------------------------------------------- */

BK_INLINE bk_vi vi_load(const void *p) { return BK_SI(loadu)((const bk_vi *)p); }
BK_INLINE void vi_store(void *p, bk_vi v) { BK_SI(storeu)((bk_vi *)p, v); }
BK_INLINE bk_vi vi_zero(void) { return BK_SI(setzero)(); }
BK_INLINE bk_vi vi_and(bk_vi a, bk_vi b) { return BK_SI(and)(a, b); }
BK_INLINE bk_vi vi_or(bk_vi a, bk_vi b) { return BK_SI(or)(a, b); }
BK_INLINE bk_vi vi_xor(bk_vi a, bk_vi b) { return BK_SI(xor)(a, b); }
BK_INLINE bk_vi vi_set1_8(uint8_t x) { return BK_MM(set1_epi8)((int8_t)x); }
BK_INLINE bk_vi vi_set1_16(uint16_t x) { return BK_MM(set1_epi16)((int16_t)x); }
BK_INLINE bk_vi vi_set1_32(uint32_t x) { return BK_MM(set1_epi32)((int32_t)x); }

BK_INLINE bk_vi vi_add8(bk_vi a, bk_vi b) { return BK_MM(add_epi8)(a, b); }
BK_INLINE bk_vi vi_add16(bk_vi a, bk_vi b) { return BK_MM(add_epi16)(a, b); }
BK_INLINE bk_vi vi_add32(bk_vi a, bk_vi b) { return BK_MM(add_epi32)(a, b); }
BK_INLINE bk_vi vi_add64(bk_vi a, bk_vi b) { return BK_MM(add_epi64)(a, b); }
BK_INLINE bk_vi vi_sub8(bk_vi a, bk_vi b) { return BK_MM(sub_epi8)(a, b); }
BK_INLINE bk_vi vi_sub16(bk_vi a, bk_vi b) { return BK_MM(sub_epi16)(a, b); }
BK_INLINE bk_vi vi_sub32(bk_vi a, bk_vi b) { return BK_MM(sub_epi32)(a, b); }
BK_INLINE bk_vi vi_sub64(bk_vi a, bk_vi b) { return BK_MM(sub_epi64)(a, b); }

/* There is no 8-bit multiply: even and odd bytes go through 16-bit ones. */
BK_INLINE bk_vi vi_mul8(bk_vi a, bk_vi b) {
    bk_vi even = BK_MM(mullo_epi16)(a, b);
    bk_vi odd = BK_MM(mullo_epi16)(BK_MM(srli_epi16)(a, 8), BK_MM(srli_epi16)(b, 8));
    return vi_or(vi_and(even, vi_set1_16(0x00ff)), BK_MM(slli_epi16)(odd, 8));
}
BK_INLINE bk_vi vi_mul16(bk_vi a, bk_vi b) { return BK_MM(mullo_epi16)(a, b); }
BK_INLINE bk_vi vi_mul32(bk_vi a, bk_vi b) {
#if BK_VBITS == 128 && defined(SIMDE_X86_SSE2_NATIVE) && !defined(SIMDE_X86_SSE4_1_NATIVE)
    /* SSE2 has no 32-bit low multiply (SIMDe would fall back to a lane loop):
     * multiply even and odd lanes as 32x32->64 and keep the low halves. */
    bk_vi even = simde_mm_mul_epu32(a, b);
    bk_vi odd = simde_mm_mul_epu32(simde_mm_srli_epi64(a, 32), simde_mm_srli_epi64(b, 32));
    return simde_mm_unpacklo_epi32(simde_mm_shuffle_epi32(even, SIMDE_MM_SHUFFLE(0, 0, 2, 0)),
                                   simde_mm_shuffle_epi32(odd, SIMDE_MM_SHUFFLE(0, 0, 2, 0)));
#else
    return BK_MM(mullo_epi32)(a, b);
#endif
}
BK_INLINE bk_vi vi_mul64(bk_vi a, bk_vi b) {
#if BK_VBITS == 512
    return simde_mm512_mullo_epi64(a, b); /* AVX-512DQ */
#else
    /* lo*lo + ((hi*lo + lo*hi) << 32): the low 64 bits of the product. */
    bk_vi lo = BK_MM(mul_epu32)(a, b);
    bk_vi cross = vi_add64(BK_MM(mul_epu32)(BK_MM(srli_epi64)(a, 32), b),
                           BK_MM(mul_epu32)(a, BK_MM(srli_epi64)(b, 32)));
    return vi_add64(lo, BK_MM(slli_epi64)(cross, 32));
#endif
}

/* Sums of each 8 bytes, as unsigned, into 64-bit lanes. */
BK_INLINE bk_vi vi_sad8(bk_vi a) { return BK_MM(sad_epu8)(a, vi_zero()); }
/* Sums of signed 16-bit pairs into 32-bit lanes. */
BK_INLINE bk_vi vi_hadd16(bk_vi a) { return BK_MM(madd_epi16)(a, vi_set1_16(1)); }
/* The even (low) and odd (high) 32-bit halves of each 64-bit lane, zero-extended. */
BK_INLINE bk_vi vi_lo32(bk_vi a) { return vi_and(a, vi_set1_64(0xffffffffu)); }
BK_INLINE bk_vi vi_hi32(bk_vi a) { return BK_MM(srli_epi64)(a, 32); }

/* SSE2 alone (the sse2 target) lacks most of the min/max, abs, blend and
 * signed multiply instructions of later ISAs, and SIMDe's fallbacks for them
 * are lane-by-lane loops: where BK_SSE2_ONLY, the helpers below build them
 * from SSE2 instructions instead. */
#if BK_VBITS == 128 && !defined(SIMDE_X86_SSE4_1_NATIVE) && !defined(SIMDE_ARM_NEON_A32V7_NATIVE)
#define BK_SSE2_ONLY 1
#else
#define BK_SSE2_ONLY 0
#endif

BK_INLINE bk_vi vi_andnot(bk_vi a, bk_vi b) { return BK_SI(andnot)(a, b); } /* ~a & b */

/*
 * Widening products. vi_madd16: signed 16-bit products summed in pairs into
 * 32-bit lanes (wrapping only for two pairs of -32768 * -32768).
 * vi_mulhi_u16: the high halves of the unsigned 16-bit products.
 * vi_mulx_i32 / vi_mulx_u32: the 64-bit products of the low 32-bit halves of
 * each 64-bit lane. SSE2 multiplies them as unsigned only: the signed product
 * is that less 2^32 * ((a < 0 ? b : 0) + (b < 0 ? a : 0)).
 */
BK_INLINE bk_vi vi_madd16(bk_vi a, bk_vi b) { return BK_MM(madd_epi16)(a, b); }
#if BK_VBITS == 512
/* SIMDe 0.7.4 lacks this one at 512 bits; the avx512 target is always
 * native x86, where simde__m512i is __m512i. */
BK_INLINE bk_vi vi_mulhi_u16(bk_vi a, bk_vi b) { return _mm512_mulhi_epu16(a, b); }
#else
BK_INLINE bk_vi vi_mulhi_u16(bk_vi a, bk_vi b) { return BK_MM(mulhi_epu16)(a, b); }
#endif
BK_INLINE bk_vi vi_mulx_u32(bk_vi a, bk_vi b) { return BK_MM(mul_epu32)(a, b); }
BK_INLINE bk_vi vi_mulx_i32(bk_vi a, bk_vi b) {
#if BK_SSE2_ONLY
    bk_vi c = vi_add32(vi_and(simde_mm_srai_epi32(a, 31), b),
                       vi_and(simde_mm_srai_epi32(b, 31), a));
    return vi_sub64(simde_mm_mul_epu32(a, b), simde_mm_slli_epi64(c, 32));
#else
    return BK_MM(mul_epi32)(a, b);
#endif
}

/* m ? y : x lane by lane, for lane masks of all-ones or all-zeros (not at
 * 512 bits, where comparisons give bit masks). */
#if BK_VBITS < 512
BK_INLINE bk_vi vi_select(bk_vi m, bk_vi x, bk_vi y) {
#if BK_SSE2_ONLY
    return vi_or(vi_and(m, y), vi_andnot(m, x));
#else
    return BK_MM(blendv_epi8)(x, y, m);
#endif
}
#endif

/*
 * v with its lanes moved down by `bytes` (a constant power of two below
 * BK_VBYTES) where a reduction by halving still needs them: lane i takes
 * lane i + bytes / (lane size) for i below that count; other lanes are left
 * unspecified. Within 64 bits, a shift does it.
 */
BK_INLINE bk_vi vi_down(bk_vi v, int bytes) {
    switch (bytes) {
#if BK_VBITS == 512
    case 32:
        return simde_mm512_shuffle_i32x4(v, v, SIMDE_MM_SHUFFLE(3, 2, 3, 2));
    case 16:
        return simde_mm512_shuffle_i32x4(v, v, SIMDE_MM_SHUFFLE(1, 1, 1, 1));
#elif BK_VBITS == 256
    case 16:
        return simde_mm256_permute2x128_si256(v, v, 0x11);
#endif
    case 8:
        return BK_MM(unpackhi_epi64)(v, v);
    case 4:
        return BK_MM(srli_epi64)(v, 32);
    case 2:
        return BK_MM(srli_epi32)(v, 16);
    default:
        return BK_MM(srli_epi16)(v, 8);
    }
}

/*
 * Lane-wise min and max, vi_min_<t> / vi_max_<t> for t in i8 ... u64. Where
 * the ISA has no instruction: SSE2 has them for u8 and i16 only, and flipping
 * the top bit maps i8 onto u8 order and u16 onto i16 order; 32 and 64 bits
 * (and 64 bits below 512) compare and select, unsigned lanes compared as
 * signed after the same flip.
 */
#if BK_VBITS == 512
#define BK_MINMAX_NATIVE_8_32 1
#define BK_MINMAX_NATIVE_64 1
#elif BK_SSE2_ONLY
#define BK_MINMAX_NATIVE_8_32 0
#define BK_MINMAX_NATIVE_64 0
#else
#define BK_MINMAX_NATIVE_8_32 1
#define BK_MINMAX_NATIVE_64 0
#endif
#define BK_DEF_VI_MINMAX_NATIVE(t, e)                                          \
    BK_INLINE bk_vi vi_min_##t(bk_vi a, bk_vi b) { return BK_MM(min_##e)(a, b); } \
    BK_INLINE bk_vi vi_max_##t(bk_vi a, bk_vi b) { return BK_MM(max_##e)(a, b); }
/* Through the op of another order: flip the top bit F before and after. */
#define BK_DEF_VI_MINMAX_FLIP(t, e, F)                                         \
    BK_INLINE bk_vi vi_min_##t(bk_vi a, bk_vi b) {                             \
        return vi_xor(BK_MM(min_##e)(vi_xor(a, F), vi_xor(b, F)), F);          \
    }                                                                          \
    BK_INLINE bk_vi vi_max_##t(bk_vi a, bk_vi b) {                             \
        return vi_xor(BK_MM(max_##e)(vi_xor(a, F), vi_xor(b, F)), F);          \
    }
/* By a signed comparison GT, of a ^ F and b ^ F (F = 0 for signed lanes). */
#define BK_DEF_VI_MINMAX_CMP(t, GT, F)                                         \
    BK_INLINE bk_vi vi_min_##t(bk_vi a, bk_vi b) {                             \
        return vi_select(GT(vi_xor(a, F), vi_xor(b, F)), a, b);                \
    }                                                                          \
    BK_INLINE bk_vi vi_max_##t(bk_vi a, bk_vi b) {                             \
        return vi_select(GT(vi_xor(a, F), vi_xor(b, F)), b, a);                \
    }
#if BK_MINMAX_NATIVE_8_32
BK_DEF_VI_MINMAX_NATIVE(i8, epi8)
BK_DEF_VI_MINMAX_NATIVE(u16, epu16)
BK_DEF_VI_MINMAX_NATIVE(i32, epi32)
BK_DEF_VI_MINMAX_NATIVE(u32, epu32)
#else
BK_DEF_VI_MINMAX_FLIP(i8, epu8, vi_set1_8(0x80))
BK_DEF_VI_MINMAX_FLIP(u16, epi16, vi_set1_16(0x8000))
BK_DEF_VI_MINMAX_CMP(i32, BK_MM(cmpgt_epi32), vi_zero())
BK_DEF_VI_MINMAX_CMP(u32, BK_MM(cmpgt_epi32), vi_set1_32(0x80000000u))
#endif
BK_DEF_VI_MINMAX_NATIVE(u8, epu8)
BK_DEF_VI_MINMAX_NATIVE(i16, epi16)
#if BK_MINMAX_NATIVE_64
BK_DEF_VI_MINMAX_NATIVE(i64, epi64)
BK_DEF_VI_MINMAX_NATIVE(u64, epu64)
#else
BK_DEF_VI_MINMAX_CMP(i64, BK_MM(cmpgt_epi64), vi_zero())
BK_DEF_VI_MINMAX_CMP(u64, BK_MM(cmpgt_epi64), vi_set1_64(0x8000000000000000u))
#endif

/*
 * |x| of signed lanes, wrapping (the most negative value stays itself).
 * SSE2: 8 bits min(x, -x) as unsigned, 16 bits max(x, -x) as signed, 32 bits
 * (x ^ s) - s with s the sign spread; 64 bits below 512 bits the same, with
 * SIMDe's own SSE2 form at 128 bits.
 */
#if BK_SSE2_ONLY
BK_INLINE bk_vi vi_abs_i8(bk_vi a) { return simde_mm_min_epu8(a, vi_sub8(vi_zero(), a)); }
BK_INLINE bk_vi vi_abs_i16(bk_vi a) { return simde_mm_max_epi16(a, vi_sub16(vi_zero(), a)); }
BK_INLINE bk_vi vi_abs_i32(bk_vi a) {
    bk_vi s = simde_mm_srai_epi32(a, 31);
    return vi_sub32(vi_xor(a, s), s);
}
#else
BK_INLINE bk_vi vi_abs_i8(bk_vi a) { return BK_MM(abs_epi8)(a); }
BK_INLINE bk_vi vi_abs_i16(bk_vi a) { return BK_MM(abs_epi16)(a); }
BK_INLINE bk_vi vi_abs_i32(bk_vi a) { return BK_MM(abs_epi32)(a); }
#endif
#if BK_VBITS == 256
BK_INLINE bk_vi vi_abs_i64(bk_vi a) {
    bk_vi s = simde_mm256_cmpgt_epi64(vi_zero(), a);
    return vi_sub64(vi_xor(a, s), s);
}
#else
BK_INLINE bk_vi vi_abs_i64(bk_vi a) { return BK_MM(abs_epi64)(a); }
#endif

/* ---- floats: f32 lanes ("vf") and f64 lanes ("vd") ---------------------- */

BK_INLINE bk_vf vf_load(const void *p) { return BK_MM(loadu_ps)((const float *)p); }
BK_INLINE void vf_store(void *p, bk_vf v) { BK_MM(storeu_ps)((float *)p, v); }
BK_INLINE bk_vf vf_set1(float x) { return BK_MM(set1_ps)(x); }
BK_INLINE bk_vf vf_add(bk_vf a, bk_vf b) { return BK_MM(add_ps)(a, b); }
BK_INLINE bk_vf vf_sub(bk_vf a, bk_vf b) { return BK_MM(sub_ps)(a, b); }
BK_INLINE bk_vf vf_mul(bk_vf a, bk_vf b) { return BK_MM(mul_ps)(a, b); }
BK_INLINE bk_vf vf_div(bk_vf a, bk_vf b) { return BK_MM(div_ps)(a, b); }
BK_INLINE bk_vf vf_xor(bk_vf a, bk_vf b) { return BK_MM(xor_ps)(a, b); }

BK_INLINE bk_vd vd_load(const void *p) { return BK_MM(loadu_pd)((const double *)p); }
BK_INLINE void vd_store(void *p, bk_vd v) { BK_MM(storeu_pd)((double *)p, v); }

/*
 * Streaming stores, to a vector-aligned p, for outputs beyond the caches that
 * nothing has read: they skip the read for ownership of each line. At 512
 * bits large arrays run on the avx2 kernels (BK_LARGE_TO_AVX2 in
 * simd_body.h), so the ordinary stores stand in; on NEON SIMDe's are
 * ordinary stores too.
 */
#if BK_VBITS == 512
#define vi_store_nt vi_store
#define vf_store_nt vf_store
#define vd_store_nt vd_store
#else
BK_INLINE void vi_store_nt(void *p, bk_vi v) { BK_SI(stream)((bk_vi *)p, v); }
BK_INLINE void vf_store_nt(void *p, bk_vf v) { BK_MM(stream_ps)((float *)p, v); }
BK_INLINE void vd_store_nt(void *p, bk_vd v) { BK_MM(stream_pd)((double *)p, v); }
#endif
BK_INLINE bk_vd vd_set1(double x) { return BK_MM(set1_pd)(x); }
BK_INLINE bk_vd vd_add(bk_vd a, bk_vd b) { return BK_MM(add_pd)(a, b); }
BK_INLINE bk_vd vd_sub(bk_vd a, bk_vd b) { return BK_MM(sub_pd)(a, b); }
BK_INLINE bk_vd vd_mul(bk_vd a, bk_vd b) { return BK_MM(mul_pd)(a, b); }
BK_INLINE bk_vd vd_div(bk_vd a, bk_vd b) { return BK_MM(div_pd)(a, b); }
BK_INLINE bk_vd vd_xor(bk_vd a, bk_vd b) { return BK_MM(xor_pd)(a, b); }

#define BK_DEF_VFLOAT_MORE(P, V, S)                                            \
    BK_INLINE V P##_and(V a, V b) { return BK_MM(and_##S)(a, b); }             \
    BK_INLINE V P##_or(V a, V b) { return BK_MM(or_##S)(a, b); }               \
    BK_INLINE V P##_andnot(V a, V b) { return BK_MM(andnot_##S)(a, b); }       \
    BK_INLINE V P##_sqrt(V a) { return BK_MM(sqrt_##S)(a); }                   \
    /* x86 order: a < b ? a : b, so b when either is NaN or both are zeros */ \
    BK_INLINE V P##_min(V a, V b) { return BK_MM(min_##S)(a, b); }             \
    BK_INLINE V P##_max(V a, V b) { return BK_MM(max_##S)(a, b); }
BK_DEF_VFLOAT_MORE(vf, bk_vf, ps)
BK_DEF_VFLOAT_MORE(vd, bk_vd, pd)
BK_INLINE bk_vf vf_abs(bk_vf a) { return vf_andnot(vf_set1(-0.0f), a); }
BK_INLINE bk_vd vd_abs(bk_vd a) { return vd_andnot(vd_set1(-0.0), a); }

/*
 * Comparisons give lane masks (bk_mf, bk_md): vectors of all-ones or
 * all-zeros lanes at 128 and 256 bits, bit masks at 512. vf_select(m, x, y)
 * is m ? y : x; vf_any(m) is whether any lane is set, vf_all(m) whether
 * every lane is. Ordered predicates:
 * false when either operand is NaN; vf_unord is true exactly then.
 */
#if BK_VBITS == 512
typedef simde__mmask16 bk_mf;
typedef simde__mmask8 bk_md;
#define BK_DEF_VCMP(P, V, M, S)                                                \
    BK_INLINE M P##_ge(V a, V b) { return BK_MM(cmp_##S##_mask)(a, b, SIMDE_CMP_GE_OQ); } \
    BK_INLINE M P##_gt(V a, V b) { return BK_MM(cmp_##S##_mask)(a, b, SIMDE_CMP_GT_OQ); } \
    BK_INLINE M P##_eq(V a, V b) { return BK_MM(cmp_##S##_mask)(a, b, SIMDE_CMP_EQ_OQ); } \
    BK_INLINE M P##_unord(V a, V b) { return BK_MM(cmp_##S##_mask)(a, b, SIMDE_CMP_UNORD_Q); } \
    BK_INLINE M P##_mand(M a, M b) { return (M)(a & b); }                      \
    BK_INLINE M P##_mor(M a, M b) { return (M)(a | b); }                       \
    BK_INLINE V P##_select(M m, V x, V y) { return BK_MM(mask_blend_##S)(m, x, y); } \
    BK_INLINE int P##_any(M m) { return m != 0; }                              \
    BK_INLINE int P##_all(M m) { return m == (M)-1; }
#else
typedef bk_vf bk_mf;
typedef bk_vd bk_md;
#if BK_VBITS == 128
#define BK_VCMP_(S, a, b, pred, name) simde_mm_cmp##name##_##S(a, b)
#else
#define BK_VCMP_(S, a, b, pred, name) simde_mm256_cmp_##S(a, b, pred)
#endif
#if BK_SSE2_ONLY
#define BK_VSELECT_(P, S, m, x, y) P##_or(P##_and(m, y), P##_andnot(m, x))
#else
#define BK_VSELECT_(P, S, m, x, y) BK_MM(blendv_##S)(x, y, m)
#endif
#define BK_DEF_VCMP(P, V, M, S)                                                \
    BK_INLINE M P##_ge(V a, V b) { return BK_VCMP_(S, a, b, SIMDE_CMP_GE_OQ, ge); } \
    BK_INLINE M P##_gt(V a, V b) { return BK_VCMP_(S, a, b, SIMDE_CMP_GT_OQ, gt); } \
    BK_INLINE M P##_eq(V a, V b) { return BK_VCMP_(S, a, b, SIMDE_CMP_EQ_OQ, eq); } \
    BK_INLINE M P##_unord(V a, V b) { return BK_VCMP_(S, a, b, SIMDE_CMP_UNORD_Q, unord); } \
    BK_INLINE M P##_mand(M a, M b) { return P##_and(a, b); }                   \
    BK_INLINE M P##_mor(M a, M b) { return P##_or(a, b); }                     \
    BK_INLINE V P##_select(M m, V x, V y) { return BK_VSELECT_(P, S, m, x, y); } \
    BK_INLINE int P##_any(M m) { return BK_MM(movemask_##S)(m) != 0; }        \
    BK_INLINE int P##_all(M m) {                                               \
        return BK_MM(movemask_##S)(m) == (1 << sizeof(V) / BK_LANE_BYTES_##S) - 1; \
    }
#define BK_LANE_BYTES_ps 4
#define BK_LANE_BYTES_pd 8
#endif
BK_DEF_VCMP(vf, bk_vf, bk_mf, ps)
BK_DEF_VCMP(vd, bk_vd, bk_md, pd)

/*
 * min and max in the total order of the reductions: -0.0 below +0.0, and a
 * NaN in either operand gives a NaN (any NaN: the kernels find the first one
 * with the scalar loop). NEON's fmin/fmax do exactly that. On x86, the OR of
 * minps both ways round keeps the sign of -0.0 and keeps a NaN (setting bits
 * of a NaN leaves a NaN); the AND of maxps both ways round keeps +0.0 but not
 * a NaN, which an unordered compare puts back (all-ones is a NaN; at 512 bits
 * a masked OR of the operands). That max costs two instructions more than
 * the min, so below 512 bits a max reduction runs faster as -min(-x), one XOR
 * a vector (BK_MAX_AS_NEG_MIN; f32 max, 64 KiB, avx2: 2.28 us against 2.74).
 * AVX-512DQ's range, which orders zeros too but passes over quiet NaNs,
 * measured slower with the NaN put back (2.07 us against 1.40).
 *
 * Where AVX-512DQ is native, the reductions instead take range on x put
 * through minps(x, x) (P##_min_flagnan): x again, but minps raises the invalid
 * flag when x is a NaN, so the kernel learns of a NaN from MXCSR, not from the
 * lanes. Two instructions a vector, where the total order takes three or four,
 * and even DRAM-bound streams felt it: one thread on the Xeon Ice Lake, max
 * f32 at 64 KiB 1303 -> 760 ns, min f32 at 64 KiB 832 -> 737 ns, at 192 MiB
 * 21.5 -> 20.8 ms. A raised
 * invalid flag and an unmasked invalid trap are put aside for the call
 * (bk_fp_probe_*): the kernel loses no flag and cannot trap.
 */
#if BK_VBITS == 512 && defined(SIMDE_X86_AVX512DQ_NATIVE) && defined(__GNUC__)
#define BK_EXTREME_NAN_BY_FLAG 1
#define BK_DEF_VFLAGNAN(P, V, S)                                               \
    BK_INLINE V P##_min_flagnan(V acc, V x) {                                  \
        return BK_MM(range_##S)(acc, BK_MM(min_##S)(x, x), 0x4); /* 4: min, its own sign */ \
    }                                                                          \
    BK_INLINE V P##_max_flagnan(V acc, V x) {                                  \
        return BK_MM(range_##S)(acc, BK_MM(min_##S)(x, x), 0x5);                \
    }
BK_DEF_VFLAGNAN(vf, bk_vf, ps)
BK_DEF_VFLAGNAN(vd, bk_vd, pd)
enum { BK_MXCSR_IE = 0x1, BK_MXCSR_IM = 0x80 };
/* The MXCSR as found. Only when the invalid flag is raised, or its trap
 * unmasked, is it changed (flag cleared, trap masked): an LDMXCSR each way
 * cost 5 ns a call (min f32 of 16 elements, 18 -> 23 ns). The memory clobber
 * keeps every load of the elements, so every minps, after it. */
BK_INLINE unsigned bk_fp_probe_begin(void) {
    unsigned saved, probe;
    __asm__ volatile("vstmxcsr %0" : "=m"(saved) : : "memory");
    if ((saved & (BK_MXCSR_IE | BK_MXCSR_IM)) != BK_MXCSR_IM) {
        probe = (saved & ~(unsigned)BK_MXCSR_IE) | BK_MXCSR_IM;
        __asm__ volatile("vldmxcsr %0" : : "m"(probe) : "memory");
    }
    return saved;
}
/* Whether a NaN went through minps since bk_fp_probe_begin, with the MXCSR
 * put back as it was when it changed. `last` is the reduction's result:
 * reading the flags after it is computed orders them after every minps it
 * depends on. (r, its first lane, is what the other way of finding a NaN
 * looks at.) */
#define BK_DEF_FP_PROBE_END(V, T)                                              \
    BK_INLINE int bk_fp_probe_end_##V(unsigned saved, V last, T r) {           \
        unsigned now;                                                          \
        (void)r;                                                               \
        __asm__ volatile("vstmxcsr %0" : "=m"(now) : "v"(last) : "memory");    \
        if ((saved & (BK_MXCSR_IE | BK_MXCSR_IM)) != BK_MXCSR_IM || (now & BK_MXCSR_IE)) \
            __asm__ volatile("vldmxcsr %0" : : "m"(saved) : "memory");         \
        return (now & BK_MXCSR_IE) != 0;                                       \
    }
BK_DEF_FP_PROBE_END(bk_vf, float)
BK_DEF_FP_PROBE_END(bk_vd, double)
#else
#define BK_EXTREME_NAN_BY_FLAG 0
#endif
#if defined(SIMDE_ARM_NEON_A64V8_NATIVE) || BK_VBITS == 512
#define BK_MAX_AS_NEG_MIN 0
#else
#define BK_MAX_AS_NEG_MIN 1
#endif
#if defined(SIMDE_ARM_NEON_A64V8_NATIVE)
#define BK_NEON_(V, NT, OP, a, b)                                              \
    simde__##V##_from_neon_##NT(OP(simde__##V##_to_neon_##NT(a), simde__##V##_to_neon_##NT(b)))
#define BK_DEF_VTOTAL(P, V, S) /* defined here, by lane type */
BK_INLINE bk_vf vf_min_total(bk_vf a, bk_vf b) { return BK_NEON_(m128, f32, vminq_f32, a, b); }
BK_INLINE bk_vf vf_max_total(bk_vf a, bk_vf b) { return BK_NEON_(m128, f32, vmaxq_f32, a, b); }
BK_INLINE bk_vd vd_min_total(bk_vd a, bk_vd b) { return BK_NEON_(m128d, f64, vminq_f64, a, b); }
BK_INLINE bk_vd vd_max_total(bk_vd a, bk_vd b) { return BK_NEON_(m128d, f64, vmaxq_f64, a, b); }
#else
#if BK_VBITS == 512
#define BK_MAX_TOTAL_(P, S, a, b)                                              \
    P##_select(P##_unord(a, b), P##_and(P##_max(a, b), P##_max(b, a)), P##_or(a, b))
#else
#define BK_MAX_TOTAL_(P, S, a, b)                                              \
    P##_or(P##_and(P##_max(a, b), P##_max(b, a)), P##_unord(a, b))
#endif
#define BK_DEF_VTOTAL(P, V, S)                                                 \
    BK_INLINE V P##_min_total(V a, V b) { return P##_or(P##_min(a, b), P##_min(b, a)); } \
    BK_INLINE V P##_max_total(V a, V b) { return BK_MAX_TOTAL_(P, S, a, b); }
#endif
BK_DEF_VTOTAL(vf, bk_vf, ps)
BK_DEF_VTOTAL(vd, bk_vd, pd)

/* ---- complex: interleaved (re, im) pairs -------------------------------- */

/* Sign bit on the real lane of each pair, to turn a + b into a - b there,
 * and on the imaginary lane, to conjugate. */
BK_INLINE bk_vf vf_sign_re(void) { return vi_as_vf(vi_set1_64(0x80000000u)); }
BK_INLINE bk_vf vf_sign_im(void) { return vi_as_vf(vi_set1_64(0x8000000000000000u)); }
/* Loaded from data: GCC 12 rebuilt the alternating constant in every loop
 * iteration at 512 bits when it was written as set_epi64. */
/* One more entry than a vector holds: from index 1 on it is the imaginary
 * lanes' pattern. */
static const uint64_t bk_sign_re64[9] = {1ull << 63, 0, 1ull << 63, 0, 1ull << 63,
                                         0,          1ull << 63, 0, 1ull << 63};
BK_INLINE bk_vd vd_sign_re(void) { return vi_as_vd(vi_load(bk_sign_re64)); }
BK_INLINE bk_vd vd_sign_im(void) { return vi_as_vd(vi_load(bk_sign_re64 + 1)); }

#if BK_VBITS == 512
/*
 * No in-lane float shuffle at 512 bits in SIMDe 0.7.4: a full permute. The
 * indices are plain integer data loaded where used: GCC 12 rebuilt them from
 * broadcasts in every loop iteration when they were written as set_epi*.
 */
static const int32_t bk_idx_dup_re32[16] = {0, 0, 2, 2, 4, 4, 6, 6, 8, 8, 10, 10, 12, 12, 14, 14};
static const int32_t bk_idx_dup_im32[16] = {1, 1, 3, 3, 5, 5, 7, 7, 9, 9, 11, 11, 13, 13, 15, 15};
static const int32_t bk_idx_swap32[16] = {1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14};
static const int64_t bk_idx_dup_re64[8] = {0, 0, 2, 2, 4, 4, 6, 6};
static const int64_t bk_idx_dup_im64[8] = {1, 1, 3, 3, 5, 5, 7, 7};
static const int64_t bk_idx_swap64[8] = {1, 0, 3, 2, 5, 4, 7, 6};
BK_INLINE bk_vf vf_dup_re(bk_vf a) { return simde_mm512_permutexvar_ps(vi_load(bk_idx_dup_re32), a); }
BK_INLINE bk_vf vf_dup_im(bk_vf a) { return simde_mm512_permutexvar_ps(vi_load(bk_idx_dup_im32), a); }
BK_INLINE bk_vf vf_swap_pairs(bk_vf a) {
    return simde_mm512_permutexvar_ps(vi_load(bk_idx_swap32), a);
}
BK_INLINE bk_vd vd_dup_re(bk_vd a) { return simde_mm512_permutexvar_pd(vi_load(bk_idx_dup_re64), a); }
BK_INLINE bk_vd vd_dup_im(bk_vd a) { return simde_mm512_permutexvar_pd(vi_load(bk_idx_dup_im64), a); }
BK_INLINE bk_vd vd_swap_pairs(bk_vd a) {
    return simde_mm512_permutexvar_pd(vi_load(bk_idx_swap64), a);
}
#else
BK_INLINE bk_vf vf_dup_re(bk_vf a) { return BK_MM(shuffle_ps)(a, a, SIMDE_MM_SHUFFLE(2, 2, 0, 0)); }
BK_INLINE bk_vf vf_dup_im(bk_vf a) { return BK_MM(shuffle_ps)(a, a, SIMDE_MM_SHUFFLE(3, 3, 1, 1)); }
BK_INLINE bk_vf vf_swap_pairs(bk_vf a) {
    return BK_MM(shuffle_ps)(a, a, SIMDE_MM_SHUFFLE(2, 3, 0, 1));
}
#if BK_VBITS == 128
BK_INLINE bk_vd vd_dup_re(bk_vd a) { return simde_mm_shuffle_pd(a, a, 0); }
BK_INLINE bk_vd vd_dup_im(bk_vd a) { return simde_mm_shuffle_pd(a, a, 3); }
BK_INLINE bk_vd vd_swap_pairs(bk_vd a) { return simde_mm_shuffle_pd(a, a, 1); }
#else
BK_INLINE bk_vd vd_dup_re(bk_vd a) { return simde_mm256_permute_pd(a, 0x0); }
BK_INLINE bk_vd vd_dup_im(bk_vd a) { return simde_mm256_permute_pd(a, 0xf); }
BK_INLINE bk_vd vd_swap_pairs(bk_vd a) { return simde_mm256_permute_pd(a, 0x5); }
#endif
#endif

/*
 * (ar + ai i)(br + bi i) on every pair: [ar*br - ai*bi, ai*br + ar*bi], the
 * same products and sums as the scalar formula, so the result is bit-exact
 * with it (x - y is x + (-y) in IEEE arithmetic; addition commutes).
 */
BK_INLINE bk_vf vc64_mul(bk_vf a, bk_vf b) {
    bk_vf t1 = vf_mul(a, vf_dup_re(b));
    bk_vf t2 = vf_mul(vf_swap_pairs(a), vf_dup_im(b));
    return vf_add(t1, vf_xor(t2, vf_sign_re()));
}
BK_INLINE bk_vd vc128_mul(bk_vd a, bk_vd b) {
    bk_vd t1 = vd_mul(a, vd_dup_re(b));
    bk_vd t2 = vd_mul(vd_swap_pairs(a), vd_dup_im(b));
    return vd_add(t1, vd_xor(t2, vd_sign_re()));
}

/*
 * Complex vectors split into their real and imaginary parts, for the ops
 * whose lanes must not mix the two (division, magnitude): vf_split turns two
 * vectors of interleaved pairs into one of real and one of imaginary parts,
 * in an order vf_join undoes; vf_in_order puts a vector of per-element results
 * in element order (256 bits splits within 128-bit lanes).
 */
typedef struct { bk_vf re, im; } bk_vf_pair;
typedef struct { bk_vd re, im; } bk_vd_pair;
#if BK_VBITS == 512
/* Two-source permutes, element order kept (indices as data: see above). */
static const int32_t bk_idx_split32[32] = {0,  2,  4,  6,  8,  10, 12, 14, 16, 18, 20,
                                           22, 24, 26, 28, 30, 1,  3,  5,  7,  9,  11,
                                           13, 15, 17, 19, 21, 23, 25, 27, 29, 31};
static const int32_t bk_idx_join32[32] = {0, 16, 1,  17, 2,  18, 3,  19, 4,  20, 5,
                                          21, 6, 22, 7,  23, 8,  24, 9,  25, 10, 26,
                                          11, 27, 12, 28, 13, 29, 14, 30, 15, 31};
static const int64_t bk_idx_split64[16] = {0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15};
static const int64_t bk_idx_join64[16] = {0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15};
#define BK_PERMUTE2_(S, a, idx, b) BK_MM(permutex2var_##S)(a, vi_load(idx), b)
#define BK_DEF_VSPLIT(P, V, PAIR, S, IDX_SPLIT, IDX_JOIN)                      \
    BK_INLINE PAIR P##_split(V v0, V v1) {                                     \
        enum { H = BK_VBYTES / sizeof(IDX_SPLIT[0]) };                         \
        PAIR r = {BK_PERMUTE2_(S, v0, IDX_SPLIT, v1), BK_PERMUTE2_(S, v0, IDX_SPLIT + H, v1)}; \
        return r;                                                              \
    }                                                                          \
    BK_INLINE void P##_join(PAIR q, V *v0, V *v1) {                            \
        enum { H = BK_VBYTES / sizeof(IDX_JOIN[0]) };                          \
        *v0 = BK_PERMUTE2_(S, q.re, IDX_JOIN, q.im);                           \
        *v1 = BK_PERMUTE2_(S, q.re, IDX_JOIN + H, q.im);                       \
    }                                                                          \
    BK_INLINE V P##_in_order(V r) { return r; }
BK_DEF_VSPLIT(vf, bk_vf, bk_vf_pair, ps, bk_idx_split32, bk_idx_join32)
BK_DEF_VSPLIT(vd, bk_vd, bk_vd_pair, pd, bk_idx_split64, bk_idx_join64)
#else
BK_INLINE bk_vf_pair vf_split(bk_vf v0, bk_vf v1) {
    bk_vf_pair r = {BK_MM(shuffle_ps)(v0, v1, SIMDE_MM_SHUFFLE(2, 0, 2, 0)),
                    BK_MM(shuffle_ps)(v0, v1, SIMDE_MM_SHUFFLE(3, 1, 3, 1))};
    return r;
}
BK_INLINE void vf_join(bk_vf_pair q, bk_vf *v0, bk_vf *v1) {
    *v0 = BK_MM(unpacklo_ps)(q.re, q.im);
    *v1 = BK_MM(unpackhi_ps)(q.re, q.im);
}
BK_INLINE bk_vd_pair vd_split(bk_vd v0, bk_vd v1) {
    bk_vd_pair r = {BK_MM(unpacklo_pd)(v0, v1), BK_MM(unpackhi_pd)(v0, v1)};
    return r;
}
BK_INLINE void vd_join(bk_vd_pair q, bk_vd *v0, bk_vd *v1) {
    *v0 = BK_MM(unpacklo_pd)(q.re, q.im);
    *v1 = BK_MM(unpackhi_pd)(q.re, q.im);
}
#if BK_VBITS == 128
BK_INLINE bk_vf vf_in_order(bk_vf r) { return r; }
BK_INLINE bk_vd vd_in_order(bk_vd r) { return r; }
#else
/* The split's 64-bit chunks hold elements 0-1 4-5 2-3 6-7 (f32), 0 2 1 3 (f64). */
BK_INLINE bk_vd vd_in_order(bk_vd r) {
    return simde_mm256_permute4x64_pd(r, SIMDE_MM_SHUFFLE(3, 1, 2, 0));
}
BK_INLINE bk_vf vf_in_order(bk_vf r) {
    return simde_mm256_castpd_ps(vd_in_order(simde_mm256_castps_pd(r)));
}
#endif
#endif
/* Two vectors of complex elements at p, split; stored back joined. */
BK_INLINE bk_vf_pair vc64_load_split(const void *p) {
    return vf_split(vf_load(p), vf_load((const char *)p + BK_VBYTES));
}
BK_INLINE bk_vd_pair vc128_load_split(const void *p) {
    return vd_split(vd_load(p), vd_load((const char *)p + BK_VBYTES));
}
BK_INLINE void vc64_store_join(void *p, bk_vf_pair q) {
    bk_vf v0, v1;
    vf_join(q, &v0, &v1);
    vf_store(p, v0);
    vf_store((char *)p + BK_VBYTES, v1);
}
BK_INLINE void vc128_store_join(void *p, bk_vd_pair q) {
    bk_vd v0, v1;
    vd_join(q, &v0, &v1);
    vd_store(p, v0);
    vd_store((char *)p + BK_VBYTES, v1);
}


/* ---- vectors of a stream that is not vector-aligned ---------------------- */

/*
 * A vector that straddles two cache lines costs two line accesses. NumPy's
 * small arrays come from malloc, 16 bytes past a line three times in four,
 * and a reduction cannot choose where its lanes start (the bits may not
 * depend on the address): dot f64, 64 KiB, Xeon (Ice Lake) avx512, 1.26 us
 * aligned against 1.83-2.23 us at 16 or 32 bytes past a line. Where the
 * target has a two-source permute for the offset, vector j of a stream at p
 * is joined from the aligned vectors at al + jV and al + (j+1)V (al: p
 * rounded down), so that every line is read once. Those lie within the
 * stream's nvec vectors only for 1 <= j <= nvec - 2: callers load the first
 * and the last vector directly (join 0). In other words, a joined run of m
 * vectors from q reads up to a vector before q and a vector after q + mV.
 * Joins pay between BK_JOIN_FROM and BK_JOIN_UNTIL bytes (table.h).
 */
typedef struct {
    const char *p, *al;
    bk_vi sel;
} bk_src;
BK_INLINE int src_joinable(const void *p) {
    size_t off = (uintptr_t)p % BK_VBYTES;
#if BK_VBITS == 512
    return off && off % 4 == 0; /* vpermt2d: any whole 32-bit lane */
#else
    /*
     * 256 bits: only every second vector straddles at NumPy's 16 bytes, and
     * joining them by vperm2i128 measured slower (Xeon Ice Lake avx2, 64
     * KiB at 16 bytes: sum f64 955 ns straddling against 1208 joined, dot
     * f32 2190 against 2710). 128 bits at 16 bytes never straddle.
     */
    (void)off;
    return 0;
#endif
}
/* A stream at p; join: whether its vectors will be joined (src_joinable). */
BK_INLINE bk_src src_open(const void *p, int join) {
    bk_src s;
    s.p = (const char *)p;
    s.al = s.p - (uintptr_t)p % BK_VBYTES;
    s.sel = vi_zero();
#if BK_VBITS == 512
    /* (SIMDe's set_epi32 builds a vector a lane at a time: load it.) */
    static const uint32_t iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    if (join)
        s.sel = vi_add32(vi_load(iota), vi_set1_32((uint32_t)((uintptr_t)p % BK_VBYTES / 4)));
#else
    (void)join;
#endif
    return s;
}
/* The permute joining two aligned vectors into the stream's vector between. */
BK_INLINE bk_vi src_join(bk_src s, bk_vi lo, bk_vi hi) {
#if BK_VBITS == 512
    return simde_mm512_permutex2var_epi32(lo, s.sel, hi);
#else
    (void)s, (void)hi;
    return lo; /* never joinable */
#endif
}
/* An aligned vector of the stream, kept in a register: the empty asm stops
 * the compiler from folding the load into both permutes that use it, which
 * would load it twice. */
BK_INLINE bk_vi src_aligned(bk_src s, size_t k) {
    bk_vi v = BK_SI(load)((const bk_vi *)(s.al + k * BK_VBYTES));
    __asm__("" : "+v"(v));
    return v;
}
/* A stream's vectors one at a time, in order: lo holds the aligned vector
 * the next join starts from. join is a constant in every caller, so that each
 * loop compiles to one form or the other. */
typedef struct {
    bk_src s;
    bk_vi lo;
} bk_cursor;
BK_INLINE bk_cursor cur_open(const void *p, int join) {
    bk_cursor c;
    c.s = src_open(p, join);
    c.lo = join ? src_aligned(c.s, 0) : vi_zero();
    return c;
}
BK_INLINE bk_vi cur_vi(bk_cursor *c, size_t j, int join) {
    if (!join)
        return vi_load(c->s.p + j * BK_VBYTES);
    bk_vi hi = src_aligned(c->s, j + 1), v = src_join(c->s, c->lo, hi);
    c->lo = hi;
    return v;
}
/* Vectors j .. j + cnt - 1 of the stream into v. */
BK_INLINE void src_run(bk_src s, size_t j, int join, bk_vi *v, int cnt) {
    bk_cursor c = {s, join ? src_aligned(s, j) : vi_zero()};
    for (int u = 0; u < cnt; u++)
        v[u] = cur_vi(&c, j + (size_t)u, join);
}

#endif
