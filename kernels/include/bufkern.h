/*
 * bufkern.h - the public interface of libbufkern.
 *
 * SIMD kernels over arrays in memory, dispatched at run time to the best
 * target the CPU supports (scalar, sse2, avx2, avx512 on x86-64; scalar,
 * neon on aarch64).
 *
 * Kernels, for every dtype T of BK_DTYPES below:
 *
 *   S    bk_sum_T  (const T *a, size_t n);          sum of a[0..n)
 *   void bk_scale_T(T *a, size_t n, T k);           a[i] *= k
 *   void bk_mul_T  (T *a, const T *b, size_t n);    a[i] *= b[i]
 *   void bk_add_T  (T *a, const T *b, size_t n);    a[i] += b[i]
 *   void bk_fill_T (T *a, size_t n, T v);           a[i]  = v
 *
 * S is int64_t for signed integers, uint64_t for unsigned integers (both
 * wrap modulo 2^64) and T itself for floating-point and complex dtypes.
 * Integer arithmetic wraps modulo 2^bits. Float add/mul/scale/fill are one
 * IEEE operation per element (bit-exact with NumPy); float sums are blocked
 * pairwise sums. Complex multiply is (ac - bd) + (ad + bc)i.
 *
 * Any address works (no alignment needed), any n including 0 (a may then be
 * NULL). In bk_mul_T and bk_add_T, b may overlap a in any way: the result is
 * as if b had been copied before the first write to a.
 *
 * The dtype-generic entry points take a bk_dtype and return a bk_status.
 */
#ifndef BUFKERN_H
#define BUFKERN_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(BUFKERN_SHARED)
#  ifdef BUFKERN_BUILDING
#    define BK_API __declspec(dllexport)
#  else
#    define BK_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__)
#  define BK_API __attribute__((visibility("default")))
#else
#  define BK_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define BUFKERN_VERSION_MAJOR 0
#define BUFKERN_VERSION_MINOR 1
#define BUFKERN_VERSION_PATCH 0

/* ---- complex numbers ---------------------------------------------------- */

typedef struct bk_c64 {
    float re, im;
} bk_c64;

typedef struct bk_c128 {
    double re, im;
} bk_c128;

/*
 * Scalar helpers. mul uses the same formula as the kernels; div is the plain
 * textbook quotient (no scaling against overflow); abs is hypot, so it does
 * not overflow for large components.
 */
#define BK_COMPLEX_HELPERS(T, R, HYPOT)                                        \
    static inline T T##_add(T x, T y) {                                        \
        T r = {x.re + y.re, x.im + y.im};                                      \
        return r;                                                              \
    }                                                                          \
    static inline T T##_sub(T x, T y) {                                        \
        T r = {x.re - y.re, x.im - y.im};                                      \
        return r;                                                              \
    }                                                                          \
    static inline T T##_mul(T x, T y) {                                        \
        T r = {x.re * y.re - x.im * y.im, x.re * y.im + x.im * y.re};          \
        return r;                                                              \
    }                                                                          \
    static inline T T##_div(T x, T y) {                                        \
        R d = y.re * y.re + y.im * y.im;                                       \
        T r = {(x.re * y.re + x.im * y.im) / d, (x.im * y.re - x.re * y.im) / d}; \
        return r;                                                              \
    }                                                                          \
    static inline T T##_conj(T x) {                                            \
        T r = {x.re, -x.im};                                                   \
        return r;                                                              \
    }                                                                          \
    static inline R T##_abs(T x) { return HYPOT(x.re, x.im); }

BK_COMPLEX_HELPERS(bk_c64, float, hypotf)
BK_COMPLEX_HELPERS(bk_c128, double, hypot)

/* ---- dtypes ------------------------------------------------------------- */

/*
 * The one dtype table: X(name, ENUM, element type, sum type, kind).
 * kind is one of: float, sint, uint, complex.
 */
