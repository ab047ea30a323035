/*
 * test_matrix.c - every op x dtype x length x start offset, on every target,
 * against the reference and the scalar target, in place and into a separate
 * out; and data that ends (or starts) exactly at an unmapped page.
 */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bkt.h"

#if defined(__unix__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#define BKT_HAVE_MMAN 1
#endif

/*
 * A canvas is PAD guard bytes, PAD bytes of room for the start offset, the
 * data, and PAD guard bytes, in a 64-byte aligned buffer: the data starts at
 * canvas + PAD + off, so off (0..63) sets its alignment. Everything outside
 * the data is random and must never change. The initial canvas is kept as it
 * was: it holds the operands' copies for the reference.
 */
enum { PAD = 64 };

typedef struct canvas {
    bkt_buf init, work;
    size_t span, off, bytes; /* the data: bytes at PAD + off */
} canvas;

static canvas can_a, can_b, can_o;
static bkt_buf a0_buf, b0_buf;

/* data (NULL: random bytes) at offset off, random guard bytes around it;
 * work is a copy. */
static void canvas_fill(canvas *c, const void *data, size_t bytes, size_t off) {
    c->span = 3 * PAD + bytes;
    c->off = off;
    c->bytes = bytes;
    unsigned char *p = bkt_reserve(&c->init, c->span);
    bkt_reserve(&c->work, c->span);
    bkt_random_bytes(p, 2 * PAD + off);
    if (data)
        memcpy(p + PAD + off, data, bytes);
    else
        bkt_random_bytes(p + PAD + off, bytes);
    bkt_random_bytes(p + PAD + off + bytes, PAD - off + PAD);
    memcpy(c->work.p, p, c->span);
}
static unsigned char *canvas_data(canvas *c) { return c->work.p + PAD + c->off; }
static void canvas_reset(canvas *c) { memcpy(c->work.p, c->init.p, c->span); }

/* Checks that nothing of the canvas changed but the data (nothing at all
 * unless written), and restores it if something did. */
static void canvas_check(size_t t, canvas *c, const char *name, int written) {
    const size_t lo = PAD + c->off, hi = written ? lo + c->bytes : lo;
    const unsigned char *w = c->work.p, *i = c->init.p;
    const size_t f = bkt_first_diff(w, i, lo), b = bkt_first_diff(w + hi, i + hi, c->span - hi);
    if (bkt_check(t, f == lo && b == c->span - hi, "%s %s: byte %td relative to its data changed",
                  name, written ? "was written outside its data" : "was written",
                  f < lo ? (ptrdiff_t)f - (ptrdiff_t)lo : (ptrdiff_t)(hi - lo + b)))
        return;
    canvas_reset(c);
}

/* ---- the operands of a run of cases --------------------------------------- */

/*
 * Operands drawn once for several cases (the start offsets of one length) and
 * their reference: the data of a case is one of these, placed at the case's
 * offsets. Drawing and the reference cost more than the calls they check.
 */
typedef struct draw {
    bkt_case c;
    bkt_buf a, b;
    unsigned char k[32];
    int mode, b_is_a;
} draw;

static void draw_data(draw *w, size_t op, const bkr_dtype *d, size_t n, int mode, int b_is_a) {
    const int has_b = bkr_has_b(bkr_ops[op].form);
    const size_t bytes = n * d->size;
    unsigned char *a = bkt_reserve(&w->a, bytes + 1), *b = bkt_reserve(&w->b, bytes + 1);
    w->c = (bkt_case){.op = op, .d = d, .n = n};
    w->mode = mode;
    w->b_is_a = has_b && b_is_a;
    bkt_gen(d, a, n, mode);
    if (has_b && !b_is_a)
        bkt_gen(d, b, n, mode);
    bkt_gen(d, w->k, 1, mode);
    w->c.a0 = a;
    w->c.b0 = !has_b ? NULL : b_is_a ? a : b;
    w->c.k = w->k;
    bkt_reference(&w->c);
}

/* ---- one case of an elementwise op -------------------------------------------- */

