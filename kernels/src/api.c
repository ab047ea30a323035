/*
 * api.c - the public entry points: typed kernels, dtype-generic kernels,
 * dtype names and status strings. Each call goes to the active target.
 */
#include <stdint.h>
#include <string.h>

#include "table.h"

/* True when [a, a+bytes) and [b, b+bytes) share memory but do not coincide. */
static inline int bk_partial_overlap(const void *a, const void *b, size_t bytes) {
    uintptr_t x = (uintptr_t)a, y = (uintptr_t)b;
    return x != y && x < y + bytes && y < x + bytes;
}

/*
 * a[i] op= b[i] when b partially overlaps a: b goes through a small buffer,
 * chunk by chunk, walking a in the direction in which every chunk of b is
 * copied before any write reaches it (forward when b lies after a, backward
 * when before). The result is as if b had been copied first.
 */
#define BK_CHUNK_BYTES 4096
static void bk_binary_overlapping(void (*op)(void *, const void *, size_t), void *a,
                                  const void *b, size_t n, size_t size) {
    _Alignas(64) unsigned char tmp[BK_CHUNK_BYTES];
    const size_t chunk = BK_CHUNK_BYTES / size;
    char *pa = (char *)a;
    const char *pb = (const char *)b;
    if ((uintptr_t)b > (uintptr_t)a) {
        for (size_t i = 0; i < n; i += chunk) {
            size_t m = n - i < chunk ? n - i : chunk;
            memcpy(tmp, pb + i * size, m * size);
            op(pa + i * size, tmp, m);
        }
    } else {
        for (size_t end = n; end > 0;) {
            size_t m = end < chunk ? end : chunk;
            end -= m;
            memcpy(tmp, pb + end * size, m * size);
            op(pa + end * size, tmp, m);
        }
    }
}

static inline void bk_binary(void (*op)(void *, const void *, size_t), void *a,
                             const void *b, size_t n, size_t size) {
    if (bk_partial_overlap(a, b, n * size))
        bk_binary_overlapping(op, a, b, n, size);
    else
        op(a, b, n);
}

#define BK_X_TYPED(name, ENUM, T, S, kind)                                     \
    S bk_sum_##name(const T *a, size_t n) { return bk_kernels()->sum_##name(a, n); } \
    void bk_scale_##name(T *a, size_t n, T k) { bk_kernels()->scale_##name(a, n, k); } \
    void bk_mul_##name(T *a, const T *b, size_t n) {                           \
        bk_binary(bk_kernels()->mul_##name, a, b, n, sizeof(T));               \
    }                                                                          \
    void bk_add_##name(T *a, const T *b, size_t n) {                           \
        bk_binary(bk_kernels()->add_##name, a, b, n, sizeof(T));               \
    }                                                                          \
    void bk_fill_##name(T *a, size_t n, T v) { bk_kernels()->fill_##name(a, n, v); }
BK_DTYPES(BK_X_TYPED)
#undef BK_X_TYPED

/* ---- dtype-generic entry points ----------------------------------------- */

#define BK_CHECK(dt, ptr_ok)                                                   \
    do {                                                                       \
        if ((unsigned)(dt) >= BK_NDTYPES)                                      \
            return BK_ERR_DTYPE;                                               \
        if (!(ptr_ok))                                                         \
            return BK_ERR_NULL;                                                \
    } while (0)

int bk_sum(bk_dtype dt, const void *a, size_t n, void *out) {
    BK_CHECK(dt, out && (a || !n));
    switch (dt) {
#define BK_X_CASE(name, ENUM, T, S, kind)                                      \
    case ENUM: {                                                               \
        S s = bk_kernels()->sum_##name(a, n);                                  \
        memcpy(out, &s, sizeof s);                                             \
        return BK_OK;                                                          \
    }
        BK_DTYPES(BK_X_CASE)
#undef BK_X_CASE
    default:
        return BK_ERR_DTYPE;
    }
}

/* Ops that take one element (k or v), read from any address. */
#define BK_GENERIC_WITH_ELEMENT(op)                                            \
    int bk_##op(bk_dtype dt, void *a, size_t n, const void *x) {               \
        BK_CHECK(dt, x && (a || !n));                                          \
        switch (dt) {                                                          \
            BK_DTYPES(BK_X_CASE_##op)                                          \
        default:                                                               \
            return BK_ERR_DTYPE;                                               \
        }                                                                      \
    }
#define BK_X_CASE_ELEMENT(op, name, ENUM, T)                                   \
    case ENUM: {                                                               \
        T v;                                                                   \
        memcpy(&v, x, sizeof v);                                               \
        bk_kernels()->op##_##name(a, n, v);                                    \
        return BK_OK;                                                          \
    }
#define BK_X_CASE_scale(name, ENUM, T, S, kind) BK_X_CASE_ELEMENT(scale, name, ENUM, T)
#define BK_X_CASE_fill(name, ENUM, T, S, kind) BK_X_CASE_ELEMENT(fill, name, ENUM, T)
BK_GENERIC_WITH_ELEMENT(scale)
BK_GENERIC_WITH_ELEMENT(fill)

/* Ops that combine a with b elementwise. */
#define BK_GENERIC_BINARY(op)                                                  \
    int bk_##op(bk_dtype dt, void *a, const void *b, size_t n) {               \
        BK_CHECK(dt, (a && b) || !n);                                          \
        switch (dt) {                                                          \
            BK_DTYPES(BK_X_CASE_##op)                                          \
        default:                                                               \
            return BK_ERR_DTYPE;                                               \
        }                                                                      \
    }
#define BK_X_CASE_BINARY(op, name, ENUM, T)                                    \
    case ENUM:                                                                 \
        bk_binary(bk_kernels()->op##_##name, a, b, n, sizeof(T));              \
        return BK_OK;
#define BK_X_CASE_mul(name, ENUM, T, S, kind) BK_X_CASE_BINARY(mul, name, ENUM, T)
#define BK_X_CASE_add(name, ENUM, T, S, kind) BK_X_CASE_BINARY(add, name, ENUM, T)
BK_GENERIC_BINARY(mul)
BK_GENERIC_BINARY(add)

/* ---- dtypes and status codes -------------------------------------------- */

typedef struct bk_dtype_info {
    const char *name;
    size_t size, sum_size;
} bk_dtype_info;

static const bk_dtype_info bk_dtype_infos[BK_NDTYPES] = {
#define BK_X_INFO(name, ENUM, T, S, kind) [ENUM] = {#name, sizeof(T), sizeof(S)},
    BK_DTYPES(BK_X_INFO)
#undef BK_X_INFO
};

const char *bk_dtype_name(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bk_dtype_infos[dt].name : NULL;
}
size_t bk_dtype_size(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bk_dtype_infos[dt].size : 0;
}
size_t bk_dtype_sum_size(bk_dtype dt) {
    return (unsigned)dt < BK_NDTYPES ? bk_dtype_infos[dt].sum_size : 0;
}
bk_dtype bk_dtype_from_name(const char *name) {
    for (int i = 0; name && i < BK_NDTYPES; i++)
        if (strcmp(bk_dtype_infos[i].name, name) == 0)
            return (bk_dtype)i;
    return BK_NDTYPES;
}

const char *bk_status_str(int status) {
    switch (status) {
    case BK_OK:
        return "ok";
    case BK_ERR_DTYPE:
        return "invalid dtype";
    case BK_ERR_NULL:
        return "NULL pointer with a non-zero length, or no place for the result";
    case BK_ERR_TARGET:
        return "unknown target, or one this CPU cannot run";
    default:
        return "unknown status";
    }
}
