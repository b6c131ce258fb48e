/* test_copytrunc: a file truncated and rewritten under the reader
 * (logrotate's copytruncate while the writer keeps appending), driven
 * step by step through ingest_read / ingest_commit / tailer_truncated:
 * - the checkpoint committed after the truncation describes the bytes that
 *   were read (head and tail hashes equal those of the rotated copy), not
 *   the file's new content (they were read again from the file at commit);
 * - a read after the truncation, the file rewritten past the read
 *   position, takes nothing from the new content (it stored the new
 *   content's middle as if it continued the old one) and says replaced;
 * - tailer_truncated sees a rewrite past the read position before the
 *   first commit (it compared with a checkpoint at 0: no check at all),
 *   and with lines padded to a fixed width (the bytes before the read
 *   position were alike in the old and the new content). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/store.h"
#include "src/follow/ingest.h"
#include "src/follow/tailer.h"

static char dir[64];

static void path_in(char *out, size_t cap, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* JSON lines from..to-1 of stream tag, 100 bytes each (200, padded: the
 * last 64 bytes of every line alike, as tests/tools/writer -L 200 writes). */
static void append_lines(const char *path, const char *tag, int from, int to, int width)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    for (int i = from; i < to; i++) {
        char l[256];
        int n = snprintf(l, sizeof l, "{\"ts\":\"2026-01-05T10:00:%02d.%03dZ\",\"level\":\"info\","
                         "\"msg\":\"%s %d\",\"pad\":\"", i / 1000 % 60, i % 1000, tag, i);
        while (n < width - 3)
            l[n++] = 'x';
        l[n++] = '"', l[n++] = '}', l[n++] = '\n', l[n] = 0;
        fputs(l, f);
    }
    fclose(f);
}

static void append_json(const char *path, const char *tag, int from, int to)
{
    append_lines(path, tag, from, to, 100);
}

static void append_padded(const char *path, const char *tag, int from, int to)
{
    append_lines(path, tag, from, to, 200);
}

/* Python text records (each pending until the next one starts). */
static void append_python(const char *path, const char *tag, int from, int to)
{
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    for (int i = from; i < to; i++)
        fprintf(f, "2026-01-05 10:00:%02d,%03d - app - INFO - %s record %d\n", i / 1000 % 60,
                i % 1000, tag, i);
    fclose(f);
}

static void copy_file(const char *src, const char *dst)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "cp '%s' '%s'", src, dst);
    assert_int_equal(system(cmd), 0);
}

/* The hashes fileid computes of a file's bytes: n from the start, and the
 * (up to) INGEST_TAIL_BYTES before off. */
static uint64_t hash_of(const char *path, int64_t off, int64_t n)
{
    char b[INGEST_HEAD_BYTES];
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_true(n <= (int64_t)sizeof b);
    assert_int_equal(fseek(f, (long)off, SEEK_SET), 0);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return ingest_hash(b, (size_t)n, INGEST_HASH_SEED);
}

static uint64_t tail_of(const char *path, int64_t off)
{
    int64_t n = off < INGEST_TAIL_BYTES ? off : INGEST_TAIL_BYTES;
    return off ? hash_of(path, off - n, n) : 0;
}

struct fix {
    char log[128], copy[128], db[128];
    struct store *s;
    struct ingest *in;
    struct tailer *t;
    struct ingest_opts io;
};

static void fix_open(struct fix *x, const char *name)
{
    struct err e = {0};
    char n[64];
    snprintf(n, sizeof n, "%s.log", name);
    path_in(x->log, sizeof x->log, n);
    snprintf(n, sizeof n, "%s.log.1", name);
    path_in(x->copy, sizeof x->copy, n);
    snprintf(n, sizeof n, "%s.db", name);
    path_in(x->db, sizeof x->db, n);
    x->s = store_open(x->db, STORE_WRITE, &e);
    assert_non_null(x->s);
    memset(&x->io, 0, sizeof x->io);
    x->in = ingest_new(x->s, &x->io, &e);
    assert_non_null(x->in);
    int64_t copy = 0;
    assert_int_equal(ingest_open(x->in, x->log, &x->io.parse, &x->t, &copy, &e), INGEST_OPENED);
}

