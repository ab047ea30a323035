/* entries.c - see entries.h: one thunk per op x dtype and form. */
#include "entries.h"

#include <string.h>

/* The four signatures of entries.h. */
#define BKE_TYPED_HEAD(fn) \
    static void fn(void *a, const void *b, const void *k, size_t n, void *res)
#define BKE_TYPED_OUT_HEAD(fn) \
    static int fn(void *out, const void *a, const void *b, const void *k, size_t n)
#define BKE_GENERIC_HEAD(fn) \
    static int fn(bk_dtype dt, void *a, const void *b, const void *k, size_t n, void *res)
#define BKE_GENERIC_OUT_HEAD(fn) \
    static int fn(bk_dtype dt, void *out, const void *a, const void *b, const void *k, size_t n)

/* ---- typed: bk_<op>_<dtype>, bk_<op>_out_<dtype> ------------------------------ */

#define BKE_LOAD_K(T) \
    T kv;             \
    memcpy(&kv, k, sizeof kv)

/* A reduction's result R (S or T) into res. */
#define BKE_TYPED_RESULT(op, name, R, ...)   \
    BKE_TYPED_HEAD(bke_##op##_##name) {      \
        (void)b, (void)k;                    \
        R s = bk_##op##_##name(__VA_ARGS__); \
        memcpy(res, &s, sizeof s);           \
    }
#define BKE_TYPED_reduce(op, name, T, S, R, kind) BKE_TYPED_RESULT(op, name, S, (const T *)a, n)
#define BKE_TYPED_extreme(op, name, T, S, R, kind) BKE_TYPED_RESULT(op, name, T, (const T *)a, n)
#define BKE_TYPED_dot(op, name, T, S, R, kind) \
    BKE_TYPED_RESULT(op, name, S, (const T *)a, (const T *)b, n)
#define BKE_TYPED_fill(op, name, T, S, R, kind) \
    BKE_TYPED_HEAD(bke_##op##_##name) {         \
        (void)b, (void)res;                     \
        BKE_LOAD_K(T);                          \
        bk_##op##_##name((T *)a, n, kv);        \
    }
#define BKE_TYPED_scalar(op, name, T, S, R, kind)                   \
    BKE_TYPED_fill(op, name, T, S, R, kind)                         \
    BKE_TYPED_OUT_HEAD(bke_##op##_out_##name) {                     \
        (void)b;                                                    \
        BKE_LOAD_K(T);                                              \
        return bk_##op##_out_##name((T *)out, (const T *)a, n, kv); \
    }
#define BKE_TYPED_binary(op, name, T, S, R, kind)                             \
    BKE_TYPED_HEAD(bke_##op##_##name) {                                       \
        (void)k, (void)res;                                                   \
        bk_##op##_##name((T *)a, (const T *)b, n);                            \
    }                                                                         \
    BKE_TYPED_OUT_HEAD(bke_##op##_out_##name) {                               \
        (void)k;                                                              \
        return bk_##op##_out_##name((T *)out, (const T *)a, (const T *)b, n); \
    }
#define BKE_TYPED_UNARY_INPLACE(op, name, T) \
    BKE_TYPED_HEAD(bke_##op##_##name) {      \
        (void)b, (void)k, (void)res;         \
        bk_##op##_##name((T *)a, n);         \
    }
#define BKE_TYPED_UNARY_OUT(op, name, T, OUT_T)                     \
    BKE_TYPED_OUT_HEAD(bke_##op##_out_##name) {                     \
        (void)b, (void)k;                                           \
        return bk_##op##_out_##name((OUT_T *)out, (const T *)a, n); \
    }
#define BKE_TYPED_unary(op, name, T, S, R, kind) \
    BKE_TYPED_UNARY_INPLACE(op, name, T)         \
    BKE_TYPED_UNARY_OUT(op, name, T, T)
/* The result is R; in place only for real dtypes, where R is T. */
#define BKE_TYPED_magnitude(op, name, T, S, R, kind)        \
    BK_IF_REAL_(kind)(BKE_TYPED_UNARY_INPLACE(op, name, T)) \
    BKE_TYPED_UNARY_OUT(op, name, T, R)
#define BKE_X_TYPED(op, pyname, form, name, ENUM, T, S, kind, R, RENUM) \
    BKE_TYPED_##form(op, name, T, S, R, kind)
BK_OPS_DTYPES(BKE_X_TYPED)
#undef BKE_X_TYPED

