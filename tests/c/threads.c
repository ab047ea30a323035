/*
 * threads: the kernels split over threads.
 *  - every op of BK_OPS that the dtype takes, on operands large enough to be
 *    split, gives the same bits with 1, 2, 3 and 8 threads (reductions
 *    included: their blocks do not depend on the threads);
 *  - bk_set_threads / bk_get_threads and BUFKERN_THREADS;
 *  - a child after fork() runs split kernels correctly;
 *  - several threads calling split kernels at once get their own results.
 */
#define _POSIX_C_SOURCE 200809L
#include <bufkern.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static int passed, failed;
static void check(int ok, const char *what, const char *op, const char *dt, size_t n, int t) {
    if (ok) {
        passed++;
    } else {
        failed++;
        if (failed <= 20)
            printf("FAIL %s: %s %s n=%zu threads=%d\n", what, op, dt, n, t);
    }
}

/* Random bytes, then every float made finite (and, for sums, not huge). */
static void fill_random(void *p, size_t n, bk_dtype dt, unsigned *seed) {
    unsigned char *b = p;
    size_t bytes = n * bk_dtype_size(dt);
    for (size_t i = 0; i < bytes; i++) {
        *seed = *seed * 1103515245u + 12345u;
        b[i] = (unsigned char)(*seed >> 16);
    }
    bk_dtype real = BK_NDTYPES;
    size_t reals = n;
    if (dt == BK_F32 || dt == BK_C64)
        real = BK_F32;
    if (dt == BK_F64 || dt == BK_C128)
        real = BK_F64;
    if (dt == BK_C64 || dt == BK_C128)
        reals *= 2;
    for (size_t i = 0; real == BK_F32 && i < reals; i++)
        ((float *)p)[i] = (float)(((b[4 * i] << 8) | b[4 * i + 1]) - 32768) / 64.0f;
    for (size_t i = 0; real == BK_F64 && i < reals; i++)
        ((double *)p)[i] = (double)(((b[8 * i] << 8) | b[8 * i + 1]) - 32768) / 1024.0 +
                           (double)b[8 * i + 2] * 0x1p-40;
}

/* The op's result (the reduction's value, or the elementwise output) into
 * res, through the dtype-generic entry point its form has. */
static int run(const char *op, bk_dtype dt, const void *a, const void *b, size_t n, void *res) {
    const unsigned char k[16] = {3, 0, 0, 0, 0, 0, 0, 0x40, 3, 0, 0, 0, 0, 0, 0, 0x40};
#define RUN_reduce(o) return bk_##o(dt, a, n, res);
#define RUN_extreme RUN_reduce
#define RUN_dot(o) return bk_##o(dt, a, b, n, res);
#define RUN_fill(o) return bk_##o(dt, res, n, k);
#define RUN_scalar(o) return bk_##o##_out(dt, res, a, n, k);
#define RUN_binary(o) return bk_##o##_out(dt, res, a, b, n);
#define RUN_unary(o) return bk_##o##_out(dt, res, a, n);
#define RUN_magnitude RUN_unary
#define X(o, pyname, form, set)                                                \
    if (!strcmp(op, #o)) {                                                     \
        RUN_##form(o)                                                          \
    }
    BK_OPS(X)
#undef X
    return -100;
}

static const char *const ops[] = {
#define X(op, pyname, form, set) #op,
    BK_OPS(X)
#undef X
};

static void test_identical_bits(void) {
    const size_t sizes[] = {(1u << 14) * 3 + 5, 1000003, (1u << 21) + 7};
    const int thread_counts[] = {1, 2, 3, 8};
    unsigned seed = 1;
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
        const size_t n = sizes[s];
        for (int dt = 0; dt < BK_NDTYPES; dt++) {
            const size_t sz = bk_dtype_size((bk_dtype)dt);
            void *a = malloc(n * sz), *b = malloc(n * sz);
            void *want = malloc(n * sz), *got = malloc(n * sz);
            fill_random(a, n, (bk_dtype)dt, &seed);
            fill_random(b, n, (bk_dtype)dt, &seed);
            for (size_t o = 0; o < sizeof ops / sizeof ops[0]; o++) {
                if (!bk_op_takes(ops[o], (bk_dtype)dt, NULL))
                    continue;
                for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
                    bk_set_threads(thread_counts[t]);
                    memset(t == 0 ? want : got, 0xa5, n * sz);
                    int st = run(ops[o], (bk_dtype)dt, a, b, n, t == 0 ? want : got);
                    check(st == BK_OK, "status", ops[o], bk_dtype_name((bk_dtype)dt), n,
                          thread_counts[t]);
                    if (t > 0)
                        check(memcmp(want, got, n * sz) == 0, "same bits as 1 thread", ops[o],
                              bk_dtype_name((bk_dtype)dt), n, thread_counts[t]);
                }
            }
            free(a), free(b), free(want), free(got);
        }
    }
    bk_set_threads(0);
}

