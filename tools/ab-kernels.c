/*
 * ab-kernels - one kernel of two builds of libbufkern, side by side in one
 * process: batches of calls alternate between the two libraries (dlopen'd
 * with RTLD_LOCAL), so that the machine's slow and fast moments fall on both
 * alike. Prints each build's median time per call and the median and
 * quartiles of the per-batch ratios A/B (above 1: B is faster).
 *
 *   ab-kernels LIB_A LIB_B OP DTYPE BYTES MISALIGN_A MISALIGN_B [TARGET]
 *
 * OP is a reduction (sum, min, max, dot) or an in-place binary op (add,
 * subtract, multiply, divide): a = a OP b. a starts MISALIGN_A bytes past a
 * 64-byte boundary, b MISALIGN_B bytes (NumPy's small arrays: 16 apart).
 * TARGET may be two, TA,TB: one per library (LIB_B may then be LIB_A, to
 * compare two targets of one build). One thread unless BUFKERN_THREADS says
 * otherwise. tools/ab-kernels.sh
 * builds the two libraries from git revisions and runs a list of cases.
 */
#define _GNU_SOURCE /* dlmopen */
#include <bufkern.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ROUNDS = 31, WARMUP = 2 };

typedef int (*reduce_fn)(bk_dtype, const void *, size_t, void *);
typedef int (*dot_fn)(bk_dtype, const void *, const void *, size_t, void *);
typedef int (*binary_fn)(bk_dtype, void *, const void *, size_t);
typedef int (*scalar_fn)(bk_dtype, void *, size_t, const void *); /* scale, fill */

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}
static int by_value(const void *x, const void *y) {
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}
static void *need(void *lib, const char *name) {
    void *p = dlsym(lib, name);
    if (!p) {
        fprintf(stderr, "ab-kernels: no %s in the library\n", name);
        exit(2);
    }
    return p;
}

int main(int argc, char **argv) {
    if (argc < 8) {
        fputs("usage: ab-kernels LIB_A LIB_B OP DTYPE BYTES MISALIGN_A MISALIGN_B [TARGET]\n", stderr);
        return 2;
    }
    const char *op = argv[3], *target = argc > 8 ? argv[8] : NULL;
    char targets[2][32] = {"", ""};
    if (target) {
        size_t cut = strcspn(target, ",");
        snprintf(targets[0], sizeof targets[0], "%.*s", (int)cut, target);
        snprintf(targets[1], sizeof targets[1], "%s", target[cut] ? target + cut + 1 : targets[0]);
    }
    const char *c_op = !strcmp(op, "subtract") ? "sub" : !strcmp(op, "multiply") ? "mul"
                       : !strcmp(op, "divide") ? "div" : op;
    int kind = !strcmp(op, "dot")                                                 ? 2
               : (!strcmp(op, "sum") || !strcmp(op, "min") || !strcmp(op, "max")) ? 1
               : (!strcmp(op, "scale") || !strcmp(op, "fill"))                    ? 4
                                                                                  : 3;
    void *lib[2], *fn[2];
    char sym[64];
    snprintf(sym, sizeof sym, "bk_%s", c_op);
    for (int l = 0; l < 2; l++) {
        /* Each in a namespace of its own: two copies even of one file. */
        if (!(lib[l] = dlmopen(LM_ID_NEWLM, argv[1 + l], RTLD_NOW | RTLD_LOCAL))) {
            fprintf(stderr, "ab-kernels: %s\n", dlerror());
            return 2;
        }
        fn[l] = need(lib[l], sym);
        if (target && ((int (*)(const char *))need(lib[l], "bk_set_target"))(targets[l]) != BK_OK) {
            fprintf(stderr, "ab-kernels: target %s not available\n", targets[l]);
            return 2;
        }
        const char *env = getenv("BUFKERN_THREADS");
        ((int (*)(int))need(lib[l], "bk_set_threads"))(env ? atoi(env) : 1);
    }
    bk_dtype dt = ((bk_dtype(*)(const char *))need(lib[0], "bk_dtype_from_name"))(argv[4]);
    if (dt == BK_NDTYPES) {
        fprintf(stderr, "ab-kernels: unknown dtype %s\n", argv[4]);
        return 2;
    }
    size_t esize = ((size_t(*)(bk_dtype))need(lib[0], "bk_dtype_size"))(dt);
    size_t bytes = strtoull(argv[5], NULL, 10), n = bytes / esize;
    size_t ma = strtoull(argv[6], NULL, 10) % 64, mb = strtoull(argv[7], NULL, 10) % 64;
    /* b 2 KiB further into its page than a: no 4K aliasing between them. */
    char *abase = aligned_alloc(4096, bytes + 4096), *bbase = aligned_alloc(4096, bytes + 4096);
    char *a = abase + ma, *b = bbase + 2048 + mb;
    /* Ones in b keep an in-place a = a OP b finite and unchanging in value range. */
    for (size_t i = 0; i < bytes; i++)
        a[i] = (char)(i * 7 % 61 + 1), b[i] = 1;
    if (dt == BK_F32 || dt == BK_C64)
        for (size_t i = 0; i < bytes / 4; i++)
            ((float *)a)[i] = 1.0f + (float)(i % 7), ((float *)b)[i] = 1.0f;
    if (dt == BK_F64 || dt == BK_C128)
        for (size_t i = 0; i < bytes / 8; i++)
            ((double *)a)[i] = 1.0 + (double)(i % 7), ((double *)b)[i] = 1.0;
    /* BUFKERN_AB_ZEROS=1: every 1000th element of a float a is zero, so that
       min ends on a zero (the case where zero signs matter). */
    if (getenv("BUFKERN_AB_ZEROS") && (dt == BK_F32 || dt == BK_F64))
        for (size_t i = 0; i < n; i += 1000)
            memset(a + i * esize, 0, esize);
    unsigned char res[32];
    long calls = (long)(2e6 / (double)(bytes + 256)) + 1; /* ~1 ms a batch */
    double t[2][ROUNDS], ratio[ROUNDS];
    for (int r = -WARMUP; r < ROUNDS; r++) {
        for (int l = 0; l < 2; l++) {
            double start = now_ns();
            for (long c = 0; c < calls; c++) {
                if (kind == 1)
                    ((reduce_fn)fn[l])(dt, a, n, res);
                else if (kind == 2)
                    ((dot_fn)fn[l])(dt, a, b, n, res);
                else if (kind == 4) /* k: b's first element, a one */
                    ((scalar_fn)fn[l])(dt, a, n, b);
                else
                    ((binary_fn)fn[l])(dt, a, b, n);
                __asm__ volatile("" ::: "memory");
            }
            if (r >= 0)
                t[l][r] = (now_ns() - start) / (double)calls;
        }
        if (r >= 0)
            ratio[r] = t[0][r] / t[1][r];
    }
    qsort(t[0], ROUNDS, sizeof(double), by_value);
    qsort(t[1], ROUNDS, sizeof(double), by_value);
    qsort(ratio, ROUNDS, sizeof(double), by_value);
    printf("%-8s %-5s %8zu B  a+%-2zu b+%-2zu %-7s A %9.1f ns  B %9.1f ns  A/B %.2f (%.2f-%.2f)\n", op,
           argv[4], bytes, ma, mb, target ? target : "best", t[0][ROUNDS / 2], t[1][ROUNDS / 2],
           ratio[ROUNDS / 2], ratio[ROUNDS / 4], ratio[3 * ROUNDS / 4]);
    return 0;
}
