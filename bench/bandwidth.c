/*
 * bandwidth.c - the machine's bandwidth for each access pattern of the
 * kernels: the limit every kernel is measured against.
 *
 * Each loop is the simplest code that moves the pattern's bytes, doing the
 * cheapest arithmetic possible on them (64-bit integer adds, one cycle,
 * never a denormal or a dependency chain long enough to matter):
 *
 *   read  (sum, min, max): s += a[i] into eight independent accumulators, so
 *                      the loop is bound by loads, not by the add's latency.
 *   read2 (dot):       s += a[i] ^ b[i], the same way.
 *   rmw   (scale, conjugate, absolute of reals): a[i] += z.
 *   r2w1  (add, subtract, multiply, divide): a[i] += b[i] & z.
 *   write (fill):      a[i] = v.
 *   r1wh  (absolute of complex): c[i] = a[2i] + a[2i+1], reading `bytes` of a
 *                      and writing bytes / 2 of another array c.
 *
 * z is an opaque zero (bw_zero): a pass leaves a's values as they were, so the
 * benchmark can run the loops on the very arrays a kernel was timed on (the
 * libbkbandwidth library, loaded by bufkern_bench), not only on bkbench's own.
 *
 * Each loop exists at every vector width the CPU has (on x86-64: SSE2, AVX2
 * and AVX-512, from one body written with 64-byte GCC/Clang vector
 * extensions, which a width lowers to one ZMM, two YMM or four XMM), because
 * the widest is not always the fastest: beyond the caches, 16- and 32-byte
 * read-modify-write streams beat 64-byte ones on some machines. Each writing
 * pattern is also measured with non-temporal (streaming) stores, which skip
 * the read for ownership of the written lines and keep them out of the
 * caches, and each reading pattern also with its inputs prefetched 4 KiB
 * ahead, as the kernels do beyond the caches (without those loops, kernels
 * at 192 MiB read up to 107.6% of the read-modify-write ceiling on the Xeon
 * Ice Lake), and r1wh with both: the magnitude of complex into a separate
 * array streams its output and prefetches its input there (absolute c64 at
 * 192 MiB, Xeon Ice Lake: the kernel 18.7 ms a call, the streaming loops
 * 19.3-20.3; in a later run beside the loop that does both, 22.0 against
 * 19.3). The in-place patterns also have "lagging" loops, which store each
 * line after loading the next, as GCC's rotated loops do in the kernels
 * (below, bw_rmw_lag). The limit of a pattern at a size is the fastest of all these
 * (bufkern_bench takes the maximum, and also over one thread and all
 * threads), so no kernel can beat it just by choosing another width, store,
 * kind of loop or thread count. How many bytes a pass moves is counted in
 * one place, bufkern_bench/patterns.py, for these loops and the kernels
 * alike. No memcpy/memset from libc is used: their speed is libc's choice,
 * not the machine's (rep stosb, below, is the CPU's own).
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "bkbench.h"

typedef uint64_t bb_v16 __attribute__((vector_size(16)));
typedef uint64_t bb_v32 __attribute__((vector_size(32)));
typedef uint64_t bb_v64 __attribute__((vector_size(64)));

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#define BB_X86 1
#include <immintrin.h>
#endif

/* A spin-wait's pause: lets the sibling hyperthread run, and the VM see a spin. */
static inline void bb_relax(void) {
#ifdef BB_X86
    _mm_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

const size_t bb_pattern_step = 8 * 64; /* read's 8 AVX-512 vectors */

const char *const bb_pattern_names[BB_NPATTERNS] = {"read", "read2", "rmw", "r2w1", "write", "r1wh"};

/*
 * The loops, for a vector type VT of one register's width. Loads and stores
 * go through memcpy (unaligned-safe; the buffers are aligned anyway). Macros,
 * not helper functions: a function that passes a vector by value has another
 * ABI under each target, which Clang refuses. The tails (bytes % width) go
 * byte by byte: they matter only for tiny sizes.
 */
/* A vector of type VT from p (any alignment), and the sum of its 64-bit
 * lanes. The accumulators of the reading loops are separate variables, not
 * an array: GCC kept an array in memory as well and zeroed 512 bytes of
 * stack with a rep stos at every call, a fixed cost no kernel has, which
 * weighs on passes of a few KiB (a full run had read max u64 at 16 KiB at
 * 107.6% of the read ceiling; timed alone, the two loops are within noise). */
#define BB_LD(VT, p) __extension__({ VT v_; memcpy(&v_, (p), sizeof v_); v_; })
#define BB_HSUM(VT, v) __extension__({                                                         \
    VT t_ = (v);                                                                               \
    uint64_t l_[sizeof(VT) / 8], s_ = 0;                                                       \
    memcpy(l_, &t_, sizeof t_);                                                                \
    for (unsigned j_ = 0; j_ < sizeof(VT) / 8; j_++)                                           \
        s_ += l_[j_];                                                                          \
    s_;                                                                                        \
})
#define BB_LOOPS(isa, ATTR, VT, PF)                                                            \
    ATTR static uint64_t bw_read_##isa(const unsigned char *a, size_t bytes) {                 \
        enum { W = sizeof(VT) };                                                               \
        VT s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0}, s4 = {0}, s5 = {0}, s6 = {0}, s7 = {0};     \
        size_t i = 0;                                                                          \
        for (; i + 8 * W <= bytes; i += 8 * W) {                                               \
            PF(a + i, 8 * W);                                                                  \
            s0 += BB_LD(VT, a + i);                                                            \
            s1 += BB_LD(VT, a + i + W);                                                        \
            s2 += BB_LD(VT, a + i + 2 * W);                                                    \
            s3 += BB_LD(VT, a + i + 3 * W);                                                    \
            s4 += BB_LD(VT, a + i + 4 * W);                                                    \
            s5 += BB_LD(VT, a + i + 5 * W);                                                    \
            s6 += BB_LD(VT, a + i + 6 * W);                                                    \
            s7 += BB_LD(VT, a + i + 7 * W);                                                    \
        }                                                                                      \
        for (; i + W <= bytes; i += W)                                                         \
            s0 += BB_LD(VT, a + i);                                                            \
        uint64_t r = 0;                                                                        \
        for (; i < bytes; i++)                                                                 \
            r += a[i];                                                                         \
        return r + BB_HSUM(VT, ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)));             \
    }                                                                                          \
    ATTR static void bw_rmw_##isa(unsigned char *a, size_t bytes, uint64_t z) {                \
        enum { W = sizeof(VT) };                                                               \
        VT x, zv = {0};                                                                        \
        zv += z;                                                                               \
        size_t i = 0;                                                                          \
        for (; i + 8 * W <= bytes; i += 8 * W) {                                               \
            PF(a + i, 8 * W);                                                                  \
            for (int u = 0; u < 8; u++) {                                                      \
                memcpy(&x, a + i + u * W, W);                                                  \
                x += zv;                                                                       \
                memcpy(a + i + u * W, &x, W);                                                  \
            }                                                                                  \
        }                                                                                      \
        for (; i + W <= bytes; i += W) {                                                       \
            memcpy(&x, a + i, W);                                                              \
            x += zv;                                                                           \
            memcpy(a + i, &x, W);                                                              \
        }                                                                                      \
        for (; i < bytes; i++)                                                                 \
            a[i] += (unsigned char)z;                                                          \
    }                                                                                          \
    ATTR static void bw_r2w1_##isa(unsigned char *restrict a, const unsigned char *restrict b, \
                                   size_t bytes, uint64_t z) {                                 \
        enum { W = sizeof(VT) };                                                               \
        VT x, y, zv = {0};                                                                     \
        zv += z;                                                                               \
        size_t i = 0;                                                                          \
        for (; i + 8 * W <= bytes; i += 8 * W) {                                               \
            PF(a + i, 8 * W);                                                                  \
            PF(b + i, 8 * W);                                                                  \
            for (int u = 0; u < 8; u++) {                                                      \
                memcpy(&x, a + i + u * W, W);                                                  \
                memcpy(&y, b + i + u * W, W);                                                  \
                x += y & zv;                                                                   \
                memcpy(a + i + u * W, &x, W);                                                  \
            }                                                                                  \
        }                                                                                      \
        for (; i + W <= bytes; i += W) {                                                       \
            memcpy(&x, a + i, W);                                                              \
            memcpy(&y, b + i, W);                                                              \
            x += y & zv;                                                                       \
            memcpy(a + i, &x, W);                                                              \
        }                                                                                      \
        for (; i < bytes; i++)                                                                 \
            a[i] += b[i] & (unsigned char)z;                                                   \
    }                                                                                          \
    ATTR static uint64_t bw_read2_##isa(const unsigned char *a, const unsigned char *b,        \
                                        size_t bytes) {                                        \
        enum { W = sizeof(VT) };                                                               \
        VT s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};                                             \
        size_t i = 0;                                                                          \
        for (; i + 4 * W <= bytes; i += 4 * W) {                                               \
            PF(a + i, 4 * W);                                                                  \
            PF(b + i, 4 * W);                                                                  \
            s0 += BB_LD(VT, a + i) ^ BB_LD(VT, b + i);                                         \
            s1 += BB_LD(VT, a + i + W) ^ BB_LD(VT, b + i + W);                                 \
            s2 += BB_LD(VT, a + i + 2 * W) ^ BB_LD(VT, b + i + 2 * W);                         \
            s3 += BB_LD(VT, a + i + 3 * W) ^ BB_LD(VT, b + i + 3 * W);                         \
        }                                                                                      \
        uint64_t r = 0;                                                                        \
        for (; i < bytes; i++)                                                                 \
            r += a[i] ^ b[i];                                                                  \
        return r + BB_HSUM(VT, (s0 + s1) + (s2 + s3));                                         \
    }                                                                                          \
    ATTR static void bw_r1wh_##isa(unsigned char *restrict c, const unsigned char *restrict a,  \
                                   size_t bytes) {                                             \
        enum { W = sizeof(VT) };                                                               \
        VT x, y;                                                                               \
        size_t i = 0;                                                                          \
        for (; i + 2 * W <= bytes; i += 2 * W) {                                               \
            PF(a + i, 2 * W);                                                                  \
            memcpy(&x, a + i, W);                                                              \
            memcpy(&y, a + i + W, W);                                                          \
            x += y;                                                                            \
            memcpy(c + i / 2, &x, W);                                                          \
        }                                                                                      \
        for (; i + 1 < bytes; i += 2)                                                          \
            c[i / 2] = (unsigned char)(a[i] + a[i + 1]);                                       \
    }                                                                                          \
    ATTR static void bw_write_##isa(unsigned char *a, size_t bytes, uint64_t v) {              \
        enum { W = sizeof(VT) };                                                               \
        VT x = {0};                                                                            \
        x += v;                                                                                \
        size_t i = 0;                                                                          \
        for (; i + 8 * W <= bytes; i += 8 * W)                                                 \
            for (int u = 0; u < 8; u++)                                                        \
                memcpy(a + i + u * W, &x, W);                                                  \
        for (; i + W <= bytes; i += W)                                                         \
            memcpy(a + i, &x, W);                                                              \
        for (; i < bytes; i++)                                                                 \
            a[i] = (unsigned char)v;                                                           \
    }