static void fix_close(struct fix *x)
{
    ingest_release(x->in, x->t);
    ingest_free(x->in);
    store_close(x->s);
}

static int64_t read_all(struct fix *x)
{
    struct err e = {0};
    int64_t n, got = 0;
    while ((n = ingest_read(x->in, x->t, 1 << 20, &e)) > 0)
        got += n;
    assert_true(n == 0);
    return got;
}

typedef void append_fn(const char *path, const char *tag, int from, int to);

/* A case's start: name.log written anew with lines 0..n-1 ("old"), opened
 * and read to its end, committed when commit. */
static void fix_start(struct fix *x, const char *name, append_fn *append, int n, int commit)
{
    struct err e = {0};
    char file[64];
    snprintf(file, sizeof file, "%s.log", name);
    path_in(x->log, sizeof x->log, file);
    unlink(x->log);
    append(x->log, "old", 0, n);
    fix_open(x, name);
    read_all(x);
    if (commit)
        assert_int_equal(ingest_commit(x->in, &e), 0);
}

/* copytruncate with the writer appending on: the copy, the truncation, and
 * more new lines than were read (the file is past the read position again). */
static void rotate(struct fix *x, void (*append)(const char *, const char *, int, int))
{
    copy_file(x->log, x->copy);
    assert_int_equal(truncate(x->log, 0), 0);
    append(x->log, "new", 0, 40);
}

static void checkpoint_is_what_was_read(void **state, int python)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    append_fn *append = python ? append_python : append_json;
    fix_start(&x, python ? "ckp" : "ckj", append, 3, 1);   /* a head shorter than
                                                             INGEST_HEAD_BYTES: it grows */
    append(x.log, "old", 3, 8);
    assert_true(read_all(&x) > 0);   /* read, not committed yet */
    rotate(&x, append);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    struct store_file f;
    assert_int_equal(store_file_by_id(x.s, x.t->ck.id, &f, &e), 1);
    struct stat st;
    assert_int_equal(stat(x.copy, &st), 0);
    /* JSON: every line stored, the checkpoint at the copy's end; Python:
     * the last record is pending, the checkpoint at its start */
    if (!python)
        assert_int_equal(f.offset, st.st_size);
    else
        assert_true(f.offset > 0 && f.offset < st.st_size);
    assert_true(f.head_len > 0 && f.head_len <= st.st_size);
    assert_true(f.head_hash == hash_of(x.copy, 0, f.head_len));
    assert_true(f.tail_hash == tail_of(x.copy, f.offset));
    fix_close(&x);
}

static void checkpoint_json(void **state)
{
    checkpoint_is_what_was_read(state, 0);
}

static void checkpoint_python(void **state)
{
    checkpoint_is_what_was_read(state, 1);
}

/* Reading after the truncation, the file rewritten past the read position:
 * nothing of the new content is taken as the old one's continuation. */
static void read_refuses_new_content(void **state)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    fix_start(&x, "rd", append_json, 20, 1);
    int64_t pos = x.t->pos, records = ingest_stats(x.in)->records;
    assert_int_equal(records, 20);
    rotate(&x, append_json);
    assert_int_equal(ingest_read(x.in, x.t, 1 << 20, &e), 0);
    assert_int_equal(x.t->pos, pos);
    assert_int_equal(ingest_stats(x.in)->records, records);
    assert_int_equal(tailer_truncated(x.t), 1);
    fix_close(&x);
}

/* The same with lines padded to 200 bytes: the 64 bytes before the read
 * position are alike in both contents (x...x"}); the head is not. */
static void padded_lines_truncation_seen(void **state)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    fix_start(&x, "pd", append_padded, 20, 1);
    int64_t pos = x.t->pos;
    copy_file(x.log, x.copy);
    assert_int_equal(truncate(x.log, 0), 0);
    append_padded(x.log, "new", 0, 40);
    assert_int_equal(ingest_read(x.in, x.t, 1 << 20, &e), 0);
    assert_int_equal(x.t->pos, pos);
    assert_int_equal(ingest_stats(x.in)->records, 20);
    assert_int_equal(tailer_truncated(x.t), 1);
    fix_close(&x);
}

