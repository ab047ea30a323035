/*
 * table.h - the kernel table every target fills, and the targets compiled in.
 *
 * Kernels take untyped pointers: callers may pass any address, and element
 * access inside the kernels goes through memcpy or unaligned vector loads.
 */
#ifndef BK_TABLE_H
#define BK_TABLE_H

#include "bufkern.h"

/*
 * Inlining the library insists on, and refuses. BK_INLINE: vector helpers,
 * and entry-point paths that are only fast inlined where the kernel is known
 * (a call on 16 elements took 21-25 ns through an out-of-line chain, against
 * 3 ns for a plain loop). BK_NOINLINE: cold or long paths kept out of a short
 * call's stack frame (simd_body.h, api.c).
 */
#if defined(__GNUC__)
#define BK_INLINE static inline __attribute__((always_inline))
#define BK_NOINLINE static __attribute__((noinline))
#else
#define BK_INLINE static inline
#define BK_NOINLINE static
#endif

/*
 * The slot of op for one dtype, by the op's form. The elementwise kernels take
 * their destination first and may be called with out == a (or out == b)
 * exactly; any other overlap is resolved in api.c before they run.
 */
#define BK_SLOT_reduce(op, name, T, S) S (*op##_##name)(const void *a, size_t n);
#define BK_SLOT_extreme(op, name, T, S) T (*op##_##name)(const void *a, size_t n);
#define BK_SLOT_dot(op, name, T, S) S (*op##_##name)(const void *a, const void *b, size_t n);
#define BK_SLOT_fill(op, name, T, S) void (*op##_##name)(void *a, size_t n, T v);
#define BK_SLOT_scalar(op, name, T, S)                                         \
    void (*op##_##name)(void *out, const void *a, size_t n, T k);
#define BK_SLOT_binary(op, name, T, S)                                         \
    void (*op##_##name)(void *out, const void *a, const void *b, size_t n);
#define BK_SLOT_unary(op, name, T, S) void (*op##_##name)(void *out, const void *a, size_t n);
#define BK_SLOT_magnitude BK_SLOT_unary

typedef struct bk_kernel_table {
#define BK_X_SLOT(op, pyname, form, name, ENUM, T, S, kind, R, RENUM)          \
    BK_SLOT_##form(op, name, T, S)
    BK_OPS_DTYPES(BK_X_SLOT)
#undef BK_X_SLOT
} bk_kernel_table;

/*
 * Table entries: a SIMD target names its kernels <op>_<dtype>; the scalar
 * target's are the definitions bk_s_<op>_<dtype> themselves.
 */
#define BK_TABLE_ENTRY(op, pyname, form, name, ENUM, T, S, kind, R, RENUM)    \
    .op##_##name = op##_##name,
#define BK_TABLE_ENTRY_SCALAR(op, pyname, form, name, ENUM, T, S, kind, R, RENUM) \
    .op##_##name = bk_s_##op##_##name,

extern const bk_kernel_table bk_table_scalar;
extern const bk_kernel_table bk_table_sse2;
extern const bk_kernel_table bk_table_avx2;
extern const bk_kernel_table bk_table_avx512;
extern const bk_kernel_table bk_table_neon;


/*
 * A target: its name, the CPU features it needs (BK_CPU_* of dispatch.c) and
 * its kernels. The active target is one pointer to one of these immutable
 * records, so a reader always gets a name and kernels that belong together.
 * Resolved once, on first use; a race between two first uses is benign
 * because both resolve to the same record.
 */
#include <stdatomic.h>
typedef struct bk_target {
    const char *name;
    unsigned needs;
    const bk_kernel_table *table;
} bk_target;
extern _Atomic(const bk_target *) bk_active;
const bk_target *bk_resolve_target(void);
BK_INLINE const bk_target *bk_active_target(void) {
    const bk_target *t = atomic_load_explicit(&bk_active, memory_order_acquire);
    return t ? t : bk_resolve_target();
}
BK_INLINE const bk_kernel_table *bk_kernels(void) { return bk_active_target()->table; }

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

/*
 * Where the avx512 kernels join vectors that straddle cache lines from
 * aligned loads (vec.h), by the bytes of an operand. Below BK_JOIN_FROM it
 * comes from L1, which serves straddling loads about as fast as the
 * permutes: sum i8 at 16 bytes past a line, Xeon Ice Lake avx512, 16 KiB 189
 * ns straddling against 192 aligned, 64 KiB 1251 against 778. Above
 * BK_JOIN_UNTIL it streams from L3 or DRAM, where joined loads measured
 * slower: dot f64 with a and b 16 bytes past a line, 2 MiB 1.00x, 8 MiB
 * 0.91x, 32 MiB 0.92x, 192 MiB 0.91-0.93x of the straddling loop's speed.
 */
#define BK_JOIN_FROM ((size_t)16 << 10)
#define BK_JOIN_UNTIL ((size_t)2 << 20)
/*
 * A reduction's kernels see one block of it at a time (api.c), which tells
 * them nothing of the whole: api.c sets this, on the thread that runs a
 * block, while the block belongs to a reduction whose operands exceed
 * BK_JOIN_UNTIL: sums and dots then stop joining (above), min and max
 * prefetch (ops/minmax.h).
 */
#if defined(__GNUC__)
/* initial-exec: one %fs-relative load, where the default model for a shared
 * library calls __tls_get_addr through the PLT (min f32 at 4 KiB read it in
 * every call: 0.93x); four bytes of the static TLS surplus glibc keeps for
 * libraries loaded later (bufkern's Python module is). */
#define BK_TLS_IE __attribute__((tls_model("initial-exec")))
#else
#define BK_TLS_IE
#endif
extern _Thread_local int bk_reduce_streams BK_TLS_IE;

#endif
