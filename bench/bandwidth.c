/*
 * bandwidth.c - the machine's bandwidth for each access pattern of the
 * kernels: the limit every kernel is measured against.
 *
 * Each loop is the simplest code that moves the pattern's bytes at the
 * widest width the CPU has, doing the cheapest arithmetic possible on them
 * (64-bit integer adds, one cycle, never a denormal or a dependency chain
 * long enough to matter):
 *
 *   read  (sum):       s += a[i] into four independent accumulators, so the
 *                      loop is bound by loads, not by the add's latency.
 *   rmw   (scale):     a[i] += 1.
 *   r2w1  (mul, add):  a[i] += b[i].
 *   write (fill):      a[i] = v, with ordinary stores (as the kernels use).
 *
 * Each writing pattern is also measured with non-temporal (streaming)
 * stores, which skip the read for ownership of the written lines and keep
 * them out of the caches: beyond the caches that is the fastest way to write
 * on many machines, so a kernel that streams its stores is measured against
 * a limit it cannot beat by streaming alone. The limit of a pattern is the
 * faster of the two at each size (run.py takes the maximum).
 *
 * The vectors are GCC/Clang vector extensions of 64 bytes; on x86-64 every
 * loop is compiled three times (AVX-512, AVX2, baseline SSE2) with
 * target_clones and the loader picks the widest clone this CPU runs, so a
 * 64-byte vector is one ZMM register, two YMM or four XMM. No memcpy/memset
 * from libc is used: their speed is libc's choice, not the machine's.
 */
#include <string.h>

#include "bkbench.h"

typedef uint64_t bb_vec __attribute__((vector_size(64)));
enum { VEC = sizeof(bb_vec) };

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__) && !defined(__clang__)
#define BB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#elif (defined(__x86_64__) || defined(__i386__)) && defined(__clang__) && __clang_major__ >= 14
#define BB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define BB_CLONES
#endif

const char *const bb_pattern_names[BB_NPATTERNS] = {"read", "rmw", "r2w1", "write"};
const unsigned bb_pattern_traffic[BB_NPATTERNS] = {1, 2, 3, 1};
const unsigned bb_pattern_arrays[BB_NPATTERNS] = {1, 1, 2, 1};

/*
 * Vector loads and stores through memcpy (unaligned-safe; the buffers are
 * aligned anyway). Macros, not functions: a function that passes a 64-byte
 * vector by value has a different ABI in each clone, which Clang refuses.
 */
#define LOAD(v, p) memcpy(&(v), (p), VEC)
#define STORE(p, v) memcpy((p), &(v), VEC)
#define ACC(s, p)    \
    do {             \
        bb_vec x_;   \
        LOAD(x_, p); \
        (s) += x_;   \
    } while (0)
#define RMW(p, k)     \
    do {              \
        bb_vec x_;    \
        LOAD(x_, p);  \
        x_ += (k);    \
        STORE(p, x_); \
    } while (0)
#define R2W1(pa, pb)   \
    do {               \
        bb_vec x_, y_; \
        LOAD(x_, pa);  \
        LOAD(y_, pb);  \
        x_ += y_;      \
        STORE(pa, x_); \
    } while (0)

/* The tails (bytes % 64) go byte by byte: they matter only for tiny sizes. */

BB_CLONES static uint64_t bw_read(const unsigned char *a, size_t bytes) {
    bb_vec s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    size_t i = 0;
    for (; i + 4 * VEC <= bytes; i += 4 * VEC) {
        ACC(s0, a + i);
        ACC(s1, a + i + VEC);
        ACC(s2, a + i + 2 * VEC);
        ACC(s3, a + i + 3 * VEC);
    }
    for (; i + VEC <= bytes; i += VEC)
        ACC(s0, a + i);
    uint64_t r = 0;
    for (; i < bytes; i++)
        r += a[i];
    s0 += s1 + s2 + s3;
    for (unsigned j = 0; j < VEC / 8; j++)
        r += s0[j];
    return r;
}

BB_CLONES static void bw_rmw(unsigned char *a, size_t bytes) {
    const bb_vec one = {1, 1, 1, 1, 1, 1, 1, 1};
    size_t i = 0;
    for (; i + 4 * VEC <= bytes; i += 4 * VEC) {
        RMW(a + i, one);
        RMW(a + i + VEC, one);
        RMW(a + i + 2 * VEC, one);
        RMW(a + i + 3 * VEC, one);
    }
    for (; i + VEC <= bytes; i += VEC)
        RMW(a + i, one);
    for (; i < bytes; i++)
        a[i]++;
}

BB_CLONES static void bw_r2w1(unsigned char *restrict a, const unsigned char *restrict b,
                              size_t bytes) {
    size_t i = 0;
    for (; i + 4 * VEC <= bytes; i += 4 * VEC) {
        R2W1(a + i, b + i);
        R2W1(a + i + VEC, b + i + VEC);
        R2W1(a + i + 2 * VEC, b + i + 2 * VEC);
        R2W1(a + i + 3 * VEC, b + i + 3 * VEC);
    }
    for (; i + VEC <= bytes; i += VEC)
        R2W1(a + i, b + i);
    for (; i < bytes; i++)
        a[i] += b[i];
}

