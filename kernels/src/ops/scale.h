/* scale: out[i] = a[i] * k, the multiply of mul.h by one scalar. */
#ifndef BK_OPS_SCALE_H
#define BK_OPS_SCALE_H
#define BK_X_E_SCALE(name, ENUM, T, S, kind, R, RENUM)                         \
    static inline T bk_e_scale_##name(T x, T k) { return bk_e_mul_##name(x, k); }
BK_DTYPES(BK_X_E_SCALE)
#undef BK_X_E_SCALE
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_SCALE_V)
#define BK_OPS_SCALE_V
#define BK_DEF_SCALE_INT(p, T, w, bytes)                                       \
    BK_DEF_SCALE(scale_##p##w, T, bytes, bk_vi, vi_load, vi_store, bk_vi, vi_set1_##w, vi_mul##w, \
                 bk_s_scale_##p##w)
BK_DEF_SCALE_INT(i, int8_t, 8, 1)
BK_DEF_SCALE_INT(u, uint8_t, 8, 1)
BK_DEF_SCALE_INT(i, int16_t, 16, 2)
BK_DEF_SCALE_INT(u, uint16_t, 16, 2)
BK_DEF_SCALE_INT(i, int32_t, 32, 4)
BK_DEF_SCALE_INT(u, uint32_t, 32, 4)
#if BK_VBITS == 128 /* no 64-bit lane multiply: see mul.h */
BK_USE_SCALAR(scalar, scale, i64, int64_t, int64_t, int64_t)
BK_USE_SCALAR(scalar, scale, u64, uint64_t, uint64_t, uint64_t)
#else
BK_DEF_SCALE_INT(i, int64_t, 64, 8)
BK_DEF_SCALE_INT(u, uint64_t, 64, 8)
#endif
BK_DEF_SCALE(scale_f32, float, 4, bk_vf, vf_load, vf_store, bk_vf, vf_set1, vf_mul, bk_s_scale_f32)
BK_DEF_SCALE(scale_f64, double, 8, bk_vd, vd_load, vd_store, bk_vd, vd_set1, vd_mul, bk_s_scale_f64)

/* Complex scale by k: the multiply of vec.h with k's halves broadcast once. */
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
BK_DEF_SCALE(scale_c64, bk_c64, 8, bk_vf, vf_load, vf_store, bk_vf_pair, c64_splat, c64_scale,
             bk_s_scale_c64)
BK_DEF_SCALE(scale_c128, bk_c128, 16, bk_vd, vd_load, vd_store, bk_vd_pair, c128_splat,
             c128_scale, bk_s_scale_c128)
#endif