static void case_elementwise(draw *w, size_t off_a, size_t off_b, size_t off_o, int use_out) {
    bkt_case *c = &w->c;
    const int has_b = bkr_has_b(c->form);
    const size_t bytes = c->n * c->d->size;
    char b_at[32] = "", out_at[32] = " in place";
    if (has_b)
        snprintf(b_at, sizeof b_at, " b-offset=%zu", off_b);
    if (use_out)
        snprintf(out_at, sizeof out_at, " out-offset=%zu", off_o);
    bkt_where("%s %s n=%zu offset=%zu%s%s data=%s", bkr_ops[c->op].name, c->d->name, c->n, off_a,
              b_at, out_at, bkt_mode_names[w->mode]);
    canvas_fill(&can_a, c->a0, bytes, off_a);
    if (has_b)
        canvas_fill(&can_b, c->b0, bytes, off_b);
    if (use_out)
        canvas_fill(&can_o, NULL, c->n * c->od->size, off_o);

    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = bkt_nth_target(i);
        canvas_reset(&can_a);
        if (use_out)
            canvas_reset(&can_o);
        bkt_use(t);
        unsigned char *dst = use_out ? canvas_data(&can_o) : canvas_data(&can_a);
        const int st = bkt_call(c, BKT_TYPED, use_out ? dst : NULL, canvas_data(&can_a),
                                has_b ? canvas_data(&can_b) : NULL, NULL);
        bkt_check(t, st == BK_OK, "status %d", st);
        bkt_judge(t, c, dst);
        canvas_check(t, &can_a, "a", !use_out);
        if (use_out)
            canvas_check(t, &can_o, "out", 1);
        if (has_b)
            canvas_check(t, &can_b, "b", 0);
    }
}

/* ---- one case of a reduction -------------------------------------------------- */

static void case_reduction(draw *w, size_t off_a, size_t off_b) {
    bkt_case *c = &w->c;
    const int has_b = bkr_has_b(c->form) && !w->b_is_a;
    const size_t bytes = c->n * c->d->size;
    unsigned char got[32];
    char b_at[32] = "";
    if (has_b)
        snprintf(b_at, sizeof b_at, " b-offset=%zu", off_b);
    bkt_where("%s %s n=%zu offset=%zu%s%s data=%s", bkr_ops[c->op].name, c->d->name, c->n, off_a,
              w->b_is_a ? " (b == a)" : "", b_at, bkt_mode_names[w->mode]);
    canvas_fill(&can_a, c->a0, bytes, off_a);
    if (has_b)
        canvas_fill(&can_b, c->b0, bytes, off_b);
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = bkt_nth_target(i);
        memset(got, 0xa5, sizeof got);
        bkt_use(t);
        bkt_call(c, BKT_TYPED, NULL, canvas_data(&can_a),
                 has_b ? canvas_data(&can_b) : canvas_data(&can_a), got);
        bkt_judge(t, c, got);
        canvas_check(t, &can_a, "a", 0);
        if (has_b)
            canvas_check(t, &can_b, "b", 0);
    }
}

/* ---- the matrix ---------------------------------------------------------------- */

/* The draws of the current run of cases, one per value mode. */
static draw draws[4];
static size_t ndraws;

/*
 * New operands for op at length n: every value mode of a reduction's form
 * (only the first for huge sizes unless thorough), dot now and then with
 * b == a; for an elementwise op, any bits, or finite values for floats one
 * time in four.
 */
static void redraw(size_t op, const bkr_dtype *d, size_t n, size_t salt) {
    const enum bkr_form form = bkr_ops[op].form;
    const int *modes;
    ndraws = bkt_modes(form, d, &modes);
    if (!bkr_is_reduction(form)) {
        draw_data(&draws[0], op, d, n, bkr_is_fp(d) && salt % 4 == 1 ? BKT_GEN_FINITE : modes[0],
                  0);
        ndraws = 1;
        return;
    }
    if (n > 70000 && !bkt.thorough)
        ndraws = 1;
    for (size_t m = 0; m < ndraws; m++)
        draw_data(&draws[m], op, d, n, modes[m], form == BKR_DOT && (n + salt + m) % 8 == 3);
}

/*
 * One length and offset of op, on the current draws. b and out start at other
 * offsets, which vary with the case; an elementwise op runs in place or into
 * out by turns, a reduction one value mode after the other (every mode with
 * all_modes; both forms and every mode when thorough).
 */