/* Read, not committed yet (the checkpoint is still at 0), then truncated
 * and rewritten past the read position: seen as truncated. */
static void truncation_seen_before_first_commit(void **state)
{
    (void)state;
    struct fix x;
    fix_start(&x, "fc", append_json, 20, 0);
    assert_int_equal(tailer_truncated(x.t), 0);
    rotate(&x, append_json);
    assert_int_equal(tailer_truncated(x.t), 1);
    fix_close(&x);
}

/* The same file appended to (no truncation): never seen as truncated, and
 * reads on. */
static void append_is_not_truncation(void **state)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    fix_start(&x, "ap", append_python, 5, 1);
    for (int i = 1; i < 6; i++) {
        append_python(x.log, "old", i * 5, i * 5 + 5);
        assert_int_equal(tailer_truncated(x.t), 0);
        assert_true(read_all(&x) > 0);
        assert_int_equal(ingest_commit(x.in, &e), 0);
    }
    struct store_file f;
    assert_int_equal(store_file_by_id(x.s, x.t->ck.id, &f, &e), 1);
    assert_true(f.tail_hash == tail_of(x.log, f.offset));
    assert_true(f.head_hash == hash_of(x.log, 0, f.head_len));
    fix_close(&x);
}

/* Truncated while empty (logrotate's copytruncate, the writer not yet
 * written again): the file starts over under a new row whose head is
 * empty, in no index. Two lines read, not committed yet, and the file
 * copied again (the next rotation): the copy holds the two lines read, it
 * is a copy of the file being read, not a new file. Before, it was opened
 * as a new file and read from 0: the two lines stored twice (bench_rotation
 * copytruncate, 1 run in 5 at load 4-7). Once the truncation is seen, the
 * copy resumes the row at its checkpoint. */
static void restarted_empty_then_copied(void **state)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    fix_start(&x, "re", append_padded, 20, 1);
    copy_file(x.log, x.copy);
    assert_int_equal(truncate(x.log, 0), 0);
    assert_int_equal(tailer_truncated(x.t), 1);
    assert_int_equal(ingest_restart(x.in, x.t, &e), 0);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(x.t->head_n, 0);
    append_padded(x.log, "new", 0, 2);
    assert_true(read_all(&x) > 0);   /* read, not committed */
    assert_int_equal(ingest_stats(x.in)->records, 22);
    append_padded(x.log, "new", 2, 10);
    unlink(x.copy);
    copy_file(x.log, x.copy);
    struct tailer *c = NULL;
    int64_t copy_of = 0;
    assert_int_equal(ingest_open(x.in, x.copy, &x.io.parse, &c, &copy_of, &e), INGEST_COPY);
    assert_null(c);
    /* the truncation seen: the copy is the row, from its checkpoint on */
    assert_int_equal(truncate(x.log, 0), 0);
    assert_int_equal(tailer_truncated(x.t), 1);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(ingest_restart(x.in, x.t, &e), 0);
    assert_int_equal(ingest_open(x.in, x.copy, &x.io.parse, &c, &copy_of, &e), INGEST_OPENED);
    int64_t n, got = 0;
    while ((n = ingest_read(x.in, c, 1 << 20, &e)) > 0)
        got += n;
    assert_int_equal(got, 8 * 200);
    assert_int_equal(ingest_flush(x.in, c, 1, &e), 0);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(ingest_stats(x.in)->records, 30);
    ingest_release(x.in, c);
    fix_close(&x);
}

/* The next copy shorter than what was read: two lines written after the
 * truncation, copied, a third written before the next truncation (the
 * race window) and read with them, committed (the row's head: the three
 * lines). The copy, 400 bytes, cannot match that head: it was opened as a
 * new file and read from 0, its two lines stored twice, whether opened
 * before the truncation was seen or as the copy found after it. It holds
 * nothing that was not read: skipped both times. */
