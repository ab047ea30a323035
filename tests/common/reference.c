/*
 * reference.c - see reference.h. Compiled with -ffp-contract=off: every float
 * operation here rounds once, in the dtype, as the SPEC's are.
 */
#include "reference.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the tables, from BK_DTYPES and BK_OPS ------------------------------- */

#define BKR_KIND_float BKR_FLOAT
#define BKR_KIND_sint BKR_SINT
#define BKR_KIND_uint BKR_UINT
#define BKR_KIND_cplx BKR_COMPLEX

const bkr_dtype bkr_dtypes[BK_NDTYPES] = {
#define BKR_X_DTYPE(name, ENUM, T, S, kind, R, RENUM) \
    [ENUM] = {#name, ENUM, BKR_KIND_##kind, sizeof(T), sizeof(R), sizeof(S), RENUM},
    BK_DTYPES(BKR_X_DTYPE)
#undef BKR_X_DTYPE
};

#define BKR_FORM_reduce BKR_REDUCE
#define BKR_FORM_extreme BKR_EXTREME
#define BKR_FORM_dot BKR_DOT
#define BKR_FORM_fill BKR_FILL
#define BKR_FORM_scalar BKR_SCALAR
#define BKR_FORM_binary BKR_BINARY
#define BKR_FORM_unary BKR_UNARY
#define BKR_FORM_magnitude BKR_MAGNITUDE
/* The reference pointers of a form: elementwise, reduction. */
#define BKR_REFS_reduce(op) NULL, bkr_ref_##op
#define BKR_REFS_extreme BKR_REFS_reduce
#define BKR_REFS_dot BKR_REFS_reduce
#define BKR_REFS_fill(op) bkr_ref_##op, NULL
#define BKR_REFS_scalar BKR_REFS_fill
#define BKR_REFS_binary BKR_REFS_fill
#define BKR_REFS_unary BKR_REFS_fill
#define BKR_REFS_magnitude BKR_REFS_fill

const bkr_op bkr_ops[BKR_NOPS] = {
#define BKR_X_OP(op, pyname, form, set) \
    [BKR_OP_##op] = {#op, #pyname, #set, BKR_FORM_##form, BKR_REFS_##form(op)},
    BK_OPS(BKR_X_OP)
#undef BKR_X_OP
};

int bkr_op_takes(size_t op, bk_dtype dt) {
    static const unsigned char takes[BKR_NOPS][BK_NDTYPES] = {
#define BKR_X_TAKES(op, pyname, form, name, ENUM, T, S, kind, R, RENUM) [BKR_OP_##op][ENUM] = 1,
        BK_OPS_DTYPES(BKR_X_TAKES)
#undef BKR_X_TAKES
    };
    return op < BKR_NOPS && (unsigned)dt < BK_NDTYPES && takes[op][dt];
}

int bkr_set_has(const char *set, enum bkr_kind kind) {
    if (strcmp(set, "all") == 0)
        return 1;
    if (strcmp(set, "real") == 0)
        return kind != BKR_COMPLEX;
    if (strcmp(set, "inexact") == 0)
        return kind == BKR_FLOAT || kind == BKR_COMPLEX;
    return -1;
}

const bkr_dtype *bkr_result_dtype(size_t op, const bkr_dtype *d) {
    return bkr_ops[op].form == BKR_MAGNITUDE ? &bkr_dtypes[d->real_dt] : d;
}

size_t bkr_op_index(const char *name) {
    size_t i = 0;
    while (i < BKR_NOPS && !(name && strcmp(bkr_ops[i].name, name) == 0))
        i++;
    return i;
}

/* ---- elements -------------------------------------------------------------- */

uint64_t bkr_get_int(const void *p, size_t bytes, int is_signed) {
    uint64_t v = 0;
    memcpy(&v, p, bytes); /* little-endian: the low bytes */
    if (is_signed && bytes < 8 && (v >> (8 * bytes - 1)) & 1)
        v |= ~(uint64_t)0 << (8 * bytes);
    return v;
}

void bkr_put_int(void *p, size_t bytes, uint64_t v) { memcpy(p, &v, bytes); }

double bkr_get_real(const void *p, size_t rs) {
    if (rs == 4) {
        float f;
        memcpy(&f, p, 4);
        return f;
    }
    double v;
    memcpy(&v, p, 8);
    return v;
}

void bkr_put_real(void *p, size_t rs, double v) {
    if (rs == 4) {
        float f = (float)v;
        memcpy(p, &f, 4);
    } else {
        memcpy(p, &v, 8);
    }
}


void bkr_fmt_elem(const bkr_dtype *d, const void *p, size_t i, char *buf, size_t cap) {
    const unsigned char *e = (const unsigned char *)p + i * d->size;
    if (!bkr_is_fp(d)) {
        const uint64_t v = bkr_get_int(e, d->size, d->kind == BKR_SINT);
        if (d->kind == BKR_SINT)
            snprintf(buf, cap, "%lld", (long long)v);
        else
            snprintf(buf, cap, "%llu", (unsigned long long)v);
        return;
    }
    const size_t rs = d->real_size;
    size_t len = 0;
    buf[0] = 0;
    for (size_t c = 0; c < bkr_ncomp(d) && len < cap; c++)
        len += (size_t)snprintf(buf + len, cap - len, "%s%a (0x%0*llx)", c ? ", " : "",
                                bkr_get_real(e + c * rs, rs), (int)rs * 2,
                                (unsigned long long)bkr_get_int(e + c * rs, rs, 0));
}

/* The sign bit of a real component, as the ops that only move bits see it. */
static void flip_sign(unsigned char *p, size_t rs) { p[rs - 1] ^= 0x80; }
static void clear_sign(unsigned char *p, size_t rs) { p[rs - 1] &= 0x7f; }

/* ---- precision tools ------------------------------------------------------- */

/* One unit in the last place of a value of magnitude m in a float (rs 4) or
 * double (rs 8), subnormals included. */
static double ulp_of(double m, size_t rs) {
    const int mant = rs == 4 ? FLT_MANT_DIG : DBL_MANT_DIG;
    const double min = rs == 4 ? FLT_MIN : DBL_MIN;
    m = fabs(m);
    if (m < min)
        return ldexp(min, 1 - mant);
    return ldexp(1.0, ilogb(m) - (mant - 1));
}

/* hi + lo = x * y exactly, for finite products that neither overflow nor
 * underflow (then lo is off by at most the smallest subnormal). */
static void two_prod(double x, double y, double *hi, double *lo) {
    *hi = x * y;
    *lo = isfinite(*hi) ? fma(x, y, -*hi) : 0;
}
/* hi + lo = x + y exactly. */
static void two_sum(double x, double y, double *hi, double *lo) {
    double s = x + y, bb = s - x;
    *hi = s;
    *lo = (x - (s - bb)) + (y - bb);
}
/* p*q - r*s (sign -1) or p*q + r*s (sign +1), as hi + lo, nearly exactly. */
static void dot2(double p, double q, double r, double s, double sign, double *hi, double *lo) {
    double h1, l1, h2, l2, h, l;
    two_prod(p, q, &h1, &l1);
    two_prod(r, s, &h2, &l2);
    two_sum(h1, sign * h2, &h, &l);
    l += l1 + sign * l2;
    *hi = h + l;
    *lo = l - (*hi - h);
}
/* (nh + nl) / (dh + dl) as hi + lo, to about 2^-100 relative: one quotient
 * and its correction from the exact residual. */
static void dd_div(double nh, double nl, double dh, double dl, double *hi, double *lo) {
    const double q0 = nh / dh;
    const double r = fma(-q0, dh, nh) + nl - q0 * dl;
    const double q1 = r / dh;
    *hi = q0 + q1;
    *lo = q1 - (*hi - q0);
}
/* |got - (hi + lo)|, with got and hi a few ulp apart (got - hi is exact). */
static double dd_err(double got, double hi, double lo) { return fabs((got - hi) - lo); }

/* ---- elementwise: one element at a time ---------------------------------------- */

/*
 * The arithmetic of one real type R (float, double) on elements at any
 * address, one rounding per operation:
 *   arith_R:      r = x op y on one real component;
 *   cmul_R:       (ac - bd) + (ad + bc)i, the products through volatiles so
 *                 that no compiler contracts them into an FMA, whatever the
 *                 flags;
 *   numpy_cdiv_R: NumPy's complex quotient (its divide loop: Smith's
 *                 algorithm on |b|'s larger component, one reciprocal; b = 0
 *                 divides each component by +0.0). It decides NaN and inf
 *                 (SPEC: where NumPy gives NaN/inf), and the value where the
 *                 careful check below does not apply.
 */
enum { ADD, SUB, MUL, DIV };
#define BKR_REAL_ARITH(R, FABS)                                                \
    static void arith_##R(int op, unsigned char *r, const unsigned char *x,    \
                          const unsigned char *y) {                            \
        R u, v, w;                                                             \
        memcpy(&u, x, sizeof u);                                               \
        memcpy(&v, y, sizeof v);                                               \
        w = op == ADD ? u + v : op == SUB ? u - v : op == MUL ? u * v : u / v; \
        memcpy(r, &w, sizeof w);                                               \
    }                                                                          \
    static void cmul_##R(unsigned char *r, const unsigned char *x,             \
                         const unsigned char *y) {                             \
        R u[2], v[2], w[2];                                                    \
        memcpy(u, x, sizeof u);                                                \
        memcpy(v, y, sizeof v);                                                \
        volatile R p1 = u[0] * v[0], p2 = u[1] * v[1];                         \
        volatile R p3 = u[0] * v[1], p4 = u[1] * v[0];                         \
        w[0] = p1 - p2;                                                        \
        w[1] = p3 + p4;                                                        \
        memcpy(r, w, sizeof w);                                                \
    }                                                                          \
    static void numpy_cdiv_##R(unsigned char *r, const unsigned char *px,      \
                               const unsigned char *py) {                      \
        R x[2], y[2], q[2];                                                    \
        memcpy(x, px, sizeof x);                                               \
        memcpy(y, py, sizeof y);                                               \
        const R ar = FABS(y[0]), ai = FABS(y[1]);                              \
        if (ar >= ai) {                                                        \
            if (ar == 0 && ai == 0) {                                          \
                q[0] = x[0] / ar;                                              \
                q[1] = x[1] / ar;                                              \
            } else {                                                           \
                const R rat = y[1] / y[0], scl = (R)1 / (y[0] + y[1] * rat);   \
                q[0] = (x[0] + x[1] * rat) * scl;                              \
                q[1] = (x[1] - x[0] * rat) * scl;                              \
            }                                                                  \
        } else {                                                               \
            const R rat = y[0] / y[1], scl = (R)1 / (y[1] + y[0] * rat);       \
            q[0] = (x[0] * rat + x[1]) * scl;                                  \
            q[1] = (x[1] * rat - x[0]) * scl;                                  \
        }                                                                      \
        memcpy(r, q, sizeof q);                                                \
    }