static void run_case(size_t op, const bkr_dtype *d, size_t n, size_t off, size_t salt,
                     int all_modes) {
    static const size_t delta[] = {0, 1, 3, 8, 17, 32, 63, 5};
    const enum bkr_form form = bkr_ops[op].form;
    const size_t off_b = (off + delta[(n + off + salt) % 8]) % 64;
    const size_t off_o = (off + delta[(n / 2 + off + salt + 3) % 8]) % 64;
    if (bkr_is_reduction(form)) {
        for (size_t m = 0; m < ndraws; m++)
            if (all_modes || bkt.thorough || m == (n + off + salt) % ndraws)
                case_reduction(&draws[m], off, off_b);
        return;
    }
    const int has_in = bke_typed_entries[op][d->dt].call != NULL, has_out = bkr_has_out(form);
    const int turn = (int)((n + off + salt) & 1);
    if (has_in && (!has_out || !turn || bkt.thorough))
        case_elementwise(&draws[0], off, off_b, off_o, 0);
    if (has_out && (!has_in || turn || bkt.thorough))
        case_elementwise(&draws[0], off, off_b, off_o, 1);
}

void bkt_group_op(size_t op) {
    const bkr_dtype *dts[BK_NDTYPES];
    const size_t nd = bkt_op_dtypes(op, dts);
    const int rounds = bkt.thorough ? 2 : 1;
    const int reduction = bkr_is_reduction(bkr_ops[op].form);
    for (size_t di = 0; di < nd; di++) {
        const bkr_dtype *d = dts[di];
        /* Every length and offset; operands drawn anew every 8 offsets, a
         * reduction's value modes by turns. */
        for (int round = 0; round < rounds; round++)
            for (size_t n = 0; n <= 300; n++)
                for (size_t off = 0; off < 64; off++) {
                    if (off % 8 == 0)
                        redraw(op, d, n, n * 3 + off / 8 + (size_t)round);
                    run_case(op, d, n, off, (size_t)round, 0);
                }
        /*
         * Large: many blocks of the pairwise sums, reductions on both sides of
         * the library's reduction block (2^14 elements) and over several, and
         * the limits of the narrow integer sums' widening. 1M elements: every
         * dtype's sum, and the first dtype of each kind for the other ops
         * (the special group widens narrow sums and dots over 3M elements);
         * 4M: thorough reductions.
         */
        static const size_t large[] = {4099,           (1u << 14) - 1,       1u << 14,
                                       (1u << 14) + 1, 3u * (1u << 14) + 5, 65537,
                                       (1u << 20) + 3, (1u << 22) + 1};
        static const size_t offs[] = {0, 13, 5, 1, 63};
        const int first_of_kind = di == 0 || dts[di - 1]->kind != d->kind;
        const int every_dtype = bkr_ops[op].form == BKR_REDUCE || bkt.thorough;
        for (size_t li = 0; li < sizeof large / sizeof large[0]; li++) {
            const size_t n = large[li];
            const int huge = n > 70000;
            if (!reduction && n != 4099 && n != (1u << 14) + 1 && !huge)
                continue; /* the block edges matter to reductions only */
            if (n > (1u << 21) && !(bkt.thorough && reduction))
                continue;
            if (n > bkt.max_len)
                continue;
            if (huge && !every_dtype && !first_of_kind)
                continue;
            const size_t noffs = huge ? (bkt.thorough ? 2 : 1) : (bkt.thorough ? 5 : 2);
            redraw(op, d, n, li);
            for (size_t oi = 0; oi < noffs; oi++)
                run_case(op, d, n, huge ? offs[oi + 2] : offs[oi], oi, 1);
        }
    }
}

/* ---- data next to unmapped memory ----------------------------------------- */

/*
 * A region of `bytes` whose end (at_end) or start touches an inaccessible
 * page, so a read or write past the data faults even without a sanitizer.
 * Without mmap, a malloc block of exactly that size (which ASan guards).
 */
typedef struct tight {
    unsigned char *data;
    void *base;
    size_t len; /* of the mapping; 0 for a malloc block */
} tight;

/* Exactly-sized malloc blocks: the data ends where the block ends and starts
 * `misalign` bytes after its start; AddressSanitizer catches any byte beyond. */
static tight exact_alloc(size_t bytes, size_t misalign) {
    tight r = {NULL, NULL, 0};
    r.base = malloc(bytes + misalign ? bytes + misalign : 1);
    if (!r.base) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    r.data = (unsigned char *)r.base + misalign;
    return r;
}

