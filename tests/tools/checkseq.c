/* checkseq: checks a store against what tests/tools/writer wrote.
 *
 *   checkseq DB RECORD...     per stream: every seq marked 'w' stored exactly
 *                             once and in order; 'r' seqs (copytruncate race
 *                             window) may be missing, but then the store's
 *                             loss counters must be non-zero
 *   checkseq --no-loss ...    also: no loss counted anywhere
 *   checkseq --allow-loss ... any seq may be missing, if losses are counted
 *   checkseq --exact-loss ... lines may be missing only as the store counts
 *                             them: a writer file missing as a whole is one
 *                             file lost unread (a files row with size -1),
 *                             other missing lines add up to the lost_lines
 *                             counted (writer files start at its 'n' marks)
 *   checkseq --estimated=N ...  the indexer estimated N more lines lost
 *                             (copytruncate races it never saw: its status
 *                             line; not in the store): they count as counted
 *                             for 'r' seqs missing, not for --no-loss
 *   checkseq --any-order ...  a stream written to many files: order not checked
 *   checkseq --file-order ... order checked within each stored file only (the
 *                             contract: in order per file), not across files
 *   checkseq --prefix ...     seqs may be missing only after the last stored one
 *   checkseq --dump DB        prints "file<TAB>truncated<TAB>msg" per record
 *   checkseq --files DB       prints the files' status rows
 *
 * A record's stream and seq are the first "<stream> <number>" pair of
 * words in its message whose stream is one the record files name. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/store.h"

#define MAX_STREAMS 64

struct stream {
    char name[32];
    unsigned char *flag;     /* per seq: 0 never written, 'w', 'r' */
    unsigned char *newfile;  /* per seq: 1 if a new writer file starts there */
    unsigned *stored;        /* per seq: times stored */
    long long cap, last, out_of_order, foreign;
};

struct ck {
    struct stream s[MAX_STREAMS];
    int n;
    long long lost_lines, lost_bytes, records, unread;
    long long est;   /* --estimated=N */
    long long gaps;  /* losses of unknown size the store counts (store_totals) */
    int any_order;   /* a stream spread over many files: no order across them */
    int file_order;  /* order within each file row only */
    struct { int64_t id; long long last; } fl[4096];   /* per file row: last seq */
    size_t nfl;
    int prefix;      /* only the first seqs are stored yet: missing only at the end */
};

static struct stream *find(struct ck *c, const char *name, size_t len)
{
    for (int i = 0; i < c->n; i++)
        if (strlen(c->s[i].name) == len && !memcmp(c->s[i].name, name, len))
            return &c->s[i];
    return NULL;
}

static void grow(struct stream *s, long long seq)
{
    if (seq < s->cap)
        return;
    long long cap = s->cap ? s->cap : 1024;
    while (cap <= seq)
        cap *= 2;
    s->flag = realloc(s->flag, (size_t)cap);
    s->stored = realloc(s->stored, (size_t)cap * sizeof *s->stored);
    s->newfile = realloc(s->newfile, (size_t)cap);
    memset(s->newfile + s->cap, 0, (size_t)(cap - s->cap));
    memset(s->flag + s->cap, 0, (size_t)(cap - s->cap));
    memset(s->stored + s->cap, 0, (size_t)(cap - s->cap) * sizeof *s->stored);
    s->cap = cap;
}

static int load_record(struct ck *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "checkseq: cannot read %s\n", path);
        return -1;
    }
    char name[32], flag;
    long long seq;
    while (fscanf(f, "%31s %lld %c", name, &seq, &flag) == 3) {
        struct stream *s = find(c, name, strlen(name));
        if (!s && c->n < MAX_STREAMS) {
            s = &c->s[c->n++];
            snprintf(s->name, sizeof s->name, "%s", name);
            s->last = -1;
        }
        grow(s, seq);
        if (flag == 'n')
            s->newfile[seq] = 1;
        else
            s->flag[seq] = (unsigned char)flag;
    }
    fclose(f);
    return 0;
}

