/* fuzz_txttok: the text index's tokenizer (ldrec, db/txt_tok.c) on
 * arbitrary log text. The input is split on '\n' into records; a record's
 * cid is what follows its first TAB, its message what follows its second
 * (cut from the raw text, as a parser's are, or anything), and the
 * records fill documents of TXT_SLOTS slots. For each document:
 * - the prepared form (txt_doc_prepare, the writer's path) and the
 *   document itself give the index the same postings (fts5vocab
 *   'instance' of two tables, one written each way), with the cid rule of
 *   the first input byte (a cid token for every cid, or 'cidwords');
 * - deleting each document as it was written leaves both tables empty
 *   (the index holds exactly the live records);
 * - a record of ASCII text without '_' or terminal escapes, alone in a
 *   document, has unicode61's words, as ldrec promises (txt.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/txt.h"

struct fz {
    struct store s;
    struct txt_tok *tok[2];
    struct txt_doc d, p, one;
    sqlite3_stmt *ins[2][2], *del[2][2], *cmp[2], *uins, *udel, *rins, *rdel, *ucmp, *empty[2];
};

static sqlite3_stmt *prep(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_txttok: %s: %s\n", sql, sqlite3_errmsg(db));
        abort();
    }
    return st;
}

static struct fz *setup(void)
{
    static struct fz f;
    static int done;
    if (done)
        return &f;
    done = 1;
    struct err e = {0};
    f.s.mode = STORE_WRITE;
    if (sqlite3_open(":memory:", &f.s.db) != SQLITE_OK || txt_register(&f.s, &e) < 0) {
        fprintf(stderr, "fuzz_txttok: %s\n", e.msg);
        abort();
    }
    static const char *const ddl =
        "CREATE VIRTUAL TABLE a0 USING fts5(body, content='', detail=full, columnsize=0,"
        " tokenize='ldrec');"
        "CREATE VIRTUAL TABLE b0 USING fts5(body, content='', detail=full, columnsize=0,"
        " tokenize='ldrec');"
        "CREATE VIRTUAL TABLE a1 USING fts5(body, content='', detail=full, columnsize=0,"
        " tokenize='ldrec cidwords');"
        "CREATE VIRTUAL TABLE b1 USING fts5(body, content='', detail=full, columnsize=0,"
        " tokenize='ldrec cidwords');"
        "CREATE VIRTUAL TABLE u USING fts5(body, content='', detail=full, columnsize=0);"
        "CREATE VIRTUAL TABLE r USING fts5(body, content='', detail=full, columnsize=0,"
        " tokenize='ldrec');"
        "CREATE VIRTUAL TABLE va0 USING fts5vocab(a0, instance);"
        "CREATE VIRTUAL TABLE vb0 USING fts5vocab(b0, instance);"
        "CREATE VIRTUAL TABLE va1 USING fts5vocab(a1, instance);"
        "CREATE VIRTUAL TABLE vb1 USING fts5vocab(b1, instance);"
        "CREATE VIRTUAL TABLE vu USING fts5vocab(u, row);"
        "CREATE VIRTUAL TABLE vr USING fts5vocab(r, row);";
    if (sqlite3_exec(f.s.db, ddl, NULL, NULL, NULL) != SQLITE_OK) {
        fprintf(stderr, "fuzz_txttok: %s\n", sqlite3_errmsg(f.s.db));
        abort();
    }
    for (int m = 0; m < 2; m++) {
        if (!(f.tok[m] = txt_tok_new(f.s.db, m))) {
            fprintf(stderr, "fuzz_txttok: no tokenizer\n");
            abort();
        }
        char sql[512];
        for (int k = 0; k < 2; k++) {
            const char *t = k ? "b" : "a";
            snprintf(sql, sizeof sql, "INSERT INTO %s%d(rowid, body) VALUES(1, ?)", t, m);
            f.ins[m][k] = prep(f.s.db, sql);
            snprintf(sql, sizeof sql, "INSERT INTO %s%d(%s%d, rowid, body) VALUES('delete', 1, ?)",
                     t, m, t, m);
            f.del[m][k] = prep(f.s.db, sql);
        }
        /* rows of one vocabulary missing from the other, either way */
        snprintf(sql, sizeof sql,
                 "SELECT (SELECT count(*) FROM (SELECT term, doc, col, offset FROM va%d"
                 " EXCEPT SELECT term, doc, col, offset FROM vb%d)) + (SELECT count(*) FROM"
                 " (SELECT term, doc, col, offset FROM vb%d EXCEPT"
                 " SELECT term, doc, col, offset FROM va%d))", m, m, m, m);
        f.cmp[m] = prep(f.s.db, sql);
        snprintf(sql, sizeof sql, "SELECT (SELECT count(*) FROM va%d) + (SELECT count(*) FROM vb%d)",
                 m, m);
        f.empty[m] = prep(f.s.db, sql);
    }
    f.uins = prep(f.s.db, "INSERT INTO u(rowid, body) VALUES(1, ?)");
    f.udel = prep(f.s.db, "INSERT INTO u(u, rowid, body) VALUES('delete', 1, ?)");
    f.rins = prep(f.s.db, "INSERT INTO r(rowid, body) VALUES(1, ?)");
    f.rdel = prep(f.s.db, "INSERT INTO r(r, rowid, body) VALUES('delete', 1, ?)");
    f.ucmp = prep(f.s.db,
                  "SELECT (SELECT count(*) FROM (SELECT term FROM vu EXCEPT SELECT term FROM vr"
                  " WHERE substr(term, 1, 1) >= ' ')) + (SELECT count(*) FROM (SELECT term FROM vr"
                  " WHERE substr(term, 1, 1) >= ' ' EXCEPT SELECT term FROM vu))");
    return &f;
}

