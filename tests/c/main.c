/*
 * main.c - bk_test: bufkern's C test driver.
 *
 *   bk_test [--thorough] [--only=GROUP[,GROUP...]] [--target=NAME[,NAME...]]
 *           [--seed=N] [--expect-active=NAME] [--max-length=N]
 *
 * Groups: api dispatch special, one per op of BK_OPS (sum min max dot fill
 * scale add sub mul div conj abs: that op's matrix), overlap edges (default:
 * all). Every mode runs every op x dtype x length 0..300 x start offset 0..63
 * on every target, an elementwise op in place and into out by turns, a
 * reduction's value modes by turns; --thorough (or BUFKERN_THOROUGH=1) adds
 * a second random round, both forms and every value mode of every case, more
 * offsets and value modes of the large sizes, 4M-element reductions, every
 * length in the overlap and edges groups. --max-length=N leaves out the
 * matrix's arrays longer than N elements. --expect-active=NAME checks that the
 * target active at the first call is NAME if this CPU supports it, else the
 * best one (ctest runs it with BUFKERN_TARGET set). The seed comes from --seed,
 * else BUFKERN_TEST_SEED, else a fixed default, and is printed. The first 40
 * failures are printed in full (BUFKERN_TEST_MAX_FAILS=N changes that).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bkt.h"

#if defined(__SANITIZE_ADDRESS__)
#define BKT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BKT_ASAN 1
#endif
#endif

/* The groups: three of their own, one per op (its matrix), two more. */
static const char *const head_groups[] = {"api", "dispatch", "special"};
static const char *const tail_groups[] = {"overlap", "edges"};
enum { NHEAD = 3, NGROUPS = NHEAD + BKR_NOPS + 2 };

static const char *group_name(size_t g) {
    if (g < NHEAD)
        return head_groups[g];
    if (g < NHEAD + BKR_NOPS)
        return bkr_ops[g - NHEAD].name;
    return tail_groups[g - NHEAD - BKR_NOPS];
}

/* Names the case that crashed (a read or write past the data hits an
 * unmapped page in the edges group). Not async-signal-safe, but the process
 * is dying anyway and the name is what matters. */
#if !defined(BKT_ASAN) /* AddressSanitizer reports faults better by itself */
static void on_fault(int sig) {
    fprintf(stderr, "\nFAIL: signal %d while running: %s\n", sig, bkt.where);
    _Exit(3);
}
#endif

static int in_list(const char *list, const char *name) {
    const size_t len = strlen(name);
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        if (l == len && strncmp(p, name, len) == 0)
            return 1;
        p += l + (p[l] == ',');
    }
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: bk_test [--thorough] [--only=GROUPS] [--target=NAMES] [--seed=N] "
                    "[--expect-active=NAME] [--max-length=N]\ngroups:");
    for (size_t g = 0; g < NGROUPS; g++)
        fprintf(stderr, " %s", group_name(g));
    fprintf(stderr, "\n");
    exit(2);
}

