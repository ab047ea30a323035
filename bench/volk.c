/*
 * volk.c - GNU Radio's VOLK beside bufkern, on the kernels both have.
 *
 * Each VOLK kernel is called through VOLK's dispatcher (the plain
 * volk_<name> function pointer, which picks VOLK's best implementation for
 * this CPU and for the buffers' alignment), in place, exactly as bufkern's
 * kernel is called: out = a, in = a (and b). CMake checks that each kernel
 * is declared by the installed volk.h (BKBENCH_VOLK_<name>); a kernel this
 * VOLK lacks is left out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <volk/volk.h>
#include <volk/volk_version.h>

#include "bkbench.h"
#include "bufkern.h"

#define STR2(x) #x
#define STR(x) STR2(x)

/* The macros are zero-padded ("02"), and 020502 would be octal: go through strings. */
const char *bb_volk_version(void) {
    static char buf[32];
    snprintf(buf, sizeof buf, "%d.%d.%d", atoi(STR(VOLK_VERSION_MAJOR)),
             atoi(STR(VOLK_VERSION_MINOR)), atoi(STR(VOLK_VERSION_MAINT)));
    return buf;
}

const char *bb_volk_machine(void) { return volk_get_machine(); }

/* ---- f32 ---------------------------------------------------------------- */

#ifdef BKBENCH_VOLK_volk_32f_accumulator_s32f
static void v_sum_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)b, (void)k;
    volk_32f_accumulator_s32f(out, a, (unsigned)n);
}
static void b_sum_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)b, (void)k;
    float s = bk_sum_f32(a, n);
    memcpy(out, &s, sizeof s);
}
#endif

#ifdef BKBENCH_VOLK_volk_32f_s32f_multiply_32f
static void v_scale_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)b, (void)out;
    volk_32f_s32f_multiply_32f(a, a, *(const float *)k, (unsigned)n);
}
static void b_scale_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)b, (void)out;
    bk_scale_f32(a, n, *(const float *)k);
}
#endif

#ifdef BKBENCH_VOLK_volk_32f_x2_multiply_32f
static void v_mul_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    volk_32f_x2_multiply_32f(a, a, b, (unsigned)n);
}
static void b_mul_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    bk_mul_f32(a, b, n);
}
#endif

#ifdef BKBENCH_VOLK_volk_32f_x2_add_32f
static void v_add_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    volk_32f_x2_add_32f(a, a, b, (unsigned)n);
}
static void b_add_f32(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    bk_add_f32(a, b, n);
}
#endif

/* ---- f64 ---------------------------------------------------------------- */

#ifdef BKBENCH_VOLK_volk_64f_x2_multiply_64f
static void v_mul_f64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    volk_64f_x2_multiply_64f(a, a, b, (unsigned)n);
}
static void b_mul_f64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    bk_mul_f64(a, b, n);
}
#endif

#ifdef BKBENCH_VOLK_volk_64f_x2_add_64f
static void v_add_f64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    volk_64f_x2_add_64f(a, a, b, (unsigned)n);
}
static void b_add_f64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    bk_add_f64(a, b, n);
}
#endif

/* ---- c64 (VOLK's lv_32fc_t is C99 float complex: the layout of bk_c64) -- */

#ifdef BKBENCH_VOLK_volk_32fc_x2_multiply_32fc
static void v_mul_c64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    volk_32fc_x2_multiply_32fc(a, a, b, (unsigned)n);
}
static void b_mul_c64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    bk_mul_c64(a, b, n);
}
#endif

#ifdef BKBENCH_VOLK_volk_32fc_x2_add_32fc
static void v_add_c64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    volk_32fc_x2_add_32fc(a, a, b, (unsigned)n);
}
static void b_add_c64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)k, (void)out;
    bk_add_c64(a, b, n);
}
#endif

#ifdef BKBENCH_VOLK_volk_32fc_s32fc_multiply_32fc
static void v_scale_c64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)b, (void)out;
    lv_32fc_t s;
    memcpy(&s, k, sizeof s);
    volk_32fc_s32fc_multiply_32fc(a, a, s, (unsigned)n);
}
static void b_scale_c64(void *a, const void *b, size_t n, const void *k, void *out) {
    (void)b, (void)out;
    bk_c64 s;
    memcpy(&s, k, sizeof s);
    bk_scale_c64(a, n, s);
}
#endif

#define CASE(vname, op, dt) {#vname, #op, #dt, v_##op##_##dt, b_##op##_##dt},

static const bb_volk_case cases[] = {
#ifdef BKBENCH_VOLK_volk_32f_accumulator_s32f
    CASE(volk_32f_accumulator_s32f, sum, f32)
#endif
#ifdef BKBENCH_VOLK_volk_32f_s32f_multiply_32f
        CASE(volk_32f_s32f_multiply_32f, scale, f32)
#endif
#ifdef BKBENCH_VOLK_volk_32f_x2_multiply_32f
            CASE(volk_32f_x2_multiply_32f, mul, f32)
#endif
#ifdef BKBENCH_VOLK_volk_32f_x2_add_32f
                CASE(volk_32f_x2_add_32f, add, f32)
#endif
#ifdef BKBENCH_VOLK_volk_64f_x2_multiply_64f
                    CASE(volk_64f_x2_multiply_64f, mul, f64)
#endif
#ifdef BKBENCH_VOLK_volk_64f_x2_add_64f
                        CASE(volk_64f_x2_add_64f, add, f64)
#endif
#ifdef BKBENCH_VOLK_volk_32fc_x2_multiply_32fc
                            CASE(volk_32fc_x2_multiply_32fc, mul, c64)
#endif
#ifdef BKBENCH_VOLK_volk_32fc_x2_add_32fc
                                CASE(volk_32fc_x2_add_32fc, add, c64)
#endif
#ifdef BKBENCH_VOLK_volk_32fc_s32fc_multiply_32fc
                                    CASE(volk_32fc_s32fc_multiply_32fc, scale, c64)
#endif
                                        {NULL, NULL, NULL, NULL,
                                         NULL}, /* so the table is never empty */
};

size_t bb_volk_cases(const bb_volk_case **out) {
    *out = cases;
    return sizeof cases / sizeof cases[0] - 1;
}