/* The prefetch of the loops of the "prefetched" kind: the lines of the
   `bytes` an iteration reads, 4 KiB ahead, as the kernels do beyond the
   caches (kernels/src/simd_body.h, bk_prefetch_ahead). */
#define BB_PREFETCH_AHEAD 4096
#define BB_PF(p, bytes)                                                                        \
    for (size_t pf_ = 0; pf_ < (size_t)(bytes); pf_ += 64)                                     \
        __builtin_prefetch((const void *)((uintptr_t)(p) + BB_PREFETCH_AHEAD + pf_))
#define BB_NO_PF(p, bytes) ((void)0)

/*
 * The in-place patterns with every 64-byte line stored after the loads of
 * the next, inputs prefetched: the order of GCC's software-pipelined loops
 * in the kernels. Divide c64 in place at 192 MiB (avx2 kernel, Xeon Ice
 * Lake) took 27.1-29.2 ms a call, against 29.7 and more for every loop
 * without the lag, and read 104-110% of their ceiling in full runs; a loop
 * of this shape took 26.7-30.1 beside it. Not always: a later full run
 * read divide c128 at 108.6% again (bufkern_bench/ceilings.py).
 */
/* LOAD(i, u, x) puts vector u of line i's result in x. */
#define BB_LAG_BODY(VT, LOAD)                                                                    \
    size_t i = 0;                                                                              \
    if (bytes >= 64) {                                                                         \
        VT r[K];                                                                               \
        for (int u = 0; u < K; u++)                                                            \
            LOAD(0, u, r[u]);                                                                  \
        for (i = 64; i + 64 <= bytes; i += 64) {                                               \
            VT next[K];                                                                        \
            for (int u = 0; u < K; u++)                                                        \
                LOAD(i, u, next[u]);                                                           \
            for (int u = 0; u < K; u++) {                                                      \
                memcpy(a + i - 64 + u * W, &r[u], W);                                          \
                r[u] = next[u];                                                                \
            }                                                                                  \
        }                                                                                      \
        for (int u = 0; u < K; u++)                                                            \
            memcpy(a + i - 64 + u * W, &r[u], W);                                              \
    }
