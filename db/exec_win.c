/* exec_win: a WALK's filter by a field token's ids (exec_pager.h). A walk
 * of rec_ts checked every row it passed by a point query with the whole
 * condition: the row read, its block of text decoded and, for a field
 * equality, its JSON parsed (~17k instructions a row; a page of
 * http.request.method:POST at 1M walks ~900 rows for 50, 850 of them in
 * files without the field). The filter reads the token's ids by windows
 * of EXEC_WIN_IDS consecutive ids (one rowid range of rec_fv, which FTS5
 * seeks to), and only the rows a read window holds are point-queried: a
 * row outside the term's list cannot match, since the term is one of the
 * query's AND-ed conditions and its tokens are a superset of its records
 * (db/exec_fv.c). A window's read costs ~1.1M instructions at 1M
 * records (the term's lookup in each of rec_fv's ~15 segments, whatever
 * the window holds), about as many as ~80 point queries, but it touches
 * pages of rec_fv that the term's first ids already brought in, where
 * each point query touches a page of the records and one of the text
 * blocks: on the build machine (a VM, where a first touch of a page costs
 * tens of microseconds) the filter takes fewer page faults and less CPU
 * even where most rows match (method:POST, 24%: 362 -> 320 faults). The
 * page uses it for fields read from the JSON text; the virtual fields
 * (service, path, ...) are columns of the row, checked without a page of
 * text: no filter (path:/api/v1/tts: the same faults, +30%
 * instructions). */
#include "db/exec_pager.h"

#include <stdlib.h>
#include <string.h>

#define WIN_SHIFT 10
#define EXEC_WIN_IDS (1 << WIN_SHIFT)
#define WIN_SLOTS 64

struct exec_win {
    sqlite3_stmt *st;
    int64_t key[WIN_SLOTS];   /* window number + 1 held by a slot; 0: none */
    unsigned char bits[WIN_SLOTS][EXEC_WIN_IDS / 8];
};

struct exec_win *exec_win_new(struct store *s, const char *expr, struct err *e)
{
    struct exec_win *w = calloc(1, sizeof *w);
    if (!w) {
        err_set(e, "out of memory reading a page");
        return NULL;
    }
    if (sqlite3_prepare_v2(s->db, "SELECT rowid FROM rec_fv WHERE rec_fv MATCH ?1 AND "
                           "rowid >= ?2 AND rowid < ?3", -1, &w->st, NULL) != SQLITE_OK) {
        store_sqlerr(s, e, "reading an index");
        exec_win_free(w);
        return NULL;
    }
    sqlite3_bind_text(w->st, 1, expr, -1, SQLITE_TRANSIENT);
    return w;
}

void exec_win_free(struct exec_win *w)
{
    if (!w)
        return;
    sqlite3_finalize(w->st);
    free(w);
}

/* Reads window k into slot i. 0, or -1 with e. */
static int load(struct store *s, struct exec_win *w, int i, int64_t k, struct err *e)
{
    int64_t lo = k << WIN_SHIFT;
    int rc;
    memset(w->bits[i], 0, sizeof w->bits[i]);
    w->key[i] = 0;
    sqlite3_bind_int64(w->st, 2, lo);
    sqlite3_bind_int64(w->st, 3, lo + EXEC_WIN_IDS);
    while ((rc = sqlite3_step(w->st)) == SQLITE_ROW) {
        int64_t b = sqlite3_column_int64(w->st, 0) - lo;
        if (b >= 0 && b < EXEC_WIN_IDS)
            w->bits[i][b >> 3] |= (unsigned char)(1u << (b & 7));
    }
    sqlite3_reset(w->st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading an index");
    w->key[i] = k + 1;
    s->exec->win_reads++;
    return 0;
}

int exec_win_has(struct store *s, struct exec_win *w, int64_t id, struct err *e)
{
    if (id < 0)
        return 1;   /* not a record id the windows cover: the point query decides */
    int64_t k = id >> WIN_SHIFT, b = id & (EXEC_WIN_IDS - 1);
    int i = (int)(k % WIN_SLOTS);
    if (w->key[i] != k + 1 && load(s, w, i, k, e) < 0)
        return -1;
    return w->bits[i][b >> 3] >> (b & 7) & 1;
}