static int on_row(void *ctx, const struct store_row *r)
{
    struct ck *c = ctx;
    const char *m = r->rec.msg, *end = m + r->rec.msg_len;
    c->records++;
    while (m < end) {
        while (m < end && *m == ' ')
            m++;
        const char *w = m;
        while (m < end && *m != ' ')
            m++;
        struct stream *s = find(c, w, (size_t)(m - w));
        if (!s || m >= end || m[1] < '0' || m[1] > '9')
            continue;
        long long seq = strtoll(m + 1, NULL, 10);
        grow(s, seq);
        s->stored[seq]++;
        if (c->file_order) {
            size_t k = 0;
            while (k < c->nfl && c->fl[k].id != r->file_id)
                k++;
            if (k == c->nfl && c->nfl < sizeof c->fl / sizeof c->fl[0])
                c->fl[c->nfl].id = r->file_id, c->fl[c->nfl++].last = -1;
            if (k < c->nfl) {
                if (seq <= c->fl[k].last && s->out_of_order++ < 5)
                    printf("  %s: seq %lld stored after %lld in the same file (record %lld, %s)\n",
                           s->name, seq, c->fl[k].last, (long long)r->id, r->file);
                c->fl[k].last = seq;
            }
        } else if (!c->any_order && seq <= s->last && s->out_of_order++ < 5)
            printf("  %s: seq %lld stored after %lld (record %lld, %s)\n", s->name, seq,
                   s->last, (long long)r->id, r->file);
        s->last = seq;
        return 0;
    }
    return 0;
}

static int on_file(void *ctx, const struct store_file_status *f)
{
    struct ck *c = ctx;
    c->lost_lines += f->lost_lines;
    c->lost_bytes += f->lost_bytes;
    c->unread += f->size < 0 && f->state == 2;
    if (!c->n)
        printf("%lld\t%s\tstate=%d gz=%d records=%lld lost_lines=%lld lost_bytes=%lld "
               "truncated=%lld offset=%lld size=%lld\n", (long long)f->id, f->path, f->state,
               f->gz, (long long)f->records, (long long)f->lost_lines, (long long)f->lost_bytes,
               (long long)f->truncated, (long long)f->offset, (long long)f->size);
    return 0;
}

static int dump_row(void *ctx, const struct store_row *r)
{
    (void)ctx;
    printf("%s\t%d\t%.*s\n", r->file, r->rec.truncated, (int)r->rec.msg_len, r->rec.msg);
    return 0;
}

/* --exact-loss: missing lines per writer file against the store's counts. */
static int judge_exact(struct ck *c)
{
    long long whole = 0, partial = 0;
    for (int i = 0; i < c->n; i++) {
        struct stream *s = &c->s[i];
        long long w = 0, miss = 0;
        for (long long q = 0; q <= s->cap; q++) {
            if (q == s->cap || s->newfile[q]) {   /* a writer file ends before q */
                whole += w && miss == w;
                partial += miss < w ? miss : 0;
                w = miss = 0;
            }
            if (q < s->cap && s->flag[q]) {
                w++;
                miss += !s->stored[q];
            }
        }
    }
    int ok = whole == c->unread && partial == c->lost_lines && (partial || !c->lost_bytes);
    printf("%s losses: %lld writer files missing whole, %lld files counted lost unread; "
           "%lld lines missing from other files, %lld lines / %lld bytes counted lost\n",
           ok ? "ok" : "BAD", whole, c->unread, partial, c->lost_lines, c->lost_bytes);
    return !ok;
}

