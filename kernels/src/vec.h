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

#if BK_VBITS == 128
#include <simde/x86/sse4.1.h>
typedef simde__m128i bk_vi;
typedef simde__m128 bk_vf;
typedef simde__m128d bk_vd;
#define BK_MM(op) simde_mm_##op
#define BK_SI(op) simde_mm_##op##_si128
#define vi_as_vf simde_mm_castsi128_ps
#define vi_as_vd simde_mm_castsi128_pd
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
#define vi_set1_64(x) simde_mm512_set1_epi64((int64_t)(x))
#define vi_set_128(lo, hi)                                                     \
    simde_mm512_set_epi64((int64_t)(hi), (int64_t)(lo), (int64_t)(hi), (int64_t)(lo),      \
                          (int64_t)(hi), (int64_t)(lo), (int64_t)(hi), (int64_t)(lo))
#else
#error "BK_VBITS must be 128, 256 or 512"
#endif

#define BK_VBYTES (BK_VBITS / 8)
#define BK_INLINE static inline __attribute__((always_inline))

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
BK_INLINE bk_vd vd_set1(double x) { return BK_MM(set1_pd)(x); }
BK_INLINE bk_vd vd_add(bk_vd a, bk_vd b) { return BK_MM(add_pd)(a, b); }
BK_INLINE bk_vd vd_sub(bk_vd a, bk_vd b) { return BK_MM(sub_pd)(a, b); }
BK_INLINE bk_vd vd_mul(bk_vd a, bk_vd b) { return BK_MM(mul_pd)(a, b); }
BK_INLINE bk_vd vd_div(bk_vd a, bk_vd b) { return BK_MM(div_pd)(a, b); }
BK_INLINE bk_vd vd_xor(bk_vd a, bk_vd b) { return BK_MM(xor_pd)(a, b); }

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

#endif