#define BB_LAG_R2W1(i, u, out)                                                                 \
    do {                                                                                       \
        if ((u) == 0) {                                                                        \
            BB_PF(a + (i), 64);                                                                \
            BB_PF(b + (i), 64);                                                                \
        }                                                                                      \
        memcpy(&x, a + (i) + (u) * W, W);                                                      \
        memcpy(&y, b + (i) + (u) * W, W);                                                      \
        (out) = x + (y & zv);                                                                  \
    } while (0)
#define BB_LAG_RMW(i, u, out)                                                                  \
    do {                                                                                       \
        if ((u) == 0)                                                                          \
            BB_PF(a + (i), 64);                                                                \
        memcpy(&x, a + (i) + (u) * W, W);                                                      \
        (out) = x + zv;                                                                        \
    } while (0)
#define BB_LAG_LOOPS(isa, ATTR, VT)                                                            \
    ATTR static void bw_r2w1_lag_##isa(unsigned char *restrict a,                              \
                                       const unsigned char *restrict b, size_t bytes,          \
                                       uint64_t z) {                                           \
        enum { W = sizeof(VT), K = 64 / sizeof(VT) };                                          \
        VT x, y, zv = {0};                                                                     \
        zv += z;                                                                               \
        BB_LAG_BODY(VT, BB_LAG_R2W1)                                                           \
        for (; i < bytes; i++)                                                                 \
            a[i] += b[i] & (unsigned char)z;                                                   \
    }                                                                                          \
    ATTR static void bw_rmw_lag_##isa(unsigned char *a, size_t bytes, uint64_t z) {            \
        enum { W = sizeof(VT), K = 64 / sizeof(VT) };                                          \
        VT x, zv = {0};                                                                        \
        zv += z;                                                                               \
        BB_LAG_BODY(VT, BB_LAG_RMW)                                                            \
        for (; i < bytes; i++)                                                                 \
            a[i] += (unsigned char)z;                                                          \
    }

