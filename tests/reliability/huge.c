/*
 * huge.c - libbufkern over arrays of more than 2^31 elements and more than
 * 4 GiB, on every target this CPU runs (or the ones named on the command
 * line), each twice: as the library normally treats arrays this large (beyond
 * the caches: streaming fills, avx512 handing off to the avx2 kernels) and
 * with BUFKERN_LARGE_BYTES at its maximum (every target's ordinary kernels).
 * Answers are known in closed form, so nothing is recomputed slowly.
 *
 *   bk_huge [target ...]
 *
 * Needs about 8.1 GiB of memory at its peak (two 4 GiB byte arrays).
 */
#define _DEFAULT_SOURCE /* madvise, setenv */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "bufkern.h"

static int failures;
static const char *target;

#define CHECK(cond, ...)                                                       \
    do {                                                                       \
        if (!(cond)) {                                                         \
            failures++;                                                        \
            fprintf(stderr, "bk_huge FAIL [%s] %s:%d: ", target, __FILE__, __LINE__); \
            fprintf(stderr, __VA_ARGS__);                                      \
            fprintf(stderr, "\n");                                             \
        }                                                                      \
    } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* n bytes (a multiple of 2 MiB) on 2 MiB boundaries, as transparent huge pages
 * where the kernel offers them: faulting in 8 GiB of 4 KiB pages takes longer
 * than the kernels themselves. */
