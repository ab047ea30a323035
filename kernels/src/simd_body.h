/*
 * simd_body.h - the body of every SIMD target: the loop templates the ops'
 * vector kernels are written with, then the kernels themselves (the second
 * part of each ops/<op>.h), then the target's table.
 *
 * A target's translation unit defines BK_VBITS and BK_TABLE_NAME and includes
 * this file; it is compiled once per target with that target's flags only.
 * Tails shorter than a vector go through the scalar definitions
 * (bk_s_<op>_<dtype>), so every target shares one definition of each op.
 */
#include <string.h>

#include "scalar_ops.h"
#include "table.h"
#include "vec.h"

/*
 * Beyond the caches, the 256-bit kernels measured faster than the 512-bit
 * ones on the Xeon with the 480 MiB L3 (64 Mi elements: i32 sum 15.5 against
 * 10.5 GB/s, f64 scale 29.0 against 25.9; AVX2 loops also read DRAM faster
 * in bench/'s bandwidth loops), so the avx512 target hands large arrays to
 * the avx2 kernels, which every CPU it runs on can run. On the Ice Lake with
 * the 48 MiB L3 they measured alike (192 MiB, within 2%). A reduction's
 * kernels see one block of it (api.c), always below the threshold.
 */
#if BK_VBITS == 512
#define BK_LARGE_TO_AVX2(fname, bytes, ...)                                    \
    if ((bytes) >= bk_large_bytes())                                           \
        return bk_table_avx2.fname(__VA_ARGS__);
#else
#define BK_LARGE_TO_AVX2(fname, bytes, ...)
#endif

/*
 * Streaming from L3 or DRAM the elementwise loops prefetch their inputs
 * BK_PREFETCH_AHEAD bytes ahead. One core streaming from DRAM is limited by
 * the misses it keeps in flight, and a loop of many instructions a vector
 * (a 64-bit or 8-bit multiply, complex arithmetic) holds fewer of them in
 * its reorder window: in place, 192 MiB, one thread, Xeon Ice Lake (the
 * avx2 kernels), scale u64 ran at 70% of the read-modify-write ceiling
 * against 96% for f64. Prefetching 4 KiB ahead: u64 1.29x, c128 1.23x, f64
 * 1.17x (1 KiB ahead: 1.19x, 1.19x, 1.09x; 8 KiB like 4). The same holds
 * from L3, so the loops prefetch once an operand exceeds BK_JOIN_UNTIL (2
 * MiB, beyond a core's L2: table.h), as sums, dots, min and max do: 8 MiB,
 * one thread, avx512, against prefetching only beyond bk_large_bytes():
 * divide c64 1.43x, multiply c128 1.15x, add f32 1.12x, scale f32 1.03x,
 * scale u64 1.00x; 2-4 MiB 1.00-1.02x (tools/ab-kernels.sh). In L1 and L2
 * it only costs (f32 at 16 KiB: 0.91x).
 */
#define BK_PREFETCH_AHEAD 4096
/* The lines of the `bytes` an iteration reads from p, that far ahead (as an
 * integer: the address may be past the end of the array; a prefetch never
 * faults). */
BK_INLINE void bk_prefetch_ahead(const char *p, size_t bytes) {
#if defined(__GNUC__)
    for (size_t off = 0; off < bytes; off += 64)
        __builtin_prefetch((const void *)((uintptr_t)p + BK_PREFETCH_AHEAD + off));
#else
    (void)p, (void)bytes;
#endif
}
#define BK_NO_PREFETCH(p, bytes) ((void)(p))
/* LOOP(..., PREFETCH) with bk_prefetch_ahead when `large`, else without. */
#define BK_PREFETCH_IF(large, LOOP, ...)                                       \
    if (large) {                                                               \
        LOOP(__VA_ARGS__, bk_prefetch_ahead)                                   \
    } else {                                                                   \
        LOOP(__VA_ARGS__, BK_NO_PREFETCH)                                      \
    }

/* ---- elementwise templates ---------------------------------------------- */

