/*
 * bkbench.h - what the parts of the benchmark driver share: memory, the
 * benchmark's values, the bandwidth loops (bandwidth.c) and the VOLK
 * comparison (volk.c).
 */
#ifndef BKBENCH_H
#define BKBENCH_H

#include <stddef.h>
#include <stdint.h>

/* 64-byte-aligned (2 MiB and huge pages from 4 MiB), zeroed and touched, so
   that no page fault lands in a timed batch. */
void *bb_alloc(size_t bytes);
void bb_free(void *p);

/*
 * Fills a and b (n elements of dtype each) with the benchmark's values, and k
 * and v (one element each, up to 16 bytes) with the scale factor and the fill
 * value; bufkern_bench/values.py makes the same for Python. The values keep
 * every in-place op finite and normal however often it repeats: floats a in
 * [1, 2), b = +-1, k = -1, v = 1.5; complex a with components in [1, 2), b in
 * {1, -1, i, -i}, k = i, v = 1+2i; integers random a, odd random b, k = 3,
 * v = 7 (integers wrap, at the same speed). Returns 0, or -1 for an unknown
 * dtype.
 */
int bb_init_buffers(const char *dtype, void *a, void *b, size_t n, void *k, void *v);

/* ---- bandwidth (bandwidth.c) -------------------------------------------- */

/*
 * The access patterns of the kernels. A pass runs over `bytes` bytes per
 * array; the bytes it moves are counted in bufkern_bench/patterns.py, for
 * these loops and the kernels alike.
 *
 *   read   like sum, min, max:  reads a
 *   read2  like dot:            reads a and b
 *   rmw    like scale:          reads and writes a
 *   r2w1   like add, multiply:  reads a and b, writes a
 *   write  like fill:           writes a
 *   r1wh   like absolute of complex: reads a, writes bytes / 2 of c
 */
typedef enum bb_pattern {
    BB_READ,
    BB_READ2,
    BB_RMW,
    BB_R2W1,
    BB_WRITE,
    BB_R1WH,
    BB_NPATTERNS
} bb_pattern;

extern const char *const bb_pattern_names[BB_NPATTERNS];

/*
 * The vector widths the loops are compiled for: on x86-64 0 = SSE2 (16
 * bytes), 1 = AVX2 (32), 2 = AVX-512 (64); elsewhere only 0 ("generic").
 * bb_isa_name is NULL past the last one.
 */
enum { BB_NISA = 3 };
const char *bb_isa_name(int isa);
int bb_isa_supported(int isa);

/*
 * The kind of a loop: ordinary vector stores, non-temporal (streaming) ones
 * (writing patterns, where the CPU has them), a string store (write only, on
 * x86-64: rep stosb, which has no width of ours, so its loop is the same for
 * every isa), ordinary stores with the inputs prefetched 4 KiB ahead as
 * the kernels do beyond the caches (every pattern that reads), or streaming
 * stores with the inputs prefetched (r1wh only: the magnitude of complex
 * into a separate array beyond the caches is the one kernel that does both),
 * or, in place (rmw, r2w1), prefetched with each line stored after the
 * loads of the next (as compilers schedule the kernels' loops).
 * bb_has_stores says which a pattern has.
 */
typedef enum bb_stores {
    BB_ORDINARY,
    BB_STREAMING,
    BB_STRING,
    BB_PREFETCHED,
    BB_PREFETCHED_STREAMING,
    BB_LAGGING,
    BB_NSTORES
} bb_stores;
const char *bb_store_name(int stores); /* NULL past the last one */
int bb_has_stores(bb_pattern p, bb_stores stores);

/*
 * One pass of the pattern over a (b for read2 and r2w1, c for r1wh), `bytes`
 * bytes each, with the loops of one width and store kind.
 */
void bb_pattern_pass(bb_pattern p, bb_stores stores, int isa, void *a, const void *b, void *c,
                     size_t bytes);
/* The widest unrolled step of the loops (bytes): what runs on buffers not of
   the driver's own takes whole steps of them, as the byte-by-byte tails
   would time something else. */
extern const size_t bb_pattern_step;
enum { BB_MAXTHREADS = 256 };
/* Bytes every buffer of bkbench has beyond its end: for --misalign and for
   the loops' start offsets (a loop started 16 bytes past a line streams
   line-straddling loads, which from DRAM measured ~6% faster on a Xeon Ice
   Lake than aligned ones, so the sweep has both). */
enum { BB_SLACK = 64 };
/*
 * One batch: iters passes split over `threads` threads (the caller and a pool
 * started on first need), each on its contiguous share of the buffers, all
 * its passes without waiting for the others. *ns (if not NULL): the time from
 * the moment all its threads run to the end of the last one's share. Also the
 * entry point for callers through an FFI (bufkern_bench). 0, or -1 when a
 * thread could not be started.
 */
int bb_pattern_batch(bb_pattern p, bb_stores stores, int isa, void *a, const void *b, void *c,
                     size_t bytes, unsigned threads, uint64_t iters, uint64_t *ns);

/* ---- VOLK (volk.c, only when VOLK was found) ---------------------------- */

#ifdef BKBENCH_HAVE_VOLK
typedef struct bb_volk_case {
    const char *volk_name; /* e.g. "volk_32f_x2_add_32f" */
    const char *op;        /* bufkern op, by its C name: sum scale mul add */
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