BKR_REAL_ARITH(float, fabsf)
BKR_REAL_ARITH(double, fabs)

static void real_arith(size_t rs, int op, unsigned char *r, const unsigned char *x,
                       const unsigned char *y) {
    (rs == 4 ? arith_float : arith_double)(op, r, x, y);
}
static void cmul(size_t rs, unsigned char *r, const unsigned char *x, const unsigned char *y) {
    (rs == 4 ? cmul_float : cmul_double)(r, x, y);
}
static void numpy_cdiv(size_t rs, unsigned char *r, const unsigned char *x,
                       const unsigned char *y) {
    (rs == 4 ? numpy_cdiv_float : numpy_cdiv_double)(r, x, y);
}

/* The integer of x op y modulo 2^bits. */
static void int_arith(size_t sz, int op, unsigned char *r, const unsigned char *x,
                      const unsigned char *y) {
    const uint64_t u = bkr_get_int(x, sz, 0), v = bkr_get_int(y, sz, 0);
    bkr_put_int(r, sz, op == ADD ? u + v : op == SUB ? u - v : u * v);
}

/* x op y for any dtype: integers wrap, floats round once, complex add and
 * subtract by components, complex multiply by the SPEC's formula. */
static void arith(const bkr_dtype *d, int op, unsigned char *r, const unsigned char *x,
                  const unsigned char *y) {
    if (!bkr_is_fp(d)) {
        int_arith(d->size, op, r, x, y);
    } else if (d->kind == BKR_COMPLEX && op == MUL) {
        cmul(d->real_size, r, x, y);
    } else {
        for (size_t c = 0; c < bkr_ncomp(d); c++)
            real_arith(d->real_size, op, r + c * d->real_size, x + c * d->real_size,
                       y + c * d->real_size);
    }
}

