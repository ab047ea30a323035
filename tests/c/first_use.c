/*
 * first_use: several threads make the library's first call at the same
 * moment. Every thread must see one and the same target (the one
 * BUFKERN_TARGET names, or the best) and correct results. Run in a fresh
 * process: the point is the race on first use.
 *
 * usage: bk_first_use [EXPECTED_TARGET]   (default: the best supported one)
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers under -std=c11 */
#include <bufkern.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { THREADS = 8, N = 1000 };

static pthread_barrier_t start;

typedef struct job {
    double data[N];
    double sum;
    const char *target;
} job;

static void *run(void *arg) {
    job *j = arg;
    pthread_barrier_wait(&start);
    /* The first call into the library, in every thread at once. */
    j->sum = bk_sum_f64(j->data, N);
    j->target = bk_target_name();
    return NULL;
}

int main(int argc, char **argv) {
    static job jobs[THREADS];
    pthread_t tid[THREADS];
    int passed = 0, failed = 0;

    for (int t = 0; t < THREADS; t++)
        for (int i = 0; i < N; i++)
            jobs[t].data[i] = (double)(t + 1); /* exact sums: N * (t + 1) */
    pthread_barrier_init(&start, NULL, THREADS);
    for (int t = 0; t < THREADS; t++)
        pthread_create(&tid[t], NULL, run, &jobs[t]);
    for (int t = 0; t < THREADS; t++)
        pthread_join(tid[t], NULL);

    /* The named target if this CPU runs it, else the best one it runs. */
    const char *expected = argc > 1 && bk_target_supported(argv[1]) ? argv[1] : NULL;
    for (size_t i = 0; !expected && bk_target_at(i); i++)
        if (bk_target_supported(bk_target_at(i)))
            expected = bk_target_at(i);
    for (int t = 0; t < THREADS; t++) {
        int ok = jobs[t].sum == (double)N * (t + 1) && strcmp(jobs[t].target, expected) == 0 &&
                 strcmp(jobs[t].target, bk_target_name()) == 0;
        if (ok) {
            passed++;
        } else {
            failed++;
            printf("thread %d: sum %g (want %g), target %s (want %s)\n", t, jobs[t].sum,
                   (double)N * (t + 1), jobs[t].target, expected);
        }
    }
    printf("first use from %d threads at once on %s\n", THREADS, expected);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
