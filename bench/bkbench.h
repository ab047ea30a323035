/*
 * bkbench.h - what the parts of the benchmark driver share: a clock, the
 * bandwidth loops (bandwidth.c) and the VOLK comparison (volk.c).
 */
#ifndef BKBENCH_H
#define BKBENCH_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in nanoseconds. */
uint64_t bb_now_ns(void);

/* 64-byte-aligned, zeroed, and touched (so no page fault lands in a timing). */
void *bb_alloc(size_t bytes);
void bb_free(void *p);

/* ---- statistics over repeated batches ----------------------------------- */

typedef struct bb_stats {
    double median, q1, q3, min; /* of the per-call (or per-pass) times, ns */
} bb_stats;

/* Sorts xs in place. */
bb_stats bb_summarise(double *xs, size_t n);

/*
 * Fills a and b (n elements of dtype each) with the benchmark's values, and k
 * and v (one element each, up to 16 bytes) with the scale factor and the fill
 * value. The values keep every in-place op finite and normal however often
 * it repeats: floats a in [1, 2), b = +-1, k = -1, v = 1.5; complex a with
 * components in [1, 2), b in {1, -1, i, -i}, k = i, v = 1+2i; integers
 * random a, odd random b, k = 3, v = 7 (integers wrap, at the same speed).
 * Returns 0, or -1 for an unknown dtype.
 */
int bb_init_buffers(const char *dtype, void *a, void *b, size_t n, void *k, void *v);

/* ---- bandwidth (bandwidth.c) -------------------------------------------- */

/*
 * The four access patterns of the kernels, with the traffic one pass over an
 * array of `bytes` bytes moves (what GB/s is computed from, for the loops
 * here and for the kernels alike):
 *
 *   read   like sum:            reads a                 traffic 1 x bytes
 *   rmw    like scale:          reads and writes a      traffic 2 x bytes
 *   r2w1   like multiply, add:  reads a and b, writes a traffic 3 x bytes
 *   write  like fill:           writes a                traffic 1 x bytes
 */
typedef enum bb_pattern { BB_READ, BB_RMW, BB_R2W1, BB_WRITE, BB_NPATTERNS } bb_pattern;

extern const char *const bb_pattern_names[BB_NPATTERNS];
extern const unsigned bb_pattern_traffic[BB_NPATTERNS]; /* passes over `bytes` */
extern const unsigned bb_pattern_arrays[BB_NPATTERNS];  /* arrays in the working set */

/*
 * The vector widths the loops are compiled for: on x86-64 0 = SSE2 (16
 * bytes), 1 = AVX2 (32), 2 = AVX-512 (64); elsewhere only 0 ("generic").
 * bb_isa_name is NULL past the last one.
 */
enum { BB_NISA = 3 };
const char *bb_isa_name(int isa);
int bb_isa_supported(int isa);

/*
 * One pass of the pattern over a (and b for r2w1), `bytes` bytes each, with
 * the loops of one width; nt selects non-temporal stores (writing patterns
 * only, when bb_have_nt()).
 */
void bb_pattern_pass(bb_pattern p, int nt, int isa, void *a, const void *b, size_t bytes);
int bb_have_nt(void);

/* ---- VOLK (volk.c, only when VOLK was found) ---------------------------- */

#ifdef BKBENCH_HAVE_VOLK
typedef struct bb_volk_case {
    const char *volk_name; /* e.g. "volk_32f_x2_add_32f" */
    const char *op;        /* bufkern op: sum scale mul add fill */
    const char *dtype;     /* bufkern dtype */
    /*
     * One call each, in place on a (and b), n elements, with the scalar k
     * (one element of the dtype) for scale. A sum's result goes to *out.
     */
    void (*run_volk)(void *a, const void *b, size_t n, const void *k, void *out);
    void (*run_bufkern)(void *a, const void *b, size_t n, const void *k, void *out);
} bb_volk_case;

/* The VOLK kernels bufkern also has that this VOLK provides; returns how many. */
size_t bb_volk_cases(const bb_volk_case **cases);
const char *bb_volk_machine(void);
const char *bb_volk_version(void);
#endif

#endif