/* Calls f on each element: x = a[i], y = b[i] (bstep: the element size) or
 * k (bstep 0) or NULL, r = out[i] of osz bytes. */
typedef void (*elem_fn)(const bkr_dtype *d, int op, unsigned char *r, const unsigned char *x,
                        const unsigned char *y);
static void each(const bkr_dtype *d, int op, elem_fn f, size_t osz, void *out, const void *a,
                 const void *b, size_t bstep, size_t n) {
    unsigned char *o = out;
    const unsigned char *pa = a, *pb = b;
    for (size_t i = 0; i < n; i++)
        f(d, op, o + i * osz, pa + i * d->size, pb ? pb + i * bstep : NULL);
}

/* ---- acceptance rules --------------------------------------------------------- */

static const bkr_rule rule_exact = {"bit-exact", 0, NULL};
static const bkr_rule rule_ieee = {"one IEEE operation per component (NaN payloads free)", 1,
                                   NULL};

/* A complex product that is not bit-exact: finite and within 2 ulp of the
 * larger component of the exact product (SPEC; what an FMA would give). */
static int cmul_close(const bkr_dtype *d, const void *got, const void *want, const void *x,
                      const void *y) {
    const size_t rs = d->real_size;
    const unsigned char *g = got, *px = x, *py = y;
    double gv[2], u[2], v[2], hi[2], lo[2];
    (void)want;
    for (int c = 0; c < 2; c++) {
        gv[c] = bkr_get_real(g + c * rs, rs);
        u[c] = bkr_get_real(px + c * rs, rs);
        v[c] = bkr_get_real(py + c * rs, rs);
        if (!isfinite(gv[c]) || !isfinite(u[c]) || !isfinite(v[c]))
            return 0;
    }
    dot2(u[0], v[0], u[1], v[1], -1, &hi[0], &lo[0]);
    dot2(u[0], v[1], u[1], v[0], +1, &hi[1], &lo[1]);
    if (!isfinite(hi[0]) || !isfinite(hi[1]))
        return 0;
    const double tol = 2 * ulp_of(fmax(fabs(hi[0]), fabs(hi[1])), rs);
    for (int c = 0; c < 2; c++)
        if (!(dd_err(gv[c], hi[c], lo[c]) <= tol))
            return 0;
    return 1;
}
static const bkr_rule rule_cmul = {"complex product within 2 ulp of the larger component", 1,
                                   cmul_close};

/* ---- complex division ------------------------------------------------------- */

/*
 * The quotient x / y, q = qh + ql per component, by the textbook formula on
 * operands scaled by powers of two (so that nothing overflows or underflows),
 * with exact products and one corrected quotient: about 2^-100 of |x/y|,
 * far below an ulp of the dtype. (Not long double: on aarch64 it is
 * software binary128, too slow for every element under qemu.) Returns 0
 * unless the SPEC's accuracy promise applies: finite operands, y != 0, and
 * every intermediate of a scaled algorithm such as Smith's in the normal
 * range of the dtype: |y| not within 2^mant of the subnormals (its smaller
 * part, squared over the larger, must not lose bits that count) nor within a
 * factor 8 of overflow (1/|y| would be subnormal), |x| not subnormal,
 * neither x nor the quotient within a factor 4 of overflow. Outside that
 * range NumPy's answer is the rule.
 */