static void copy_shorter_than_read(void **state)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    fix_start(&x, "sh", append_padded, 20, 1);
    copy_file(x.log, x.copy);
    assert_int_equal(truncate(x.log, 0), 0);
    assert_int_equal(tailer_truncated(x.t), 1);
    assert_int_equal(ingest_restart(x.in, x.t, &e), 0);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    append_padded(x.log, "new", 0, 2);
    unlink(x.copy);
    copy_file(x.log, x.copy);
    append_padded(x.log, "new", 2, 3);
    assert_int_equal(read_all(&x), 600);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    int64_t kid = x.t->ck.id;
    struct tailer *c = NULL;
    int64_t copy_of = 0;
    assert_int_equal(ingest_open(x.in, x.copy, &x.io.parse, &c, &copy_of, &e), INGEST_COPY);
    assert_null(c);
    assert_int_equal(truncate(x.log, 0), 0);
    assert_int_equal(tailer_truncated(x.t), 1);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(ingest_restart(x.in, x.t, &e), 0);
    ingest_expect(x.in, kid);   /* as rot.c opens the copy it found */
    assert_int_equal(ingest_open(x.in, x.copy, &x.io.parse, &c, &copy_of, &e), INGEST_COPY);
    assert_null(c);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(ingest_stats(x.in)->records, 23);
    fix_close(&x);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/test_copytrunc.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A rotated file compressed (gzip) after it was read to its end, its
 * plain copy gone: the .gz, opened while gzip is still writing it, resumes
 * at the row's checkpoint (its end). gzseek skips at the next read and
 * drops what it cannot skip at the end of a file still being written; the
 * stream went on from there, and once the file was whole its bytes before
 * the checkpoint were read as new (the records stored twice). Nothing is
 * read from it, before and after the rest of it is written. */
static void gz_resumed_while_written(void **state)
{
    (void)state;
    struct fix x;
    struct err e = {0};
    fix_start(&x, "gzw", append_json, 200, 0);
    assert_int_equal(ingest_flush(x.in, x.t, 1, &e), 0);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(ingest_stats(x.in)->records, 200);
    ingest_release(x.in, x.t);
    x.t = NULL;
    /* the compressed bytes of the whole file, then the plain file gone */
    char gz[160], tmp[160];
    snprintf(gz, sizeof gz, "%s.1.gz", x.log);
    snprintf(tmp, sizeof tmp, "%s.full.gz", x.log);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "gzip -c '%s' > '%s'", x.log, tmp);
    assert_int_equal(system(cmd), 0);
    static char z[65536];
    FILE *f = fopen(tmp, "rb");
    assert_non_null(f);
    size_t zn = fread(z, 1, sizeof z, f);
    fclose(f);
    assert_true(zn > 1000 && zn < sizeof z);
    unlink(tmp);
    unlink(x.log);
    /* gzip has written half of it */
    f = fopen(gz, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(z, 1, zn / 2, f), zn / 2);
    fclose(f);
    struct tailer *c = NULL;
    int64_t copy_of = 0, n;
    assert_int_equal(ingest_open(x.in, gz, &x.io.parse, &c, &copy_of, &e), INGEST_OPENED);
    assert_int_equal(c->pos, 200 * 100);   /* resumed at the row's end */
    while ((n = ingest_read(x.in, c, 1 << 20, &e)) > 0)
        ;
    assert_int_equal(n, 0);
    /* the rest of it */
    f = fopen(gz, "ab");
    assert_non_null(f);
    assert_int_equal(fwrite(z + zn / 2, 1, zn - zn / 2, f), zn - zn / 2);
    fclose(f);
    int64_t got = 0;
    while ((n = ingest_read(x.in, c, 1 << 20, &e)) > 0)
        got += n;
    assert_int_equal(n, 0);
    assert_int_equal(got, 0);
    assert_int_equal(ingest_flush(x.in, c, 1, &e), 0);
    assert_int_equal(ingest_commit(x.in, &e), 0);
    assert_int_equal(ingest_stats(x.in)->records, 200);
    ingest_release(x.in, c);
    unlink(gz);
    fix_close(&x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(checkpoint_json),
        cmocka_unit_test(checkpoint_python),
        cmocka_unit_test(read_refuses_new_content),
        cmocka_unit_test(truncation_seen_before_first_commit),
        cmocka_unit_test(padded_lines_truncation_seen),
        cmocka_unit_test(append_is_not_truncation),
        cmocka_unit_test(restarted_empty_then_copied),
        cmocka_unit_test(copy_shorter_than_read),
        cmocka_unit_test(gz_resumed_while_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
