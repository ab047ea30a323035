/*
 * dispatch.c - which targets this CPU can run, and which one is active.
 *
 * This file is compiled for the architecture's baseline only: it must run on
 * every CPU, so it never includes SIMD code of its own.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "table.h"

enum {
    BK_CPU_SSE2 = 1u << 0,
    BK_CPU_AVX2 = 1u << 1,   /* AVX2 + FMA, YMM state enabled by the OS */
    BK_CPU_AVX512 = 1u << 2, /* F + BW + DQ + VL, opmask and ZMM state enabled */
    BK_CPU_NEON = 1u << 3,
};

/* Best first: the first supported entry is the default. */
static const bk_target bk_targets[] = {
#ifdef BK_HAVE_AVX512
    {"avx512", BK_CPU_AVX512, &bk_table_avx512},
#endif
#ifdef BK_HAVE_AVX2
    {"avx2", BK_CPU_AVX2, &bk_table_avx2},
#endif
#ifdef BK_HAVE_SSE2
    {"sse2", BK_CPU_SSE2, &bk_table_sse2},
#endif
#ifdef BK_HAVE_NEON
    {"neon", BK_CPU_NEON, &bk_table_neon},
#endif
    {"scalar", 0, &bk_table_scalar},
};
enum { BK_NTARGETS = sizeof bk_targets / sizeof bk_targets[0] };

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static uint64_t bk_xgetbv0(void) {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static unsigned bk_detect_cpu(void) {
    unsigned a, b, c, d, f = 0;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (d & (1u << 26))
        f |= BK_CPU_SSE2;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx)
        return f; /* no OS support for wide registers: SSE2 at most */
    const uint64_t xcr0 = bk_xgetbv0();
    const int ymm_state = (xcr0 & 0x6) == 0x6;         /* XMM | YMM */
    const int zmm_state = (xcr0 & 0xe6) == 0xe6;       /* + opmask, ZMM_Hi256, Hi16_ZMM */
    if (__get_cpuid_max(0, 0) < 7)
        return f;
    __cpuid_count(7, 0, a, b, c, d);
    const int avx2 = (b >> 5) & 1;
    const int avx512 = ((b >> 16) & 1) && ((b >> 17) & 1) && ((b >> 30) & 1) &&
                       ((b >> 31) & 1); /* F, DQ, BW, VL */
    if (ymm_state && avx2 && fma)
        f |= BK_CPU_AVX2;
    if (ymm_state && zmm_state && avx512 && (f & BK_CPU_AVX2))
        f |= BK_CPU_AVX512;
    return f;
}
#elif defined(__aarch64__)
static unsigned bk_detect_cpu(void) { return BK_CPU_NEON; } /* mandatory in ARMv8-A */
#else
static unsigned bk_detect_cpu(void) { return 0; }
#endif

static unsigned bk_cpu(void) {
    /* Detection is idempotent; caching it needs no more than a relaxed atomic. */
    static _Atomic unsigned cached; /* bit 31 marks "detected" */
    unsigned f = atomic_load_explicit(&cached, memory_order_relaxed);
    if (!f) {
        f = bk_detect_cpu() | 0x80000000u;
        atomic_store_explicit(&cached, f, memory_order_relaxed);
    }
    return f & 0x7fffffffu;
}

static const bk_target *bk_find(const char *name) {
    for (size_t i = 0; i < BK_NTARGETS; i++)
        if (strcmp(bk_targets[i].name, name) == 0)
            return &bk_targets[i];
    return NULL;
}

static int bk_can_run(const bk_target *t) {
    return t && (t->needs & bk_cpu()) == t->needs;
}

static const bk_target *bk_best(void) {
    for (size_t i = 0; i < BK_NTARGETS; i++)
        if (bk_can_run(&bk_targets[i]))
            return &bk_targets[i];
    return &bk_targets[BK_NTARGETS - 1]; /* scalar needs nothing */
}

_Atomic(const bk_target *) bk_active;
_Atomic size_t bk_large_bytes_value = SIZE_MAX;

/*
 * Where arrays stop fitting in the caches: like glibc's memset (which streams
 * from there), 3/4 of the last-level cache, but at most 96 MiB. One core
 * rarely gets a server's whole LLC: on the reference VM (480 MiB L3 said to
 * be shared by 2 threads) the measured crossover lies between 64 and 128 MiB
 * (i32 fill, default path against streaming: 23.3 vs 23.6 GB/s at 64 MiB,
 * 10.0 vs 23.7 at 128 MiB). See table.h for what changes.
 */
static void bk_init_large_bytes(void) {
    size_t t = 0;
    const char *env = getenv("BUFKERN_LARGE_BYTES");
    if (env && *env) {
        t = (size_t)strtoull(env, NULL, 10);
    } else {
        long llc = -1;
#ifdef _SC_LEVEL3_CACHE_SIZE
        llc = sysconf(_SC_LEVEL3_CACHE_SIZE);
        if (llc <= 0)
            llc = sysconf(_SC_LEVEL2_CACHE_SIZE);
#endif
        t = llc > 0 ? (size_t)llc / 4 * 3 : (size_t)32 << 20;
        if (t > ((size_t)96 << 20))
            t = (size_t)96 << 20;
        if (t < ((size_t)1 << 20))
            t = (size_t)1 << 20;
    }
    atomic_store_explicit(&bk_large_bytes_value, t, memory_order_relaxed);
}

static void bk_activate(const bk_target *t) {
    bk_init_large_bytes();
    atomic_store_explicit(&bk_active, t, memory_order_release);
}

const bk_target *bk_resolve_target(void) {
    bk_init_large_bytes();
    const char *env = getenv("BUFKERN_TARGET");
    const bk_target *t = env && *env && bk_can_run(bk_find(env)) ? bk_find(env) : bk_best();
    const bk_target *expected = NULL;
    /* Whoever resolves first wins; a bk_set_target in between is not undone. */
    if (!atomic_compare_exchange_strong(&bk_active, &expected, t))
        t = expected;
    return t;
}

const char *bk_target_at(size_t i) { return i < BK_NTARGETS ? bk_targets[i].name : NULL; }

int bk_target_supported(const char *name) { return name && bk_can_run(bk_find(name)); }

const char *bk_target_name(void) { return bk_active_target()->name; }

int bk_set_target(const char *name) {
    if (!name || !*name) {
        bk_activate(bk_best());
        return BK_OK;
    }
    const bk_target *t = bk_find(name);
    if (!bk_can_run(t))
        return BK_ERR_TARGET;
    bk_activate(t);
    return BK_OK;
}