static int careful_cdiv(size_t rs, const unsigned char *x, const unsigned char *y, double qh[2],
                        double ql[2]) {
    double xr = bkr_get_real(x, rs), xi = bkr_get_real(x + rs, rs);
    double yr = bkr_get_real(y, rs), yi = bkr_get_real(y + rs, rs);
    const double min = rs == 4 ? FLT_MIN : DBL_MIN, max = rs == 4 ? FLT_MAX : DBL_MAX;
    const double ylo = rs == 4 ? FLT_MIN * 0x1p24 : DBL_MIN * 0x1p53;
    if (!isfinite(xr) || !isfinite(xi) || !isfinite(yr) || !isfinite(yi))
        return 0;
    const double xm = fmax(fabs(xr), fabs(xi)), ym = fmax(fabs(yr), fabs(yi));
    if (ym < ylo || ym > max / 8 || (xm != 0 && xm < 4 * min) || xm > max / 4)
        return 0;
    const int ey = ilogb(ym), ex = xm != 0 ? ilogb(xm) : 0;
    xr = ldexp(xr, -ex), xi = ldexp(xi, -ex);
    yr = ldexp(yr, -ey), yi = ldexp(yi, -ey);
    double dh, dl, nh, nl;
    dot2(yr, yr, yi, yi, +1, &dh, &dl);
    dot2(xr, yr, xi, yi, +1, &nh, &nl);
    dd_div(nh, nl, dh, dl, &qh[0], &ql[0]);
    dot2(xi, yr, xr, yi, -1, &nh, &nl);
    dd_div(nh, nl, dh, dl, &qh[1], &ql[1]);
    for (int c = 0; c < 2; c++) {
        qh[c] = ldexp(qh[c], ex - ey);
        ql[c] = ldexp(ql[c], ex - ey);
    }
    return fmax(fabs(qh[0]), fabs(qh[1])) <= max / 4;
}

/* Where the careful quotient applies: within 4 ulp of its larger component.
 * Elsewhere: NumPy's classes, and finite values within 4 ulp of the larger
 * component of NumPy's answer. */
static int cdiv_close(const bkr_dtype *d, const void *got, const void *want, const void *x,
                      const void *y) {
    const size_t rs = d->real_size;
    const unsigned char *g = got, *w = want;
    double qh[2], ql[2] = {0, 0}, gv[2] = {bkr_get_real(g, rs), bkr_get_real(g + rs, rs)};
    if (!isfinite(gv[0]) || !isfinite(gv[1])) /* bits or NaN would have matched */
        return 0;
    if (!careful_cdiv(rs, x, y, qh, ql)) {
        qh[0] = bkr_get_real(w, rs);
        qh[1] = bkr_get_real(w + rs, rs);
        if (!isfinite(qh[0]) || !isfinite(qh[1]))
            return 0;
    }
    const double tol = 4 * ulp_of(fmax(fabs(qh[0]), fabs(qh[1])), rs);
    return dd_err(gv[0], qh[0], ql[0]) <= tol && dd_err(gv[1], qh[1], ql[1]) <= tol;
}
static const bkr_rule rule_cdiv = {
    "complex quotient within 4 ulp of the larger component (careful reference where the SPEC "
    "promises accuracy, NumPy's elsewhere)",
    1, cdiv_close};

/* ---- complex magnitude --------------------------------------------------------- */

/*
 * hypot(re, im) = (hi + lo) * 2^e to about 2^-100, hi + lo near 1 (unscaled, a
 * magnitude just below the overflow threshold could round to inf): the parts
 * scaled by a power of two to about 1, their squares summed exactly, the
 * square root corrected once from the exact residual (not long double: see
 * careful_cdiv). inf when either part is inf, even with a NaN (e = 0).
 */
static void magnitude(size_t rs, const unsigned char *x, double *hi, double *lo, int *e) {
    const double re = fabs(bkr_get_real(x, rs)), im = fabs(bkr_get_real(x + rs, rs));
    *lo = 0;
    *e = 0;
    if (isinf(re) || isinf(im) || isnan(re) || isnan(im) || (re == 0 && im == 0)) {
        *hi = isinf(re) || isinf(im) ? INFINITY : re + im; /* NaN or +0 */
        return;
    }
    *e = ilogb(fmax(re, im));
    const double a = ldexp(re, -*e), b = ldexp(im, -*e);
    double sh, sl;
    dot2(a, a, b, b, +1, &sh, &sl);
    const double h0 = sqrt(sh), h1 = (fma(-h0, h0, sh) + sl) / (2 * h0);
    *hi = h0 + h1;
    *lo = h1 - (*hi - h0);
}

static int cabs_close(const bkr_dtype *d, const void *got, const void *want, const void *x,
                      const void *y) {
    const size_t rs = d->real_size;
    const double max = rs == 4 ? FLT_MAX : DBL_MAX, g = bkr_get_real(got, rs);
    double hi, lo;
    int e;
    (void)want, (void)y;
    magnitude(rs, x, &hi, &lo, &e);
    if (isnan(hi) || isinf(hi) || isnan(g))
        return 0; /* NaN and inf are classes: the bits (or NaN) had to match */
    const double value = ldexp(hi, e), tol = 2 * ulp_of(fmin(value, max), rs);
    if (isinf(g))
        return g > 0 && value + tol > max; /* near the top, rounding may reach inf */
    return dd_err(ldexp(g, -e), hi, lo) <= ldexp(tol, -e);
}
static const bkr_rule rule_cabs = {"magnitude within 2 ulp of the exact hypot", 1, cabs_close};