#ifdef BB_X86
BB_LAG_LOOPS(base, __attribute__((noinline)), bb_v16)
BB_LAG_LOOPS(avx2, __attribute__((target("avx2"), noinline)), bb_v32)
BB_LAG_LOOPS(avx512, __attribute__((target("avx512f"), noinline)), bb_v64)
#else
BB_LAG_LOOPS(base, __attribute__((noinline)), bb_v16)
#endif

#ifdef BB_X86
BB_LOOPS(base, __attribute__((noinline)), bb_v16, BB_NO_PF)
BB_LOOPS(avx2, __attribute__((target("avx2"), noinline)), bb_v32, BB_NO_PF)
BB_LOOPS(avx512, __attribute__((target("avx512f"), noinline)), bb_v64, BB_NO_PF)
BB_LOOPS(base_pf, __attribute__((noinline, unused)), bb_v16, BB_PF)
BB_LOOPS(avx2_pf, __attribute__((target("avx2"), noinline, unused)), bb_v32, BB_PF)
BB_LOOPS(avx512_pf, __attribute__((target("avx512f"), noinline, unused)), bb_v64, BB_PF)
#else
BB_LOOPS(base, __attribute__((noinline)), bb_v16, BB_NO_PF)
BB_LOOPS(base_pf, __attribute__((noinline, unused)), bb_v16, BB_PF)
#endif

/* ---- the same with non-temporal stores (x86-64: SSE2, AVX2, AVX-512) ---- */

#ifdef BB_X86