static tight tight_alloc(size_t bytes, int at_end, size_t misalign) {
#ifdef BKT_HAVE_MMAN
    tight r = {NULL, NULL, 0};
    const size_t page = (size_t)sysconf(_SC_PAGESIZE);
    const size_t pages = (bytes + page - 1) / page + 2;
    unsigned char *m = mmap(NULL, pages * page, PROT_READ | PROT_WRITE,
                            MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        perror("mmap");
        exit(2);
    }
    if (mprotect(m, page, PROT_NONE) != 0 ||
        mprotect(m + (pages - 1) * page, page, PROT_NONE) != 0) {
        perror("mprotect");
        exit(2);
    }
    (void)misalign;
    r.base = m;
    r.len = pages * page;
    r.data = at_end ? m + (pages - 1) * page - bytes : m + page;
    return r;
#else
    (void)at_end;
    return exact_alloc(bytes, misalign);
#endif
}

static void tight_free(tight *r) {
#ifdef BKT_HAVE_MMAN
    if (r->len) {
        munmap(r->base, r->len);
        return;
    }
#endif
    free(r->base);
}

/*
 * a, b and out each in a region of their own; an elementwise op runs in place
 * for even n and into out for odd n (always into out where there is no
 * in-place form).
 */
static void case_tight(size_t op, const bkr_dtype *d, size_t n, int placement) {
    static const char *const kinds[] = {"a ends at an unmapped page, b and out start after one",
                                        "a starts after an unmapped page, b and out end at one",
                                        "exact-size heap blocks, misaligned start"};
    const enum bkr_form form = bkr_ops[op].form;
    const size_t bytes = n * d->size, mis = (n % 15) + 1;
    bkt_case c = {.op = op, .d = d, .n = n};
    unsigned char *a0 = bkt_reserve(&a0_buf, bytes + 1), *b0 = bkt_reserve(&b0_buf, bytes + 1);
    unsigned char k[32], got[32];
    const int mode = bkr_is_reduction(form) && bkr_is_fp(d) ? BKT_GEN_FINITE : BKT_GEN_ANY;
    bkt_gen(d, a0, n, mode);
    bkt_gen(d, b0, n, mode);
    bkt_gen(d, k, 1, mode);
    c.a0 = a0;
    c.b0 = bkr_has_b(form) ? b0 : NULL;
    c.k = k;
    bkt_reference(&c);
    const int use_out =
        bkr_has_out(form) && (n % 2 == 1 || bke_typed_entries[op][d->dt].call == NULL);
    const size_t obytes = n * c.od->size;
    tight ta, tb, to;
    if (placement < 2) {
        ta = tight_alloc(bytes, placement == 0, mis);
        tb = tight_alloc(bytes, placement == 1, mis);
        to = tight_alloc(obytes, placement == 1, mis);
    } else {
        ta = exact_alloc(bytes, mis);
        tb = exact_alloc(bytes, mis);
        to = exact_alloc(obytes, mis);
    }
    bkt_where("%s %s n=%zu%s, %s", bkr_ops[op].name, d->name, n, use_out ? " into out" : "",
              kinds[placement]);
    memcpy(tb.data, b0, bytes);
    for (size_t i = 0; i < bkt.ntargets; i++) {
        const size_t t = bkt_nth_target(i);
        memcpy(ta.data, a0, bytes);
        bkt_use(t);
        const int st = bkt_call(&c, BKT_TYPED, use_out ? to.data : NULL, ta.data, tb.data, got);
        bkt_check(t, st == BK_OK, "status %d", st);
        bkt_judge(t, &c, bkr_is_reduction(form) ? got : use_out ? to.data : ta.data);
        if (bkr_has_b(form))
            bkt_check(t, memcmp(tb.data, b0, bytes) == 0, "b was modified");
        if (use_out || bkr_is_reduction(form))
            bkt_check(t, memcmp(ta.data, a0, bytes) == 0, "a was modified");
    }
    tight_free(&ta);
    tight_free(&tb);
    tight_free(&to);
}

void bkt_group_edges(void) {
    static const size_t more[] = {127, 128, 129, 255, 256, 257, 300, 1000, 4099};
    size_t lens[400], nlens = 0;
    for (size_t n = 0; n <= (bkt.thorough ? 300u : 70u); n++)
        lens[nlens++] = n;
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        if (more[i] > lens[nlens - 1])
            lens[nlens++] = more[i];
    for (size_t op = 0; op < BKR_NOPS; op++) {
        const bkr_dtype *dts[BK_NDTYPES];
        const size_t nd = bkt_op_dtypes(op, dts);
        for (size_t di = 0; di < nd; di++)
            for (size_t li = 0; li < nlens; li++)
                for (int placement = 0; placement < 3; placement++)
                    case_tight(op, dts[di], lens[li], placement);
    }
}
