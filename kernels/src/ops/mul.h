/*
 * mul: out[i] = a[i] * b[i]. Integers wrap; floats one IEEE multiplication;
 * complex (ac - bd) + (ad + bc)i, without FMA, so every target agrees.
 */
#ifndef BK_OPS_MUL_H
#define BK_OPS_MUL_H
BK_E_ARITH(mul, *, mul)
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_MUL_V)
#define BK_OPS_MUL_V
#define BK_DEF_MUL_INT(p, T, w, bytes)                                         \
    BK_DEF_BINARY(mul_##p##w, bytes, bk_vi, vi_load, vi_store, vi_mul##w, bk_s_mul_##p##w)
BK_DEF_MUL_INT(i, int8_t, 8, 1)
BK_DEF_MUL_INT(u, uint8_t, 8, 1)
BK_DEF_MUL_INT(i, int16_t, 16, 2)
BK_DEF_MUL_INT(u, uint16_t, 16, 2)
BK_DEF_MUL_INT(i, int32_t, 32, 4)
BK_DEF_MUL_INT(u, uint32_t, 32, 4)
#if BK_VBITS == 128
/*
 * 128-bit ISAs (SSE2, NEON) have no 64-bit lane multiply, and building one
 * from three 32x32->64 multiplies measured slower than scalar imul (i64 mul,
 * 16 KiB: 65 GB/s against 98). The scalar loop is this target's best kernel.
 */
BK_USE_SCALAR(binary, mul, i64, int64_t, int64_t, int64_t)
BK_USE_SCALAR(binary, mul, u64, uint64_t, uint64_t, uint64_t)
#else
BK_DEF_MUL_INT(i, int64_t, 64, 8)
BK_DEF_MUL_INT(u, uint64_t, 64, 8)
#endif
BK_DEF_BINARY(mul_f32, 4, bk_vf, vf_load, vf_store, vf_mul, bk_s_mul_f32)
BK_DEF_BINARY(mul_f64, 8, bk_vd, vd_load, vd_store, vd_mul, bk_s_mul_f64)
BK_DEF_BINARY(mul_c64, 8, bk_vf, vf_load, vf_store, vc64_mul, bk_s_mul_c64)
BK_DEF_BINARY(mul_c128, 16, bk_vd, vd_load, vd_store, vc128_mul, bk_s_mul_c128)
#endif
