/*
 * simd_body.h - every kernel, written once over vec.h.
 *
 * A target's translation unit defines BK_VBITS and BK_TABLE_NAME and includes
 * this file; it is compiled once per target with that target's flags only.
 * Tails shorter than a vector go through the scalar definitions in
 * scalar_ops.h, so every target shares one definition of each operation.
 */
#include <string.h>

#include "scalar_ops.h"
#include "table.h"
#include "vec.h"

/*
 * Beyond the caches, the 256-bit kernels measured faster than the 512-bit
 * ones on the reference machine (64 Mi elements: i32 sum 15.5 against 10.5
 * GB/s, f64 scale 29.0 against 25.9; AVX2 loops also read DRAM faster in
 * bench/'s bandwidth loops), so the avx512 target hands large arrays to the
 * avx2 kernels, which every CPU it runs on can run.
 */
#if BK_VBITS == 512
#define BK_LARGE_TO_AVX2(fname, bytes, ...)                                    \
    if ((bytes) >= bk_large_bytes())                                           \
        return bk_table_avx2.fname(__VA_ARGS__);
#else
#define BK_LARGE_TO_AVX2(fname, bytes, ...)
#endif

/* ---- elementwise templates ---------------------------------------------- */

/* a[i] = OP(a[i], b[i]), two vectors an iteration, then one, then the tail. */
#define BK_DEF_BINARY(fname, ESIZE, V, LOAD, STORE, OP, TAIL)                  \
    static void fname(void *a, const void *b, size_t n) {                      \
        enum { L = BK_VBYTES / (ESIZE) };                                      \
        if (n == 0) /* a and b may be NULL: form no pointer from them */       \
            return;                                                            \
        BK_LARGE_TO_AVX2(fname, n * (ESIZE), a, b, n)                          \
        char *pa = (char *)a;                                                  \
        const char *pb = (const char *)b;                                      \
        size_t i = 0;                                                          \
        for (; i + 2 * L <= n; i += 2 * L) {                                   \
            V x0 = LOAD(pa + i * (ESIZE)), x1 = LOAD(pa + (i + L) * (ESIZE));  \
            V y0 = LOAD(pb + i * (ESIZE)), y1 = LOAD(pb + (i + L) * (ESIZE));  \
            STORE(pa + i * (ESIZE), OP(x0, y0));                               \
            STORE(pa + (i + L) * (ESIZE), OP(x1, y1));                         \
        }                                                                      \
        if (i + L <= n) {                                                      \
            STORE(pa + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), LOAD(pb + i * (ESIZE)))); \
            i += L;                                                            \
        }                                                                      \
        TAIL(pa + i * (ESIZE), pb + i * (ESIZE), n - i);                       \
    }

/* a[i] = OP(a[i], K) where K = PREP(k) is prepared once. */
#define BK_DEF_SCALE(fname, T, ESIZE, V, LOAD, STORE, KT, PREP, OP, TAIL)      \
    static void fname(void *a, size_t n, T k) {                                \
        enum { L = BK_VBYTES / (ESIZE) };                                      \
        if (n == 0) /* a may be NULL: form no pointer from it */               \
            return;                                                            \
        BK_LARGE_TO_AVX2(fname, n * (ESIZE), a, n, k)                          \
        const KT kv = PREP(k);                                                 \
        char *pa = (char *)a;                                                  \
        size_t i = 0;                                                          \
        for (; i + 2 * L <= n; i += 2 * L) {                                   \
            V x0 = LOAD(pa + i * (ESIZE)), x1 = LOAD(pa + (i + L) * (ESIZE));  \
            STORE(pa + i * (ESIZE), OP(x0, kv));                               \
            STORE(pa + (i + L) * (ESIZE), OP(x1, kv));                         \
        }                                                                      \
        if (i + L <= n) {                                                      \
            STORE(pa + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), kv));           \
            i += L;                                                            \
        }                                                                      \
        TAIL(pa + i * (ESIZE), n - i, k);                                      \
    }