/* ---- the elementwise references --------------------------------------------------- */

/* The signature of bkr_ew_ref, for each op's bkr_ref_<op>. */
#define BKR_EW_REF(op)                                                                        \
    const bkr_rule *bkr_ref_##op(const bkr_dtype *d, void *out, const void *a, const void *b, \
                                 const void *k, size_t n)

static void e_copy_k(const bkr_dtype *d, int op, unsigned char *r, const unsigned char *x,
                     const unsigned char *y) {
    (void)op, (void)x;
    memcpy(r, y, d->size);
}
BKR_EW_REF(fill) {
    (void)b;
    each(d, 0, e_copy_k, d->size, out, a, k, 0, n);
    return &rule_exact;
}

/* The rule of add, subtract, multiply and scale. */
static const bkr_rule *arith_rule(const bkr_dtype *d, int op) {
    if (!bkr_is_fp(d))
        return &rule_exact;
    return d->kind == BKR_COMPLEX && op == MUL ? &rule_cmul : &rule_ieee;
}

static const bkr_rule *ref_arith(const bkr_dtype *d, int op, void *out, const void *a,
                                 const void *b, size_t bstep, size_t n) {
    each(d, op, arith, d->size, out, a, b, bstep, n);
    return arith_rule(d, op);
}

BKR_EW_REF(scale) {
    (void)b;
    return ref_arith(d, MUL, out, a, k, 0, n);
}
BKR_EW_REF(add) {
    (void)k;
    return ref_arith(d, ADD, out, a, b, d->size, n);
}
BKR_EW_REF(sub) {
    (void)k;
    return ref_arith(d, SUB, out, a, b, d->size, n);
}
BKR_EW_REF(mul) {
    (void)k;
    return ref_arith(d, MUL, out, a, b, d->size, n);
}

/* Complex: the careful quotient rounded where it applies, else NumPy's. */
static void e_div(const bkr_dtype *d, int op, unsigned char *r, const unsigned char *x,
                  const unsigned char *y) {
    double qh[2], ql[2];
    (void)op;
    if (d->kind != BKR_COMPLEX) {
        real_arith(d->size, DIV, r, x, y);
    } else if (careful_cdiv(d->real_size, x, y, qh, ql)) {
        bkr_put_real(r, d->real_size, qh[0]);
        bkr_put_real(r + d->real_size, d->real_size, qh[1]);
    } else {
        numpy_cdiv(d->real_size, r, x, y);
    }
}
BKR_EW_REF(div) {
    (void)k;
    if (!bkr_is_fp(d))
        abort(); /* SPEC: integers have no divide */
    each(d, DIV, e_div, d->size, out, a, b, d->size, n);
    return d->kind == BKR_COMPLEX ? &rule_cdiv : &rule_ieee;
}

/* Every bit kept but the imaginary part's sign, which flips. */
static void e_conj(const bkr_dtype *d, int op, unsigned char *r, const unsigned char *x,
                   const unsigned char *y) {
    (void)op, (void)y;
    memcpy(r, x, d->size);
    if (d->kind == BKR_COMPLEX)
        flip_sign(r + d->real_size, d->real_size);
}
BKR_EW_REF(conj) {
    (void)b, (void)k;
    each(d, 0, e_conj, d->size, out, a, NULL, 0, n);
    return &rule_exact;
}

static void e_abs(const bkr_dtype *d, int op, unsigned char *r, const unsigned char *x,
                  const unsigned char *y) {
    (void)op, (void)y;
    switch (d->kind) {
    case BKR_SINT: { /* the most negative value wraps to itself */
        const uint64_t v = bkr_get_int(x, d->size, 1);
        bkr_put_int(r, d->size, (int64_t)v < 0 ? 0 - v : v);
        break;
    }
    case BKR_UINT:
        memcpy(r, x, d->size);
        break;
    case BKR_FLOAT: /* the sign bit cleared, NaNs included */
        memcpy(r, x, d->size);
        clear_sign(r, d->size);
        break;
    case BKR_COMPLEX: {
        double hi, lo;
        int e;
        magnitude(d->real_size, x, &hi, &lo, &e);
        bkr_put_real(r, d->real_size, ldexp(hi + lo, e));
        break;
    }
    }
}
BKR_EW_REF(abs) {
    (void)b, (void)k;
    each(d, 0, e_abs, bkr_result_dtype(BKR_OP_abs, d)->size, out, a, NULL, 0, n);
    return d->kind == BKR_COMPLEX ? &rule_cabs : &rule_exact;
}

/* ---- reductions --------------------------------------------------------------- */

/*
 * Neumaier's compensated sum: its error (about 2^-53 |sum| + n^2 2^-106
 * sum|x| in double) is far below any bound tested. In double, which is fast
 * everywhere (long double is software binary128 on aarch64), unless the
 * partial sums overflow: then in long double, whose range holds any sum of
 * doubles on x86-64 and aarch64.
 */
