/* add: out[i] = a[i] + b[i]. Integers wrap; floats one IEEE addition;
 * complex componentwise (exact as two real additions). */
#ifndef BK_OPS_ADD_H
#define BK_OPS_ADD_H
BK_E_ARITH(add, +, add)
#endif

#if defined(BK_VECTOR_PASS) && !defined(BK_OPS_ADD_V)
#define BK_OPS_ADD_V
BK_DEF_LANEWISE(add, vi_add, vf_add, vd_add)
#endif