/* Fill stores the element's bit pattern, repeated across a vector. */
BK_INLINE bk_vi bk_pattern_1(const void *v) { uint8_t x; memcpy(&x, v, 1); return vi_set1_8(x); }
BK_INLINE bk_vi bk_pattern_2(const void *v) { uint16_t x; memcpy(&x, v, 2); return vi_set1_16(x); }
BK_INLINE bk_vi bk_pattern_4(const void *v) { uint32_t x; memcpy(&x, v, 4); return vi_set1_32(x); }
BK_INLINE bk_vi bk_pattern_8(const void *v) { uint64_t x; memcpy(&x, v, 8); return vi_set1_64(x); }
BK_INLINE bk_vi bk_pattern_16(const void *v) {
    uint64_t x[2];
    memcpy(x, v, 16);
    return vi_set_128(x[0], x[1]);
}

/*
 * A fill of `bytes` bytes with streaming stores, which skip reading each line
 * before writing it. The stores start at the first aligned address with the
 * element's bytes rotated to match, which also serves an `a` that is not
 * aligned to the element size. (SIMDe 0.7.4 has no 512-bit stream store; the
 * 256-bit one fills the same write-combining lines.)
 */
#if BK_VBITS == 128
typedef simde__m128i bk_vs;
#define vs_load(p) simde_mm_loadu_si128((const simde__m128i *)(p))
#define vs_stream(p, v) simde_mm_stream_si128((simde__m128i *)(p), v)
#else
typedef simde__m256i bk_vs;
#define vs_load(p) simde_mm256_loadu_si256((const simde__m256i *)(p))
#define vs_stream(p, v) simde_mm256_stream_si256((simde__m256i *)(p), v)
#endif
/* Below the large-array threshold, an element whose bytes are all equal
 * fills like memset, which glibc makes faster than a loop of vector stores
 * (i8 fill, 16 KiB: 96 against 67 GB/s). Above it the streaming fill wins:
 * Debian 12's glibc memset (2.36) has no streaming path (43% of the write
 * bandwidth at 1 GiB, against 100% for bk_fill_stream). */
BK_INLINE int bk_uniform_bytes(const void *v, size_t size) {
    const unsigned char *b = (const unsigned char *)v;
    for (size_t i = 1; i < size; i++)
        if (b[i] != b[0])
            return 0;
    return 1;
}

static void bk_fill_stream(char *a, size_t bytes, const unsigned char *elem, size_t isz) {
    enum { S = sizeof(bk_vs) };
    size_t head = (size_t)(-(uintptr_t)a & (S - 1)), i = 0;
    unsigned char pattern[S];
    for (size_t j = 0; j < S; j++)
        pattern[j] = elem[(head + j) % isz];
    for (; i < head && i < bytes; i++)
        a[i] = (char)elem[i % isz];
    const bk_vs pv = vs_load(pattern);
    for (; i + S <= bytes; i += S)
        vs_stream(a + i, pv);
    simde_mm_sfence(); /* streaming stores are weakly ordered */
    for (; i < bytes; i++)
        a[i] = (char)elem[i % isz];
}

#define BK_DEF_FILL(fname, T, ESIZE, TAIL)                                     \
    static void fname(void *a, size_t n, T v) {                                \
        enum { L = BK_VBYTES / (ESIZE) };                                      \
        if (n == 0) /* a may be NULL: form no pointer from it */               \
            return;                                                            \
        if (n * (ESIZE) >= bk_large_bytes()) {                                 \
            bk_fill_stream((char *)a, n * (ESIZE), (const unsigned char *)&v, ESIZE); \
            return;                                                            \
        }                                                                      \
        if (bk_uniform_bytes(&v, ESIZE)) { /* all i8/u8 fills; zeros */        \
            memset(a, *(const unsigned char *)&v, n * (ESIZE));                \
            return;                                                            \
        }                                                                      \
        const bk_vi pv = bk_pattern_##ESIZE(&v);                               \
        char *pa = (char *)a;                                                  \
        size_t i = 0;                                                          \
        for (; i + 4 * L <= n; i += 4 * L) {                                   \
            vi_store(pa + i * (ESIZE), pv);                                    \
            vi_store(pa + (i + L) * (ESIZE), pv);                              \
            vi_store(pa + (i + 2 * L) * (ESIZE), pv);                          \
            vi_store(pa + (i + 3 * L) * (ESIZE), pv);                          \
        }                                                                      \
        for (; i + L <= n; i += L)                                             \
            vi_store(pa + i * (ESIZE), pv);                                    \
        TAIL(pa + i * (ESIZE), n - i, v);                                      \
    }