typedef struct acc {
    int wide;
    double s, c;
    long double ls, lc;
} acc;
static void acc_add(acc *a, double x) {
    if (a->wide) {
        const long double t = a->ls + x;
        a->lc += fabsl(a->ls) >= fabsl(x) ? (a->ls - t) + x : (x - t) + a->ls;
        a->ls = t;
        return;
    }
    const double t = a->s + x;
    a->c += fabs(a->s) >= fabs(x) ? (a->s - t) + x : (x - t) + a->s;
    a->s = t;
}

static void fs_start(bkr_fsum *f, acc *a, int wide) {
    memset(f, 0, sizeof *f);
    memset(a, 0, sizeof *a);
    a->wide = wide;
    f->all_zero = f->exact = 1;
}
/* One term as the dtype holds it (its class and zero sign), for a sum of
 * elements or of products rounded before they are added. */
static void fs_class(bkr_fsum *f, double rounded) {
    if (isnan(rounded))
        f->nan = 1;
    else if (isinf(rounded))
        *(rounded > 0 ? &f->pinf : &f->ninf) = 1;
    if (rounded != 0)
        f->all_zero = 0;
    else if (!signbit(rounded))
        f->pos_zero = 1;
}
/* The exact value of one finite term, hi + lo; mag is what it adds to abssum. */
static void fs_exact(bkr_fsum *f, acc *a, double hi, double lo, double mag) {
    acc_add(a, hi);
    if (lo != 0)
        acc_add(a, lo);
    f->abssum += mag;
    if (lo != 0 || hi != trunc(hi))
        f->exact = 0;
}
/* Returns 0 if the sum overflowed (and must be redone wide). */
static int fs_finish(bkr_fsum *f, const acc *a, size_t rs, double factor) {
    const long double eps = rs == 4 ? FLT_EPSILON : DBL_EPSILON;
    const long double max = rs == 4 ? FLT_MAX : DBL_MAX;
    const long double s = a->wide ? a->ls : a->s, c = a->wide ? a->lc : a->c;
    f->hi = s + c;
    f->lo = c - (f->hi - s);
    /* Integer partial sums below 2^mant are exact in any order. */
    f->exact = f->exact && f->abssum <= (rs == 4 ? 0x1p24 : 0x1p53);
    f->safe = f->abssum * (1 + factor * eps) < max * (1 - 4 * eps);
    return isfinite(f->hi) && isfinite(f->abssum);
}

static void red_start(const bkr_dtype *d, bkr_red *r, size_t n, double factor, int zero_sign) {
    memset(r, 0, sizeof *r);
    r->n = n;
    r->size = d->sum_size;
    r->ncomp = bkr_ncomp(d);
    r->real_size = d->real_size;
    /* SPEC: |err| <= factor eps sum|terms|; the margin covers the reference's
     * own rounding. */
    r->factor = factor * (1 + 0x1p-20);
    r->zero_sign = zero_sign;
}

/* Integers: the sum of the (sign-extended) terms modulo 2^64. */
static void red_int(bkr_red *r, uint64_t s) {
    r->exact_bits = 1;
    r->size = 8;
    memcpy(r->bits, &s, 8);
}

static double log2_factor(size_t n) { return 4 * (log2(n ? (double)n : 1) + 1); }

/*
 * The terms of a float sum (dot: of the products a[i] * b[i]) into r->fp,
 * per real component: their classes and zero signs as the dtype rounds them,
 * and their exact values. Returns 0 if a sum overflowed.
 */
static int fsum_pass(const bkr_dtype *d, bkr_red *r, const unsigned char *pa,
                     const unsigned char *pb, size_t n, int dot, int wide) {
    const size_t sz = d->size, rs = d->real_size;
    acc s[2];
    int ok = 1;
    for (size_t c = 0; c < r->ncomp; c++)
        fs_start(&r->fp[c], &s[c], wide);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *x = pa + i * sz, *y = dot ? pb + i * sz : NULL;
        unsigned char p[16];
        double hi, lo, u[2], v[2];
        for (size_t c = 0; c < r->ncomp; c++) {
            u[c] = bkr_get_real(x + c * rs, rs);
            v[c] = dot ? bkr_get_real(y + c * rs, rs) : 0;
        }
        if (!dot) {
            for (size_t c = 0; c < r->ncomp; c++) {
                fs_class(&r->fp[c], u[c]);
                if (isfinite(u[c]))
                    fs_exact(&r->fp[c], &s[c], u[c], 0, fabs(u[c]));
            }
        } else if (d->kind == BKR_FLOAT) {
            real_arith(rs, MUL, p, x, y);
            fs_class(&r->fp[0], bkr_get_real(p, rs));
            if (isfinite(bkr_get_real(p, rs))) {
                two_prod(u[0], v[0], &hi, &lo); /* exact for floats: 48 bits */
                fs_exact(&r->fp[0], &s[0], hi, lo, fabs(hi));
            }
        } else {
            /* re = ac - bd, im = ad + bc: each product exact, each adds its size */
            const double terms[2][2][2] = {{{u[0], v[0]}, {-u[1], v[1]}},
                                           {{u[0], v[1]}, {u[1], v[0]}}};
            cmul(rs, p, x, y);
            for (int c = 0; c < 2; c++) {
                fs_class(&r->fp[c], bkr_get_real(p + c * rs, rs));
                if (!isfinite(bkr_get_real(p + c * rs, rs)))
                    continue;
                for (int t = 0; t < 2; t++) {
                    two_prod(terms[c][t][0], terms[c][t][1], &hi, &lo);
                    fs_exact(&r->fp[c], &s[c], hi, lo, fabs(hi));
                }
            }
        }
    }
    for (size_t c = 0; c < r->ncomp; c++)
        ok &= fs_finish(&r->fp[c], &s[c], rs, r->factor);
    return ok;
}

