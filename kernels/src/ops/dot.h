/*
 * dot: sum(a[i] * b[i]), no conjugation. Integers: every product and the sum
 * in int64 (signed) or uint64 (unsigned), wrapping, i.e. exactly
 * sum(int(a[i]) * int(b[i])) modulo 2^64. Floats: one rounding per product,
 * then the blocked pairwise sum of sum.h. Complex: the products of mul.h,
 * summed componentwise like sum.h.
 */
#ifndef BK_OPS_DOT_H
#define BK_OPS_DOT_H
#define BK_S_DOT_sint(name, T, S, R)                                           \
    static inline S bk_s_dot_##name(const void *a, const void *b, size_t n) {  \
        uint64_t acc = 0;                                                      \
        for (size_t i = 0; i < n; i++)                                         \
            acc += (uint64_t)(S)bk_ld_##name(a, i) * (uint64_t)(S)bk_ld_##name(b, i); \
        return (S)acc;                                                         \
    }
#define BK_S_DOT_uint BK_S_DOT_sint
/* Products go through a block buffer, then through the pairwise sum. */
#define BK_DOT_BLOCK 128
#define BK_S_DOT_float(name, T, S, R)                                          \
    static inline S bk_s_dot_##name(const void *a, const void *b, size_t n) {  \
        bk_pairwise_##R pw;                                                    \
        pw.count = 0;                                                          \
        if (n == 0)                                                            \
            return (S)0;                                                       \
        for (size_t i = 0; i < n; i += BK_DOT_BLOCK) {                         \
            size_t m = n - i < BK_DOT_BLOCK ? n - i : BK_DOT_BLOCK;            \
            T p[BK_DOT_BLOCK];                                                 \
            for (size_t j = 0; j < m; j++)                                     \
                p[j] = bk_e_mul_##name(bk_ld_##name(a, i + j), bk_ld_##name(b, i + j)); \
            bk_pairwise_push_##R(&pw, bk_s_sum_##name(p, m));                  \
        }                                                                      \
        return bk_pairwise_total_##R(&pw);                                     \
    }
#define BK_S_DOT_cplx(name, T, S, R)                                        \
    static inline S bk_s_dot_##name(const void *a, const void *b, size_t n) {  \
        bk_pairwise_##R re, im;                                                \
        re.count = im.count = 0;                                               \
        S s = {0, 0};                                                          \
        if (n == 0)                                                            \
            return s;                                                          \
        for (size_t i = 0; i < n; i += BK_DOT_BLOCK) {                         \
            size_t m = n - i < BK_DOT_BLOCK ? n - i : BK_DOT_BLOCK;            \
            T p[BK_DOT_BLOCK];                                                 \
            for (size_t j = 0; j < m; j++)                                     \
                p[j] = bk_e_mul_##name(bk_ld_##name(a, i + j), bk_ld_##name(b, i + j)); \
            S bs = bk_s_sum_##name(p, m);                                      \
            bk_pairwise_push_##R(&re, bs.re);                                  \
            bk_pairwise_push_##R(&im, bs.im);                                  \
        }                                                                      \
        s.re = bk_pairwise_total_##R(&re);                                     \
        s.im = bk_pairwise_total_##R(&im);                                     \
        return s;                                                              \
    }
#define BK_X_S_DOT(name, ENUM, T, S, kind, R, RENUM) BK_S_DOT_##kind(name, T, S, R)
BK_DTYPES(BK_X_S_DOT)
#undef BK_X_S_DOT
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_DOT_V)
#define BK_OPS_DOT_V
/* ---- floats and complex: sum.h's lanes, over products ----------------------- */

/* One rounding per product, as in the scalar loop (mul.h's products). */
#define BK_TERMS_DOT_vf vf_mul
#define BK_TERMS_DOT_vd vd_mul
#define BK_TERMS_CDOT_vf vc64_mul
#define BK_TERMS_CDOT_vd vc128_mul
BK_DEF_LANES(fdot_lanes_float, float, vf, bk_vf, BK_TERMS_DOT_vf)
BK_DEF_LANES(fdot_lanes_double, double, vd, bk_vd, BK_TERMS_DOT_vd)
BK_DEF_LANES(cdot_lanes_float, float, vf, bk_vf, BK_TERMS_CDOT_vf)
BK_DEF_LANES(cdot_lanes_double, double, vd, bk_vd, BK_TERMS_CDOT_vd)
BK_DEF_FREDUCE(dot, f32, float, float, vf, float, fdot_lanes_float)
BK_DEF_FREDUCE(dot, f64, double, double, vd, float, fdot_lanes_double)
BK_DEF_FREDUCE(dot, c64, bk_c64, float, vf, cplx, cdot_lanes_float)
BK_DEF_FREDUCE(dot, c128, bk_c128, double, vd, cplx, cdot_lanes_double)

