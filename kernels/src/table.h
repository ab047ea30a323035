/*
 * table.h - the kernel table every target fills, and the targets compiled in.
 *
 * Kernels take untyped pointers: callers may pass any address, and element
 * access inside the kernels goes through memcpy or unaligned vector loads.
 */
#ifndef BK_TABLE_H
#define BK_TABLE_H

#include "bufkern.h"

typedef struct bk_kernel_table {
#define BK_X_SLOTS(name, ENUM, T, S, kind)                                     \
    S (*sum_##name)(const void *a, size_t n);                                  \
    void (*scale_##name)(void *a, size_t n, T k);                              \
    void (*mul_##name)(void *a, const void *b, size_t n);                      \
    void (*add_##name)(void *a, const void *b, size_t n);                      \
    void (*fill_##name)(void *a, size_t n, T v);
    BK_DTYPES(BK_X_SLOTS)
#undef BK_X_SLOTS
} bk_kernel_table;

/*
 * Fills a table from functions named <prefix>sum_<dtype>, <prefix>scale_<dtype>...
 * Every target names its kernels this way.
 */
#define BK_TABLE_ENTRY(name, ENUM, T, S, kind)                                 \
    .sum_##name = sum_##name, .scale_##name = scale_##name,                    \
    .mul_##name = mul_##name, .add_##name = add_##name,                        \
    .fill_##name = fill_##name,

extern const bk_kernel_table bk_table_scalar;
extern const bk_kernel_table bk_table_sse2;
extern const bk_kernel_table bk_table_avx2;
extern const bk_kernel_table bk_table_avx512;
extern const bk_kernel_table bk_table_neon;


/*
 * The active target's table. Resolved once, on first use; a race between two
 * first uses is benign because both resolve to the same table.
 */
#include <stdatomic.h>
extern _Atomic(const bk_kernel_table *) bk_active_kernels;
const bk_kernel_table *bk_resolve_kernels(void);
static inline const bk_kernel_table *bk_kernels(void) {
    const bk_kernel_table *t =
        atomic_load_explicit(&bk_active_kernels, memory_order_acquire);
    return t ? t : bk_resolve_kernels();
}


/*
 * Arrays of at least this many bytes count as beyond the caches: fills use
 * streaming stores, and the avx512 target hands them to 256-bit kernels. Set
 * before the first kernel runs (the table is published after it): 3/4 of the
 * last-level cache, at least 1 MiB, or BUFKERN_LARGE_BYTES.
 */
extern _Atomic size_t bk_large_bytes_value;
static inline size_t bk_large_bytes(void) {
    return atomic_load_explicit(&bk_large_bytes_value, memory_order_relaxed);
}

#endif