static void fsum(const bkr_dtype *d, bkr_red *r, const void *a, const void *b, size_t n,
                 int dot) {
    if (!fsum_pass(d, r, a, b, n, dot, 0))
        fsum_pass(d, r, a, b, n, dot, 1);
}

void bkr_ref_sum(const bkr_dtype *d, bkr_red *r, const void *a, const void *b, size_t n) {
    const unsigned char *p = a;
    (void)b;
    red_start(d, r, n, log2_factor(n), 1);
    if (bkr_is_fp(d)) {
        fsum(d, r, a, NULL, n, 0);
        return;
    }
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += bkr_get_int(p + i * d->size, d->size, d->kind == BKR_SINT);
    red_int(r, s);
}

void bkr_ref_dot(const bkr_dtype *d, bkr_red *r, const void *a, const void *b, size_t n) {
    const unsigned char *pa = a, *pb = b;
    const size_t sz = d->size;
    /* SPEC: one more eps for the rounding of each product. Zero signs are not
     * defined for dot. */
    red_start(d, r, n, log2_factor(n) + 1, 0);
    if (bkr_is_fp(d)) {
        /* Products that underflow are off by up to half the smallest
         * subnormal each. */
        r->slack = (double)n * (d->real_size == 4 ? 0x1p-149 : 0x1p-1074);
        fsum(d, r, a, b, n, 1);
        return;
    }
    const int sgn = d->kind == BKR_SINT;
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += bkr_get_int(pa + i * sz, sz, sgn) * bkr_get_int(pb + i * sz, sz, sgn);
    red_int(r, s);
}

/*
 * min and max: NaN if any element is NaN (the first one's bits), -0.0
 * ordered below +0.0; no elements: the identity (+inf / -inf, the type's
 * largest / smallest value), which the typed kernels return.
 */
static void extreme(const bkr_dtype *d, bkr_red *r, const unsigned char *p, size_t n,
                    int is_max) {
    const size_t sz = d->size;
    memset(r, 0, sizeof *r);
    r->n = n;
    r->size = sz;
    r->exact_bits = 1;
    if (d->kind == BKR_FLOAT) {
        const double inf = is_max ? -INFINITY : INFINITY;
        double m = inf;
        bkr_put_real(r->bits, sz, inf);
        for (size_t i = 0; i < n; i++) {
            const double x = bkr_get_real(p + i * sz, sz);
            if (isnan(x)) {
                memcpy(r->bits, p + i * sz, sz);
                return;
            }
            const int zeros = x == 0 && m == 0 && signbit(x) != signbit(m);
            if (is_max ? x > m || (zeros && !signbit(x)) : x < m || (zeros && signbit(x))) {
                m = x;
                memcpy(r->bits, p + i * sz, sz);
            }
        }
        return;
    }
    /* Integers: the first of the smallest (largest) by the value's order. */
    const int sgn = d->kind == BKR_SINT;
    const uint64_t flip = sgn ? (uint64_t)1 << 63 : 0; /* signed order as unsigned */
    size_t best = n;
    uint64_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const uint64_t x = bkr_get_int(p + i * sz, sz, sgn) ^ flip;
        if (best == n || (is_max ? x > m : x < m))
            best = i, m = x;
    }
    if (best < n) {
        memcpy(r->bits, p + best * sz, sz);
        return;
    }
    const uint64_t top = (uint64_t)1 << (8 * sz - 1);
    bkr_put_int(r->bits, sz, is_max ? (sgn ? top : 0) : (sgn ? top - 1 : ~(uint64_t)0));
}

void bkr_ref_min(const bkr_dtype *d, bkr_red *r, const void *a, const void *b, size_t n) {
    (void)b;
    extreme(d, r, a, n, 0);
}
void bkr_ref_max(const bkr_dtype *d, bkr_red *r, const void *a, const void *b, size_t n) {
    (void)b;
    extreme(d, r, a, n, 1);
}

/* ---- judging ------------------------------------------------------------------ */

/* Same bits, or both NaN. */
static int same_or_nan(const unsigned char *x, const unsigned char *y, size_t rs) {
    return memcmp(x, y, rs) == 0 || (isnan(bkr_get_real(x, rs)) && isnan(bkr_get_real(y, rs)));
}

size_t bkr_mismatch(const bkr_dtype *d, const bkr_dtype *out, const bkr_rule *rule,
                    enum bkr_form form, const void *got, const void *want, size_t n,
                    const void *a, const void *b, const void *k, int strict) {
    const size_t osz = out->size, rs = out->real_size;
    if (n == 0 || memcmp(got, want, n * osz) == 0)
        return n;
    const unsigned char *g = got, *w = want, *pa = a, *pb = b;
    for (size_t i = 0; i < n; i++) {
        const unsigned char *gi = g + i * osz, *wi = w + i * osz;
        if (memcmp(gi, wi, osz) == 0)
            continue;
        if (rule->nan_free && bkr_is_fp(out)) {
            int same = 1;
            for (size_t c = 0; c < osz / rs; c++)
                same &= same_or_nan(gi + c * rs, wi + c * rs, rs);
            if (same)
                continue;
        }
        const void *y = form == BKR_BINARY ? (const void *)(pb + i * d->size)
                        : form == BKR_SCALAR ? k
                                             : NULL;
        if (!strict && rule->close && rule->close(d, gi, wi, pa + i * d->size, y))
            continue;
        return i;
    }
    return n;
}

