/*
 * sum: the sum of a[0..n). Integers wrap modulo 2^64 in int64/uint64; floats
 * are blocked pairwise sums (see BK_PAIRWISE), so the error bound holds by
 * construction on every target; complex sums are two real sums.
 */
#ifndef BK_OPS_SUM_H
#define BK_OPS_SUM_H
#define BK_S_SUM_sint(name, T, S, R)                                           \
    static inline S bk_s_sum_##name(const void *a, size_t n) {                 \
        uint64_t acc = 0;                                                      \
        for (size_t i = 0; i < n; i++)                                         \
            acc += (uint64_t)bk_ld_##name(a, i);                               \
        return (S)acc;                                                         \
    }
#define BK_S_SUM_uint BK_S_SUM_sint
#define BK_S_SUM_float(name, T, S, R)                                          \
    static inline S bk_s_sum_##name(const void *a, size_t n) {                 \
        return n ? bk_s_fsum_##R(a, n, 1) : (S)0;                              \
    }
#define BK_S_SUM_cplx(name, T, S, R)                                        \
    static inline S bk_s_sum_##name(const void *a, size_t n) {                 \
        S s = {0, 0};                                                          \
        if (n) {                                                               \
            s.re = bk_s_fsum_##R(a, n, 2);                                     \
            s.im = bk_s_fsum_##R((const R *)a + 1, n, 2);                      \
        }                                                                      \
        return s;                                                              \
    }
#define BK_X_S_SUM(name, ENUM, T, S, kind, R, RENUM) BK_S_SUM_##kind(name, T, S, R)
BK_DTYPES(BK_X_S_SUM)
#undef BK_X_S_SUM
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_SUM_V)
#define BK_OPS_SUM_V
/* ---- float sums ---------------------------------------------------------- */

/*
 * Lane-wise blocked pairwise sums: BK_ACC accumulators take BK_DEPTH vectors
 * each per block (enough independent adds to hide the adder's latency), the
 * accumulators are added as a tree, and block sums combine pairwise. Every
 * element passes through at most BK_DEPTH + 3 + log2(blocks) + 1 additions
 * before the lanes are added, again as a tree. The terms are TERMS(x, y) of
 * the vectors x of a and y of b: x for a sum, products for a dot.
 */
enum { BK_ACC = 8, BK_DEPTH = 16 };
/* A block's BK_ACC accumulators added as a tree. */
#define BK_ACC_TREE(P, acc)                                                    \
    P##_add(P##_add(P##_add(acc[0], acc[1]), P##_add(acc[2], acc[3])),         \
            P##_add(P##_add(acc[4], acc[5]), P##_add(acc[6], acc[7])))

