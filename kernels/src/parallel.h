/*
 * parallel.h - the library's one parallel-for (parallel.c).
 */
#ifndef BK_PARALLEL_H
#define BK_PARALLEL_H

#include <stdatomic.h>
#include <stddef.h>

#include "bufkern.h"

/* Runs fn(ctx, i) for every i in [0, parts), on up to bk_get_threads()
 * threads (the caller included); returns when all have run. Parts must be
 * independent: each thread runs a fixed contiguous share of them first, but
 * one that is done takes parts of shares not yet started. */
typedef void (*bk_part_fn)(void *ctx, size_t part);
void bk_parallel_for(size_t parts, bk_part_fn fn, void *ctx);

/*
 * Operands of at least this many bytes are split over threads (elementwise
 * ops: the bytes of the input; reductions: the bytes of a round of blocks):
 * `measured`, the caller's figure for its form, unless BUFKERN_SPLIT_BYTES
 * overrides it for every form (bench/split_threshold.py sets it to 0 to find
 * where splitting starts to pay; see the README, "Kernels on several cores").
 */
extern _Atomic size_t bk_split_env; /* 0: not read yet; 1: unset; else the value + 2 */
size_t bk_split_env_read(void);
/* Inline: an out-of-line call was a tenth of a kernel call on 1 element. */
static inline size_t bk_split_bytes(size_t measured) {
    size_t v = atomic_load_explicit(&bk_split_env, memory_order_relaxed);
    if (v == 0)
        v = bk_split_env_read();
    return v == 1 ? measured : v - 2;
}

#endif