static long double bound(const bkr_red *r, const bkr_fsum *f) {
    const long double eps = r->real_size == 4 ? FLT_EPSILON : DBL_EPSILON;
    return r->factor * eps * f->abssum + r->slack;
}

static int fsum_ok(double got, const bkr_red *r, const bkr_fsum *f, char *msg, size_t cap) {
    if (r->n == 0) {
        if (got == 0 && !signbit(got))
            return 1;
        snprintf(msg, cap, "the empty sum is %a, want +0.0", got);
        return 0;
    }
    if (f->nan || (f->pinf && f->ninf)) {
        if (isnan(got))
            return 1;
        snprintf(msg, cap, "got %a, want NaN (NaN among the terms: %d, +inf and -inf: %d)", got,
                 f->nan, f->pinf && f->ninf);
        return 0;
    }
    const long double err = fabsl((got - f->hi) - f->lo), bnd = bound(r, f);
    if (!f->safe) { /* partial sums may overflow, in an order-dependent way */
        if (!isfinite(got) || err <= bnd)
            return 1;
        snprintf(msg, cap, "got %a, want %La (error %Lg > bound %Lg, near overflow)", got, f->hi,
                 err, bnd);
        return 0;
    }
    if (f->pinf || f->ninf) {
        if (isinf(got) && (got > 0) == (f->pinf != 0))
            return 1;
        snprintf(msg, cap, "got %a, want %cinf", got, f->pinf ? '+' : '-');
        return 0;
    }
    if (f->all_zero) {
        if (got == 0 && (!r->zero_sign || (signbit(got) != 0) == !f->pos_zero))
            return 1;
        snprintf(msg, cap, "a sum of zeros is %a, want %s", got,
                 !r->zero_sign ? "a zero" : f->pos_zero ? "+0.0" : "-0.0");
        return 0;
    }
    if (f->exact) {
        if (got == f->hi && f->lo == 0)
            return 1;
        snprintf(msg, cap, "a sum of integers is %a, want exactly %La", got, f->hi);
        return 0;
    }
    if (isfinite(got) && err <= bnd)
        return 1;
    snprintf(msg, cap, "got %a, want %La (error %Lg > bound %Lg, sum|terms| = %Lg)", got, f->hi,
             err, bnd, f->abssum);
    return 0;
}

static void fmt_bits(const bkr_red *r, const void *p, char *buf, size_t cap) {
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = r->size; i-- > 0 && len < cap;)
        len += (size_t)snprintf(buf + len, cap - len, "%02x", ((const unsigned char *)p)[i]);
}

int bkr_red_ok(const bkr_red *r, const void *got, char *msg, size_t cap) {
    if (r->exact_bits) {
        if (memcmp(got, r->bits, r->size) == 0)
            return 1;
        char g[40], w[40];
        fmt_bits(r, got, g, sizeof g);
        fmt_bits(r, r->bits, w, sizeof w);
        snprintf(msg, cap, "got 0x%s, want 0x%s", g, w);
        return 0;
    }
    const unsigned char *p = got;
    for (size_t c = 0; c < r->ncomp; c++) {
        if (!fsum_ok(bkr_get_real(p + c * r->real_size, r->real_size), r, &r->fp[c], msg, cap)) {
            if (r->ncomp == 2) {
                size_t len = strlen(msg);
                snprintf(msg + len, cap - len, " [%s part]", c ? "imaginary" : "real");
            }
            return 0;
        }
    }
    return 1;
}

/* Class of a float result: NaN, +inf, -inf, finite. */
static int fclass(double x) { return isnan(x) ? 0 : isinf(x) ? (x > 0 ? 1 : 2) : 3; }

int bkr_red_agree(const bkr_red *r, const void *got, const void *other, char *msg, size_t cap) {
    if (r->exact_bits) {
        if (memcmp(got, other, r->size) == 0)
            return 1;
        char g[40], o[40];
        fmt_bits(r, got, g, sizeof g);
        fmt_bits(r, other, o, sizeof o);
        snprintf(msg, cap, "got 0x%s, the scalar target 0x%s", g, o);
        return 0;
    }
    const unsigned char *p = got, *q = other;
    for (size_t c = 0; c < r->ncomp; c++) {
        const bkr_fsum *f = &r->fp[c];
        const double u = bkr_get_real(p + c * r->real_size, r->real_size);
        const double v = bkr_get_real(q + c * r->real_size, r->real_size);
        const int cu = fclass(u), cv = fclass(v);
        const long double tol = 2 * bound(r, f);
        const int zero_sign_differs =
            r->zero_sign && f->all_zero && (signbit(u) != 0) != (signbit(v) != 0);
        if (!f->safe && (cu != 3 || cv != 3))
            continue; /* overflow depends on the order of the additions */
        if (cu != cv || zero_sign_differs || (cu == 3 && !(fabsl((long double)u - v) <= tol))) {
            snprintf(msg, cap, "got %a, the scalar target %a (more than %Lg apart, or not alike)",
                     u, v, tol);
            return 0;
        }
    }
    return 1;
}