#define BK_DTYPES(X)                                                           \
    X(f32, BK_F32, float, float, float)                                        \
    X(f64, BK_F64, double, double, float)                                      \
    X(i8, BK_I8, int8_t, int64_t, sint)                                        \
    X(i16, BK_I16, int16_t, int64_t, sint)                                     \
    X(i32, BK_I32, int32_t, int64_t, sint)                                     \
    X(i64, BK_I64, int64_t, int64_t, sint)                                     \
    X(u8, BK_U8, uint8_t, uint64_t, uint)                                      \
    X(u16, BK_U16, uint16_t, uint64_t, uint)                                   \
    X(u32, BK_U32, uint32_t, uint64_t, uint)                                   \
    X(u64, BK_U64, uint64_t, uint64_t, uint)                                   \
    X(c64, BK_C64, bk_c64, bk_c64, complex)                                    \
    X(c128, BK_C128, bk_c128, bk_c128, complex)

typedef enum bk_dtype {
#define BK_X_ENUM(name, ENUM, T, S, kind) ENUM,
    BK_DTYPES(BK_X_ENUM)
#undef BK_X_ENUM
    BK_NDTYPES
} bk_dtype;

/* Name ("f64"), element size in bytes, and size of the sum's result. */
BK_API const char *bk_dtype_name(bk_dtype dt);
BK_API size_t bk_dtype_size(bk_dtype dt);
BK_API size_t bk_dtype_sum_size(bk_dtype dt);
/* The dtype called name ("f64", "c128", ...), or BK_NDTYPES if none is. */
BK_API bk_dtype bk_dtype_from_name(const char *name);

/* ---- status codes ------------------------------------------------------- */

typedef enum bk_status {
    BK_OK = 0,
    BK_ERR_DTYPE = -1,  /* not a valid bk_dtype */
    BK_ERR_NULL = -2,   /* NULL pointer where data or a result was needed */
    BK_ERR_TARGET = -3, /* unknown target, or one this CPU cannot run */
} bk_status;

BK_API const char *bk_status_str(int status);

/* ---- typed kernels ------------------------------------------------------ */

#define BK_X_DECLARE(name, ENUM, T, S, kind)                                   \
    BK_API S bk_sum_##name(const T *a, size_t n);                              \
    BK_API void bk_scale_##name(T *a, size_t n, T k);                          \
    BK_API void bk_mul_##name(T *a, const T *b, size_t n);                     \
    BK_API void bk_add_##name(T *a, const T *b, size_t n);                     \
    BK_API void bk_fill_##name(T *a, size_t n, T v);
BK_DTYPES(BK_X_DECLARE)
#undef BK_X_DECLARE

/* ---- dtype-generic kernels ---------------------------------------------- */

/*
 * out receives the sum as the dtype's sum type (see BK_DTYPES); k and v point
 * to one element of the dtype. A NULL a is allowed only when n is 0.
 */
BK_API int bk_sum(bk_dtype dt, const void *a, size_t n, void *out);
BK_API int bk_scale(bk_dtype dt, void *a, size_t n, const void *k);
BK_API int bk_mul(bk_dtype dt, void *a, const void *b, size_t n);
BK_API int bk_add(bk_dtype dt, void *a, const void *b, size_t n);
BK_API int bk_fill(bk_dtype dt, void *a, size_t n, const void *v);

/* ---- dispatch ----------------------------------------------------------- */

/*
 * Targets compiled in, best first: bk_target_at(i) for i = 0, 1, ... until it
 * returns NULL. The active target is the best one the CPU supports, chosen on
 * first use (thread-safely), unless BUFKERN_TARGET names another supported
 * one. An unknown or unsupported BUFKERN_TARGET falls back to the best.
 */
BK_API const char *bk_target_at(size_t i);
BK_API int bk_target_supported(const char *name); /* 1 or 0 */
BK_API const char *bk_target_name(void);          /* the active target */
/* Make name the active target; NULL or "" selects the best again. */
BK_API int bk_set_target(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* BUFKERN_H */