/* The table row of a form: {call, out}. */
#define BKE_ROW_reduce(op, name, kind) {bke_##op##_##name, NULL}
#define BKE_ROW_extreme BKE_ROW_reduce
#define BKE_ROW_dot BKE_ROW_reduce
#define BKE_ROW_fill BKE_ROW_reduce
#define BKE_ROW_scalar(op, name, kind) {bke_##op##_##name, bke_##op##_out_##name}
#define BKE_ROW_binary BKE_ROW_scalar
#define BKE_ROW_unary BKE_ROW_scalar
#define BKE_ROW_magnitude(op, name, kind) \
    {BK_IF_REAL_(kind)(bke_##op##_##name) BKE_IF_CPLX_(kind)(NULL), bke_##op##_out_##name}
#define BKE_IF_CPLX_(kind) BKE_IF_CPLX_##kind
#define BKE_IF_CPLX_float(...)
#define BKE_IF_CPLX_sint(...)
#define BKE_IF_CPLX_uint(...)
#define BKE_IF_CPLX_cplx(...) __VA_ARGS__

const bke_typed bke_typed_entries[BKR_NOPS][BK_NDTYPES] = {
#define BKE_X_ROW(op, pyname, form, name, ENUM, T, S, kind, R, RENUM) \
    [BKR_OP_##op][ENUM] = BKE_ROW_##form(op, name, kind),
    BK_OPS_DTYPES(BKE_X_ROW)
#undef BKE_X_ROW
};

/* ---- generic: bk_<op>(dt, ...), bk_<op>_out(dt, ...) --------------------------- */

#define BKE_GENERIC_reduce(op)         \
    BKE_GENERIC_HEAD(bkg_##op) {       \
        (void)b, (void)k;              \
        return bk_##op(dt, a, n, res); \
    }
#define BKE_GENERIC_extreme BKE_GENERIC_reduce
#define BKE_GENERIC_dot(op)               \
    BKE_GENERIC_HEAD(bkg_##op) {          \
        (void)k;                          \
        return bk_##op(dt, a, b, n, res); \
    }
#define BKE_GENERIC_fill(op)         \
    BKE_GENERIC_HEAD(bkg_##op) {     \
        (void)b, (void)res;          \
        return bk_##op(dt, a, n, k); \
    }
#define BKE_GENERIC_scalar(op)                  \
    BKE_GENERIC_fill(op)                        \
    BKE_GENERIC_OUT_HEAD(bkg_##op##_out) {      \
        (void)b;                                \
        return bk_##op##_out(dt, out, a, n, k); \
    }
#define BKE_GENERIC_binary(op)                  \
    BKE_GENERIC_HEAD(bkg_##op) {                \
        (void)k, (void)res;                     \
        return bk_##op(dt, a, b, n);            \
    }                                           \
    BKE_GENERIC_OUT_HEAD(bkg_##op##_out) {      \
        (void)k;                                \
        return bk_##op##_out(dt, out, a, b, n); \
    }
#define BKE_GENERIC_unary(op)                \
    BKE_GENERIC_HEAD(bkg_##op) {             \
        (void)b, (void)k, (void)res;         \
        return bk_##op(dt, a, n);            \
    }                                        \
    BKE_GENERIC_OUT_HEAD(bkg_##op##_out) {   \
        (void)b, (void)k;                    \
        return bk_##op##_out(dt, out, a, n); \
    }
#define BKE_GENERIC_magnitude BKE_GENERIC_unary
#define BKE_X_GENERIC(op, pyname, form, set) BKE_GENERIC_##form(op)
BK_OPS(BKE_X_GENERIC)
#undef BKE_X_GENERIC

#define BKE_GROW_reduce(op) {bkg_##op, NULL}
#define BKE_GROW_extreme BKE_GROW_reduce
#define BKE_GROW_dot BKE_GROW_reduce
#define BKE_GROW_fill BKE_GROW_reduce
#define BKE_GROW_scalar(op) {bkg_##op, bkg_##op##_out}
#define BKE_GROW_binary BKE_GROW_scalar
#define BKE_GROW_unary BKE_GROW_scalar
#define BKE_GROW_magnitude BKE_GROW_scalar

const bke_generic bke_generic_entries[BKR_NOPS] = {
#define BKE_X_GROW(op, pyname, form, set) [BKR_OP_##op] = BKE_GROW_##form(op),
    BK_OPS(BKE_X_GROW)
#undef BKE_X_GROW
};
