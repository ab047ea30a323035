/*
 * entries.h - every entry point of the library, typed and dtype-generic,
 * behind one signature per kind, made from BK_OPS and BK_OPS_DTYPES: what the
 * C tests and the fuzz harness call. A new op of a known form needs nothing
 * here.
 */
#ifndef BKE_ENTRIES_H
#define BKE_ENTRIES_H

#include <stddef.h>

#include "bufkern.h"
#include "reference.h"

/*
 * The typed entry points of one op for one dtype. a, b, k (the scalar or
 * fill value) and res (a reduction's result) as the form has them; every
 * element at any address.
 */
typedef struct bke_typed {
    /* bk_<op>_<dtype>: in place, or the reduction. NULL where the library
     * has none (absolute of complex in place). */
    void (*call)(void *a, const void *b, const void *k, size_t n, void *res);
    /* bk_<op>_out_<dtype>, for the forms that have one; else NULL. */
    int (*out)(void *out, const void *a, const void *b, const void *k, size_t n);
} bke_typed;

/* [op][dtype], in the order of BK_OPS; zero where op does not take dtype. */
extern const bke_typed bke_typed_entries[BKR_NOPS][BK_NDTYPES];

/* The dtype-generic bk_<op>(dt, ...) and bk_<op>_out(dt, ...) (NULL for the
 * forms without one), for any dt, valid or not. */
typedef struct bke_generic {
    int (*call)(bk_dtype dt, void *a, const void *b, const void *k, size_t n, void *res);
    int (*out)(bk_dtype dt, void *out, const void *a, const void *b, const void *k, size_t n);
} bke_generic;

extern const bke_generic bke_generic_entries[BKR_NOPS];

#endif