/*
 * Each elementwise kernel is two functions. Operands shorter than
 * BK_SHORT_VECTORS vectors, which take no aligned head (BK_ALIGN_HEAD), no
 * joined loads and no prefetch, run in a leaf that needs no stack frame;
 * the rest jump to fname_long. As one function, every call paid the long
 * path's frame (six registers saved and the stack realigned for 512-bit
 * vectors). Xeon Ice Lake, avx512, typed entry points, both builds
 * alternating in one process: 1-48 elements 1.3-1.4x faster (bk_add_f32 of
 * 16: 16.2 -> 12.3 ns), 64 and more unchanged or 1.02-1.08x.
 */
#define BK_SHORT_VECTORS 4

/* The elements of `size` bytes from p to the next vector-aligned address, or 0
 * when p is not aligned to its elements (no element starts there). */
#define BK_TO_ALIGNED(p, size)                                                 \
    ((uintptr_t)(p) % (size) ? 0 : (size_t)(-(uintptr_t)(p) & (BK_VBYTES - 1)) / (size))

/*
 * The elements before out's first vector-aligned address, which the
 * elementwise templates run through the scalar loop so that every vector
 * store is aligned. An unaligned 512-bit store writes two cache lines, and
 * NumPy's large arrays start 16 bytes into a page: scale f64 in place, 1 MiB,
 * one thread, Xeon (Ice Lake) avx512: 34.9 us from such an address against
 * 24.2 us from an aligned one, NumPy 27.5 us. Short arrays take no head: it
 * would cost more scalar elements than it saves.
 */
#define BK_ALIGN_HEAD(po, RSIZE, n, L) ((n) >= 4 * (size_t)(L) ? BK_TO_ALIGNED(po, RSIZE) : 0)


/*
 * Where a or b straddles cache lines after out's head (in place, a b at
 * another offset than a, as NumPy's small arrays are), their vectors between
 * out's first and last are joined from aligned loads (vec.h), between
 * BK_JOIN_FROM and BK_JOIN_UNTIL bytes. Multiply f64 in place, b 16 bytes off a, Xeon Ice
 * Lake avx512: 64 KiB 2146 -> 1480 ns, 16 KiB 333 -> 300. fname_join runs
 * them from i and returns where it stopped; the plain loop does the rest.
 * The caller checks the size: out of line, its frame costs no other call.
 * Pairs of vectors (complex division) do not join.
 */
#define BK_CAT_(a, b) a##b
#define BK_CAT(a, b) BK_CAT_(a, b)
#define BK_JOINS_bk_vi 1
#define BK_JOINS_bk_vf 1
#define BK_JOINS_bk_vd 1
#define BK_JOINS_bk_vf_pair 0
#define BK_JOINS_bk_vd_pair 0
#define BK_OF_VI_bk_vi(x) (x)
#define BK_OF_VI_bk_vf(x) vi_as_vf(x)
#define BK_OF_VI_bk_vd(x) vi_as_vd(x)
#define BK_DEF_BINARY_JOIN_0(fname, ESIZE, V, LOAD, STORE, OP)                 \
    static size_t fname##_join(char *po, const char *pa, const char *pb, size_t i, size_t n) { \
        (void)po, (void)pa, (void)pb, (void)n;                                 \
        return i;                                                              \
    }