BB_CLONES static void bw_write(unsigned char *a, size_t bytes, uint64_t x) {
    const bb_vec v = {x, x, x, x, x, x, x, x};
    size_t i = 0;
    for (; i + 4 * VEC <= bytes; i += 4 * VEC) {
        STORE(a + i, v);
        STORE(a + i + VEC, v);
        STORE(a + i + 2 * VEC, v);
        STORE(a + i + 3 * VEC, v);
    }
    for (; i + VEC <= bytes; i += VEC)
        STORE(a + i, v);
    for (; i < bytes; i++)
        a[i] = (unsigned char)x;
}

/* ---- the same with non-temporal stores (x86-64: SSE2, AVX2, AVX-512) ---- */

#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
#include <immintrin.h>

#define BB_NT_LOOPS(isa, ATTR, VT, W, LD, ADD, STREAM, SET1)                                      \
    ATTR static void bw_rmw_nt_##isa(unsigned char *a, size_t bytes) {                            \
        const VT one = SET1(1);                                                                   \
        size_t i = 0;                                                                             \
        for (; i + W <= bytes; i += W)                                                            \
            STREAM((VT *)(a + i), ADD(LD(a + i), one));                                           \
        _mm_sfence();                                                                             \
        for (; i < bytes; i++)                                                                    \
            a[i]++;                                                                               \
    }                                                                                             \
    ATTR static void bw_r2w1_nt_##isa(unsigned char *restrict a, const unsigned char *restrict b, \
                                      size_t bytes) {                                             \
        size_t i = 0;                                                                             \
        for (; i + W <= bytes; i += W)                                                            \
            STREAM((VT *)(a + i), ADD(LD(a + i), LD(b + i)));                                     \
        _mm_sfence();                                                                             \
        for (; i < bytes; i++)                                                                    \
            a[i] += b[i];                                                                         \
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

#define LD512(p) _mm512_loadu_si512((const void *)(p))
#define LD256(p) _mm256_loadu_si256((const __m256i *)(p))
#define LD128(p) _mm_loadu_si128((const __m128i *)(p))
BB_NT_LOOPS(avx512, __attribute__((target("avx512f"), noinline)), __m512i, 64, LD512,
            _mm512_add_epi64, _mm512_stream_si512, _mm512_set1_epi64)
BB_NT_LOOPS(avx2, __attribute__((target("avx2"), noinline)), __m256i, 32, LD256, _mm256_add_epi64,
            _mm256_stream_si256, _mm256_set1_epi64x)
BB_NT_LOOPS(sse2, __attribute__((noinline)), __m128i, 16, LD128, _mm_add_epi64, _mm_stream_si128,
            _mm_set1_epi64x)

static int nt_isa(void) { /* 3: AVX-512, 2: AVX2, 1: SSE2 */
    static int isa;
    if (!isa) {
        __builtin_cpu_init();
        isa = __builtin_cpu_supports("avx512f") ? 3 : __builtin_cpu_supports("avx2") ? 2 : 1;
    }
    return isa;
}

int bb_have_nt(void) { return 1; }

static void pass_nt(bb_pattern p, unsigned char *a, const unsigned char *b, size_t bytes) {
    const int isa = nt_isa();
    switch (p) {
    case BB_RMW:
        isa == 3   ? bw_rmw_nt_avx512(a, bytes)
        : isa == 2 ? bw_rmw_nt_avx2(a, bytes)
                   : bw_rmw_nt_sse2(a, bytes);
        break;
    case BB_R2W1:
        isa == 3   ? bw_r2w1_nt_avx512(a, b, bytes)
        : isa == 2 ? bw_r2w1_nt_avx2(a, b, bytes)
                   : bw_r2w1_nt_sse2(a, b, bytes);
        break;
    case BB_WRITE:
        isa == 3   ? bw_write_nt_avx512(a, bytes, bytes)
        : isa == 2 ? bw_write_nt_avx2(a, bytes, bytes)
                   : bw_write_nt_sse2(a, bytes, bytes);
        break;
    default:
        break;
    }
}
#else
int bb_have_nt(void) { return 0; }
static void pass_nt(bb_pattern p, unsigned char *a, const unsigned char *b, size_t bytes) {
    (void)p, (void)a, (void)b, (void)bytes;
}
#endif

static volatile uint64_t bw_sink;

void bb_pattern_pass(bb_pattern p, int nt, void *a, const void *b, size_t bytes) {
    if (nt) {
        pass_nt(p, a, b, bytes);
        return;
    }
    switch (p) {
    case BB_READ:
        bw_sink = bw_read(a, bytes);
        break;
    case BB_RMW:
        bw_rmw(a, bytes);
        break;
    case BB_R2W1:
        bw_r2w1(a, b, bytes);
        break;
    case BB_WRITE:
        bw_write(a, bytes, bytes);
        break;
    default:
        break;
    }
}

const char *bb_bandwidth_isa(void) {
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return "avx512f (64-byte vectors, compiler-generated)";
    if (__builtin_cpu_supports("avx2"))
        return "avx2 (32-byte vectors, compiler-generated)";
    return "sse2 (16-byte vectors, compiler-generated)";
#else
    return "baseline (compiler-generated vectors)";
#endif
}