/* ---- integers: exact products, summed modulo 2^64 ---------------------------- */

/*
 * 8 bits: even and odd bytes widened to 16-bit lanes (sign- or zero-extended),
 * multiplied and added in pairs into 32-bit lanes. A pair is below 2^17 in
 * magnitude, so after BK_IDOT8_CHUNK iterations each accumulator's lanes stay
 * below 2^29 and their sum below 2^31; it then moves to 64 bits.
 */
enum { BK_IDOT8_CHUNK = 4096 };
/* vdot*(pa, pb, nvec, join): the loop over nvec vectors, one compiled form
 * for a b read directly and one for a b joined from aligned loads (vec.h). */
#define BK_DEF_VDOT_JOIN(name)                                                 \
    static uint64_t name(const char *pa, const char *pb, size_t nvec, int join) { \
        if (bk_reduce_streams) /* beyond the caches: prefetching (simd_body.h) */ \
            return join ? name##_body(pa, pb, nvec, 1, 1) : name##_body(pa, pb, nvec, 0, 1); \
        return join ? name##_body(pa, pb, nvec, 1, 0) : name##_body(pa, pb, nvec, 0, 0); \
    }
/* The lines of vector j of a and b, BK_PREFETCH_AHEAD bytes ahead, when pf. */
#define BK_DOT_PREFETCH(pf, pa, pb, j)                                         \
    do {                                                                       \
        if (pf) {                                                              \
            bk_prefetch_ahead((pa) + (j) * BK_VBYTES, BK_VBYTES);              \
            bk_prefetch_ahead((pb) + (j) * BK_VBYTES, BK_VBYTES);              \
        }                                                                      \
    } while (0)