#define BK_DEF_BINARY_JOIN_1(fname, ESIZE, V, LOAD, STORE, OP)                 \
    BK_INLINE size_t fname##_joined(char *po, const char *pa, const char *pb, size_t i, \
                                    size_t end, int ja, int jb) {              \
        enum { L = sizeof(V) / (ESIZE) };                                      \
        bk_cursor ca = cur_open(pa + i * (ESIZE), ja), cb = cur_open(pb + i * (ESIZE), jb); \
        for (size_t j = 0; i + 2 * L <= end; i += 2 * L, j += 2) {             \
            V x0 = BK_CAT(BK_OF_VI_, V)(cur_vi(&ca, j, ja));                   \
            V y0 = BK_CAT(BK_OF_VI_, V)(cur_vi(&cb, j, jb));                   \
            V x1 = BK_CAT(BK_OF_VI_, V)(cur_vi(&ca, j + 1, ja));               \
            V y1 = BK_CAT(BK_OF_VI_, V)(cur_vi(&cb, j + 1, jb));               \
            STORE(po + i * (ESIZE), OP(x0, y0));                               \
            STORE(po + (i + L) * (ESIZE), OP(x1, y1));                         \
        }                                                                      \
        return i;                                                              \
    }                                                                          \
    BK_NOINLINE size_t fname##_join(char *po, const char *pa, const char *pb, size_t i, size_t n) { \
        enum { L = sizeof(V) / (ESIZE) };                                      \
        const size_t nv = (n - i) / L;                                         \
        const int ja = src_joinable(pa + i * (ESIZE)), jb = src_joinable(pb + i * (ESIZE)); \
        if (nv < 4 || !(ja || jb))                                             \
            return i;                                                          \
        STORE(po + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), LOAD(pb + i * (ESIZE)))); \
        const size_t end = i + (nv - 1) * L; /* the last vector: plain */      \
        i += L;                                                                \
        if (!ja)                                                               \
            return fname##_joined(po, pa, pb, i, end, 0, 1);                   \
        return jb ? fname##_joined(po, pa, pb, i, end, 1, 1) : fname##_joined(po, pa, pb, i, end, 1, 0); \
    }

/*
 * out[i] = OP(a[i], b[i]), two V an iteration, then one, then the tail. V is
 * a vector, or a pair of them that LOAD and STORE split and join (complex
 * division). Both are loaded before either is stored, so out may be a or b.
 */
#define BK_BINARY_PAIRS(ESIZE, V, LOAD, STORE, OP, PREFETCH)                   \
    for (; i + 2 * L <= n; i += 2 * L) {                                       \
        PREFETCH(pa + i * (ESIZE), 2 * L * (ESIZE));                           \
        PREFETCH(pb + i * (ESIZE), 2 * L * (ESIZE));                           \
        V x0 = LOAD(pa + i * (ESIZE)), x1 = LOAD(pa + (i + L) * (ESIZE));      \
        V y0 = LOAD(pb + i * (ESIZE)), y1 = LOAD(pb + (i + L) * (ESIZE));      \
        STORE(po + i * (ESIZE), OP(x0, y0));                                   \
        STORE(po + (i + L) * (ESIZE), OP(x1, y1));                             \
    }
#define BK_DEF_BINARY(fname, ESIZE, V, LOAD, STORE, OP, TAIL)                  \
    BK_CAT(BK_DEF_BINARY_JOIN_, BK_CAT(BK_JOINS_, V))(fname, ESIZE, V, LOAD, STORE, OP) \
    BK_NOINLINE void fname##_long(char *po, const char *pa, const char *pb, size_t n) { \
        enum { L = sizeof(V) / (ESIZE) };                                      \
        BK_LARGE_TO_AVX2(fname, n * (ESIZE), po, pa, pb, n)                    \
        size_t i = BK_ALIGN_HEAD(po, ESIZE, n, L);                             \
        if (i)                                                                 \
            TAIL(po, pa, pb, i);                                               \
        if (n * (ESIZE) >= BK_JOIN_FROM && n * (ESIZE) <= BK_JOIN_UNTIL)       \
            i = fname##_join(po, pa, pb, i, n);                                \
        BK_PREFETCH_IF(n * (ESIZE) > BK_JOIN_UNTIL, BK_BINARY_PAIRS, ESIZE, V, LOAD, STORE, OP) \
        if (i + L <= n) {                                                      \
            STORE(po + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), LOAD(pb + i * (ESIZE)))); \
            i += L;                                                            \
        }                                                                      \
        TAIL(po + i * (ESIZE), pa + i * (ESIZE), pb + i * (ESIZE), n - i);     \
    }                                                                          \
    static void fname(void *out, const void *a, const void *b, size_t n) {     \
        enum { L = sizeof(V) / (ESIZE) };                                      \
        char *po = (char *)out;                                                \
        const char *pa = (const char *)a, *pb = (const char *)b;               \
        if (n >= BK_SHORT_VECTORS * L) {                                       \
            fname##_long(po, pa, pb, n);                                       \
            return;                                                            \
        }                                                                      \
        if (n == 0) /* the pointers may be NULL: form no pointer from them */  \
            return;                                                            \
        size_t i = 0;                                                          \
        for (; i + L <= n; i += L)                                             \
            STORE(po + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), LOAD(pb + i * (ESIZE)))); \
        TAIL(po + i * (ESIZE), pa + i * (ESIZE), pb + i * (ESIZE), n - i);     \
    }

