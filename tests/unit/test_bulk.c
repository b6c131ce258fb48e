/* test_bulk: store_bulk() (db/addq.h), the store thread of `logdeck index`:
 * records added in bulk read back exactly as the same records added one by
 * one (ids, text, words, field tokens); a store that runs full in the
 * middle of a bulk batch fails that batch (at a store_add or at the
 * commit), rolls it back whole, keeps every earlier batch, and takes the
 * next batch once there is room again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db/exec.h"
#include "db/store.h"
#include "src/query/query.h"
#include "tests/unit/store_count.h"

#define T0 1700000000000000LL

static char raw[512];

static void rec(int i, struct record *r)
{
    snprintf(raw, sizeof raw, "{\"event\": \"bulk %d\", \"cust\": \"C_%d\", \"pad\": \"%0*d\"}", i,
             i % 7, 100 + i % 50, i);
    memset(r, 0, sizeof *r);
    r->ts = T0 + (int64_t)i * 1000;
    r->level = LVL_INFO;
    r->format = FMT_JSON;
    r->raw = raw;
    r->raw_len = strlen(raw);
    r->msg = raw + 11;
    r->msg_len = strcspn(raw + 11, "\"");
    r->nlines = 1;
}

static int64_t count_of(struct store *s, const char *q)
{
    return store_count_at(s, q, T0 + 3600000000LL);
}

/* Adds records lo..hi-1 in one batch; returns 0, or -1 when a store_add or
 * the commit failed (the batch is then rolled back). */
static int batch(struct store *s, int64_t file_id, int lo, int hi)
{
    struct err e = {0};
    struct record r;
    if (store_begin(s, &e) < 0)
        return -1;
    for (int i = lo; i < hi; i++) {
        rec(i, &r);
        if (store_add(s, file_id, &r, &e) < 0) {
            store_rollback(s);
            return -1;
        }
    }
    return store_commit(s, &e);
}

static struct store *fresh(const char *path, int bulk, int64_t *file_id)
{
    struct err e = {0};
    char p[300];
    const char *suf[3] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", path, suf[i]);
        unlink(p);
    }
    struct store *s = store_open(path, STORE_WRITE, &e);
    if (!s)
        fail_msg("%s", e.msg);
    if (bulk)
        assert_int_equal(store_bulk(s, &e), 0);
    struct store_file sf = {0};
    snprintf(sf.path, sizeof sf.path, "/logs/bulk.jsonl");
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_file_put(s, &sf, &e), 0);
    assert_int_equal(store_commit(s, &e), 0);
    *file_id = sf.id;
    return s;
}

struct dump {
    char *buf;
    size_t len, cap;
};

static int on_row(void *ctx, const struct store_row *row)
{
    struct dump *d = ctx;
    char line[700];
    int n = snprintf(line, sizeof line, "%lld|%.*s|%.*s\n", (long long)row->id,
                     (int)row->rec.msg_len, row->rec.msg, (int)row->rec.raw_len, row->rec.raw);
    if (d->len + (size_t)n + 1 > d->cap) {
        d->cap = (d->len + (size_t)n + 1) * 2;
        d->buf = realloc(d->buf, d->cap);
    }
    memcpy(d->buf + d->len, line, (size_t)n + 1);
    d->len += (size_t)n;
    return 0;
}

