/*
 * set_target_race: several threads switch the active target at once, many
 * times. Whenever they all stop, the target bk_target_name() names must be
 * the one whose kernels run. The kernels are told apart by the bits of a
 * float sum, which depend on the vector width (lanes add in another order);
 * each target's bits are recorded first, one target at a time.
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers under -std=c11 */
#include <bufkern.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

enum { THREADS = 4, ROUNDS = 200, SWITCHES = 50, N = 4099, MAXT = 16 };

static float data[N];
static const char *names[MAXT];
static float bits_of[MAXT];
static size_t ntargets;
static pthread_barrier_t round_start, round_end;

static void *switcher(void *arg) {
    size_t seed = (size_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&round_start);
        for (int s = 0; s < SWITCHES; s++)
            bk_set_target(names[(seed + (size_t)(r * 7 + s * 3)) % ntargets]);
        pthread_barrier_wait(&round_end);
    }
    return NULL;
}

static size_t index_of(const char *name) {
    for (size_t i = 0; i < ntargets; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return ntargets;
}

int main(void) {
    unsigned x = 12345;
    /* Values from 1 to 2^20 with fractions, both signs: the sum cancels, and
     * what the fractions leave depends on the order of the additions. */
    for (int i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        float mag = (float)((x >> 8) % 1000u) / 1000.0f + (float)(1u << (x % 21));
        data[i] = (x >> 31) ? -mag : mag;
    }
    for (size_t i = 0; bk_target_at(i) && ntargets < MAXT; i++) {
        if (!bk_target_supported(bk_target_at(i)))
            continue;
        names[ntargets] = bk_target_at(i);
        bk_set_target(names[ntargets]);
        bits_of[ntargets] = bk_sum_f32(data, N);
        ntargets++;
    }
    int distinct = 1;
    for (size_t i = 0; i < ntargets; i++)
        for (size_t j = i + 1; j < ntargets; j++)
            distinct &= memcmp(&bits_of[i], &bits_of[j], sizeof(float)) != 0;

    pthread_t tid[THREADS];
    pthread_barrier_init(&round_start, NULL, THREADS + 1);
    pthread_barrier_init(&round_end, NULL, THREADS + 1);
    for (size_t t = 0; t < THREADS; t++)
        pthread_create(&tid[t], NULL, switcher, (void *)t);
    int passed = 0, failed = 0;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&round_start);
        pthread_barrier_wait(&round_end);
        /* Quiet: the name and the kernels must be one target's. */
        const char *name = bk_target_name();
        size_t i = index_of(name);
        float s = bk_sum_f32(data, N);
        if (i < ntargets && memcmp(&s, &bits_of[i], sizeof s) == 0) {
            passed++;
        } else {
            failed++;
            if (failed <= 5)
                printf("round %d: bk_target_name() is %s, but the sum's bits are not its\n", r,
                       name);
        }
    }
    for (size_t t = 0; t < THREADS; t++)
        pthread_join(tid[t], NULL);
    printf("%zu targets%s; %d threads switching, %d rounds\n", ntargets,
           distinct ? " (told apart by their f32 sum bits)"
                    : " (some give the same f32 sum bits: those cannot be told apart)",
           THREADS, ROUNDS);
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