/* The binary op of every integer width and signedness: wrapping add and
 * subtract do not depend on signedness (the compiler folds i<w> and u<w>). */
#define BK_DEF_BINARY_INT(op, VOP)                                             \
    BK_DEF_BINARY(op##_i8, 1, bk_vi, vi_load, vi_store, VOP##8, bk_s_##op##_i8)        \
    BK_DEF_BINARY(op##_u8, 1, bk_vi, vi_load, vi_store, VOP##8, bk_s_##op##_u8)        \
    BK_DEF_BINARY(op##_i16, 2, bk_vi, vi_load, vi_store, VOP##16, bk_s_##op##_i16)     \
    BK_DEF_BINARY(op##_u16, 2, bk_vi, vi_load, vi_store, VOP##16, bk_s_##op##_u16)     \
    BK_DEF_BINARY(op##_i32, 4, bk_vi, vi_load, vi_store, VOP##32, bk_s_##op##_i32)     \
    BK_DEF_BINARY(op##_u32, 4, bk_vi, vi_load, vi_store, VOP##32, bk_s_##op##_u32)     \
    BK_DEF_BINARY(op##_i64, 8, bk_vi, vi_load, vi_store, VOP##64, bk_s_##op##_i64)     \
    BK_DEF_BINARY(op##_u64, 8, bk_vi, vi_load, vi_store, VOP##64, bk_s_##op##_u64)

/* An op that is one vector instruction on every dtype: VI<w> on integers,
 * VF/VD on floats and on complex components (add, subtract). */
#define BK_DEF_LANEWISE(op, VI, VF, VD)                                        \
    BK_DEF_BINARY_INT(op, VI)                                                  \
    BK_DEF_BINARY(op##_f32, 4, bk_vf, vf_load, vf_store, VF, bk_s_##op##_f32)  \
    BK_DEF_BINARY(op##_f64, 8, bk_vd, vd_load, vd_store, VD, bk_s_##op##_f64)  \
    BK_DEF_BINARY(op##_c64, 8, bk_vf, vf_load, vf_store, VF, bk_s_##op##_c64)  \
    BK_DEF_BINARY(op##_c128, 16, bk_vd, vd_load, vd_store, VD, bk_s_##op##_c128)

/*
 * out[i] = OP(a[i]) for a result element of RSIZE bytes. RSIZE < ESIZE only
 * for a magnitude: then V is a pair of vectors (LOAD splits them) and OP
 * returns one vector of results. BK_DEF_UNARY2 runs OP_ODD on every second
 * vector instead: the same values by other instructions, so that two
 * execution units share the work (see vd_sqrt_fma in ops/abs.h).
 */
#define BK_DEF_UNARY(fname, ESIZE, RSIZE, V, LOAD, STORE, OP, TAIL)            \
    BK_DEF_UNARY2(fname, ESIZE, RSIZE, V, LOAD, STORE, OP, OP, TAIL)
#define BK_UNARY_PAIRS(ESIZE, RSIZE, V, LOAD, STORE, OP, OP_ODD, PREFETCH)     \
    for (; i + 2 * L <= n; i += 2 * L) {                                       \
        PREFETCH(pa + i * (ESIZE), 2 * L * (ESIZE));                           \
        V x0 = LOAD(pa + i * (ESIZE)), x1 = LOAD(pa + (i + L) * (ESIZE));      \
        STORE(po + i * (RSIZE), OP(x0));                                       \
        STORE(po + (i + L) * (RSIZE), OP_ODD(x1));                             \
    }
/*
 * Streaming stores where out is a separate array beyond the caches, aligned
 * after the head: the lines' old contents are never read (the magnitude of
 * 192 MiB of c128, Xeon Ice Lake: 24.4 -> 21.0 ms a call). In place, a's
 * lines have just been read anyway; out and a are otherwise disjoint (api.c
 * resolves every other overlap before a kernel runs). The binary and scalar
 * templates' out= forms could do the same; not measured yet.
 */
#define BK_STREAM_OUT(po, off, obytes, pa)                                     \
    ((obytes) >= bk_large_bytes() && (const void *)(po) != (const void *)(pa) && \
     (uintptr_t)((po) + (off)) % BK_VBYTES == 0)
#define BK_DEF_UNARY2(fname, ESIZE, RSIZE, V, LOAD, STORE, OP, OP_ODD, TAIL)   \
    BK_NOINLINE void fname##_long(char *po, const char *pa, size_t n) {        \
        enum { L = sizeof(V) / (ESIZE) };                                      \
        BK_LARGE_TO_AVX2(fname, n * (ESIZE), po, pa, n)                        \
        size_t i = BK_ALIGN_HEAD(po, RSIZE, n, L);                             \
        if (i)                                                                 \
            TAIL(po, pa, i);                                                   \
        if (BK_STREAM_OUT(po, i * (RSIZE), n * (RSIZE), pa)) {                 \
            BK_UNARY_PAIRS(ESIZE, RSIZE, V, LOAD, STORE##_nt, OP, OP_ODD,      \
                           bk_prefetch_ahead)                                  \
            simde_mm_sfence(); /* streaming stores are weakly ordered */       \
        } else {                                                               \
            BK_PREFETCH_IF(n * (ESIZE) > BK_JOIN_UNTIL, BK_UNARY_PAIRS, ESIZE, RSIZE, V, \
                           LOAD, STORE, OP, OP_ODD)                            \
        }                                                                      \
        if (i + L <= n) {                                                      \
            STORE(po + i * (RSIZE), OP(LOAD(pa + i * (ESIZE))));               \
            i += L;                                                            \
        }                                                                      \
        TAIL(po + i * (RSIZE), pa + i * (ESIZE), n - i);                       \
    }                                                                          \
    static void fname(void *out, const void *a, size_t n) {                    \
        enum { L = sizeof(V) / (ESIZE) };                                      \
        char *po = (char *)out;                                                \
        const char *pa = (const char *)a;                                      \
        if (n >= BK_SHORT_VECTORS * L) {                                       \
            fname##_long(po, pa, n);                                           \
            return;                                                            \
        }                                                                      \
        if (n == 0)                                                            \
            return;                                                            \
        size_t i = 0;                                                          \
        for (; i + L <= n; i += L)                                             \
            STORE(po + i * (RSIZE), OP(LOAD(pa + i * (ESIZE))));               \
        TAIL(po + i * (RSIZE), pa + i * (ESIZE), n - i);                       \
    }

/* An op that leaves the values unchanged: a copy (out and a never partly
 * overlap here: see api.c). */
#define BK_DEF_COPY(fname, T)                                                  \
    static void fname(void *out, const void *a, size_t n) {                    \
        if (n && out != a)                                                     \
            memcpy(out, a, n * sizeof(T));                                     \
    }

/*
 * An op whose best kernel on this target is the scalar loop (no vector form
 * of it measured faster, or none is written yet): the scalar definition,
 * under the name the table takes.
 */
#define BK_USE_SCALAR(form, op, name, T, S, R) BK_USE_SCALAR_##form(op, name, T, S, R)
#define BK_USE_SCALAR_reduce(op, name, T, S, R)                                \
    static S op##_##name(const void *a, size_t n) { return bk_s_##op##_##name(a, n); }
#define BK_USE_SCALAR_extreme(op, name, T, S, R)                               \
    static T op##_##name(const void *a, size_t n) { return bk_s_##op##_##name(a, n); }
#define BK_USE_SCALAR_dot(op, name, T, S, R)                                   \
    static S op##_##name(const void *a, const void *b, size_t n) {             \
        return bk_s_##op##_##name(a, b, n);                                    \
    }
#define BK_USE_SCALAR_scalar(op, name, T, S, R)                                \
    static void op##_##name(void *out, const void *a, size_t n, T k) {         \
        bk_s_##op##_##name(out, a, n, k);                                      \
    }
#define BK_USE_SCALAR_binary(op, name, T, S, R)                                \
    static void op##_##name(void *out, const void *a, const void *b, size_t n) { \
        bk_s_##op##_##name(out, a, b, n);                                      \
    }
#define BK_USE_SCALAR_unary(op, name, T, S, R)                                 \
    static void op##_##name(void *out, const void *a, size_t n) { bk_s_##op##_##name(out, a, n); }
#define BK_USE_SCALAR_magnitude BK_USE_SCALAR_unary

/* out[i] = OP(a[i], K) where K = PREP(k) is prepared once. */
#define BK_SCALE_PAIRS(ESIZE, V, LOAD, STORE, OP, PREFETCH)                    \
    for (; i + 2 * L <= n; i += 2 * L) {                                       \
        PREFETCH(pa + i * (ESIZE), 2 * L * (ESIZE));                           \
        V x0 = LOAD(pa + i * (ESIZE)), x1 = LOAD(pa + (i + L) * (ESIZE));      \
        STORE(po + i * (ESIZE), OP(x0, kv));                                   \
        STORE(po + (i + L) * (ESIZE), OP(x1, kv));                             \
    }
#define BK_DEF_SCALE(fname, T, ESIZE, V, LOAD, STORE, KT, PREP, OP, TAIL)      \
    BK_NOINLINE void fname##_long(char *po, const char *pa, size_t n, T k) {   \
        enum { L = BK_VBYTES / (ESIZE) };                                      \
        BK_LARGE_TO_AVX2(fname, n * (ESIZE), po, pa, n, k)                     \
        const KT kv = PREP(k);                                                 \
        size_t i = BK_ALIGN_HEAD(po, ESIZE, n, L);                             \
        if (i)                                                                 \
            TAIL(po, pa, i, k);                                                \
        BK_PREFETCH_IF(n * (ESIZE) > BK_JOIN_UNTIL, BK_SCALE_PAIRS, ESIZE, V, LOAD, STORE, OP) \
        if (i + L <= n) {                                                      \
            STORE(po + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), kv));           \
            i += L;                                                            \
        }                                                                      \
        TAIL(po + i * (ESIZE), pa + i * (ESIZE), n - i, k);                    \
    }                                                                          \
    static void fname(void *out, const void *a, size_t n, T k) {               \
        enum { L = BK_VBYTES / (ESIZE) };                                      \
        char *po = (char *)out;                                                \
        const char *pa = (const char *)a;                                      \
        if (n >= BK_SHORT_VECTORS * L) {                                       \
            fname##_long(po, pa, n, k);                                        \
            return;                                                            \
        }                                                                      \
        if (n == 0) /* the pointers may be NULL: form no pointer from them */  \
            return;                                                            \
        const KT kv = PREP(k);                                                 \
        size_t i = 0;                                                          \
        for (; i + L <= n; i += L)                                             \
            STORE(po + i * (ESIZE), OP(LOAD(pa + i * (ESIZE)), kv));           \
        TAIL(po + i * (ESIZE), pa + i * (ESIZE), n - i, k);                    \
    }

/* Fill stores the element's bit pattern, repeated across a vector (size is
 * a constant in every caller, so one case remains). */
BK_INLINE bk_vi bk_pattern(const void *v, size_t size) {
    uint64_t x[2] = {0, 0};
    memcpy(x, v, size);
    switch (size) {
    case 1:
        return vi_set1_8((uint8_t)x[0]);
    case 2:
        return vi_set1_16((uint16_t)x[0]);
    case 4:
        return vi_set1_32((uint32_t)x[0]);
    case 8:
        return vi_set1_64(x[0]);
    default:
        return vi_set_128(x[0], x[1]);
    }
}

/*
 * A fill of `bytes` bytes with streaming stores, which skip reading each line
 * before writing it. The stores start at the first aligned address with the
 * element's bytes rotated to match, which also serves an `a` that is not
 * aligned to the element size. (SIMDe 0.7.4 has no 512-bit stream store; the
 * 256-bit one fills the same write-combining lines.)
 */
#if BK_VBITS == 128
typedef simde__m128i bk_vs;
#define vs_load(p) simde_mm_loadu_si128((const simde__m128i *)(p))
#define vs_stream(p, v) simde_mm_stream_si128((simde__m128i *)(p), v)
#else
typedef simde__m256i bk_vs;
#define vs_load(p) simde_mm256_loadu_si256((const simde__m256i *)(p))
#define vs_stream(p, v) simde_mm256_stream_si256((simde__m256i *)(p), v)
#endif
/* Below the large-array threshold, an element whose bytes are all equal
 * fills like memset, which glibc makes faster than a loop of vector stores
 * (i8 fill, 16 KiB: 96 against 67 GB/s). Above it the streaming fill wins:
 * Debian 12's glibc memset (2.36) has no streaming path (43% of the write
 * bandwidth at 1 GiB, against 100% for bk_fill_stream). */
BK_INLINE int bk_uniform_bytes(const void *v, size_t size) {
    const unsigned char *b = (const unsigned char *)v;
    for (size_t i = 1; i < size; i++)
        if (b[i] != b[0])
            return 0;
    return 1;
}

static void bk_fill_stream(char *a, size_t bytes, const unsigned char *elem, size_t isz) {
    enum { S = sizeof(bk_vs) };
    size_t head = (size_t)(-(uintptr_t)a & (S - 1)), i = 0;
    unsigned char pattern[S];
    for (size_t j = 0; j < S; j++)
        pattern[j] = elem[(head + j) % isz];
    for (; i < head && i < bytes; i++)
        a[i] = (char)elem[i % isz];
    const bk_vs pv = vs_load(pattern);
    for (; i + S <= bytes; i += S)
        vs_stream(a + i, pv);
    simde_mm_sfence(); /* streaming stores are weakly ordered */
    for (; i < bytes; i++)
        a[i] = (char)elem[i % isz];
}

#define BK_DEF_FILL(fname, T, ESIZE, TAIL)                                     \
    static void fname(void *a, size_t n, T v) {                                \
        enum { L = BK_VBYTES / (ESIZE) };                                      \
        if (n == 0) /* a may be NULL: form no pointer from it */               \
            return;                                                            \
        if (n * (ESIZE) >= bk_large_bytes()) {                                 \
            bk_fill_stream((char *)a, n * (ESIZE), (const unsigned char *)&v, ESIZE); \
            return;                                                            \
        }                                                                      \
        if (bk_uniform_bytes(&v, ESIZE)) { /* all i8/u8 fills; zeros */        \
            memset(a, *(const unsigned char *)&v, n * (ESIZE));                \
            return;                                                            \
        }                                                                      \
        const bk_vi pv = bk_pattern(&v, ESIZE);                               \
        char *pa = (char *)a;                                                  \
        size_t i = BK_ALIGN_HEAD(pa, ESIZE, n, L);                             \
        if (i)                                                                 \
            TAIL(pa, i, v);                                                    \
        for (; i + 4 * L <= n; i += 4 * L) {                                   \
            vi_store(pa + i * (ESIZE), pv);                                    \
            vi_store(pa + (i + L) * (ESIZE), pv);                              \
            vi_store(pa + (i + 2 * L) * (ESIZE), pv);                          \
            vi_store(pa + (i + 3 * L) * (ESIZE), pv);                          \
        }                                                                      \
        for (; i + L <= n; i += L)                                             \
            vi_store(pa + i * (ESIZE), pv);                                    \
        TAIL(pa + i * (ESIZE), n - i, v);                                      \
    }

/* ---- the ops' vector kernels, and the table ------------------------------ */

#define BK_VECTOR_PASS
#include "ops/all.h"

const bk_kernel_table BK_TABLE_NAME = {BK_OPS_DTYPES(BK_TABLE_ENTRY)};
