/* test_race: copytruncate's unseen lines from the write rate
 * (src/follow/race.c), on made-up looks at a file: a writer steady at 400
 * bytes/ms, a truncation 5 ms after the last look (2,000 bytes in
 * neither the copy nor the file), the content after seen for a while. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "src/follow/race.h"

#define MS 1000000LL

/* Looks every 10 ms from 0 to 1000 ms at a file growing 400 bytes/ms. */
static void steady(struct race *r)
{
    memset(r, 0, sizeof *r);
    for (int64_t t = 0; t <= 1000; t += 10)
        race_observe(r, 400 * t, t * MS, t * MS);
}

static void unseen_bytes_counted(void **state)
{
    (void)state;
    struct race r;
    steady(&r);
    double rate = race_rate(&r, 392000, 980 * MS);   /* copy complete at 980 ms */
    assert_true(rate > 399999 && rate < 400001);
    /* truncated at 1005 ms, seen at 1010: 400,000 bytes known (seen) */
    race_truncated(&r, 400000, 200, rate, 1, 1010 * MS);
    assert_false(race_due(&r, 0));
    race_observe(&r, 2000, 1010 * MS, 1010 * MS);    /* 5 ms of the new content */
    assert_false(race_due(&r, 0));
    race_observe(&r, 14000, 1040 * MS, 1040 * MS);
    assert_true(race_due(&r, 0));
    assert_int_equal(race_settle(&r), 2000);         /* 1000..1005 ms: 10 lines of 200 */
    assert_int_equal(race_settle(&r), -1);           /* once */
}

/* The writer stopped 30 ms after the truncation: looks later at the same
 * size do not count as time it wrote. */
static void stopped_writer(void **state)
{
    (void)state;
    struct race r;
    steady(&r);
    double rate = race_rate(&r, 392000, 980 * MS);
    race_truncated(&r, 400000, 200, rate, 1, 1010 * MS);
    race_observe(&r, 14000, 1040 * MS, 1040 * MS);   /* its last write */
    race_observe(&r, 14000, 1040 * MS, 5000 * MS);   /* quiet since */
    assert_int_equal(race_settle(&r), 2000);
}

/* What was read past the copy (owed: seen after the last look) is not
 * lost; nothing is estimated when not asked (no sign of a live race). */
static void known_bytes_and_no_estimate(void **state)
{
    (void)state;
    struct race r;
    steady(&r);
    double rate = race_rate(&r, 392000, 980 * MS);
    /* the copy held 401,000 bytes: 1,000 past the last look are known */
    race_truncated(&r, 401000, 200, rate, 1, 1010 * MS);
    race_observe(&r, 14000, 1040 * MS, 1040 * MS);
    assert_int_equal(race_settle(&r), 1000);
    steady(&r);
    race_truncated(&r, 400000, 200, rate, 0, 1010 * MS);
    race_observe(&r, 14000, 1040 * MS, 1040 * MS);
    assert_false(race_due(&r, 1));
    assert_int_equal(race_settle(&r), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unseen_bytes_counted),
        cmocka_unit_test(stopped_writer),
        cmocka_unit_test(known_bytes_and_no_estimate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
