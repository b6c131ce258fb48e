/* test_race: copytruncate's unseen lines from the write rate
 * (src/follow/race.c), on made-up looks at a file: a writer steady at 400
 * bytes/ms, a truncation 5 ms after the last look (2,000 bytes in
 * neither the copy nor the file), the content after seen for a while;
 * and the window measured from the copy's mtime when the writer was not
 * seen past the copy (RACE_COPY); and the lines known lost, a lower
 * bound (race_known_lines). */
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
    race_truncated(&r, 400000, 200, rate, RACE_SEEN, 392000, 980 * MS, 1010 * MS);
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
    race_truncated(&r, 400000, 200, rate, RACE_SEEN, 392000, 980 * MS, 1010 * MS);
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
    race_truncated(&r, 401000, 200, rate, RACE_SEEN, 401000, 980 * MS, 1010 * MS);
    race_observe(&r, 14000, 1040 * MS, 1040 * MS);
    assert_int_equal(race_settle(&r), 1000);
    steady(&r);
    race_truncated(&r, 400000, 200, rate, RACE_NONE, 392000, 980 * MS, 1010 * MS);
    race_observe(&r, 14000, 1040 * MS, 1040 * MS);
    assert_true(race_due(&r, 1));   /* due (the caller looks for a hole), nothing told */
    assert_int_equal(race_settle(&r), 0);
    assert_int_equal(race_settle(&r), -1);
}

/* Not seen past the copy: logdeck did not look after 1000 ms (stopped)
 * until 1300. The copy was complete at 1003 ms holding 401,200 bytes, the
 * truncation came at 1005. Each look at the content after with bytes in
 * it tells, by its mtime (looked at later): 2,400 by 1011 ms, 400 x 8 -
 * 2,400 = 800 bytes lost; 20,000 by 1055, the same. Settled 30 ms on,
 * not before. Had logdeck looked at 1290 (it kept looking and saw nothing
 * past the copy), nothing would be estimated. */
static void copy_window_from_mtimes(void **state)
{
    (void)state;
    struct race r;
    steady(&r);
    double rate = race_rate(&r, 401200, 1003 * MS);
    race_truncated(&r, 401200, 200, rate, RACE_COPY, 401200, 1003 * MS, 1300 * MS);
    race_observe(&r, 2400, 1011 * MS, 1310 * MS);
    assert_false(race_due(&r, 0));
    race_observe(&r, 20000, 1055 * MS, 1340 * MS);
    assert_true(race_due(&r, 0));
    assert_int_equal(race_settle(&r), 800);
    assert_int_equal(race_settle(&r), -1);
    /* looked at 10 ms before the truncation, the writer not seen past the
     * copy (a race too short to see): the same window, from the copy's
     * mtime (before, nothing was estimated unless logdeck was away 250 ms) */
    steady(&r);
    race_observe(&r, 400000, 1000 * MS, 1290 * MS);
    race_truncated(&r, 401200, 200, rate, RACE_COPY, 401200, 1003 * MS, 1300 * MS);
    race_observe(&r, 20000, 1055 * MS, 1340 * MS);
    assert_true(race_due(&r, 1));
    assert_int_equal(race_settle(&r), 800);
}

/* A writer that paused for the copy (it rotates itself): its last write
 * at 1000 ms, the copy complete at 1002, the truncation at once; not
 * scheduled again before 1006 (logdeck, stopped, looks at 1300), it
 * then writes what it owes at once and is on time by 1045 (18,000
 * bytes). Nothing was lost and nothing is counted (the fewest of the
 * looks, final: at exit); its first bytes alone (400 at 1006) would have
 * counted 1,200. */
static void copy_window_paused_writer(void **state)
{
    (void)state;
    struct race r;
    steady(&r);
    double rate = race_rate(&r, 400000, 1002 * MS);
    race_truncated(&r, 400000, 200, rate, RACE_COPY, 400000, 1002 * MS, 1300 * MS);
    race_observe(&r, 400, 1006 * MS, 1300 * MS);
    race_observe(&r, 18000, 1045 * MS, 1301 * MS);
    assert_true(race_due(&r, 1));
    assert_int_equal(race_settle(&r), 0);
}

/* A copy dated before the last look (its source's mtime kept) that holds
 * more than that look saw: the window starts at the look, and the copy's
 * bytes past it are not lost. A writer silent since the truncation (it
 * may have stopped before the copy): nothing is counted. */
static void copy_window_old_mtime_and_silent_writer(void **state)
{
    (void)state;
    struct race r;
    steady(&r);
    double rate = race_rate(&r, 401200, 995 * MS);
    race_truncated(&r, 401200, 200, rate, RACE_COPY, 401200, 995 * MS, 1300 * MS);
    race_observe(&r, 20000, 1055 * MS, 1340 * MS);
    assert_int_equal(race_settle(&r), 800);          /* 400 x 55 - 20,000 - 1,200 */
    steady(&r);
    race_truncated(&r, 401200, 200, rate, RACE_COPY, 401200, 1003 * MS, 1300 * MS);
    race_observe(&r, 0, 1005 * MS, 5000 * MS);
    assert_true(race_due(&r, 0));
    assert_int_equal(race_settle(&r), 0);
}

/* Lines known lost, a lower bound whatever the lines' lengths up to
 * rec_max: from a line's start, ceil; from anywhere, floor; a copy's
 * partial last line is stored (its head), not counted. */
static void known_lines_lower_bound(void **state)
{
    (void)state;
    assert_int_equal(race_known_lines(1000, 1, 0, 8400, 200), 37);    /* 37 of 200 */
    assert_int_equal(race_known_lines(1000, 1, 0, 8450, 200), 38);    /* the last one part seen */
    assert_int_equal(race_known_lines(1000, 1, 0, 8400, 300), 25);    /* lines up to 300 */
    assert_int_equal(race_known_lines(1150, 0, 0, 8400, 200), 36);    /* from mid-line: floor */
    /* the copy ends 150 bytes into a line (its head is stored): 36 after it */
    assert_int_equal(race_known_lines(1000, 1, 150, 8400, 200), 36);
    assert_int_equal(race_known_lines(1000, 1, 150, 1100, 200), 0);   /* seen within the copy */
    assert_int_equal(race_known_lines(1000, 1, 0, 1000, 200), 0);
    assert_int_equal(race_known_lines(1000, 1, 0, 8400, 0), 0);       /* no record read yet */
}

/* An estimate's bytes in lines, to the nearest: a race of less than a
 * whole line's bytes is a line (a floor counted none). */
static void estimate_in_lines(void **state)
{
    (void)state;
    assert_int_equal(race_lines(167, 200), 1);
    assert_int_equal(race_lines(223, 200), 1);
    assert_int_equal(race_lines(99, 200), 0);
    assert_int_equal(race_lines(100, 200), 1);
    assert_int_equal(race_lines(508, 200), 3);
    assert_int_equal(race_lines(0, 200), 0);
    assert_int_equal(race_lines(-40, 200), 0);   /* nothing unseen */
    assert_int_equal(race_lines(5, 0), 5);       /* no average: a byte a line */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unseen_bytes_counted),
        cmocka_unit_test(stopped_writer),
        cmocka_unit_test(known_bytes_and_no_estimate),
        cmocka_unit_test(copy_window_from_mtimes),
        cmocka_unit_test(copy_window_paused_writer),
        cmocka_unit_test(copy_window_old_mtime_and_silent_writer),
        cmocka_unit_test(known_lines_lower_bound),
        cmocka_unit_test(estimate_in_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
