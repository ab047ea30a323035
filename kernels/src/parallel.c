/*
 * parallel.c - one parallel-for over the library's own small thread pool.
 *
 * Why a pool of our own and not OpenMP: libgomp's threads do not survive
 * fork() (a child that enters an OpenMP region after its parent did can
 * hang), its thread count is process-wide state shared with every other
 * OpenMP user in the process, and threadpoolctl would need a controller for
 * us anyway. What the kernels need is much less than a scheduler: run parts
 * 0..parts-1 of one job on at most bk_get_threads() threads, the caller
 * being one of them.
 *
 * - Helpers (threads - 1 of them) start on the first call that splits. After
 *   a job they spin for a while (a split pays off from a few microseconds of
 *   work, less than a futex wake-up costs), then sleep on a condition
 *   variable.
 * - One job at a time: a call that finds the helpers busy with another call's
 *   job runs its own parts alone. However many threads call at once, no more
 *   than threads - 1 helpers ever run: no oversubscription.
 * - fork(): the child has no helpers. It forgets them, and starts new ones
 *   the first time it splits.
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>

#include "parallel.h"

enum { BK_MAX_THREADS = 256, BK_SPIN = 1 << 14 };

/*
 * Thread r of a job (the caller is 0, helper k is k) owns the parts
 * [r * parts / threads, (r + 1) * parts / threads): it runs those first, then
 * takes the parts of other shares not yet started. Owning a fixed share is
 * what keeps a cache-resident operand where it is from call to call: with
 * one shared counter, which core ran which half of an elementwise call
 * changed in 14-30% of consecutive calls on the Xeon Ice Lake, each time
 * moving the written half from one core's L2 to the other's, and two-thread
 * fill f64 of 1 MiB ran at the speed of one thread (47 GB/s, against 114 for
 * two threads of the write loop on the same array; 80-94 with fixed shares).
 */
typedef struct bk_job {
    bk_part_fn fn;
    void *ctx;
    size_t parts;
    int threads; /* the caller and helpers 1 .. threads - 1 */
    _Atomic size_t done;
    _Atomic size_t next[BK_MAX_THREADS]; /* share r's next part */
} bk_job;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int started;             /* helpers running (under lock) */
    _Atomic int sleepers;    /* helpers waiting on wake */
    _Atomic unsigned long id; /* bumped for every job */
    _Atomic int busy;        /* a call owns the helpers */
    _Atomic(bk_job *) job;   /* the open job, or NULL */
    _Atomic int active;      /* helpers between looking at job and leaving it */
} bk_pool = {.lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static _Atomic int bk_threads_value; /* 0 until decided */

static inline void bk_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ volatile("yield");
#endif
}

static size_t bk_share_start(const bk_job *j, int r) {
    return j->parts * (size_t)r / (size_t)j->threads;
}

static void bk_run_parts(bk_job *j, int me) {
    for (int k = 0; k < j->threads; k++) {
        const int r = (me + k) % j->threads;
        const size_t end = bk_share_start(j, r + 1);
        for (size_t i; (i = atomic_fetch_add(&j->next[r], 1)) < end;) {
            j->fn(j->ctx, i);
            atomic_fetch_add_explicit(&j->done, 1, memory_order_release);
        }
    }
}

static void *bk_helper(void *arg) {
    const int me = (int)(intptr_t)arg; /* 1, 2, ...: its share of a job */
    unsigned long seen = atomic_load(&bk_pool.id);
    for (;;) {
        unsigned long id = atomic_load(&bk_pool.id);
        for (int spin = 0; id == seen && spin < BK_SPIN; spin++) {
            bk_cpu_relax();
            id = atomic_load(&bk_pool.id);
        }
        if (id == seen) {
            pthread_mutex_lock(&bk_pool.lock);
            atomic_fetch_add(&bk_pool.sleepers, 1);
            while ((id = atomic_load(&bk_pool.id)) == seen)
                pthread_cond_wait(&bk_pool.wake, &bk_pool.lock);
            atomic_fetch_sub(&bk_pool.sleepers, 1);
            pthread_mutex_unlock(&bk_pool.lock);
        }
        seen = id;
        /* active is raised before the job is looked at: a caller that saw
         * active == 0 after closing its job knows no helper still uses it. */
        atomic_fetch_add(&bk_pool.active, 1);
        bk_job *j = atomic_load(&bk_pool.job);
        if (j && me < j->threads)
            bk_run_parts(j, me);
        atomic_fetch_sub(&bk_pool.active, 1);
    }
    return NULL;
}

