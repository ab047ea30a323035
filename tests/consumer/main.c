/*
 * A program outside the bufkern tree, built against an installed bufkern:
 * with find_package(bufkern) (CMakeLists.txt here) and with pkg-config
 * (tools/test-c.sh). Exits non-zero unless every result is right.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <bufkern.h>

int main(void) {
    int failed = 0;

    /* 0.5 + 1.5 + ... + 999.5 = 500000, exactly representable at every step. */
    double x[1000];
    for (int i = 0; i < 1000; i++)
        x[i] = i + 0.5;
    const double s = bk_sum_f64(x, 1000);
    if (s != 500000.0) {
        fprintf(stderr, "bk_sum_f64: got %.17g, want 500000\n", s);
        failed = 1;
    }

    /* (1+2i)(3+4i) = -5+10i, (0.5-1.5i)(2+0i) = 1-3i, (7+3i)i = -3+7i */
    bk_c128 a[3] = {{1, 2}, {0.5, -1.5}, {7, 3}};
    const bk_c128 b[3] = {{3, 4}, {2, 0}, {0, 1}};
    const bk_c128 want[3] = {{-5, 10}, {1, -3}, {-3, 7}};
    bk_mul_c128(a, b, 3);
    for (int i = 0; i < 3; i++)
        if (a[i].re != want[i].re || a[i].im != want[i].im) {
            fprintf(stderr, "bk_mul_c128: element %d is %g%+gi, want %g%+gi\n", i, a[i].re,
                    a[i].im, want[i].re, want[i].im);
            failed = 1;
        }

    /* The header's inline helpers (abs calls hypot from libm). */
    const double r = bk_c128_abs(a[0]);
    if (fabs(r - sqrt(125.0)) > 1e-12) {
        fprintf(stderr, "bk_c128_abs: got %.17g, want sqrt(125)\n", r);
        failed = 1;
    }

    /* Dispatch: the active target is listed and supported; bad names are refused. */
    const char *t = bk_target_name();
    int listed = 0;
    for (size_t i = 0; t && bk_target_at(i); i++)
        listed |= strcmp(t, bk_target_at(i)) == 0;
    if (!listed || !bk_target_supported(t) || bk_set_target("no-such-target") != BK_ERR_TARGET) {
        fprintf(stderr, "dispatch: active target %s\n", t ? t : "(null)");
        failed = 1;
    }

    printf("consumer (bufkern %d.%d.%d, target %s): %s\n", BUFKERN_VERSION_MAJOR,
           BUFKERN_VERSION_MINOR, BUFKERN_VERSION_PATCH, t ? t : "(null)",
           failed ? "FAILED" : "ok");
    return failed;
}
