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

/*
 * The version, written here only: CMake's project() (and so the library's
 * SOVERSION, the CMake package and bufkern.pc), pyproject.toml (by a regex)
 * and bufkern.__version__ all read these three lines.
 */
#define BUFKERN_VERSION_MAJOR 0
#define BUFKERN_VERSION_MINOR 2
#define BUFKERN_VERSION_PATCH 0
#define BK_STRINGIFY_(x) #x
#define BK_STRINGIFY(x) BK_STRINGIFY_(x)
/* "MAJOR.MINOR.PATCH", built from the numbers so that it cannot disagree with them */
#define BUFKERN_VERSION                                                                 \
    BK_STRINGIFY(BUFKERN_VERSION_MAJOR) "." BK_STRINGIFY(BUFKERN_VERSION_MINOR) "."     \
        BK_STRINGIFY(BUFKERN_VERSION_PATCH)

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
 * The one dtype table: X(name, ENUM, T, S, kind, R, RENUM).
 *   T      the element type
 *   S      the type of sum() and dot(): int64_t / uint64_t for integers
 *          (wrapping), T itself for floats and complex
 *   kind   float, sint, uint or cplx (not "complex": <complex.h> makes it a
 *          macro)
 *   R      the real type of one component (absolute()'s result): float for
 *          c64, double for c128, T itself otherwise; RENUM is its dtype
 */
#define BK_DTYPES(X) BK_DTYPES_ARGS_(BK_CALL_D_, X)
#define BK_DTYPES_ARGS_(X, ...)                                                \
    X(__VA_ARGS__, f32, BK_F32, float, float, float, float, BK_F32)            \
    X(__VA_ARGS__, f64, BK_F64, double, double, float, double, BK_F64)         \
    X(__VA_ARGS__, i8, BK_I8, int8_t, int64_t, sint, int8_t, BK_I8)            \
    X(__VA_ARGS__, i16, BK_I16, int16_t, int64_t, sint, int16_t, BK_I16)       \
    X(__VA_ARGS__, i32, BK_I32, int32_t, int64_t, sint, int32_t, BK_I32)       \
    X(__VA_ARGS__, i64, BK_I64, int64_t, int64_t, sint, int64_t, BK_I64)       \
    X(__VA_ARGS__, u8, BK_U8, uint8_t, uint64_t, uint, uint8_t, BK_U8)         \
    X(__VA_ARGS__, u16, BK_U16, uint16_t, uint64_t, uint, uint16_t, BK_U16)    \
    X(__VA_ARGS__, u32, BK_U32, uint32_t, uint64_t, uint, uint32_t, BK_U32)    \
    X(__VA_ARGS__, u64, BK_U64, uint64_t, uint64_t, uint, uint64_t, BK_U64)    \
    X(__VA_ARGS__, c64, BK_C64, bk_c64, bk_c64, cplx, float, BK_F32)        \
    X(__VA_ARGS__, c128, BK_C128, bk_c128, bk_c128, cplx, double, BK_F64)
#define BK_CALL_D_(X, ...) X(__VA_ARGS__)

typedef enum bk_dtype {
#define BK_X_ENUM(name, ENUM, T, S, kind, R, RENUM) ENUM,
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

/* ---- ops ------------------------------------------------------------------ */

/*
 * The one op table: X(op, pyname, form, dtypes).
 *   op      the C name: bk_<op>_<dtype>, bk_<op>(bk_dtype, ...)
 *   pyname  the Python name (NumPy's)
 *   dtypes  all, real (not complex) or inexact (floats and complex)
 *   form    the signature, for T the element type, S the sum type and R the
 *           real type of the dtype (see BK_DTYPES):
 *
 *   reduce   S    bk_<op>_T(const T *a, size_t n)
 *   extreme  T    bk_<op>_T(const T *a, size_t n)     n > 0; see bk_min below
 *   dot      S    bk_<op>_T(const T *a, const T *b, size_t n)
 *   fill     void bk_<op>_T(T *a, size_t n, T v)
 *   scalar   void bk_<op>_T(T *a, size_t n, T k)                  in place
 *            int  bk_<op>_out_T(T *out, const T *a, size_t n, T k)
 *   binary   void bk_<op>_T(T *a, const T *b, size_t n)           in place
 *            int  bk_<op>_out_T(T *out, const T *a, const T *b, size_t n)
 *   unary    void bk_<op>_T(T *a, size_t n)                       in place
 *            int  bk_<op>_out_T(T *out, const T *a, size_t n)
 *   magnitude int bk_<op>_out_T(R *out, const T *a, size_t n)
 *            void bk_<op>_T(T *a, size_t n)         in place, real dtypes only
 *
 * The in-place forms are the _out forms with out = a. In every form any
 * operand may overlap any other in any way: the result is as if the inputs
 * had been copied before the first write (NumPy's out= answer). The _out forms
 * return BK_OK, or BK_ERR_NOMEM in the one case that needs a heap copy (out
 * lies partly over both inputs, between them; nothing is written then).
 */
#define BK_OPS(X) BK_OPS_ARGS_(BK_CALL_O_, X)
#define BK_OPS_ARGS_(X, ...)                                                   \
    X(__VA_ARGS__, sum, sum, reduce, all)                                      \
    X(__VA_ARGS__, min, min, extreme, real)                                    \
    X(__VA_ARGS__, max, max, extreme, real)                                    \
    X(__VA_ARGS__, dot, dot, dot, all)                                         \
    X(__VA_ARGS__, fill, fill, fill, all)                                      \
    X(__VA_ARGS__, scale, scale, scalar, all)                                  \
    X(__VA_ARGS__, add, add, binary, all)                                      \
    X(__VA_ARGS__, sub, subtract, binary, all)                                 \
    X(__VA_ARGS__, mul, multiply, binary, all)                                 \
    X(__VA_ARGS__, div, divide, binary, inexact)                               \
    X(__VA_ARGS__, conj, conjugate, unary, all)                                \
    X(__VA_ARGS__, abs, absolute, magnitude, all)
#define BK_CALL_O_(X, ...) X(__VA_ARGS__)

/*
 * BK_OPS_DTYPES(X) calls X(op, pyname, form, name, ENUM, T, S, kind, R, RENUM)
 * for every op and every dtype the op takes: the kernels there are. (X
 * itself must not expand BK_DTYPES or BK_OPS_DTYPES.)
 */
#define BK_OPS_DTYPES(X) BK_OPS_ARGS_(BK_OP_DTYPES_, X)
#define BK_OP_DTYPES_(X, op, pyname, form, set) BK_DTYPES_ARGS_(BK_OP_DTYPE_, X, op, pyname, form, set)
#define BK_OP_DTYPE_(X, op, pyname, form, set, name, ENUM, T, S, kind, R, RENUM) \
    BK_IN_(set, kind)(X(op, pyname, form, name, ENUM, T, S, kind, R, RENUM))
/* The sets of dtypes: BK_IN_(set, kind)(code) keeps code or drops it. */
#define BK_IN_(set, kind) BK_IN_##set##_##kind
#define BK_IN_all_float(...) __VA_ARGS__
#define BK_IN_all_sint(...) __VA_ARGS__
#define BK_IN_all_uint(...) __VA_ARGS__
#define BK_IN_all_cplx(...) __VA_ARGS__
#define BK_IN_real_float(...) __VA_ARGS__
#define BK_IN_real_sint(...) __VA_ARGS__
#define BK_IN_real_uint(...) __VA_ARGS__
#define BK_IN_real_cplx(...)
#define BK_IN_inexact_float(...) __VA_ARGS__
#define BK_IN_inexact_sint(...)
#define BK_IN_inexact_uint(...)
#define BK_IN_inexact_cplx(...) __VA_ARGS__
/* BK_IF_REAL_(kind)(code): code for the real kinds only. */
#define BK_IF_REAL_(kind) BK_IF_REAL_##kind
#define BK_IF_REAL_float(...) __VA_ARGS__
#define BK_IF_REAL_sint(...) __VA_ARGS__
#define BK_IF_REAL_uint(...) __VA_ARGS__
#define BK_IF_REAL_cplx(...)

/* ---- status codes ------------------------------------------------------- */

typedef enum bk_status {
    BK_OK = 0,
    BK_ERR_DTYPE = -1,  /* not a valid bk_dtype, or one the op does not take */
    BK_ERR_NULL = -2,   /* NULL pointer where data or a result was needed */
    BK_ERR_TARGET = -3, /* unknown target, or one this CPU cannot run */
    BK_ERR_EMPTY = -4,  /* min or max of no elements */
    BK_ERR_NOMEM = -5,  /* a temporary copy could not be allocated */
    BK_ERR_THREADS = -6, /* a negative number of threads */
} bk_status;

BK_API const char *bk_status_str(int status);

/* ---- typed kernels ------------------------------------------------------ */

/*
 * bk_min_T / bk_max_T of no elements return the identity of the op (+inf
 * or -inf, the type's largest or smallest value); bk_min/bk_max report
 * BK_ERR_EMPTY instead. With a NaN among the elements they return a NaN.
 */
#define BK_DECLARE_reduce(op, name, T, S, R, kind) BK_API S bk_##op##_##name(const T *a, size_t n);
#define BK_DECLARE_extreme(op, name, T, S, R, kind) BK_API T bk_##op##_##name(const T *a, size_t n);
#define BK_DECLARE_dot(op, name, T, S, R, kind)                                \
    BK_API S bk_##op##_##name(const T *a, const T *b, size_t n);
#define BK_DECLARE_fill(op, name, T, S, R, kind) BK_API void bk_##op##_##name(T *a, size_t n, T v);
#define BK_DECLARE_scalar(op, name, T, S, R, kind)                             \
    BK_API void bk_##op##_##name(T *a, size_t n, T k);                         \
    BK_API int bk_##op##_out_##name(T *out, const T *a, size_t n, T k);
#define BK_DECLARE_binary(op, name, T, S, R, kind)                             \
    BK_API void bk_##op##_##name(T *a, const T *b, size_t n);                  \
    BK_API int bk_##op##_out_##name(T *out, const T *a, const T *b, size_t n);
#define BK_DECLARE_unary(op, name, T, S, R, kind)                              \
    BK_API void bk_##op##_##name(T *a, size_t n);                              \
    BK_API int bk_##op##_out_##name(T *out, const T *a, size_t n);
#define BK_DECLARE_magnitude(op, name, T, S, R, kind)                          \
    BK_IF_REAL_(kind)(BK_API void bk_##op##_##name(T *a, size_t n);)           \
    BK_API int bk_##op##_out_##name(R *out, const T *a, size_t n);
#define BK_X_DECLARE(op, pyname, form, name, ENUM, T, S, kind, R, RENUM)       \
    BK_DECLARE_##form(op, name, T, S, R, kind)
BK_OPS_DTYPES(BK_X_DECLARE)
#undef BK_X_DECLARE

/* ---- dtype-generic kernels ---------------------------------------------- */

/*
 * The same kernels for a dtype known at run time. Scalars (k, v) point to
 * one element of the dtype; results (res) receive S (sum, dot) or T (min,
 * max), at any address. Data pointers may be NULL only when n is 0. They
 * return BK_OK, BK_ERR_DTYPE for a dtype the op does not take, BK_ERR_NULL,
 * BK_ERR_EMPTY (min/max of nothing) or BK_ERR_NOMEM (see BK_OPS).
 */
#define BK_GENERIC_reduce(op)                                                  \
    BK_API int bk_##op(bk_dtype dt, const void *a, size_t n, void *res);
#define BK_GENERIC_extreme BK_GENERIC_reduce
#define BK_GENERIC_dot(op)                                                     \
    BK_API int bk_##op(bk_dtype dt, const void *a, const void *b, size_t n, void *res);
#define BK_GENERIC_fill(op) BK_API int bk_##op(bk_dtype dt, void *a, size_t n, const void *v);
#define BK_GENERIC_scalar(op)                                                  \
    BK_API int bk_##op(bk_dtype dt, void *a, size_t n, const void *k);         \
    BK_API int bk_##op##_out(bk_dtype dt, void *out, const void *a, size_t n, const void *k);
#define BK_GENERIC_binary(op)                                                  \
    BK_API int bk_##op(bk_dtype dt, void *a, const void *b, size_t n);         \
    BK_API int bk_##op##_out(bk_dtype dt, void *out, const void *a, const void *b, size_t n);
#define BK_GENERIC_unary(op)                                                   \
    BK_API int bk_##op(bk_dtype dt, void *a, size_t n);                        \
    BK_API int bk_##op##_out(bk_dtype dt, void *out, const void *a, size_t n);
#define BK_GENERIC_magnitude BK_GENERIC_unary
#define BK_X_GENERIC(op, pyname, form, set) BK_GENERIC_##form(op)
BK_OPS(BK_X_GENERIC)
#undef BK_X_GENERIC

/*
 * What op (named as in BK_OPS: "abs") does with dtype dt: 1 if it takes
 * dt, else 0; *result (if not NULL) receives the dtype of its elementwise
 * result (dt, or for abs of complex the real dtype).
 */
BK_API int bk_op_takes(const char *op, bk_dtype dt, bk_dtype *result);

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

/* ---- threads ------------------------------------------------------------ */

/*
 * Kernels on large operands split their work over up to this many threads
 * (the calling thread included; 1 = never split). The default is the number
 * of CPUs the process may run on, or BUFKERN_THREADS if set. Results are the
 * same bits for every number of threads. bk_set_threads(0) restores the
 * default; a negative n is BK_ERR_THREADS.
 */
BK_API int bk_get_threads(void);
BK_API int bk_set_threads(int n);

#ifdef __cplusplus
}
#endif

#endif /* BUFKERN_H */
