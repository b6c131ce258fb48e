/* test_backfill: tail-first indexing of one file (src/follow/backfill.c):
 * record starts found past traceback lines, and a file read tail-first
 * then backfilled in small steps, with commits and a rolled-back batch in
 * between, stores exactly the records a plain front-to-back index stores
 * (same offsets, same line counts), with its ranges saved until complete;
 * restarts that catch up tail-first add ranges up to the limit, then read
 * on from the checkpoint, and the backfill merges them all. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/store.h"
#include "src/follow/backfill.h"
#include "src/follow/follow_int.h"
#include "src/follow/ingest.h"
#include "src/follow/tailer.h"

static char dir[64];

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* Records from..to-1 of Python's text format appended to path, every 7th
 * an error with a 3-line traceback: multi-line records everywhere. */
static void append_python(const char *path, int from, int to)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    for (int i = from; i < to; i++) {
        fprintf(f, "2026-01-05 10:%02d:%02d,%03d - app.worker - %s - record %d of the test\n",
                (i / 60000) % 60, (i / 1000) % 60, i % 1000, i % 7 ? "INFO" : "ERROR", i);
        if (i % 7 == 0)
            fprintf(f, "Traceback (most recent call last):\n"
                       "  File \"worker.py\", line %d, in run\n"
                       "ValueError: bad value %d\n", i % 300, i);
    }
    fclose(f);
}

static void write_python(const char *path, int n)
{
    unlink(path);
    append_python(path, 0, n);
}

static void align_skips_continuations(void **state)
{
    (void)state;
    char p[128];
    path_in(p, sizeof p, "align.log");
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    const char *l0 = "2026-01-05 10:00:00,000 - app - INFO - one\n";
    const char *l1 = "2026-01-05 10:00:01,000 - app - ERROR - boom\n";
    const char *tb = "Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n"
                     "ValueError: bad\n";
    const char *l5 = "2026-01-05 10:00:02,000 - app - INFO - two\n";
    fprintf(f, "%s%s%s%s", l0, l1, tb, l5);
    fclose(f);
    struct stat st;
    struct err e = {0};
    struct parse_opts po = {0};
    struct tailer *t = tailer_open(p, &po, 0, &st, &e);
    assert_non_null(t);
    int64_t at_l1 = (int64_t)strlen(l0), at_l5 = at_l1 + (int64_t)(strlen(l1) + strlen(tb));
    assert_int_equal(backfill_align(t, 0), 0);
    assert_int_equal(backfill_align(t, at_l1), at_l1);          /* already a record start */
    assert_int_equal(backfill_align(t, at_l1 + 5), at_l5);      /* past the traceback */
    assert_int_equal(backfill_align(t, at_l1 + (int64_t)strlen(l1) + 3), at_l5);
    assert_int_equal(backfill_align(t, st.st_size), st.st_size);
    tailer_free(t);
}

struct offs {
    int64_t *v;
    int *lines;
    size_t n, cap;
};

static int collect(void *ctx, const struct store_row *row)
{
    struct offs *o = ctx;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 1024;
        o->v = realloc(o->v, o->cap * sizeof *o->v);
        o->lines = realloc(o->lines, o->cap * sizeof *o->lines);
    }
    o->v[o->n] = row->rec.offset;
    o->lines[o->n++] = row->rec.nlines;
    return 0;
}

/* Offsets sorted (with their line counts), for comparing two stores. */
static void sorted(struct offs *o)
{
    for (size_t i = 1; i < o->n; i++)
        for (size_t j = i; j > 0 && o->v[j - 1] > o->v[j]; j--) {
            int64_t tv = o->v[j];
            int tl = o->lines[j];
            o->v[j] = o->v[j - 1];
            o->lines[j] = o->lines[j - 1];
            o->v[j - 1] = tv;
            o->lines[j - 1] = tl;
        }
}

static void dump(const char *db, struct offs *o)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_READ, &e);
    assert_non_null(s);
    assert_true(store_dump(s, 0, collect, o, &e) >= 0);
    store_close(s);
    sorted(o);
}

static void plain_index(const char *log, const char *db)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    struct ingest_opts io = {.final = 1};
    struct ingest *in = ingest_new(s, &io, &e);
    assert_int_equal(ingest_path(in, log, &e), 0);
    ingest_free(in);
    store_close(s);
}

/* Tail-first: the last 100 kB, then history in 64 kB steps; a commit every
 * third step, one batch rolled back (as a failed commit would be). */