#define BB_NT_LOOPS(isa, ATTR, VT, W, LD, ADD, AND, STREAM, SET1)                                      \
    ATTR static void bw_rmw_nt_##isa(unsigned char *a, size_t bytes, uint64_t z) {                \
        const VT zv = SET1((long long)z);                                                         \
        size_t i = 0;                                                                             \
        for (; i + W <= bytes; i += W)                                                            \
            STREAM((VT *)(a + i), ADD(LD(a + i), zv));                                            \
        _mm_sfence();                                                                             \
        for (; i < bytes; i++)                                                                    \
            a[i] += (unsigned char)z;                                                             \
    }                                                                                             \
    ATTR static void bw_r2w1_nt_##isa(unsigned char *restrict a, const unsigned char *restrict b, \
                                      size_t bytes, uint64_t z) {                                 \
        const VT zv = SET1((long long)z);                                                         \
        size_t i = 0;                                                                             \
        for (; i + W <= bytes; i += W)                                                            \
            STREAM((VT *)(a + i), ADD(LD(a + i), AND(LD(b + i), zv)));                            \
        _mm_sfence();                                                                             \
        for (; i < bytes; i++)                                                                    \
            a[i] += b[i] & (unsigned char)z;                                                      \
    }                                                                                             \
    ATTR static void bw_write_nt_##isa(unsigned char *a, size_t bytes, uint64_t x) {              \
        const VT v = SET1((long long)x);                                                          \
        size_t i = 0;                                                                             \
        for (; i + W <= bytes; i += W)                                                            \
            STREAM((VT *)(a + i), v);                                                             \
        _mm_sfence();                                                                             \
        for (; i < bytes; i++)                                                                    \
            a[i] = (unsigned char)x;                                                              \
    }

/* r1wh's, for each kind of reading: PF prefetches as the "prefetched" loops do. */
#define BB_NT_R1WH(isa, ATTR, VT, W, LD, ADD, STREAM, PF)                                         \
    ATTR static void bw_r1wh_nt_##isa(unsigned char *restrict c, const unsigned char *restrict a, \
                                      size_t bytes) {                                             \
        size_t i = 0;                                                                             \
        for (; i + 2 * W <= bytes; i += 2 * W) {                                                  \
            PF(a + i, 2 * W);                                                                     \
            STREAM((VT *)(c + i / 2), ADD(LD(a + i), LD(a + i + W)));                             \
        }                                                                                         \
        _mm_sfence();                                                                             \
        for (; i + 1 < bytes; i += 2)                                                             \
            c[i / 2] = (unsigned char)(a[i] + a[i + 1]);                                          \
    }

#define LD512(p) _mm512_loadu_si512((const void *)(p))
#define LD256(p) _mm256_loadu_si256((const __m256i *)(p))
#define LD128(p) _mm_loadu_si128((const __m128i *)(p))
BB_NT_LOOPS(avx512, __attribute__((target("avx512f"), noinline)), __m512i, 64, LD512,
            _mm512_add_epi64, _mm512_and_si512, _mm512_stream_si512, _mm512_set1_epi64)
BB_NT_LOOPS(avx2, __attribute__((target("avx2"), noinline)), __m256i, 32, LD256, _mm256_add_epi64,
            _mm256_and_si256, _mm256_stream_si256, _mm256_set1_epi64x)
BB_NT_LOOPS(base, __attribute__((noinline)), __m128i, 16, LD128, _mm_add_epi64, _mm_and_si128,
            _mm_stream_si128, _mm_set1_epi64x)