static void *xmalloc(size_t n) {
    void *p = aligned_alloc((size_t)2 << 20, n);
    if (!p) {
        fprintf(stderr, "bk_huge: cannot allocate %zu bytes\n", n);
        exit(2);
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    madvise(p, n, MADV_HUGEPAGE);
#endif
    return p;
}

/* sum over i < n of ((i % p) + (i % q)) % 256, by whole periods of p*q. */
static uint64_t pattern_sum(size_t n, unsigned p, unsigned q, int add_q) {
    const size_t period = (size_t)p * (add_q ? q : 1);
    uint64_t per = 0, tail = 0;
    const size_t full = n / period, rest = n % period;
    for (size_t i = 0; i < period; i++) {
        uint64_t v = add_q ? ((i % p) + (i % q)) % 256 : i % p;
        per += v;
        if (i < rest)
            tail += v;
    }
    return per * full + tail;
}

/* Two buffers of BUF_BYTES, allocated (and faulted in) once for every case. */
#define BUF_BYTES (((size_t)1 << 32) + ((size_t)1 << 23))
static uint8_t *buf_a, *buf_b;

/* p[i] = i % period for i < n, by doubling copies of the first period. */
static void pattern(uint8_t *p, size_t n, unsigned period) {
    size_t have = n < period ? n : period;
    for (size_t i = 0; i < have; i++)
        p[i] = (uint8_t)i;
    while (have < n) {
        size_t chunk = have / period * period; /* whole periods keep the phase */
        if (chunk > n - have)
            chunk = n - have;
        memcpy(p + have, p, chunk);
        have += chunk;
    }
}

/* 8-bit: > 2^32 elements (> 4 GiB): fill, sum, scale, add with a pattern. */
static void bytes_case(void) {
    const size_t n = ((size_t)1 << 32) + ((size_t)1 << 20) + 7;
    uint8_t *a = buf_a, *b = buf_b;
    uint8_t v = 0xff;
    uint64_t u;
    int64_t s;

    CHECK(bk_fill(BK_U8, a, n, &v) == BK_OK, "fill");
    CHECK(a[0] == 0xff && a[(size_t)1 << 31] == 0xff && a[((size_t)1 << 32) + 1] == 0xff &&
              a[n - 1] == 0xff,
          "fill u8 missed elements");
    bk_sum(BK_U8, a, n, &u);
    CHECK(u == (uint64_t)n * 255, "sum u8 of 0xff: %llu, want %llu", (unsigned long long)u,
          (unsigned long long)n * 255);
    bk_sum(BK_I8, a, n, &s);
    CHECK(s == -(int64_t)n, "sum i8 of -1: %lld, want %lld", (long long)s, -(long long)n);
    int8_t k = -1;
    bk_scale(BK_I8, a, n, &k); /* -1 * -1 = 1 */
    bk_sum(BK_I8, a, n, &s);
    CHECK(s == (int64_t)n, "sum i8 after scale by -1: %lld", (long long)s);
    int8_t m = -128;
    bk_fill(BK_I8, a, n, &m);
    bk_scale(BK_I8, a, n, &k); /* -(-128) wraps to -128 */
    bk_sum(BK_I8, a, n, &s);
    CHECK(s == -128 * (int64_t)n, "sum i8 of -128 after scale: %lld", (long long)s);

    pattern(a, n, 251);
    pattern(b, n, 13);
    bk_sum(BK_U8, a, n, &u);
    CHECK(u == pattern_sum(n, 251, 13, 0), "sum u8 pattern: %llu", (unsigned long long)u);
    bk_add(BK_U8, a, b, n);
    bk_sum(BK_U8, a, n, &u);
    CHECK(u == pattern_sum(n, 251, 13, 1), "sum u8 after add: %llu, want %llu",
          (unsigned long long)u, (unsigned long long)pattern_sum(n, 251, 13, 1));
    const size_t probe[] = {0, ((size_t)1 << 31) - 1, (size_t)1 << 31, ((size_t)1 << 32) - 1,
                            (size_t)1 << 32, n - 1};
    for (size_t j = 0; j < sizeof probe / sizeof probe[0]; j++) {
        size_t i = probe[j];
        CHECK(a[i] == (uint8_t)(i % 251 + i % 13), "add u8 at %zu", i);
    }
    /* multiply by b >= 0 again, a overlapping itself shifted by one (b after a) */
    bk_mul(BK_U8, a, a + 1, n - 1);
    CHECK(a[n - 2] == (uint8_t)((uint8_t)((n - 2) % 251 + (n - 2) % 13) *
                                (uint8_t)((n - 1) % 251 + (n - 1) % 13)),
          "overlapping mul u8 at the end");
}

/* 16-bit: 2^31 + 5 elements (4 GiB), at the extremes where lane sums are largest. */
static void shorts_case(void) {
    const size_t n = ((size_t)1 << 31) + 5;
    uint16_t *a = (uint16_t *)buf_a;
    const struct {
        bk_dtype dt;
        uint16_t bits;
        int64_t each; /* value of one element */
    } cases[] = {
        {BK_I16, 0x7fff, 32767}, {BK_I16, 0x8000, -32768}, {BK_U16, 0xffff, 65535},
        {BK_U16, 0, 0},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        bk_fill(cases[c].dt, a, n, &cases[c].bits);
        uint64_t got;
        bk_sum(cases[c].dt, a, n, &got);
        uint64_t want = (uint64_t)cases[c].each * (uint64_t)n;
        CHECK(got == want, "sum %s of 0x%04x: %llu, want %llu", bk_dtype_name(cases[c].dt),
              cases[c].bits, (unsigned long long)got, (unsigned long long)want);
    }
}

/* Floats over 4 GiB: f32 fill / sum / scale, f64 overlapping add. */
static void floats_case(void) {
    const size_t n = ((size_t)1 << 30) + ((size_t)1 << 20) + 3; /* f32: 4 GiB + 4 MiB */
    float *a = (float *)buf_a;
    float h = 0.5f, two = 2.0f, got;
    bk_fill(BK_F32, a, n, &h);
    bk_sum(BK_F32, a, n, &got);
    const double want = 0.5 * (double)n;
    const double bound = 4 * (log2((double)n) + 1) * FLT_EPSILON * want;
    CHECK(fabs(got - want) <= bound, "sum f32 of 0.5: %.9g, want %.9g (bound %.3g)", got, want,
          bound);
    bk_scale(BK_F32, a, n, &two);
    CHECK(a[0] == 1.0f && a[(size_t)1 << 30] == 1.0f && a[n - 1] == 1.0f, "scale f32");

    const size_t nd = ((size_t)1 << 29) + ((size_t)1 << 20) + 1; /* f64: 4 GiB + 8 MiB */
    double *d = (double *)buf_b, one = 1.0, sd;
    bk_fill(BK_F64, d, nd, &one);
    /* a = d[1..], b = d[0..]: b lies before a, so a is walked backwards */
    bk_add(BK_F64, d + 1, d, nd - 1);
    bk_sum(BK_F64, d, nd, &sd);
    CHECK(sd == 1.0 + 2.0 * (double)(nd - 1), "sum f64 after overlapping add: %.17g", sd);
    CHECK(d[0] == 1.0 && d[1] == 2.0 && d[nd - 1] == 2.0, "overlapping add f64");
}

int main(int argc, char **argv) {
    const char *names[16];
    int count = 0;
    if (argc > 1) {
        for (int i = 1; i < argc && count < 16; i++)
            names[count++] = argv[i];
    } else {
        for (size_t i = 0; bk_target_at(i) && count < 16; i++)
            if (bk_target_supported(bk_target_at(i)))
                names[count++] = bk_target_at(i);
    }
    const double t0 = now();
    buf_a = xmalloc(BUF_BYTES);
    buf_b = xmalloc(BUF_BYTES);
    memset(buf_a, 0, BUF_BYTES); /* fault every page in once, outside the timings */
    memset(buf_b, 0, BUF_BYTES);
    printf("bk_huge: 2 x %.2f GiB allocated in %.1f s\n", BUF_BYTES / 1073741824.0, now() - t0);
    /* Two passes per target: arrays this large normally count as beyond the
     * caches (streaming fills; avx512 hands them to the avx2 kernels), and
     * with BUFKERN_LARGE_BYTES at its maximum every target's own ordinary
     * kernels run over them too. The library reads it on bk_set_target. */
    static const char *const passes[] = {NULL, "18446744073709551615"};
    for (int t = 0; t < count; t++) {
        for (int pass = 0; pass < 2; pass++) {
            target = names[t];
            if (passes[pass])
                setenv("BUFKERN_LARGE_BYTES", passes[pass], 1);
            else
                unsetenv("BUFKERN_LARGE_BYTES");
            if (bk_set_target(target) != BK_OK) {
                fprintf(stderr, "bk_huge: target %s is not available\n", target);
                return 2;
            }
            const double t1 = now();
            bytes_case();
            const double t2 = now();
            shorts_case();
            const double t3 = now();
            floats_case();
            printf("bk_huge: %-7s %-13s u8/i8 4 GiB %.1f s, i16/u16 4 GiB %.1f s, "
                   "f32/f64 4 GiB %.1f s\n",
                   target, passes[pass] ? "(not large)" : "(as large)", t2 - t1, t3 - t2,
                   now() - t3);
            fflush(stdout);
        }
    }
    free(buf_a);
    free(buf_b);
    printf("bk_huge: %d targets, %d failures, %.1f s\n", count, failures, now() - t0);
    return failures ? 1 : 0;
}
