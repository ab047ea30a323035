/*
 * conj: out[i] = conj(a[i]): every imaginary part negated exactly (0.0
 * becomes -0.0, a NaN keeps its payload). Real dtypes: the values unchanged.
 */
#ifndef BK_OPS_CONJ_H
#define BK_OPS_CONJ_H
/* In place on a real dtype: nothing to do (see BK_IDENTITY_ in api.c). */
#define BK_IDENTITY_conj_float ~, 1
#define BK_IDENTITY_conj_sint ~, 1
#define BK_IDENTITY_conj_uint ~, 1
#define BK_E_CONJ_real(name, T, R) static inline T bk_e_conj_##name(T x) { return x; }
#define BK_E_CONJ_float BK_E_CONJ_real
#define BK_E_CONJ_sint BK_E_CONJ_real
#define BK_E_CONJ_uint BK_E_CONJ_real
#define BK_E_CONJ_cplx(name, T, R) static inline T bk_e_conj_##name(T x) { return T##_conj(x); }
#define BK_X_E_CONJ(name, ENUM, T, S, kind, R, RENUM) BK_E_CONJ_##kind(name, T, R)
BK_DTYPES(BK_X_E_CONJ)
#undef BK_X_E_CONJ
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_CONJ_V)
#define BK_OPS_CONJ_V
#define BK_V_CONJ_real(name, T, R) BK_DEF_COPY(conj_##name, T)
#define BK_V_CONJ_float BK_V_CONJ_real
#define BK_V_CONJ_sint BK_V_CONJ_real
#define BK_V_CONJ_uint BK_V_CONJ_real
#define BK_V_CONJ_cplx(name, T, R)
#define BK_X_V_CONJ(name, ENUM, T, S, kind, R, RENUM) BK_V_CONJ_##kind(name, T, R)
BK_DTYPES(BK_X_V_CONJ)
#undef BK_X_V_CONJ
/* Complex: flip the sign bit of every odd lane. */
BK_INLINE bk_vf vc64_conj(bk_vf x) { return vf_xor(x, vf_sign_im()); }
BK_INLINE bk_vd vc128_conj(bk_vd x) { return vd_xor(x, vd_sign_im()); }
BK_DEF_UNARY(conj_c64, 8, 8, bk_vf, vf_load, vf_store, vc64_conj, bk_s_conj_c64)
BK_DEF_UNARY(conj_c128, 16, 16, bk_vd, vd_load, vd_store, vc128_conj, bk_s_conj_c128)
#endif