/* ---- integer elementwise ops -------------------------------------------- */

/* Wrapping add and multiply do not depend on signedness: i<w> and u<w> are
 * the same code (which the compiler folds into one). */
#define BK_DEF_INT_MUL(p, T, w, bytes)                                         \
    BK_DEF_BINARY(mul_##p##w, bytes, bk_vi, vi_load, vi_store, vi_mul##w, bk_s_mul_##p##w) \
    BK_DEF_SCALE(scale_##p##w, T, bytes, bk_vi, vi_load, vi_store, bk_vi, vi_set1_##w, \
                 vi_mul##w, bk_s_scale_##p##w)
#define BK_DEF_INT_REST(p, T, w, bytes)                                        \
    BK_DEF_BINARY(add_##p##w, bytes, bk_vi, vi_load, vi_store, vi_add##w, bk_s_add_##p##w) \
    BK_DEF_FILL(fill_##p##w, T, bytes, bk_s_fill_##p##w)
#define BK_DEF_INT(w, bytes)                                                   \
    BK_DEF_INT_MUL(i, int##w##_t, w, bytes) BK_DEF_INT_MUL(u, uint##w##_t, w, bytes) \
    BK_DEF_INT_REST(i, int##w##_t, w, bytes) BK_DEF_INT_REST(u, uint##w##_t, w, bytes)
BK_DEF_INT(8, 1)
BK_DEF_INT(16, 2)
BK_DEF_INT(32, 4)

#if BK_VBITS == 128
/*
 * 128-bit ISAs (SSE2, NEON) have no 64-bit lane multiply, and building one
 * from three 32x32->64 multiplies measured slower than scalar imul (i64 mul,
 * 16 KiB: 65 GB/s against 98). The scalar loop is this target's best kernel.
 */
#define BK_DEF_INT_MUL_SCALAR(p, T)                                            \
    static void mul_##p##64(void *a, const void *b, size_t n) { bk_s_mul_##p##64(a, b, n); } \
    static void scale_##p##64(void *a, size_t n, T k) { bk_s_scale_##p##64(a, n, k); }
BK_DEF_INT_MUL_SCALAR(i, int64_t)
BK_DEF_INT_MUL_SCALAR(u, uint64_t)
#else
BK_DEF_INT_MUL(i, int64_t, 64, 8)
BK_DEF_INT_MUL(u, uint64_t, 64, 8)
#endif
BK_DEF_INT_REST(i, int64_t, 64, 8)
BK_DEF_INT_REST(u, uint64_t, 64, 8)

/* ---- float and complex elementwise ops ---------------------------------- */

BK_DEF_BINARY(add_f32, 4, bk_vf, vf_load, vf_store, vf_add, bk_s_add_f32)
BK_DEF_BINARY(mul_f32, 4, bk_vf, vf_load, vf_store, vf_mul, bk_s_mul_f32)
BK_DEF_SCALE(scale_f32, float, 4, bk_vf, vf_load, vf_store, bk_vf, vf_set1, vf_mul, bk_s_scale_f32)
BK_DEF_FILL(fill_f32, float, 4, bk_s_fill_f32)

BK_DEF_BINARY(add_f64, 8, bk_vd, vd_load, vd_store, vd_add, bk_s_add_f64)
BK_DEF_BINARY(mul_f64, 8, bk_vd, vd_load, vd_store, vd_mul, bk_s_mul_f64)
BK_DEF_SCALE(scale_f64, double, 8, bk_vd, vd_load, vd_store, bk_vd, vd_set1, vd_mul, bk_s_scale_f64)
BK_DEF_FILL(fill_f64, double, 8, bk_s_fill_f64)

/* Complex scale by k: the multiply of vec.h with b's halves broadcast once. */
typedef struct { bk_vf re, im; } bk_vf_pair;
typedef struct { bk_vd re, im; } bk_vd_pair;
BK_INLINE bk_vf_pair c64_splat(bk_c64 k) {
    bk_vf_pair r = {vf_set1(k.re), vf_set1(k.im)};
    return r;
}
BK_INLINE bk_vd_pair c128_splat(bk_c128 k) {
    bk_vd_pair r = {vd_set1(k.re), vd_set1(k.im)};
    return r;
}
BK_INLINE bk_vf c64_scale(bk_vf x, bk_vf_pair k) {
    return vf_add(vf_mul(x, k.re), vf_xor(vf_mul(vf_swap_pairs(x), k.im), vf_sign_re()));
}
BK_INLINE bk_vd c128_scale(bk_vd x, bk_vd_pair k) {
    return vd_add(vd_mul(x, k.re), vd_xor(vd_mul(vd_swap_pairs(x), k.im), vd_sign_re()));
}

BK_DEF_BINARY(add_c64, 8, bk_vf, vf_load, vf_store, vf_add, bk_s_add_c64)
BK_DEF_BINARY(mul_c64, 8, bk_vf, vf_load, vf_store, vc64_mul, bk_s_mul_c64)
BK_DEF_SCALE(scale_c64, bk_c64, 8, bk_vf, vf_load, vf_store, bk_vf_pair, c64_splat, c64_scale,
             bk_s_scale_c64)
BK_DEF_FILL(fill_c64, bk_c64, 8, bk_s_fill_c64)

BK_DEF_BINARY(add_c128, 16, bk_vd, vd_load, vd_store, vd_add, bk_s_add_c128)
BK_DEF_BINARY(mul_c128, 16, bk_vd, vd_load, vd_store, vc128_mul, bk_s_mul_c128)
BK_DEF_SCALE(scale_c128, bk_c128, 16, bk_vd, vd_load, vd_store, bk_vd_pair, c128_splat,
             c128_scale, bk_s_scale_c128)
BK_DEF_FILL(fill_c128, bk_c128, 16, bk_s_fill_c128)

/* ---- float sums ---------------------------------------------------------- */

/*
 * Lane-wise blocked pairwise sums: BK_ACC accumulators take BK_DEPTH vectors
 * each per block (enough independent adds to hide the adder's latency), the
 * accumulators are added as a tree, and block sums combine pairwise. Every
 * element passes through at most BK_DEPTH + 3 + log2(blocks) + 1 additions
 * before the lanes are added, again as a tree.
 */
enum { BK_ACC = 8, BK_DEPTH = 16 };

#define BK_DEF_FSUM_LANES(R, P, V)                                             \
    BK_PAIRWISE(P, V, P##_add, P##_set1((R)-0.0))                              \
    static V fsum_lanes_##R(const char *p, size_t nvec) {                      \
        bk_pairwise_##P pw;                                                    \
        pw.count = 0;                                                          \
        for (size_t i = 0; i < nvec;) {                                        \
            size_t m = nvec - i < BK_ACC * BK_DEPTH ? nvec - i : BK_ACC * BK_DEPTH; \
            V acc[BK_ACC];                                                     \
            for (int u = 0; u < BK_ACC; u++)                                   \
                acc[u] = P##_set1((R)-0.0);                                    \
            size_t j = 0;                                                      \
            for (; j + BK_ACC <= m; j += BK_ACC)                               \
                for (int u = 0; u < BK_ACC; u++)                               \
                    acc[u] = P##_add(acc[u], P##_load(p + (i + j + u) * BK_VBYTES)); \
            for (int u = 0; j < m; j++, u++)                                   \
                acc[u] = P##_add(acc[u], P##_load(p + (i + j) * BK_VBYTES));   \
            V block = P##_add(P##_add(P##_add(acc[0], acc[1]), P##_add(acc[2], acc[3])), \
                              P##_add(P##_add(acc[4], acc[5]), P##_add(acc[6], acc[7]))); \
            bk_pairwise_push_##P(&pw, block);                                  \
            i += m;                                                            \
        }                                                                      \
        return bk_pairwise_total_##P(&pw);                                     \
    }                                                                          \
    /* Adds w lanes spaced `step` apart by halving: a tree, like the rest. */  \
    static R lanes_tree_##R(R *l, size_t w, size_t step) {                     \
        for (; w > 1; w /= 2)                                                  \
            for (size_t i = 0; i < w / 2; i++)                                 \
                l[i * step] = l[i * step] + l[(i + w / 2) * step];             \
        return l[0];                                                           \
    }
BK_DEF_FSUM_LANES(float, vf, bk_vf)
BK_DEF_FSUM_LANES(double, vd, bk_vd)

#define BK_DEF_FSUM_REAL(name, R, P)                                           \
    static R sum_##name(const void *a, size_t n) {                             \
        enum { W = BK_VBYTES / sizeof(R) };                                    \
        if (n < W)                                                             \
            return bk_s_sum_##name(a, n);                                      \
        BK_LARGE_TO_AVX2(sum_##name, n * sizeof(R), a, n)                      \
        size_t nvec = n / W;                                                   \
        R lanes[W];                                                            \
        P##_store(lanes, fsum_lanes_##R((const char *)a, nvec));               \
        return lanes_tree_##R(lanes, W, 1) +                                   \
               bk_s_fsum_##R((const char *)a + nvec * BK_VBYTES, n - nvec * W, 1); \
    }
BK_DEF_FSUM_REAL(f32, float, vf)
BK_DEF_FSUM_REAL(f64, double, vd)

/* Complex sums are real sums of interleaved pairs: even lanes re, odd im. */
#define BK_DEF_FSUM_COMPLEX(name, T, R, P)                                     \
    static T sum_##name(const void *a, size_t n) {                             \
        enum { W = BK_VBYTES / sizeof(T) };                                    \
        if (n < W)                                                             \
            return bk_s_sum_##name(a, n);                                      \
        BK_LARGE_TO_AVX2(sum_##name, n * sizeof(T), a, n)                      \
        size_t nvec = n / W;                                                   \
        R lanes[2 * W];                                                        \
        P##_store(lanes, fsum_lanes_##R((const char *)a, nvec));               \
        const char *tail = (const char *)a + nvec * BK_VBYTES;                 \
        T s = {lanes_tree_##R(lanes, W, 2) + bk_s_fsum_##R(tail, n - nvec * W, 2), \
               lanes_tree_##R(lanes + 1, W, 2) +                               \
                   bk_s_fsum_##R(tail + sizeof(R), n - nvec * W, 2)};          \
        return s;                                                              \
    }
BK_DEF_FSUM_COMPLEX(c64, bk_c64, float, vf)
BK_DEF_FSUM_COMPLEX(c128, bk_c128, double, vd)

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
static uint64_t vsum8(const char *p, size_t nvec, uint8_t bias) {
    const bk_vi bv = vi_set1_8(bias);
    bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
    size_t i = 0;
    for (; i + 4 <= nvec; i += 4)
        for (int u = 0; u < 4; u++)
            acc[u] = vi_add64(acc[u], vi_sad8(vi_xor(vi_load(p + (i + u) * BK_VBYTES), bv)));
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
static uint64_t vsum16(const char *p, size_t nvec, uint16_t bias) {
    const bk_vi bv = vi_set1_16(bias);
    uint64_t total = 0;
    for (size_t i = 0; i < nvec;) {
        size_t m = nvec - i < 4 * 8192 ? nvec - i : 4 * 8192;
        bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
        size_t j = 0;
        for (; j + 4 <= m; j += 4)
            for (int u = 0; u < 4; u++)
                acc[u] = vi_add32(acc[u],
                                  vi_hadd16(vi_xor(vi_load(p + (i + j + u) * BK_VBYTES), bv)));
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
static uint64_t vsum32(const char *p, size_t nvec, uint32_t bias) {
    const bk_vi bv = vi_set1_32(bias);
    bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
    size_t i = 0;
    for (; i + 2 <= nvec; i += 2)
        for (int u = 0; u < 2; u++) {
            bk_vi x = vi_xor(vi_load(p + (i + u) * BK_VBYTES), bv);
            acc[2 * u] = vi_add64(acc[2 * u], vi_lo32(x));
            acc[2 * u + 1] = vi_add64(acc[2 * u + 1], vi_hi32(x));
        }
    for (; i < nvec; i++) {
        bk_vi x = vi_xor(vi_load(p + i * BK_VBYTES), bv);
        acc[0] = vi_add64(acc[0], vi_lo32(x));
        acc[1] = vi_add64(acc[1], vi_hi32(x));
    }
    return hsum_u64(vi_add64(vi_add64(acc[0], acc[1]), vi_add64(acc[2], acc[3])));
}

static uint64_t vsum64(const char *p, size_t nvec, uint64_t bias) {
    (void)bias; /* 64-bit lanes wrap identically for both signednesses */
    bk_vi acc[4] = {vi_zero(), vi_zero(), vi_zero(), vi_zero()};
    size_t i = 0;
    for (; i + 4 <= nvec; i += 4)
        for (int u = 0; u < 4; u++)
            acc[u] = vi_add64(acc[u], vi_load(p + (i + u) * BK_VBYTES));
    for (; i < nvec; i++)
        acc[0] = vi_add64(acc[0], vi_load(p + i * BK_VBYTES));
    return hsum_u64(vi_add64(vi_add64(acc[0], acc[1]), vi_add64(acc[2], acc[3])));
}

/*
 * sum = (biased vector sum) - bias * (elements in it) + scalar tail, all
 * modulo 2^64. For unsigned 16-bit the bias is negative (x - 32768), so the
 * correction adds.
 */
#define BK_DEF_ISUM(name, S, w, bias, correction)                              \
    static S sum_##name(const void *a, size_t n) {                             \
        enum { W = BK_VBYTES / (w / 8) };                                      \
        if (n < W) /* no pointer arithmetic on a, which may be NULL */         \
            return bk_s_sum_##name(a, n);                                      \
        BK_LARGE_TO_AVX2(sum_##name, n * (w / 8), a, n)                        \
        size_t nvec = n / W, m = nvec * W;                                     \
        uint64_t s = vsum##w((const char *)a, nvec, bias) + (uint64_t)(correction) * m; \
        return (S)(s + (uint64_t)bk_s_sum_##name((const char *)a + m * (w / 8), n - m)); \
    }
BK_DEF_ISUM(i8, int64_t, 8, 0x80, -(uint64_t)0x80)
BK_DEF_ISUM(u8, uint64_t, 8, 0, 0)
BK_DEF_ISUM(i16, int64_t, 16, 0, 0)
BK_DEF_ISUM(u16, uint64_t, 16, 0x8000, 0x8000)
BK_DEF_ISUM(i32, int64_t, 32, 0x80000000u, -(uint64_t)0x80000000u)
BK_DEF_ISUM(u32, uint64_t, 32, 0, 0)
BK_DEF_ISUM(i64, int64_t, 64, 0, 0)
BK_DEF_ISUM(u64, uint64_t, 64, 0, 0)

/* ---- the table ------------------------------------------------------------ */

const bk_kernel_table BK_TABLE_NAME = {BK_DTYPES(BK_TABLE_ENTRY)};