static void run(sqlite3_stmt *st, const void *b, size_t n)
{
    sqlite3_bind_blob(st, 1, b, (int)n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        abort();
    sqlite3_reset(st);
}

static int64_t one(sqlite3_stmt *st)
{
    if (sqlite3_step(st) != SQLITE_ROW)
        abort();
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return v;
}

/* Writes f->d both ways into the tables of mode m, compares, deletes. */
static void check_doc(struct fz *f, int m)
{
    if (txt_doc_prepare(f->tok[m], &f->d, &f->p) < 0)
        return;   /* out of memory */
    if (f->p.slots != f->d.slots)
        abort();
    run(f->ins[m][0], f->d.s, f->d.len);
    run(f->ins[m][1], f->p.s, f->p.len);
    if (one(f->cmp[m]) != 0)
        abort();
    run(f->del[m][0], f->d.s, f->d.len);
    run(f->del[m][1], f->p.s, f->p.len);
    if (one(f->empty[m]) != 0)
        abort();
}

/* One record alone: ldrec's words are unicode61's for plain ASCII text. */
static void check_words(struct fz *f, const char *raw, size_t rn)
{
    for (size_t i = 0; i < rn; i++)
        if ((unsigned char)raw[i] >= 0x80 || raw[i] == '_' || raw[i] == 0x1b || raw[i] == '\0')
            return;
    if (memmem(raw, rn, "\\u001", 5))
        return;   /* terminal escapes are spaces to ldrec (fv_words_text) */
    f->one.len = 0;
    f->one.slots = 0;
    if (txt_doc_add(&f->one, raw, rn, "", 0, "", 0) < 0)
        return;
    run(f->uins, raw, rn);
    run(f->rins, f->one.s, f->one.len);
    int64_t diff = one(f->ucmp);
    run(f->rdel, f->one.s, f->one.len);
    run(f->udel, raw, rn);
    if (diff != 0)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 64 * 1024)
        return 0;
    struct fz *f = setup();
    int m = data[0] & 1, words = 1;
    const char *c = (const char *)data + 1, *end = (const char *)data + size;
    f->d.len = 0;
    f->d.slots = 0;
    while (c < end) {
        const char *nl = memchr(c, '\n', (size_t)(end - c));
        const char *le = nl ? nl : end;
        const char *t1 = memchr(c, '\t', (size_t)(le - c));
        const char *t2 = t1 ? memchr(t1 + 1, '\t', (size_t)(le - t1 - 1)) : NULL;
        const char *cid = t1 ? t1 + 1 : "", *msg = t2 ? t2 + 1 : "";
        size_t cn = t1 ? (size_t)((t2 ? t2 : le) - cid) : 0, mn = t2 ? (size_t)(le - msg) : 0;
        if (words-- > 0)
            check_words(f, c, (size_t)(le - c));
        if (txt_doc_add(&f->d, c, (size_t)(le - c), cid, cn, msg, mn) < 0)
            return 0;
        if (f->d.slots == TXT_SLOTS) {
            check_doc(f, m);
            f->d.len = 0;
            f->d.slots = 0;
        }
        c = le + (nl != NULL);
    }
    if (f->d.slots)
        check_doc(f, m);
    return 0;
}

#include "tests/fuzz/replay.h"