#define BK_DEF_LANES(fname, R, P, V, TERMS)                                    \
    /* Up to BK_ACC vectors: the one block of the loop below, with no pairwise \
     * state, joins or prefetch; the same additions in the same order (the     \
     * total of one block is the block plus -0.0), so the same bits. */        \
    BK_INLINE V fname##_short(const char *pa, const char *pb, size_t nvec) {   \
        V acc[BK_ACC];                                                         \
        (void)pb; /* a sum's TERMS take no b */                                \
        for (int u = 0; u < BK_ACC; u++)                                       \
            acc[u] = P##_set1((R)-0.0);                                        \
        for (int u = 0; u < BK_ACC; u++) /* unrolled: acc stays in registers */ \
            if ((size_t)u < nvec)                                              \
                acc[u] = P##_add(acc[u], TERMS(P##_load(pa + u * BK_VBYTES),    \
                                               P##_load(pb + u * BK_VBYTES)));  \
        return P##_add(BK_ACC_TREE(P, acc), P##_set1((R)-0.0));                \
    }                                                                          \
    BK_INLINE V fname##_joined(bk_src sa, bk_src sb, size_t nvec, int ja, int jb, int pf) { \
        bk_pairwise_##P pw;                                                    \
        pw.count = 0;                                                          \
        for (size_t i = 0; i < nvec;) {                                        \
            size_t m = nvec - i < BK_ACC * BK_DEPTH ? nvec - i : BK_ACC * BK_DEPTH; \
            V acc[BK_ACC];                                                     \
            for (int u = 0; u < BK_ACC; u++)                                   \
                acc[u] = P##_set1((R)-0.0);                                    \
            size_t j = 0;                                                      \
            for (; j + BK_ACC <= m; j += BK_ACC) {                             \
                size_t k = i + j; /* joined loads: not the first nor the last */ \
                if ((ja || jb) && k > 0 && k + BK_ACC < nvec) {                \
                    bk_vi x[BK_ACC], y[BK_ACC];                                \
                    src_run(sa, k, ja, x, BK_ACC);                             \
                    src_run(sb, k, jb, y, BK_ACC);                             \
                    for (int u = 0; u < BK_ACC; u++)                           \
                        acc[u] = P##_add(acc[u], TERMS(vi_as_##P(x[u]), vi_as_##P(y[u]))); \
                } else {                                                       \
                    if (pf) {                                                  \
                        bk_prefetch_ahead(sa.p + k * BK_VBYTES, BK_ACC * BK_VBYTES); \
                        if (sb.p != sa.p)                                      \
                            bk_prefetch_ahead(sb.p + k * BK_VBYTES, BK_ACC * BK_VBYTES); \
                    }                                                          \
                    for (int u = 0; u < BK_ACC; u++)                           \
                        acc[u] = P##_add(acc[u], TERMS(P##_load(sa.p + (k + u) * BK_VBYTES), \
                                                       P##_load(sb.p + (k + u) * BK_VBYTES))); \
                }                                                              \
            }                                                                  \
            for (int u = 0; j < m; j++, u++)                                   \
                acc[u] = P##_add(acc[u], TERMS(P##_load(sa.p + (i + j) * BK_VBYTES), \
                                               P##_load(sb.p + (i + j) * BK_VBYTES))); \
            bk_pairwise_push_##P(&pw, BK_ACC_TREE(P, acc));                    \
            i += m;                                                            \
        }                                                                      \
        return bk_pairwise_total_##P(&pw);                                     \
    }                                                                          \
    /* pb: NULL for a sum. Each join pattern compiles to its own loop; beyond \
     * the caches (bk_reduce_streams, table.h) none joins, and it prefetches. */ \
    static V fname(const char *pa, const char *pb, size_t nvec) {              \
        if (nvec <= BK_ACC)                                                    \
            return fname##_short(pa, pb ? pb : pa, nvec);                      \
        if (bk_reduce_streams)                                                 \
            return fname##_joined(src_open(pa, 0), src_open(pb ? pb : pa, 0), nvec, 0, 0, 1); \
        const int ja = src_joinable(pa), jb = pb && src_joinable(pb);          \
        bk_src sa = src_open(pa, ja), sb = src_open(pb ? pb : pa, jb);         \
        if (ja)                                                                \
            return jb ? fname##_joined(sa, sb, nvec, 1, 1, 0) : fname##_joined(sa, sb, nvec, 1, 0, 0); \
        return jb ? fname##_joined(sa, sb, nvec, 0, 1, 0) : fname##_joined(sa, sb, nvec, 0, 0, 0); \
    }