#define BB_NT_R1WHS(isa, ATTR, VT, W, LD, ADD, STREAM)                                            \
    BB_NT_R1WH(isa, ATTR, VT, W, LD, ADD, STREAM, BB_NO_PF)                                       \
    BB_NT_R1WH(isa##_pf, ATTR, VT, W, LD, ADD, STREAM, BB_PF)
BB_NT_R1WHS(avx512, __attribute__((target("avx512f"), noinline)), __m512i, 64, LD512,
            _mm512_add_epi64, _mm512_stream_si512)
BB_NT_R1WHS(avx2, __attribute__((target("avx2"), noinline)), __m256i, 32, LD256, _mm256_add_epi64,
            _mm256_stream_si256)
BB_NT_R1WHS(base, __attribute__((noinline)), __m128i, 16, LD128, _mm_add_epi64, _mm_stream_si128)

/*
 * The write pattern with a string store, rep stosb: the CPU's own fill (the
 * one glibc's memset, and so bufkern's fill of bytes that are all equal,
 * uses from 2 KiB), which on Intel's fast-strings CPUs writes whole lines
 * without first reading them yet keeps them in the caches. It has no width
 * of ours, so it runs once, not per width. Without it, fill u8 at 1 MiB on
 * the Xeon Ice Lake read 104-110% of the write ceiling: rep stosb moved 52-54
 * GB/s there against 46-52 for the AVX2 and AVX-512 store loops.
 */
__attribute__((noinline)) static void bw_write_string(unsigned char *a, size_t bytes, uint64_t x) {
    __asm__ __volatile__("rep stosb"
                         : "+D"(a), "+c"(bytes)
                         : "a"((unsigned char)(x | 1))
                         : "memory");
}

#endif

/* ---- dispatch ------------------------------------------------------------ */

typedef uint64_t (*bb_read_fn)(const unsigned char *, size_t);
typedef void (*bb_rmw_fn)(unsigned char *, size_t, uint64_t);
typedef void (*bb_r2w1_fn)(unsigned char *restrict, const unsigned char *restrict, size_t, uint64_t);
typedef void (*bb_r1wh_fn)(unsigned char *restrict, const unsigned char *restrict, size_t);
typedef void (*bb_write_fn)(unsigned char *, size_t, uint64_t);
typedef uint64_t (*bb_read2_fn)(const unsigned char *, const unsigned char *, size_t);

typedef struct bb_isa_loops {
    const char *name;
    bb_read_fn read;
    bb_rmw_fn rmw, rmw_nt;
    bb_r2w1_fn r2w1, r2w1_nt;
    bb_write_fn write, write_nt;
    bb_read2_fn read2;
    bb_r1wh_fn r1wh, r1wh_nt; /* (c, a, bytes of a) */
} bb_isa_loops;

static const bb_isa_loops bb_isas[BB_NISA] = {
#ifdef BB_X86
    {"sse2", bw_read_base, bw_rmw_base, bw_rmw_nt_base, bw_r2w1_base, bw_r2w1_nt_base,
     bw_write_base, bw_write_nt_base, bw_read2_base, bw_r1wh_base, bw_r1wh_nt_base},
    {"avx2", bw_read_avx2, bw_rmw_avx2, bw_rmw_nt_avx2, bw_r2w1_avx2, bw_r2w1_nt_avx2,
     bw_write_avx2, bw_write_nt_avx2, bw_read2_avx2, bw_r1wh_avx2, bw_r1wh_nt_avx2},
    {"avx512", bw_read_avx512, bw_rmw_avx512, bw_rmw_nt_avx512, bw_r2w1_avx512, bw_r2w1_nt_avx512,
     bw_write_avx512, bw_write_nt_avx512, bw_read2_avx512, bw_r1wh_avx512, bw_r1wh_nt_avx512},
#else
    {"generic", bw_read_base, bw_rmw_base, NULL, bw_r2w1_base, NULL, bw_write_base, NULL,
     bw_read2_base, bw_r1wh_base, NULL},
#endif
};

/* The same, prefetching (write reads nothing: none). */
static const bb_isa_loops bb_isas_pf[BB_NISA] = {
#ifdef BB_X86
    {"sse2", bw_read_base_pf, bw_rmw_base_pf, NULL, bw_r2w1_base_pf, NULL, NULL, NULL,
     bw_read2_base_pf, bw_r1wh_base_pf, bw_r1wh_nt_base_pf},
    {"avx2", bw_read_avx2_pf, bw_rmw_avx2_pf, NULL, bw_r2w1_avx2_pf, NULL, NULL, NULL,
     bw_read2_avx2_pf, bw_r1wh_avx2_pf, bw_r1wh_nt_avx2_pf},
    {"avx512", bw_read_avx512_pf, bw_rmw_avx512_pf, NULL, bw_r2w1_avx512_pf, NULL, NULL, NULL,
     bw_read2_avx512_pf, bw_r1wh_avx512_pf, bw_r1wh_nt_avx512_pf},
#else
    {"generic", bw_read_base_pf, bw_rmw_base_pf, NULL, bw_r2w1_base_pf, NULL, NULL, NULL,
     bw_read2_base_pf, bw_r1wh_base_pf, NULL},
#endif
};

/* The same, lagging (in place only: rmw and r2w1). */
static const bb_isa_loops bb_isas_lag[BB_NISA] = {
#ifdef BB_X86
    {.name = "sse2", .rmw = bw_rmw_lag_base, .r2w1 = bw_r2w1_lag_base},
    {.name = "avx2", .rmw = bw_rmw_lag_avx2, .r2w1 = bw_r2w1_lag_avx2},
    {.name = "avx512", .rmw = bw_rmw_lag_avx512, .r2w1 = bw_r2w1_lag_avx512},
#else
    {.name = "generic", .rmw = bw_rmw_lag_base, .r2w1 = bw_r2w1_lag_base},
#endif
};

const char *bb_isa_name(int isa) { return isa >= 0 && isa < BB_NISA ? bb_isas[isa].name : NULL; }

int bb_isa_supported(int isa) {
    if (isa < 0 || isa >= BB_NISA || !bb_isas[isa].name)
        return 0;
#ifdef BB_X86
    __builtin_cpu_init();
    if (isa == 1)
        return __builtin_cpu_supports("avx2");
    if (isa == 2)
        return __builtin_cpu_supports("avx512f");
#endif
    return 1;
}

static int bb_have_nt(void) { return bb_isas[0].rmw_nt != NULL; }

static const char *const bb_store_names[BB_NSTORES] = {"ordinary", "streaming", "string",
                                                       "prefetched", "prefetched-streaming",
                                                       "lagging"};

const char *bb_store_name(int stores) {
    return stores >= 0 && stores < BB_NSTORES ? bb_store_names[stores] : NULL;
}

int bb_has_stores(bb_pattern p, bb_stores stores) {
    if (p < 0 || p >= BB_NPATTERNS)
        return 0;
    switch (stores) {
    case BB_ORDINARY:
        return 1;
    case BB_STREAMING:
        return bb_have_nt() && p != BB_READ && p != BB_READ2;
    case BB_STRING:
#ifdef BB_X86
        return p == BB_WRITE;
#else
        return 0;
#endif
    case BB_PREFETCHED:
        return p != BB_WRITE;
    case BB_PREFETCHED_STREAMING:
        return bb_have_nt() && p == BB_R1WH;
    case BB_LAGGING:
        return p == BB_RMW || p == BB_R2W1;
    default:
        return 0;
    }
}

static volatile uint64_t bw_sink;
/* What rmw and r2w1 add (rmw) or mask b with (r2w1): zero, so that a pass
   leaves every value as it was (the loops also run on the benchmark's own
   arrays), read from here so that the compiler cannot drop the work. */
static volatile uint64_t bw_zero;

void bb_pattern_pass(bb_pattern p, bb_stores stores, int isa, void *a, const void *b, void *c,
                     size_t bytes) {
    const bb_isa_loops *l = stores == BB_LAGGING ? &bb_isas_lag[isa]
                            : stores == BB_PREFETCHED || stores == BB_PREFETCHED_STREAMING
                                ? &bb_isas_pf[isa]
                                : &bb_isas[isa];
    if (stores == BB_PREFETCHED_STREAMING)
        stores = BB_STREAMING;
    switch (p) {
    case BB_READ:
        bw_sink = l->read(a, bytes);
        break;
    case BB_READ2:
        bw_sink = l->read2(a, b, bytes);
        break;
    case BB_R1WH:
        (stores == BB_STREAMING ? l->r1wh_nt : l->r1wh)(c, a, bytes);
        break;
    case BB_RMW:
        (stores == BB_STREAMING ? l->rmw_nt : l->rmw)(a, bytes, bw_zero);
        break;
    case BB_R2W1:
        (stores == BB_STREAMING ? l->r2w1_nt : l->r2w1)(a, b, bytes, bw_zero);
        break;
    case BB_WRITE:
#ifdef BB_X86
        if (stores == BB_STRING) {
            bw_write_string(a, bytes, bytes);
            break;
        }
#endif
        (stores == BB_STREAMING ? l->write_nt : l->write)(a, bytes, bytes);
        break;
    default:
        break;
    }
}

/* ---- a batch over one thread or several ------------------------------------ */

typedef struct bb_batch {
    bb_pattern p;
    bb_stores stores;
    int isa;
    unsigned char *a, *c;
    const unsigned char *b;
    size_t bytes;
    unsigned threads;
    uint64_t iters;
} bb_batch;

/*
 * Thread t's share of the buffers: contiguous, on 128-byte edges (so r1wh's
 * half-size output stays on 64-byte lines). Each thread runs all its passes
 * without waiting for the others between passes: the figure is the most the
 * threads together can move, with no synchronisation charged to it.
 */
static void batch_share(const bb_batch *j, unsigned t) {
    size_t per = j->bytes / j->threads / 128 * 128;
    size_t off = per * t;
    size_t len = t + 1 == j->threads ? j->bytes - off : per;
    for (uint64_t i = 0; i < j->iters; i++)
        bb_pattern_pass(j->p, j->stores, j->isa, j->a + off, j->b + off, j->c + off / 2, len);
}

/*
 * Threads 1, 2, ... of a batch (the caller is 0), started on first need;
 * they sleep on a condition variable between batches. A batch's time runs
 * from the moment every one of its threads is running (a start barrier they
 * spin on) to the moment the last one is done: waking a sleeping thread is
 * not bandwidth. On the KVM Xeon Ice Lake, a --quick run (2 ms batches) read
 * its two-thread loops at 8 MiB below one thread (read2 17 GB/s against 22)
 * while bufkern, whose helper spins between calls, moved 52: the loops had
 * been timed from the caller's start, and the woken thread came late.
 */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t go, done;
    unsigned long gen;
    unsigned workers, finished;
    bb_batch job;
    atomic_uint ready, ran; /* of this batch's threads: at the barrier, done */
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0,
          {BB_READ, 0, 0, NULL, NULL, NULL, 0, 1, 0}, 0, 0};