static void tail_first_index(const char *log, const char *db, int64_t *ranges_seen)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    struct ingest_opts io = {.final = 1};
    struct ingest *in = ingest_new(s, &io, &e);
    struct tailer *t = NULL;
    int64_t copy = 0;
    assert_int_equal(ingest_open(in, log, &io.parse, &t, &copy, &e), INGEST_OPENED);
    assert_int_equal(backfill_start(t, 100000), 1);
    assert_true(t->ck.ranges[0].lo > 0);
    assert_int_equal(ingest_touch(in, t, &e), 0);
    while (ingest_read(in, t, 1 << 20, &e) > 0)
        ;
    assert_int_equal(ingest_flush(in, t, 1, &e), 0);
    assert_int_equal(ingest_commit(in, &e), 0);
    struct store_file f = {0};
    assert_int_equal(store_file_ranges_get(s, t->ck.id, &f, &e), 0);
    assert_int_equal(f.nranges, 1);   /* the tail's range, saved with its records */
    assert_true(f.ranges[0].lo > 0);
    assert_int_equal(f.ranges[0].hi, t->ck.offset);
    int steps = 0, rolled = 0;
    *ranges_seen = 0;
    while (backfill_pending(t)) {
        assert_true(ingest_backfill(in, t, 64 * 1024, &e) >= 0);
        if (++steps == 10 && !rolled) {
            ingest_rollback(in);   /* back to the last commit: read again */
            rolled = 1;
            continue;
        }
        if (steps % 3 == 0) {
            assert_int_equal(ingest_commit(in, &e), 0);
            assert_int_equal(store_file_ranges_get(s, t->ck.id, &f, &e), 0);
            if (f.nranges > *ranges_seen)
                *ranges_seen = f.nranges;
        }
    }
    assert_int_equal(ingest_commit(in, &e), 0);
    assert_int_equal(store_file_ranges_get(s, t->ck.id, &f, &e), 0);
    assert_int_equal(f.nranges, 0);   /* complete: [0, offset) */
    assert_true(steps > 10);
    ingest_release(in, t);
    ingest_free(in);
    store_close(s);
}

static void backfill_equals_plain(void **state)
{
    (void)state;
    char log[128], a[128], b[128];
    path_in(log, sizeof log, "py.log");
    path_in(a, sizeof a, "plain.db");
    path_in(b, sizeof b, "tail.db");
    write_python(log, 12000);
    plain_index(log, a);
    int64_t nr = 0;
    tail_first_index(log, b, &nr);
    assert_int_equal(nr, 2);   /* [0, x) and the tail's range, between commits */
    struct offs pa = {0}, pb = {0};
    dump(a, &pa);
    dump(b, &pb);
    assert_int_equal(pa.n, 12000);
    assert_int_equal(pb.n, pa.n);
    for (size_t i = 0; i < pa.n; i++) {
        assert_int_equal(pb.v[i], pa.v[i]);
        assert_int_equal(pb.lines[i], pa.lines[i]);
    }
    free(pa.v), free(pa.lines), free(pb.v), free(pb.lines);
}

/* One start of a follower on log with store db: open (resuming at the
 * checkpoint), place tail-first, read to the end, commit. Returns what
 * backfill_start said; *nranges: the ranges saved. */
static int restart_once(const char *log, const char *db, int *nranges)
{
    struct err e = {0};
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    struct ingest_opts io = {.final = 1};
    struct ingest *in = ingest_new(s, &io, &e);
    struct tailer *t = NULL;
    int64_t copy = 0;
    assert_int_equal(ingest_open(in, log, &io.parse, &t, &copy, &e), INGEST_OPENED);
    int r = backfill_start(t, 100000);
    assert_int_equal(ingest_touch(in, t, &e), 0);
    while (ingest_read(in, t, 1 << 20, &e) > 0)
        ;
    assert_int_equal(ingest_flush(in, t, 1, &e), 0);
    assert_int_equal(ingest_commit(in, &e), 0);
    struct store_file f = {0};
    assert_int_equal(store_file_ranges_get(s, t->ck.id, &f, &e), 0);
    *nranges = f.nranges;
    ingest_release(in, t);
    ingest_free(in);
    store_close(s);
    return r;
}

/* Restarts that each find ~400 kB appended while down catch up tail-first,
 * one range more each time, up to STORE_MAX_RANGES - 1 ranges; then a
 * restart reads on from the checkpoint (BACKFILL_FULL, said by the
 * follower), adding no range. The backfill then fills every gap and the
 * ranges merge back into [0, offset): the records are exactly a plain
 * index's, offsets and line counts. */
