/* The scalar target: portable C, compiled without auto-vectorisation so that
 * it is the honest baseline the SIMD targets are measured against. */
#include "scalar_ops.h"
#include "table.h"

#define BK_X_WRAP(name, ENUM, T, S, kind)                                      \
    static S sum_##name(const void *a, size_t n) { return bk_s_sum_##name(a, n); } \
    static void scale_##name(void *a, size_t n, T k) { bk_s_scale_##name(a, n, k); } \
    static void mul_##name(void *a, const void *b, size_t n) { bk_s_mul_##name(a, b, n); } \
    static void add_##name(void *a, const void *b, size_t n) { bk_s_add_##name(a, b, n); } \
    static void fill_##name(void *a, size_t n, T v) { bk_s_fill_##name(a, n, v); }
BK_DTYPES(BK_X_WRAP)
#undef BK_X_WRAP

const bk_kernel_table bk_table_scalar = {BK_DTYPES(BK_TABLE_ENTRY)};