#define BK_TERMS_SUM(x, y) (x)
#define BK_DEF_FSUM_LANES(R, P, V)                                             \
    BK_PAIRWISE(P, V, P##_add, P##_set1((R)-0.0))                              \
    BK_DEF_LANES(fsum_lanes_##R, R, P, V, BK_TERMS_SUM)
BK_DEF_FSUM_LANES(float, vf, bk_vf)
BK_DEF_FSUM_LANES(double, vd, bk_vd)

/*
 * The lanes of a vector added as a tree, by halving: lanes i and i + w/2 of
 * the w left, the lower first, down to one real, or to one complex (re in
 * the even lanes, im in the odd). In registers, not as a loop over stored
 * lanes: with the short path above and api.c's direct call for one block,
 * 16-element sums and dots took 1.5-1.7x less time (bk_sum_f32: 15.5 ->
 * 10.6 ns; Xeon Ice Lake, tools/ab-kernels.sh).
 */
BK_INLINE simde__m128 vf_fold128(bk_vf v) {
#if BK_VBITS == 512
    simde__m512d d = simde_mm512_castps_pd(v);
    simde__m256 h = simde_mm256_add_ps(simde_mm256_castpd_ps(simde_mm512_castpd512_pd256(d)),
                                       simde_mm256_castpd_ps(simde_mm512_extractf64x4_pd(d, 1)));
    return simde_mm_add_ps(simde_mm256_castps256_ps128(h), simde_mm256_extractf128_ps(h, 1));
#elif BK_VBITS == 256
    return simde_mm_add_ps(simde_mm256_castps256_ps128(v), simde_mm256_extractf128_ps(v, 1));
#else
    return v;
#endif
}
BK_INLINE simde__m128d vd_fold128(bk_vd v) {
#if BK_VBITS == 512
    simde__m256d h = simde_mm256_add_pd(simde_mm512_castpd512_pd256(v), simde_mm512_extractf64x4_pd(v, 1));
    return simde_mm_add_pd(simde_mm256_castpd256_pd128(h), simde_mm256_extractf128_pd(h, 1));
#elif BK_VBITS == 256
    return simde_mm_add_pd(simde_mm256_castpd256_pd128(v), simde_mm256_extractf128_pd(v, 1));
#else
    return v;
#endif
}
BK_INLINE float vf_total_float(bk_vf v) {
    simde__m128 t = vf_fold128(v);
    t = simde_mm_add_ps(t, simde_mm_movehl_ps(t, t));
    return simde_mm_cvtss_f32(simde_mm_add_ss(t, simde_mm_shuffle_ps(t, t, 1)));
}
BK_INLINE bk_c64 vf_total_cplx(bk_vf v) {
    simde__m128 t = vf_fold128(v);
    t = simde_mm_add_ps(t, simde_mm_movehl_ps(t, t));
    bk_c64 r = {simde_mm_cvtss_f32(t), simde_mm_cvtss_f32(simde_mm_shuffle_ps(t, t, 1))};
    return r;
}
BK_INLINE double vd_total_float(bk_vd v) {
    simde__m128d t = vd_fold128(v);
    return simde_mm_cvtsd_f64(simde_mm_add_sd(t, simde_mm_unpackhi_pd(t, t)));
}
BK_INLINE bk_c128 vd_total_cplx(bk_vd v) {
    simde__m128d t = vd_fold128(v);
    bk_c128 r = {simde_mm_cvtsd_f64(t), simde_mm_cvtsd_f64(simde_mm_unpackhi_pd(t, t))};
    return r;
}

/*
 * The kernels of the reductions over whole vectors then a scalar tail, sum
 * here and dot in dot.h, by their parameters: ARGS passes them on, TAIL_ARGS
 * passes the elements from m on (ESIZE bytes each), PB is b (none for sum).
 */
#define BK_PARAMS_sum const void *a, size_t n
#define BK_ARGS_sum a, n
#define BK_TAIL_ARGS_sum(ESIZE, m) (const char *)a + (m) * (ESIZE), n - (m)
#define BK_PB_sum NULL
#define BK_PARAMS_dot const void *a, const void *b, size_t n
#define BK_ARGS_dot a, b, n
#define BK_TAIL_ARGS_dot(ESIZE, m)                                             \
    (const char *)a + (m) * (ESIZE), (const char *)b + (m) * (ESIZE), n - (m)
#define BK_PB_dot (const char *)b

/*
 * Float reductions: the lanes of LANES added as a tree (complex: even lanes
 * re, odd im), then the scalar reduction of the last n % W elements.
 */
#define BK_ADD_TAIL_float(s, t) ((s) = (s) + (t))
#define BK_ADD_TAIL_cplx(s, t) ((s).re = (s).re + (t).re, (s).im = (s).im + (t).im)
#define BK_DEF_FREDUCE(op, name, T, R, P, kind, LANES)                         \
    static T op##_##name(BK_PARAMS_##op) {                                     \
        enum { W = BK_VBYTES / sizeof(T) };                                    \
        if (n < W)                                                             \
            return bk_s_##op##_##name(BK_ARGS_##op);                           \
        BK_LARGE_TO_AVX2(op##_##name, n * sizeof(T), BK_ARGS_##op)             \
        size_t nvec = n / W, m = nvec * W;                                     \
        T s = P##_total_##kind(LANES((const char *)a, BK_PB_##op, nvec));      \
        if (m < n)                                                             \
            BK_ADD_TAIL_##kind(s, bk_s_##op##_##name(BK_TAIL_ARGS_##op(sizeof(T), m))); \
        return s;                                                              \
    }
BK_DEF_FREDUCE(sum, f32, float, float, vf, float, fsum_lanes_float)
BK_DEF_FREDUCE(sum, f64, double, double, vd, float, fsum_lanes_double)
BK_DEF_FREDUCE(sum, c64, bk_c64, float, vf, cplx, fsum_lanes_float)
BK_DEF_FREDUCE(sum, c128, bk_c128, double, vd, cplx, fsum_lanes_double)

/* ---- integer sums --------------------------------------------------------- */

/* Integer sums are exact modulo 2^64, so their order is free. */
BK_INLINE uint64_t hsum_u64(bk_vi v) {
    uint64_t l[BK_VBYTES / 8], s = 0;
    vi_store(l, v);
    for (size_t i = 0; i < BK_VBYTES / 8; i++)
        s += l[i];
    return s;
}
BK_INLINE uint64_t hsum_i32(bk_vi v) {
    int32_t l[BK_VBYTES / 4];
    uint64_t s = 0;
    vi_store(l, v);
    for (size_t i = 0; i < BK_VBYTES / 4; i++)
        s += (uint64_t)(int64_t)l[i];
    return s;
}

/*
 * 8 bits: one SAD against zero sums 8 bytes into a 64-bit lane. XOR with 0x80
 * maps int8 x to the uint8 x + 128, so the same SAD serves signed data.
 */
BK_INLINE uint64_t vsum8(const char *p, size_t nvec, uint8_t bias, int pf) {
    const bk_vi bv = vi_set1_8(bias);
    bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
    size_t i = 0;
    for (; i + 4 <= nvec; i += 4) {
        if (pf)
            bk_prefetch_ahead(p + i * BK_VBYTES, 4 * BK_VBYTES);
        for (int u = 0; u < 4; u++)
            acc[u] = vi_add64(acc[u], vi_sad8(vi_xor(vi_load(p + (i + u) * BK_VBYTES), bv)));
    }
    for (; i < nvec; i++)
        acc[0] = vi_add64(acc[0], vi_sad8(vi_xor(vi_load(p + i * BK_VBYTES), bv)));
    return hsum_u64(vi_add64(vi_add64(acc[0], acc[1]), vi_add64(acc[2], acc[3])));
}

/*
 * 16 bits: a multiply-add by 1 sums signed pairs into 32-bit lanes (|pair| <=
 * 2^16), so a lane can take 2^15 - 1 pairs before it could overflow; blocks
 * of 8192 vectors per accumulator stay far below that. XOR with 0x8000 maps
 * uint16 x to the int16 x - 32768.
 */
BK_INLINE uint64_t vsum16(const char *p, size_t nvec, uint16_t bias, int pf) {
    const bk_vi bv = vi_set1_16(bias);
    uint64_t total = 0;
    for (size_t i = 0; i < nvec;) {
        size_t m = nvec - i < 4 * 8192 ? nvec - i : 4 * 8192;
        bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
        size_t j = 0;
        for (; j + 4 <= m; j += 4) {
            if (pf)
                bk_prefetch_ahead(p + (i + j) * BK_VBYTES, 4 * BK_VBYTES);
            for (int u = 0; u < 4; u++)
                acc[u] = vi_add32(acc[u],
                                  vi_hadd16(vi_xor(vi_load(p + (i + j + u) * BK_VBYTES), bv)));
        }
        for (; j < m; j++)
            acc[0] = vi_add32(acc[0], vi_hadd16(vi_xor(vi_load(p + (i + j) * BK_VBYTES), bv)));
        for (int u = 0; u < 4; u++)
            total += hsum_i32(acc[u]);
        i += m;
    }
    return total;
}

/*
 * 32 bits: each 64-bit lane's two halves are added, zero-extended, into
 * 64-bit accumulators. XOR with 2^31 maps int32 x to the uint32 x + 2^31.
 */
BK_INLINE uint64_t vsum32(const char *p, size_t nvec, uint32_t bias, int pf) {
    const bk_vi bv = vi_set1_32(bias);
    bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
    size_t i = 0;
    for (; i + 2 <= nvec; i += 2) {
        if (pf)
            bk_prefetch_ahead(p + i * BK_VBYTES, 2 * BK_VBYTES);
        for (int u = 0; u < 2; u++) {
            bk_vi x = vi_xor(vi_load(p + (i + u) * BK_VBYTES), bv);
            acc[2 * u] = vi_add64(acc[2 * u], vi_lo32(x));
            acc[2 * u + 1] = vi_add64(acc[2 * u + 1], vi_hi32(x));
        }
    }
    for (; i < nvec; i++) {
        bk_vi x = vi_xor(vi_load(p + i * BK_VBYTES), bv);
        acc[0] = vi_add64(acc[0], vi_lo32(x));
        acc[1] = vi_add64(acc[1], vi_hi32(x));
    }
    return hsum_u64(vi_add64(vi_add64(acc[0], acc[1]), vi_add64(acc[2], acc[3])));
}

BK_INLINE uint64_t vsum64(const char *p, size_t nvec, uint64_t bias, int pf) {
    (void)bias; /* 64-bit lanes wrap identically for both signednesses */
    bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
    size_t i = 0;
    for (; i + 4 <= nvec; i += 4) {
        if (pf)
            bk_prefetch_ahead(p + i * BK_VBYTES, 4 * BK_VBYTES);
        for (int u = 0; u < 4; u++)
            acc[u] = vi_add64(acc[u], vi_load(p + (i + u) * BK_VBYTES));
    }
    for (; i < nvec; i++)
        acc[0] = vi_add64(acc[0], vi_load(p + i * BK_VBYTES));
    return hsum_u64(vi_add64(vi_add64(acc[0], acc[1]), vi_add64(acc[2], acc[3])));
}

/*
 * sum = (biased vector sum) - bias * (elements in it) + scalar tail, all
 * modulo 2^64. For unsigned 16-bit the bias is negative (x - 32768), so the
 * correction adds.
 */
/*
 * From BK_JOIN_FROM bytes on (table.h), the vectors start at a's first aligned
 * one, as the order of an integer sum is free (sum u64, 64 KiB 16 bytes past
 * a line, Xeon Ice Lake avx512: 1263 ns straddling against 511). The
 * elements before it and after the last whole vector then go through one
 * zero-padded vector each: a zero adds bias and the correction takes it off
 * again. Below, those two vectors cost more than the straddling loads save.
 */
#define BK_DEF_ISUM(name, S, w, bias, correction)                              \
    static S sum_##name(const void *a, size_t n) {                             \
        enum { E = (w) / 8, W = BK_VBYTES / E };                               \
        if (n < W) /* no pointer arithmetic on a, which may be NULL */         \
            return bk_s_sum_##name(a, n);                                      \
        BK_LARGE_TO_AVX2(sum_##name, n * E, a, n)                              \
        const char *pa = (const char *)a;                                      \
        if (n * E < BK_JOIN_FROM) {                                            \
            size_t nvec = n / W, m = nvec * W;                                 \
            uint64_t s = vsum##w(pa, nvec, bias, 0) + (uint64_t)(correction) * m; \
            return (S)(s + (uint64_t)bk_s_sum_##name(pa + m * E, n - m));      \
        }                                                                      \
        size_t head = BK_TO_ALIGNED(pa, E), nvec = (n - head) / W;             \
        size_t tail = n - head - nvec * W;                                     \
        _Alignas(64) char ends[2][BK_VBYTES];                                  \
        memset(ends, 0, sizeof ends);                                          \
        memcpy(ends[0], pa, head * E);                                         \
        memcpy(ends[1], pa + (n - tail) * E, tail * E);                        \
        /* Streaming (bk_reduce_streams): its own loop, which prefetches */     \
        const uint64_t body = bk_reduce_streams ? vsum##w(pa + head * E, nvec, bias, 1) \
                                                : vsum##w(pa + head * E, nvec, bias, 0); \
        uint64_t s = vsum##w(ends[0], 2, bias, 0) + body;                      \
        return (S)(s + (uint64_t)(correction) * (nvec + 2) * W);               \
    }
BK_DEF_ISUM(i8, int64_t, 8, 0x80, -(uint64_t)0x80)
BK_DEF_ISUM(u8, uint64_t, 8, 0, 0)
BK_DEF_ISUM(i16, int64_t, 16, 0, 0)
BK_DEF_ISUM(u16, uint64_t, 16, 0x8000, 0x8000)
BK_DEF_ISUM(i32, int64_t, 32, 0x80000000u, -(uint64_t)0x80000000u)
BK_DEF_ISUM(u32, uint64_t, 32, 0, 0)
BK_DEF_ISUM(i64, int64_t, 64, 0, 0)
BK_DEF_ISUM(u64, uint64_t, 64, 0, 0)
#endif