static void pool_barrier(unsigned threads) {
    atomic_fetch_add(&pool.ready, 1);
    while (atomic_load(&pool.ready) < threads)
        bb_relax();
}

static void *pool_worker(void *arg) {
    const unsigned me = (unsigned)(uintptr_t)arg;
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool.mu);
        while (pool.gen == seen)
            pthread_cond_wait(&pool.go, &pool.mu);
        seen = pool.gen;
        bb_batch j = pool.job;
        pthread_mutex_unlock(&pool.mu);
        if (me < j.threads) {
            pool_barrier(j.threads);
            batch_share(&j, me);
            atomic_fetch_add(&pool.ran, 1);
        }
        pthread_mutex_lock(&pool.mu);
        if (++pool.finished == pool.workers)
            pthread_cond_signal(&pool.done);
        pthread_mutex_unlock(&pool.mu);
    }
    return NULL;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int bb_pattern_batch(bb_pattern p, bb_stores stores, int isa, void *a, const void *b, void *c,
                     size_t bytes, unsigned threads, uint64_t iters, uint64_t *ns) {
    const bb_batch j = {p, stores, isa, a, c, b, bytes, threads ? threads : 1, iters};
    uint64_t t0;
    if (j.threads == 1) {
        t0 = now_ns();
        batch_share(&j, 0);
        if (ns)
            *ns = now_ns() - t0;
        return 0;
    }
    while (pool.workers + 1 < j.threads) {
        pthread_t th;
        if (pthread_create(&th, NULL, pool_worker, (void *)(uintptr_t)(pool.workers + 1)))
            return -1;
        pthread_detach(th);
        pthread_mutex_lock(&pool.mu);
        pool.workers++;
        pthread_mutex_unlock(&pool.mu);
    }
    pthread_mutex_lock(&pool.mu);
    pool.job = j;
    pool.finished = 0;
    atomic_store(&pool.ready, 0);
    atomic_store(&pool.ran, 0);
    pool.gen++;
    pthread_cond_broadcast(&pool.go);
    pthread_mutex_unlock(&pool.mu);
    pool_barrier(j.threads);
    t0 = now_ns();
    batch_share(&j, 0);
    while (atomic_load(&pool.ran) + 1 < j.threads)
        bb_relax();
    if (ns)
        *ns = now_ns() - t0;
    pthread_mutex_lock(&pool.mu); /* every worker back before the next batch */
    while (pool.finished < pool.workers)
        pthread_cond_wait(&pool.done, &pool.mu);
    pthread_mutex_unlock(&pool.mu);
    return 0;
}
