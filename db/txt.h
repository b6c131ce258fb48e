/* txt: the full-text index of records (db internals, store v8).
 *
 * rec_txt is a contentless FTS5 table (detail=full) with one document per
 * chunk of consecutive record ids: a block of text (blk.h; the document's
 * rowid is the block's id) or, for rows kept from a v4 store, the ids
 * [k * 128 + 1, k * 128 + 128]. Its tokenizer (ldrec) reads a document
 * written by txt_doc_add(): one slot per record, in id order, and gives
 * every word of slot i the position i. So a term's position list in a
 * document is the set of records holding it (exact counts without reading
 * any text), while the index stores each term once per block instead of
 * once per record: 67.6 MB -> see README (store v8) at 1M records.
 *
 * A record's words are what grep reads in it: its whole raw text (terminal
 * escapes as spaces, fv_words_text) split by unicode61. Each word is
 * indexed once per record. A record's cid has a token of its own, "cid" +
 * its letters and digits (store_cid_token), only when one of the cid's
 * words is not a word of its text (a cid_regex that cut it out of a longer
 * word, a JSON escape inside it): rec_txt declared with tokenize 'ldrec
 * cidwords' (store->cid_words). A cid is found by its words or its token,
 * then checked (exec_cid_expr). A store made before 2026-12-03 ('ldrec'
 * alone) has the token for every record with a cid: 15.2 MB of 63.5 at 1M
 * records of gen --wide, each request id's letters and digits twice. A
 * slot of no words (a record deleted by retention, an empty line) holds
 * the word TXT_FILLER, which no query spells.
 *
 * A term held by more than half of the records of a full block is written
 * instead as TXT_COMP + term at the positions of the records that do not
 * hold it, plus position TXT_SLOTS: the words every JSON line of a file
 * repeats (keys, the date) cost a few bytes per block.
 *
 * Reading (registered on every connection, txt_register):
 *   ld_txt(expr)             table of the ids (ascending) of the records
 *                            holding every token of expr, an FTS5 query as
 *                            exec_fts_expr() writes it ("a" "b"*).
 *   ld_txt_count(expr)       how many, from the positions alone.
 * Retention rewrites the document of each chunk it deletes from
 * (txt_chunk_*), so the index holds exactly the live records. */
#ifndef LOGDECK_TXT_H
#define LOGDECK_TXT_H

#include <stddef.h>
#include <stdint.h>

#include "db/store_int.h"

#define TXT_SLOTS 128            /* records per document, at most */
#define TXT_FILLER "\x01"
#define TXT_COMP "\x03"         /* + a term held by most of a block's records */
#define TXT_SNAKE "\x05"        /* + a run of letters and '_' holding a '_' */

/* A growing document (caller-owned; zero-initialise, free s). */
struct txt_doc {
    char *s;
    size_t len, cap;
    int slots;
};

/* Appends the slot of one record: its raw text, cid and message (any may
 * be empty; a message inside the raw text is not repeated). 0, or -1 out
 * of memory. */
int txt_doc_add(struct txt_doc *d, const char *raw, size_t rn, const char *cid, size_t cn,
                const char *msg, size_t mn);

/* The ldrec tokenizer (txt_tok.c), for txt_register. */
void txt_tok_module(fts5_tokenizer *out);

/* The writer's own ldrec tokenizer (txt_tok.c), used on the thread that
 * fills the blocks (blk.c): txt_doc_prepare turns a document of slots into
 * a prepared document, the tokens ldrec makes of it, in order, which ldrec
 * then only replays when the document is inserted or deleted (the index
 * is the same: test_txttok), so the store thread's INSERT does not split
 * and sort the words. txt_tok_new: NULL when out of memory or without
 * FTS5. Owned by the caller; one thread at a time. */
struct txt_tok;
struct txt_tok *txt_tok_new(sqlite3 *db, int cid_words);
void txt_tok_free(struct txt_tok *t);
/* out (caller-owned, reused) = the prepared form of in. 0, or -1 (out of
 * memory, or in is not a document of slots). */
int txt_doc_prepare(struct txt_tok *t, const struct txt_doc *in, struct txt_doc *out);

/* 1 for the characters of a run (ASCII letters and '_'). */
static inline int txt_run_char(unsigned char c)
{
    return c == '_' || ((c | 32) >= 'a' && (c | 32) <= 'z');
}

/* Registers the tokenizer, ld_recmask, ld_txt and ld_txt_count on s's
 * connection (every connection, before rec_txt is used). 0, or -1 with e. */
int txt_register(struct store *s, struct err *e);

/* Document id: removes old (on bytes, the document as last written for
 * id; on = 0: none) and writes doc (dn = 0: none), inside the caller's
 * transaction. 0, or -1 with e. */
int txt_put(struct store *s, int64_t id, const char *old, size_t on, const char *doc, size_t dn,
            struct err *e);

/* For a phrase made only of ASCII letters and '_' (holding both): expr (an
 * exec_fts_expr() string of its words) with the phrase added as a term of
 * ld_txt, which then answers the phrase exactly from the vocabulary of
 * runs (no text read). NULL when the phrase is not such, or is held by
 * too many runs (the caller checks the text). Malloc'd. */
char *txt_snake_expr(struct store *s, const char *expr, const char *phrase);

/* The runs (TXT_SNAKE terms) are listed in txt_runs(run) as well, so that a
 * phrase finds the runs holding it without FTS5's vocabulary (whose rows
 * count each term's documents: 140 ms of CPU for the 5.9k runs of 10M
 * records). Writer: the runs of a record's text (its raw text, and its
 * message when kept apart); txt_flush writes the new ones inside the
 * batch, txt_discard forgets them (rollback). 0, or -1 (e filled). */
struct txt_state;
void txt_free(struct txt_state *t);
int txt_note_runs(struct store *s, const char *text, size_t n);
/* One run, already lower-cased (txt_tok_runs). */
int txt_note_run(struct store *s, const char *run, size_t n);
/* The runs of the document txt_doc_prepare read last, noted (txt_note_run):
 * a block's distinct runs once, instead of each record's. */
int txt_tok_runs(struct txt_tok *t, struct store *s);
int txt_flush(struct store *s, struct err *e);
void txt_discard(struct store *s);

/* --- retention: chunks rewritten around deletes ------------------------- */

/* A chunk: its document's rowid lo, its span (records [lo, lo + n)), and
 * v4 = 1 for an aligned chunk of rows not in a block. */
struct txt_chunk {
    int64_t lo;
    int n, v4;
};
/* The chunk holding record id. 0, or -1 with e. */
int txt_chunk_of(struct store *s, int64_t id, struct txt_chunk *c, struct err *e);
/* Removes c's document as its live records make it (call before deleting
 * any of them). 0, or -1 with e. */
int txt_chunk_remove(struct store *s, const struct txt_chunk *c, struct err *e);
/* Writes c's document from its live records (after the deletes; no
 * document when none is left). 0, or -1 with e. */
int txt_chunk_add(struct store *s, const struct txt_chunk *c, struct err *e);

/* Migration (v7 -> v8): fills rec_txt from every block and v4 row.
 * 0, or -1 with e. */
int txt_rebuild(struct store *s, struct err *e);

#endif