/* fork: lock the pool so the child gets it in a known state; the child then
 * starts without helpers or a job. */
static void bk_atfork_prepare(void) { pthread_mutex_lock(&bk_pool.lock); }
static void bk_atfork_parent(void) { pthread_mutex_unlock(&bk_pool.lock); }
static void bk_atfork_child(void) {
    pthread_mutex_init(&bk_pool.lock, NULL);
    pthread_cond_init(&bk_pool.wake, NULL);
    bk_pool.started = 0;
    atomic_store(&bk_pool.sleepers, 0);
    atomic_store(&bk_pool.busy, 0);
    atomic_store(&bk_pool.job, NULL);
    atomic_store(&bk_pool.active, 0);
}
static void bk_register_atfork(void) {
    pthread_atfork(bk_atfork_prepare, bk_atfork_parent, bk_atfork_child);
}

/* Starts helpers until there are want of them; returns how many run. */
static int bk_start_helpers(int want) {
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, bk_register_atfork);
    pthread_mutex_lock(&bk_pool.lock);
    while (bk_pool.started < want) {
        pthread_t t;
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        int rc = pthread_create(&t, &attr, bk_helper, (void *)(intptr_t)(bk_pool.started + 1));
        pthread_attr_destroy(&attr);
        if (rc != 0)
            break; /* run with the helpers there are */
        bk_pool.started++;
    }
    int n = bk_pool.started;
    pthread_mutex_unlock(&bk_pool.lock);
    return n;
}

void bk_parallel_for(size_t parts, bk_part_fn fn, void *ctx) {
    const int threads = bk_get_threads();
    int expected = 0;
    if (threads <= 1 || parts <= 1 || !atomic_compare_exchange_strong(&bk_pool.busy, &expected, 1)) {
        for (size_t i = 0; i < parts; i++)
            fn(ctx, i);
        return;
    }
    int helpers = bk_start_helpers(threads - 1);
    if (helpers > threads - 1)
        helpers = threads - 1; /* threads lowered since they started */
    bk_job j = {.fn = fn, .ctx = ctx, .parts = parts, .threads = helpers + 1};
    for (int r = 0; r < j.threads; r++)
        atomic_init(&j.next[r], bk_share_start(&j, r));
    atomic_store(&bk_pool.job, &j);
    atomic_fetch_add(&bk_pool.id, 1);
    if (atomic_load(&bk_pool.sleepers) > 0) {
        pthread_mutex_lock(&bk_pool.lock);
        pthread_cond_broadcast(&bk_pool.wake);
        pthread_mutex_unlock(&bk_pool.lock);
    }
    bk_run_parts(&j, 0);
    while (atomic_load_explicit(&j.done, memory_order_acquire) < parts)
        bk_cpu_relax();
    atomic_store(&bk_pool.job, NULL);
    for (int spin = 0; atomic_load(&bk_pool.active) != 0; spin++)
        if (spin > 1000)
            sched_yield(); /* a helper was preempted inside the window */
        else
            bk_cpu_relax();
    atomic_store(&bk_pool.busy, 0);
}

/* ---- when to split --------------------------------------------------------- */

_Atomic size_t bk_split_env;

size_t bk_split_env_read(void) {
    const char *env = getenv("BUFKERN_SPLIT_BYTES");
    char *end = NULL;
    unsigned long long e = env && *env ? strtoull(env, &end, 10) : 0;
    const size_t v = end && *end == '\0' ? (size_t)e + 2 : 1;
    atomic_store_explicit(&bk_split_env, v, memory_order_relaxed);
    return v;
}

/* ---- the number of threads ---------------------------------------------- */

static int bk_default_threads(void) {
    const char *env = getenv("BUFKERN_THREADS");
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end == '\0' && v >= 1)
            return v > BK_MAX_THREADS ? BK_MAX_THREADS : (int)v;
    }
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) >= 1)
        return CPU_COUNT(&set) > BK_MAX_THREADS ? BK_MAX_THREADS : CPU_COUNT(&set);
#endif
    return 1;
}

int bk_get_threads(void) {
    int n = atomic_load_explicit(&bk_threads_value, memory_order_relaxed);
    if (n == 0) {
        int expected = 0;
        n = bk_default_threads();
        if (!atomic_compare_exchange_strong(&bk_threads_value, &expected, n))
            n = expected;
    }
    return n;
}

int bk_set_threads(int n) {
    if (n < 0)
        return BK_ERR_THREADS;
    atomic_store(&bk_threads_value, n == 0 ? bk_default_threads() : n > BK_MAX_THREADS ? BK_MAX_THREADS : n);
    return BK_OK;
}