int main(int argc, char **argv) {
    /* First of all: which target the library picked by itself (BUFKERN_TARGET). */
    const char *initial = bk_target_name();

    const char *only = NULL, *targets = NULL, *expect = NULL;
    const char *env_seed = getenv("BUFKERN_TEST_SEED"), *env_thorough = getenv("BUFKERN_THOROUGH");
    bkt.seed = env_seed && *env_seed ? strtoull(env_seed, NULL, 0) : 0x6275666b65726e;
    bkt.thorough = env_thorough && *env_thorough && strcmp(env_thorough, "0") != 0;
    bkt.max_len = (size_t)-1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--thorough") == 0)
            bkt.thorough = 1;
        else if (strcmp(a, "--fast") == 0)
            bkt.thorough = 0;
        else if (strncmp(a, "--only=", 7) == 0)
            only = a + 7;
        else if (strncmp(a, "--target=", 9) == 0)
            targets = a + 9;
        else if (strncmp(a, "--seed=", 7) == 0)
            bkt.seed = strtoull(a + 7, NULL, 0);
        else if (strncmp(a, "--expect-active=", 16) == 0)
            expect = a + 16;
        else if (strncmp(a, "--max-length=", 13) == 0)
            bkt.max_len = (size_t)strtoull(a + 13, NULL, 0);
        else
            usage();
    }
    if (only)
        for (const char *p = only; *p;) {
            size_t l = strcspn(p, ","), ok = 0;
            for (size_t g = 0; g < NGROUPS; g++)
                ok |= strlen(group_name(g)) == l && strncmp(group_name(g), p, l) == 0;
            if (!ok)
                usage();
            p += l + (p[l] == ',');
        }
    bkt.rng = bkt.seed;
    const char *env_max = getenv("BUFKERN_TEST_MAX_FAILS");
    bkt.max_printed = env_max && *env_max ? strtoull(env_max, NULL, 0) : 40;

    /* Targets under test: every supported one (or those asked for) plus scalar. */
    for (size_t i = 0; bk_target_at(i) && bkt.ntargets < BKT_MAX_TARGETS; i++) {
        const char *name = bk_target_at(i);
        const int is_scalar = strcmp(name, "scalar") == 0;
        if (!bk_target_supported(name)) {
            printf("  %s: compiled in, not supported by this CPU: skipped\n", name);
            continue;
        }
        if (targets && !is_scalar && !in_list(targets, name))
            continue;
        if (is_scalar)
            bkt.scalar = bkt.ntargets;
        bkt.targets[bkt.ntargets++].name = name;
    }
    if (!bkt.ntargets || strcmp(bkt.targets[bkt.scalar].name, "scalar") != 0) {
        fprintf(stderr, "FAIL: the scalar target is not listed or not supported\n");
        return 1;
    }

    char label[128];
    const char *env_target = getenv("BUFKERN_TARGET");
    if (expect)
        snprintf(label, sizeof label, "bk_test[%s, BUFKERN_TARGET=%s]", only ? only : "all",
                 env_target ? env_target : "(unset)");
    else
        snprintf(label, sizeof label, "bk_test[%s]", only ? only : "all");
    printf("%s: %s mode, seed %#llx, targets under test:", label,
           bkt.thorough ? "thorough" : "fast", (unsigned long long)bkt.seed);
    for (size_t t = 0; t < bkt.ntargets; t++)
        printf(" %s", bkt.targets[t].name);
    printf("; active at start: %s\n", initial ? initial : "(null)");
    fflush(stdout);

#if !defined(BKT_ASAN)
    signal(SIGSEGV, on_fault);
    signal(SIGBUS, on_fault);
#endif

    const clock_t start = clock();
    for (size_t g = 0; g < NGROUPS; g++) {
        if (only && !in_list(only, group_name(g)))
            continue;
        const unsigned long long before = bkt.checks;
        const clock_t t0 = clock();
        if (g == 0)
            bkt_group_api();
        else if (g == 1)
            bkt_group_dispatch(initial, expect, expect != NULL);
        else if (g == 2)
            bkt_group_special();
        else if (g < NHEAD + BKR_NOPS)
            bkt_group_op(g - NHEAD);
        else if (g == NHEAD + BKR_NOPS)
            bkt_group_overlap();
        else
            bkt_group_edges();
        printf("  group %-8s %10llu checks  %6.2f s\n", group_name(g), bkt.checks - before,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
        fflush(stdout);
    }
    if (expect && only && !in_list(only, "dispatch"))
        bkt_group_dispatch(initial, expect, 1); /* the check asked for, even so */

    unsigned long long per_target = 0;
    for (size_t t = 0; t < bkt.ntargets; t++) {
        const bkt_target *tg = &bkt.targets[t];
        per_target += tg->checks;
        printf("  target %-8s %10llu checks, %llu failed", tg->name, tg->checks, tg->failed);
        if (tg->inexact)
            printf(" (%llu results accepted by a tolerance or with other NaN payloads, not "
                   "bit-exact against the reference)",
                   tg->inexact);
        printf("\n");
    }
    printf("  (target-independent: %llu checks)\n", bkt.checks - per_target);
    printf("%s: %llu passed, %llu failed (%.1f s)\n", label, bkt.checks - bkt.failed, bkt.failed,
           (double)(clock() - start) / CLOCKS_PER_SEC);
    return bkt.failed ? 1 : 0;
}