static void catch_up_restarts(void **state)
{
    (void)state;
    char log[128], a[128], b[128];
    path_in(log, sizeof log, "restarts.log");
    path_in(a, sizeof a, "restarts-plain.db");
    path_in(b, sizeof b, "restarts.db");
    write_python(log, 12000);
    int n = 12000, tail_first = 0, full = 0, nr = 0, most = 0;
    assert_int_equal(restart_once(log, b, &nr), 1);
    assert_int_equal(nr, 1);
    for (int round = 1; round < STORE_MAX_RANGES + 4; round++) {
        append_python(log, n, n + 5000);
        n += 5000;
        int r = restart_once(log, b, &nr);
        if (r == 1)
            tail_first++;
        else
            assert_int_equal(r, BACKFILL_FULL), full++;
        assert_true(nr <= STORE_MAX_RANGES - 1);
        most = nr > most ? nr : most;
    }
    assert_int_equal(tail_first, STORE_MAX_RANGES - 2);
    assert_int_equal(full, 5);
    assert_int_equal(most, STORE_MAX_RANGES - 1);
    int64_t seen = 0;
    struct err e = {0};
    struct store *s = store_open(b, STORE_WRITE, &e);
    struct ingest_opts io = {.final = 1};
    struct ingest *in = ingest_new(s, &io, &e);
    struct tailer *t = NULL;
    int64_t copy = 0;
    assert_int_equal(ingest_open(in, log, &io.parse, &t, &copy, &e), INGEST_OPENED);
    assert_int_equal(t->ck.nranges, most);
    while (backfill_pending(t)) {
        assert_true(ingest_backfill(in, t, 256 * 1024, &e) >= 0);
        assert_true(t->ck.nranges <= STORE_MAX_RANGES);
        if (++seen % 5 == 0)
            assert_int_equal(ingest_commit(in, &e), 0);
    }
    assert_int_equal(ingest_commit(in, &e), 0);
    struct store_file f = {0};
    assert_int_equal(store_file_ranges_get(s, t->ck.id, &f, &e), 0);
    assert_int_equal(f.nranges, 0);   /* merged: [0, offset) */
    ingest_release(in, t);
    ingest_free(in);
    store_close(s);
    plain_index(log, a);
    struct offs pa = {0}, pb = {0};
    dump(a, &pa);
    dump(b, &pb);
    assert_int_equal(pa.n, (size_t)n);
    assert_int_equal(pb.n, pa.n);
    for (size_t i = 0; i < pa.n; i++) {
        assert_int_equal(pb.v[i], pa.v[i]);
        assert_int_equal(pb.lines[i], pa.lines[i]);
    }
    free(pa.v), free(pa.lines), free(pb.v), free(pb.lines);
}

/* A batch of history only is cut by its size, as the one-shot index cuts
 * its batches (100,000 records), not by the time it took to read: at 1 s,
 * a loaded machine (or a large store, read slower) made two to three times
 * the one-shot's commits, each flushing the full-text indexes as a small
 * segment merged again later, and the backfill cost more CPU than `logdeck
 * index` by as much. Time only bounds a batch on a very slow machine, for
 * the progress shown; a slice holding the newest end of a file none of
 * which was stored is committed at once (its newest records shown). */
static void history_batches_by_size(void **state)
{
    (void)state;
    const int64_t s = 1000000;
    assert_false(follow_history_due(50000, 3 * s, 0));       /* slow: still filling */
    assert_false(follow_history_due(99999, 9 * s, 0));
    assert_true(follow_history_due(100000, s / 10, 0));      /* the one-shot's batch */
    assert_true(follow_history_due(2000, 10 * s, 0));        /* very slow: progress */
    assert_true(follow_history_due(1, 0, 1));                /* a file's newest end */
    assert_false(follow_history_due(1, 0, 0));
}

/* The early commits of history are for the newest end of a file none of
 * which is stored (not written to for an hour: its records reach the
 * screen that way): backfill_none_stored says so until its first slice,
 * and never for a file whose tail was read first. */
static void none_stored_until_first_slice(void **state)
{
    (void)state;
    char log[128], db[128];
    path_in(log, sizeof log, "old.log");
    path_in(db, sizeof db, "old.db");
    write_python(log, 30000);   /* ~2 MB: more than the first slice */
    struct err e = {0};
    struct store *s = store_open(db, STORE_WRITE, &e);
    assert_non_null(s);
    struct ingest_opts io = {.final = 1};
    struct ingest *in = ingest_new(s, &io, &e);
    struct tailer *t = NULL, *u = NULL;
    int64_t copy = 0;
    assert_int_equal(ingest_open(in, log, &io.parse, &t, &copy, &e), INGEST_OPENED);
    assert_int_equal(backfill_start(t, 0), 1);   /* old: all of it history */
    assert_true(backfill_none_stored(t));
    assert_int_equal(ingest_touch(in, t, &e), 0);
    assert_true(ingest_backfill(in, t, BACKFILL_TAIL_BYTES, &e) > 0);
    assert_false(backfill_none_stored(t));       /* its newest end is in the batch */
    assert_int_equal(ingest_commit(in, &e), 0);
    assert_false(backfill_none_stored(t));
    ingest_release(in, t);
    /* a live file: its tail first, then its history is not the newest */
    path_in(log, sizeof log, "live.log");
    append_python(log, 40000, 70000);   /* other lines: not a copy of old.log */
    assert_int_equal(ingest_open(in, log, &io.parse, &u, &copy, &e), INGEST_OPENED);
    assert_int_equal(backfill_start(u, 100000), 1);
    assert_int_equal(ingest_touch(in, u, &e), 0);
    while (ingest_read(in, u, 1 << 20, &e) > 0)
        ;
    assert_int_equal(ingest_commit(in, &e), 0);
    assert_true(backfill_pending(u));
    assert_false(backfill_none_stored(u));
    ingest_release(in, u);
    ingest_free(in);
    store_close(s);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_backfill.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(align_skips_continuations),
        cmocka_unit_test(backfill_equals_plain),
        cmocka_unit_test(catch_up_restarts),
        cmocka_unit_test(history_batches_by_size),
        cmocka_unit_test(none_stored_until_first_slice),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
