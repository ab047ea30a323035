/* sub: out[i] = a[i] - b[i]. Integers wrap; floats one IEEE subtraction;
 * complex componentwise (exact as two real subtractions). */
#ifndef BK_OPS_SUB_H
#define BK_OPS_SUB_H
BK_E_ARITH(sub, -, sub)
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_SUB_V)
#define BK_OPS_SUB_V
BK_DEF_LANEWISE(sub, vi_sub, vf_sub, vd_sub)
#endif