/* Threads of this process, from /proc (-1 where there is none). */
static int count_tasks(void) {
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "Threads: %d", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

static void test_knobs(void) {
    const int tasks_before = count_tasks(); /* before any split: no helpers yet */
    int def = bk_get_threads();
    check(def >= 1, "default threads >= 1", "-", "-", 0, def);
    check(bk_set_threads(3) == BK_OK && bk_get_threads() == 3, "set 3", "-", "-", 0, 3);
    check(bk_set_threads(-1) == BK_ERR_THREADS && bk_get_threads() == 3, "set -1 refused", "-",
          "-", 0, -1);
    check(bk_set_threads(0) == BK_OK && bk_get_threads() == def, "set 0 = default", "-", "-", 0,
          def);
    /* A split with 3 threads runs on the caller and 2 helpers, no more. */
    const size_t n = 1 << 20;
    float *x = calloc(n, sizeof *x);
    bk_set_threads(3);
    bk_scale_f32(x, n, 2.0f);
    /* Counted against the start: an emulator (qemu-user) has threads of its own. */
    int tasks = count_tasks();
    check(tasks == -1 || tasks_before == -1 || tasks - tasks_before == 2,
          "2 helper threads after a split with 3", "scale", "f32", n, tasks - tasks_before);
    free(x);
    bk_set_threads(0);
    const char *env = getenv("BUFKERN_THREADS");
    if (env && *env)
        check(def == atoi(env), "BUFKERN_THREADS is the default", "-", "-", 0, def);
}

/* After fork, the child's kernels split and give the parent's result. */
static void test_fork(void) {
    const size_t n = 1 << 22;
    double *a = malloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = (double)(i % 1000) * 0.25;
    bk_set_threads(2);
    double want = bk_sum_f64(a, n); /* the pool is running now */
    pid_t pid = fork();
    if (pid == 0) {
        double got = bk_sum_f64(a, n);
        bk_scale_f64(a, n, 2.0);
        double twice = bk_sum_f64(a, n);
        _exit(got == want && twice == 2 * want ? 0 : 1);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    check(pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0, "child after fork", "sum",
          "f64", n, 2);
    free(a);
    bk_set_threads(0);
}

/* Several threads at once, each on its own array: each gets its own sum. */
enum { CALLERS = 6, CALLER_N = 1 << 20 };
typedef struct caller {
    float *a;
    float want;
    int ok;
} caller;
static void *call_many(void *arg) {
    caller *c = arg;
    c->ok = 1;
    for (int r = 0; r < 20; r++)
        c->ok &= bk_sum_f32(c->a, CALLER_N) == c->want;
    return NULL;
}
static void test_callers(void) {
    static caller cs[CALLERS];
    pthread_t tid[CALLERS];
    bk_set_threads(2);
    for (int c = 0; c < CALLERS; c++) {
        cs[c].a = malloc(CALLER_N * sizeof(float));
        for (size_t i = 0; i < CALLER_N; i++)
            cs[c].a[i] = (float)((i * (size_t)(c + 3)) % 101) - 50.0f;
        cs[c].want = bk_sum_f32(cs[c].a, CALLER_N);
    }
    for (int c = 0; c < CALLERS; c++)
        pthread_create(&tid[c], NULL, call_many, &cs[c]);
    for (int c = 0; c < CALLERS; c++) {
        pthread_join(tid[c], NULL);
        check(cs[c].ok, "concurrent callers", "sum", "f32", CALLER_N, c);
        free(cs[c].a);
    }
    bk_set_threads(0);
}

int main(int argc, char **argv) {
    const char *only = argc > 1 ? argv[1] : "";
    if (!*only || !strcmp(only, "knobs"))
        test_knobs();
    if (!*only || !strcmp(only, "bits"))
        test_identical_bits();
    if (!*only || !strcmp(only, "fork"))
        test_fork();
    if (!*only || !strcmp(only, "callers"))
        test_callers();
    printf("threads (%s) on %s, default threads %d\n", *only ? only : "all", bk_target_name(),
           bk_get_threads());
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
