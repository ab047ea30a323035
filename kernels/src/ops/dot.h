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
#define BK_X_V_DOT(name, ENUM, T, S, kind, R, RENUM) BK_USE_SCALAR(dot, dot, name, T, S, R)
BK_DTYPES(BK_X_V_DOT)
#undef BK_X_V_DOT
#endif
