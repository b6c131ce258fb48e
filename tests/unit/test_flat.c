/* test_flat: flat_num() spells every number as snprintf("%.17g") would (its
 * own digit loop for the common fractional values must agree with printf
 * digit for digit, over random doubles of every magnitude it handles,
 * ties to even and powers of ten included), and flat_walk() gives each
 * element of an array at the array's path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "src/base/flat.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* 1 if flat_num(v) differs from printf's spelling (printed). */
static int differs(double v)
{
    char got[32], want[32];
    size_t n = flat_num(v, got);
    if (v == floor(v) && fabs(v) < 9.2e18)
        snprintf(want, sizeof want, "%lld", (long long)v);
    else
        snprintf(want, sizeof want, "%.17g", v);
    if (n == strlen(want) && strcmp(got, want) == 0)
        return 0;
    print_error("flat_num(%a): got '%s', printf '%s'\n", v, got, want);
    return 1;
}

static void test_num_random(void **st)
{
    (void)st;
    int bad = 0;
    for (int i = 0; i < 2000000 && bad < 5; i++) {
        uint64_t r = next();
        double v;
        switch (i % 4) {
        case 0:   /* any bit pattern of magnitude 1e-6 .. 1e17 */
            v = ldexp((double)(r >> 11) / 9007199254740992.0 + 0.5, (int)(next() % 78) - 20);
            break;
        case 1:   /* decimals as logs write them: 12.345, 0.52, 1500.25 */
            v = (double)(r % 100000000) / pow(10, (double)(next() % 9));
            break;
        case 2:   /* a dyadic fraction: exact binary values, where ties live */
            v = ldexp((double)(r % 1000000007), -(int)(next() % 60));
            break;
        default:  /* next to a power of ten */
            v = nextafter(pow(10, (double)(int)(r % 22) - 5), (next() & 1) ? 0 : 1e300);
            break;
        }
        if (r & (1ULL << 40))
            v = -v;
        bad += differs(v);
    }
    static const double fixed[] = {0.1, 0.2, 0.3, 1.5, 2.675, 12.5, 123.45, 1e-4, 9.9999e-5,
                                   0.00012345678901234567, 999999999999999.9, 1e15 - 0.5,
                                   0.5, 0.25, 0.125, 1.0 / 3, 2.0 / 3, 5000.01, 0.52, 1e-5,
                                   4503599627370495.5, 99999999999999.99, 9.999999999999999e14};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        bad += differs(fixed[i]) + differs(-fixed[i]);
    assert_int_equal(bad, 0);
}

struct pairs {
    char out[512];
};

static int on_pair(void *ctx, const char *path, size_t plen, int kind, const char *val,
                   size_t vlen)
{
    struct pairs *p = ctx;
    size_t n = strlen(p->out);
    snprintf(p->out + n, sizeof p->out - n, "%.*s=%c:%.*s;", (int)plen, path, kind, (int)vlen,
             val);
    return 0;
}

static void test_walk_arrays(void **st)
{
    (void)st;
    cJSON *j = cJSON_Parse("{\"tags\": [\"a\", 2, true, null, [\"x\"]], \"items\": "
                           "[{\"sku\": \"X1\"}, {\"sku\": \"X2\", \"n\": [1.5]}], \"e\": [],"
                           " \"s\": \"v\"}");
    assert_non_null(j);
    struct pairs p = {{0}};
    flat_walk(j, on_pair, &p);
    assert_string_equal(p.out, "tags=s:a;tags=n:2;tags=b:true;tags=s:x;items.sku=s:X1;"
                               "items.sku=s:X2;items.n=n:1.5;s=s:v;");
    cJSON_Delete(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_random),
        cmocka_unit_test(test_walk_arrays),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