BK_INLINE bk_vi vi_even8_i(bk_vi x) { return BK_MM(srai_epi16)(BK_MM(slli_epi16)(x, 8), 8); }
BK_INLINE bk_vi vi_odd8_i(bk_vi x) { return BK_MM(srai_epi16)(x, 8); }
BK_INLINE bk_vi vi_even8_u(bk_vi x) { return vi_and(x, vi_set1_16(0x00ff)); }
BK_INLINE bk_vi vi_odd8_u(bk_vi x) { return BK_MM(srli_epi16)(x, 8); }
#define BK_DEF_VDOT8(s)                                                        \
    BK_INLINE uint64_t vdot8_##s##_body(const char *pa, const char *pb, size_t nvec, int join, int pf) { \
        bk_cursor cb = cur_open(pb, join);                                     \
        uint64_t total = 0;                                                    \
        for (size_t i = 0; i < nvec;) {                                        \
            size_t m = nvec - i < BK_IDOT8_CHUNK ? nvec - i : BK_IDOT8_CHUNK;  \
            bk_vi even = vi_zero(), odd = vi_zero();                           \
            for (size_t j = i; j < i + m; j++) {                               \
                BK_DOT_PREFETCH(pf, pa, pb, j);                                \
                bk_vi x = vi_load(pa + j * BK_VBYTES), y = cur_vi(&cb, j, join);  \
                even = vi_add32(even, vi_madd16(vi_even8_##s(x), vi_even8_##s(y))); \
                odd = vi_add32(odd, vi_madd16(vi_odd8_##s(x), vi_odd8_##s(y)));     \
            }                                                                  \
            total += hsum_i32(vi_add32(even, odd));                            \
            i += m;                                                            \
        }                                                                      \
        return total;                                                          \
    }                                                                          \
    BK_DEF_VDOT_JOIN(vdot8_##s)
BK_DEF_VDOT8(i)
BK_DEF_VDOT8(u)

/*
 * int16: a multiply-add gives each pair's sum t in (-2^31, 2^31], which
 * wraps to a 32-bit lane only at 2^31. Adding 2^31 - 1 (wrapping) leaves t +
 * 2^31 - 1 exactly as an unsigned lane; its halves go to 64-bit sums, and the
 * 2^31 - 1 per pair comes off at the end.
 */
BK_INLINE uint64_t vdot16_i_body(const char *pa, const char *pb, size_t nvec, int join, int pf) {
    bk_cursor cb = cur_open(pb, join);
    const bk_vi bias = vi_set1_32(0x7fffffffu);
    bk_vi lo = vi_zero(), hi = vi_zero();
    for (size_t j = 0; j < nvec; j++) {
        BK_DOT_PREFETCH(pf, pa, pb, j);
        bk_vi x = vi_load(pa + j * BK_VBYTES), y = cur_vi(&cb, j, join);
        bk_vi t = vi_add32(vi_madd16(x, y), bias);
        lo = vi_add64(lo, vi_lo32(t));
        hi = vi_add64(hi, vi_hi32(t));
    }
    return hsum_u64(vi_add64(lo, hi)) - (uint64_t)0x7fffffffu * nvec * (BK_VBYTES / 4);
}
BK_DEF_VDOT_JOIN(vdot16_i)

/*
 * uint16: each product is hi * 2^16 + lo with hi, lo its 16-bit halves.
 * Flipped to hi - 2^15 and lo - 2^15, they sum in pairs by a multiply-add
 * with ones, into 32-bit lanes (|pair| <= 2^16: BK_IDOT8_CHUNK iterations
 * stay below 2^29); the 2^15 * (2^16 + 1) per element comes back at the end.
 */
BK_INLINE uint64_t vdot16_u_body(const char *pa, const char *pb, size_t nvec, int join, int pf) {
    bk_cursor cb = cur_open(pb, join);
    const bk_vi flip = vi_set1_16(0x8000), one = vi_set1_16(1);
    uint64_t lo_total = 0, hi_total = 0;
    for (size_t i = 0; i < nvec;) {
        size_t m = nvec - i < BK_IDOT8_CHUNK ? nvec - i : BK_IDOT8_CHUNK;
        bk_vi lo = vi_zero(), hi = vi_zero();
        for (size_t j = i; j < i + m; j++) {
            BK_DOT_PREFETCH(pf, pa, pb, j);
            bk_vi x = vi_load(pa + j * BK_VBYTES), y = cur_vi(&cb, j, join);
            lo = vi_add32(lo, vi_madd16(vi_xor(vi_mul16(x, y), flip), one));
            hi = vi_add32(hi, vi_madd16(vi_xor(vi_mulhi_u16(x, y), flip), one));
        }
        lo_total += hsum_i32(lo);
        hi_total += hsum_i32(hi);
        i += m;
    }
    return lo_total + (hi_total << 16) + (uint64_t)0x8000 * 0x10001 * nvec * (BK_VBYTES / 2);
}
BK_DEF_VDOT_JOIN(vdot16_u)

/* 32 bits: even and odd lanes multiplied into 64-bit products. */
#define BK_DEF_VDOT32(s)                                                       \
    BK_INLINE uint64_t vdot32_##s##_body(const char *pa, const char *pb, size_t nvec, int join, int pf) { \
        bk_cursor cb = cur_open(pb, join);                                     \
        bk_vi even = vi_zero(), odd = vi_zero();                               \
        for (size_t j = 0; j < nvec; j++) {                                    \
            BK_DOT_PREFETCH(pf, pa, pb, j);                                    \
            bk_vi x = vi_load(pa + j * BK_VBYTES), y = cur_vi(&cb, j, join);  \
            even = vi_add64(even, vi_mulx_##s##32(x, y));                      \
            odd = vi_add64(odd, vi_mulx_##s##32(vi_hi32(x), vi_hi32(y)));      \
        }                                                                      \
        return hsum_u64(vi_add64(even, odd));                                  \
    }                                                                          \
    BK_DEF_VDOT_JOIN(vdot32_##s)
#if !BK_SSE2_ONLY
BK_DEF_VDOT32(i)
#endif
BK_DEF_VDOT32(u)

/* 64 bits: the low 64 bits of each product, the same for both signednesses. */
#if BK_VBITS > 128
BK_INLINE uint64_t vdot64_body(const char *pa, const char *pb, size_t nvec, int join, int pf) {
    bk_cursor cb = cur_open(pb, join);
    bk_vi acc = vi_zero();
    for (size_t j = 0; j < nvec; j++) {
        BK_DOT_PREFETCH(pf, pa, pb, j);
        acc = vi_add64(acc, vi_mul64(vi_load(pa + j * BK_VBYTES), cur_vi(&cb, j, join)));
    }
    return hsum_u64(acc);
}
BK_DEF_VDOT_JOIN(vdot64)
#endif

/*
 * The vectors run from a's first aligned one: vectors that straddle cache
 * lines cost the avx512 target up to twice the time (i32 dot, 64 KiB at 16
 * mod 64: 4.4 us against 1.6). b's are joined from aligned loads where the
 * target can (vec.h), all but the first and the last, whose neighbours may
 * lie outside b. The elements before the first vector and after the last go
 * through one zero-padded vector each.
 *
 * The 8- and 16-bit loops already keep the shuffle port busy: while both
 * operands fit in L1 the straddling loads cost less than the permutes (i16
 * dot, b 16 bytes off a, Xeon Ice Lake avx512: 16 KiB each 253 ns straddling
 * against 308 joined, 32 KiB 828 against 604). They join from 16 Ki
 * elements, which every block of a longer reduction has (api.c). The 32-
 * and 64-bit loops always join: vpmullq does not take the shuffle port, and
 * joined, i64 dot at 64 KiB with b 16 or 32 bytes off a line takes 2.7-2.9
 * TSC cycles a vector against 4.5 straddling (aligned: 2.8); 16 KiB to 8
 * MiB no slower (1 MiB: 3.1 -> 2.6), 4 KiB too noisy to tell (3.3-5.1).
 */
#define BK_IDOT_JOINS(w, n) ((w) >= 32 || (n) >= 16384)
#define BK_DEF_IDOT(name, S, w, VDOT)                                          \
    static S dot_##name(const void *a, const void *b, size_t n) {              \
        enum { E = (w) / 8, W = BK_VBYTES / E };                               \
        if (n < W) /* no pointer arithmetic on a, which may be NULL */         \
            return bk_s_dot_##name(a, b, n);                                   \
        const char *pa = (const char *)a, *pb = (const char *)b;               \
        size_t head = BK_TO_ALIGNED(pa, E), nvec = (n - head) / W;             \
        size_t tail = n - head - nvec * W;                                     \
        const char *qa = pa + head * E, *qb = pb + head * E;                   \
        const int join = nvec >= 3 && BK_IDOT_JOINS(w, n) && src_joinable(qb); \
        _Alignas(64) char ends[2][4][BK_VBYTES]; /* head, tail, first, last */ \
        memset(ends[0], 0, 2 * BK_VBYTES);                                     \
        memset(ends[1], 0, 2 * BK_VBYTES);                                     \
        memcpy(ends[0][0], pa, head * E);                                      \
        memcpy(ends[1][0], pb, head * E);                                      \
        memcpy(ends[0][1], pa + (n - tail) * E, tail * E);                     \
        memcpy(ends[1][1], pb + (n - tail) * E, tail * E);                     \
        if (!join)                                                             \
            return (S)(VDOT(ends[0][0], ends[1][0], 2, 0) + VDOT(qa, qb, nvec, 0)); \
        const size_t last = (nvec - 1) * BK_VBYTES;                            \
        memcpy(ends[0][2], qa, BK_VBYTES);                                     \
        memcpy(ends[1][2], qb, BK_VBYTES);                                     \
        memcpy(ends[0][3], qa + last, BK_VBYTES);                              \
        memcpy(ends[1][3], qb + last, BK_VBYTES);                              \
        return (S)(VDOT(ends[0][0], ends[1][0], 4, 0) +                        \
                   VDOT(qa + BK_VBYTES, qb + BK_VBYTES, nvec - 2, 1));         \
    }
BK_DEF_IDOT(i8, int64_t, 8, vdot8_i)
BK_DEF_IDOT(u8, uint64_t, 8, vdot8_u)
BK_DEF_IDOT(i16, int64_t, 16, vdot16_i)
BK_DEF_IDOT(u16, uint64_t, 16, vdot16_u)
#if BK_SSE2_ONLY
/*
 * SSE2 multiplies 32-bit lanes as unsigned only; the correction for signed
 * ones made the vector loop slower than the scalar one (i32 dot, 64 KiB:
 * 10.3 us against 7.5).
 */
BK_USE_SCALAR(dot, dot, i32, int32_t, int64_t, int32_t)
#else
BK_DEF_IDOT(i32, int64_t, 32, vdot32_i)
#endif
BK_DEF_IDOT(u32, uint64_t, 32, vdot32_u)
#if BK_VBITS == 128
/* No 64-bit lane multiply: as for mul.h's i64 (i64 dot on SSE2, 64 KiB:
 * 5.9 us against 5.6 for the scalar loop). */
BK_USE_SCALAR(dot, dot, i64, int64_t, int64_t, int64_t)
BK_USE_SCALAR(dot, dot, u64, uint64_t, uint64_t, uint64_t)
#else
BK_DEF_IDOT(i64, int64_t, 64, vdot64)
BK_DEF_IDOT(u64, uint64_t, 64, vdot64)
#endif
#endif