static void test_same_as_one_by_one(void **st)
{
    (void)st;
    char pa[128], pb[128];
    snprintf(pa, sizeof pa, "/tmp/test_bulk_a.%d.db", (int)getpid());
    snprintf(pb, sizeof pb, "/tmp/test_bulk_b.%d.db", (int)getpid());
    int64_t fa, fb;
    struct store *a = fresh(pa, 0, &fa), *b = fresh(pb, 1, &fb);
    for (int k = 0; k < 5; k++) {
        assert_int_equal(batch(a, fa, k * 1000, k * 1000 + 1000), 0);
        assert_int_equal(batch(b, fb, k * 1000, k * 1000 + 1000), 0);
    }
    struct err e = {0};
    struct dump da = {0}, db = {0};
    assert_int_equal(store_dump(a, 0, on_row, &da, &e), 5000);
    assert_int_equal(store_dump(b, 0, on_row, &db, &e), 5000);
    assert_string_equal(da.buf, db.buf);
    assert_int_equal(count_of(b, "cust:C_3"), count_of(a, "cust:C_3"));
    assert_int_equal(count_of(b, "cust:C_3"), 714);
    assert_int_equal(count_of(b, "\"bulk 4321\""), 1);
    free(da.buf);
    free(db.buf);
    store_close(a);
    store_close(b);
    unlink(pa);
    unlink(pb);
}

static void test_full_store(void **st)
{
    (void)st;
    char path[128];
    snprintf(path, sizeof path, "/tmp/test_bulk_full.%d.db", (int)getpid());
    int64_t fid;
    struct store *s = fresh(path, 1, &fid);
    struct err e = {0};
    assert_int_equal(batch(s, fid, 0, 500), 0);
    int64_t pages = store_used_bytes(s) / 16384;
    /* room for a few more pages only: a batch of 20000 records cannot fit */
    assert_int_equal(store_set_max_pages(s, pages + 8, &e), 0);
    assert_int_equal(batch(s, fid, 500, 20500), -1);
    assert_int_equal(count_of(s, ""), 500);
    assert_int_equal(count_of(s, "\"bulk 499\""), 1);
    assert_int_equal(count_of(s, "\"bulk 500\""), 0);
    assert_int_equal(store_set_max_pages(s, 0, &e), 0);
    assert_int_equal(batch(s, fid, 500, 1500), 0);
    assert_int_equal(count_of(s, ""), 1500);
    assert_int_equal(count_of(s, "\"bulk 1499\""), 1);
    struct dump d = {0};
    int64_t nd = store_dump(s, 0, on_row, &d, &e);
    if (nd != 1500)
        fail_msg("dump: %lld rows: %s", (long long)nd, e.msg);
    assert_non_null(strstr(d.buf, "|bulk 1000|{\"event\": \"bulk 1000\""));
    free(d.buf);
    store_close(s);
    unlink(path);
}

/* A failed insert on the store thread can end the batch's transaction
 * (SQLITE_FULL) between the caller's last store_add and its
 * store_file_put (ingest_commit saves the file's offset before the
 * commit): that offset must not be committed alone while the batch's
 * records roll back (a later run would skip them). */
static void test_file_put_after_failed_insert(void **st)
{
    (void)st;
    char path[128];
    snprintf(path, sizeof path, "/tmp/test_bulk_fput.%d.db", (int)getpid());
    int64_t fid;
    struct store *s = fresh(path, 1, &fid);
    struct err e = {0};
    assert_int_equal(batch(s, fid, 0, 500), 0);
    assert_int_equal(store_set_max_pages(s, store_used_bytes(s) / 16384 + 8, &e), 0);
    assert_int_equal(store_begin(s, &e), 0);
    struct record r;
    int failed = 0;
    for (int i = 500; i < 20500 && !failed; i++) {
        rec(i, &r);
        failed = store_add(s, fid, &r, &e) < 0;
    }
    assert_true(failed);   /* the store thread's failure is known: its transaction ended */
    struct store_file sf;
    assert_int_equal(store_file_by_id(s, fid, &sf, &e), 1);
    sf.offset = 123456;
    if (store_file_put(s, &sf, &e) < 0 || store_commit(s, &e) < 0)
        store_rollback(s);
    assert_int_equal(store_set_max_pages(s, 0, &e), 0);
    assert_int_equal(store_file_by_id(s, fid, &sf, &e), 1);
    assert_int_equal(sf.offset, 0);
    assert_int_equal(count_of(s, ""), 500);
    store_close(s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_one_by_one),
        cmocka_unit_test(test_full_store),
        cmocka_unit_test(test_file_put_after_failed_insert),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