static int judge(struct ck *c, int no_loss, int allow)
{
    int bad = 0;
    for (int i = 0; i < c->n; i++) {
        struct stream *s = &c->s[i];
        long long w = 0, dup = 0, miss = 0, miss_r = 0, extra = 0;
        long long top = -1;
        for (long long q = 0; q < s->cap; q++)
            if (s->stored[q])
                top = q;
        for (long long q = 0; q < s->cap; q++) {
            w += s->flag[q] != 0;
            dup += s->stored[q] > 1;
            miss += s->flag[q] == 'w' && !s->stored[q] && !allow && !(c->prefix && q > top);
            miss_r += (s->flag[q] == 'r' || (allow && s->flag[q] == 'w')) && !s->stored[q];
            extra += !s->flag[q] && s->stored[q];
            if (s->flag[q] == 'w' && !s->stored[q] && !allow && miss <= 3)
                printf("  %s: seq %lld missing\n", s->name, q);
            if (s->stored[q] > 1 && dup <= 3)
                printf("  %s: seq %lld stored %u times\n", s->name, q, s->stored[q]);
        }
        char est[64];
        snprintf(est, sizeof est, ", %lld more estimated", c->est);
        char gaps[64] = "";
        if (c->gaps)
            snprintf(gaps, sizeof gaps, ", %lld losses of unknown size", c->gaps);
        int ok = !dup && !miss && !extra && !s->out_of_order &&
                 !(miss_r && !c->lost_lines && !c->lost_bytes && !c->unread && !c->est &&
                   !c->gaps);
        printf("%s stream %s: %lld written, %lld missing, %lld duplicated, %lld out of order, "
               "%lld unknown, %lld lost in race windows (store counts %lld lines, %lld bytes, "
               "%lld files lost)%s%s\n", ok ? "ok" : "BAD", s->name, w, miss, dup,
               s->out_of_order, extra, miss_r, c->lost_lines, c->lost_bytes, c->unread,
               c->est ? est : "", gaps);
        bad |= !ok;
    }
    if (no_loss && (c->lost_lines || c->lost_bytes || c->unread || c->gaps)) {
        printf("BAD: losses counted (%lld lines, %lld bytes, %lld files, %lld of unknown size) "
               "where none were expected\n", c->lost_lines, c->lost_bytes, c->unread, c->gaps);
        bad = 1;
    }
    return bad;
}

int main(int argc, char **argv)
{
    static struct ck c;
    struct err e = {0};
    int i = 1, no_loss = 0, dump = 0, files = 0, allow = 0, any_order = 0, prefix = 0, exact = 0;
    int file_order = 0;
    for (; i < argc && argv[i][0] == '-'; i++) {
        no_loss |= !strcmp(argv[i], "--no-loss");
        dump |= !strcmp(argv[i], "--dump");
        files |= !strcmp(argv[i], "--files");
        allow |= !strcmp(argv[i], "--allow-loss");
        any_order |= !strcmp(argv[i], "--any-order");
        file_order |= !strcmp(argv[i], "--file-order");
        prefix |= !strcmp(argv[i], "--prefix");
        exact |= !strcmp(argv[i], "--exact-loss");
        if (!strncmp(argv[i], "--estimated=", 12))
            c.est = strtoll(argv[i] + 12, NULL, 10);
    }
    if (i >= argc) {
        fputs("usage: checkseq [--no-loss|--dump|--files] DB [RECORD...]\n", stderr);
        return 2;
    }
    struct store *s = store_open(argv[i], STORE_READ, &e);
    if (!s) {
        fprintf(stderr, "checkseq: %s\n", e.msg);
        return 1;
    }
    int rc = 0;
    if (any_order)
        c.any_order = 1;
    c.file_order = file_order;
    c.prefix = prefix;
    if (dump) {
        rc = store_dump(s, 0, dump_row, NULL, &e) < 0;
    } else if (files) {
        rc = store_file_status(s, 0, on_file, &c, &e) < 0;
    } else {
        for (int j = i + 1; j < argc; j++)
            if (load_record(&c, argv[j]) < 0)
                return 2;
        struct store_totals t;
        if (store_dump(s, 0, on_row, &c, &e) < 0 || store_file_status(s, 0, on_file, &c, &e) < 0 ||
            store_totals(s, &t, &e) < 0)
            rc = 1;
        else {
            c.gaps = t.lost_gaps;
            rc = judge(&c, no_loss, allow || exact) | (exact ? judge_exact(&c) : 0);
        }
    }
    if (e.msg[0])
        fprintf(stderr, "checkseq: %s\n", e.msg);
    store_close(s);
    return rc;
}
