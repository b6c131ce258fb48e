/* fv: field=value tokens and the field catalogue (db internals).
 *
 * Every scalar field of a record (and each element of an array, at the
 * array's path: src/base/flat.h) becomes one token in rec_fv (contentless
 * FTS5, detail=none), so that an equality on any field, or a glob with a
 * fixed prefix, is one posting-list lookup. A token spells the path and the
 * value exactly, in letters and digits only (FTS5's tokenizer keeps such a
 * word whole and lower-case):
 *     kind  enc(path)  "qx"  enc(value)  ["qw" when the value was cut]
 * kind: 's' string or boolean, 'n' number (canonical text, flat.h; numeric
 * strings get one too), 'v' a virtual field computed by the store:
 * "service" (field, else logger, else file stem: the naming rule every
 * view shows), "path" (the request path: path, url.path, endpoint),
 * "logger", "metric". enc() keeps [a-pr-y0-9], writes an upper-case letter as
 * 'z' + the letter, any other byte as 'q' + two hex digits: a prefix-free
 * code, so enc(a) is a prefix of enc(b) iff a is a prefix of b, and token
 * equality is value equality for values up to FV_VALUE_MAX bytes.
 *
 * Fields the query language reads from columns of their own (plan_field:
 * the time, level, cid, service, logger, message, duration, status, metric)
 * get no token: a query never reads them as structured fields.
 *
 * The catalogue counts, per file, the records holding each path (once per
 * record, however many elements an array gives it). */
#ifndef LOGDECK_FV_H
#define LOGDECK_FV_H

#include <stddef.h>
#include <stdint.h>

#include "db/store_int.h"

#define FV_VALUE_MAX 64    /* value bytes spelled in a token; longer ones are cut */

enum { FV_STR = 's', FV_NUM = 'n', FV_VIRT = 'v' };

/* Appends the token (no quotes) for (kind, path, value) to out, which must
 * hold fv_token_cap(plen) bytes; with prefix the value is a prefix and no
 * cut marker is written. Returns its length. *cut (may be NULL) is set to
 * 1 when the value was longer than FV_VALUE_MAX. */
size_t fv_token(char *out, int kind, const char *path, size_t plen, const char *val,
                size_t vlen, int prefix, int *cut);
size_t fv_token_cap(size_t plen);

/* A number in a string (spaces around allowed, as ld_fieldnum reads it):
 * 0 and *out set, or -1. */
int fv_text_number(const char *s, size_t n, double *out);

/* 1 if the values of a field the query language reads as role (an enum
 * pfield, plan_field()) are words of the record: not the time and not the
 * cid (which has a token of its own). */
int fv_words_of(int role);

/* The words of a text: n bytes of m to out (which holds n), each terminal
 * escape sequence (CSI "ESC [ ... final", else ESC and the next byte; ESC
 * also spelt \u001b, as in a JSON line) as one space, so that full text finds the words they colour. Returns the
 * bytes written. */
size_t fv_words_text(char *out, const char *m, size_t n);

/* Registers rec_fv's tokenizer "ldfv" on s's connection (every connection,
 * before rec_fv is created or read; a store made before it was there reads
 * rec_fv with unicode61, which splits that text the same). 0, or -1 with e. */
int fv_register(struct store *s, struct err *e);

/* Per-store ingest state (store->fv), created on the first store_add. */
struct fv_state;
void fv_free(struct fv_state *f);

/* For record r of file file_id: fills the rec_fv document and counts the
 * fields in the catalogue (the record's words are indexed per block from
 * its raw text: txt.h). Pointers are owned by the store, valid until the
 * next call. Returns 0 or -1 (OOM). */
struct fv_out {
    const char *doc;
    size_t dlen;
    const char *path;    /* the request path: r->path, else the first of the
                            fields path, url.path, endpoint; or NULL */
    const char *service; /* by the naming rule: service, else logger, else
                            the file's stem; or NULL */
};
int fv_record(struct store *s, int64_t file_id, const struct record *r, struct fv_out *out);
/* The same documents for a stored record being deleted (contentless FTS5
 * deletes must repeat them exactly); its fields are taken off the
 * catalogue (written by fv_flush, which drops paths no record holds). */
int fv_record_stored(struct store *s, int64_t file_id, const struct record *r,
                     struct fv_out *out);
/* The stem of file_id's name ("api" for /var/log/api.jsonl.1), or NULL;
 * borrowed until the next call. */
const char *fv_stem(struct store *s, int64_t file_id);
/* Writes the catalogue counts gathered since the last flush (inside the
 * open transaction). */
int fv_flush(struct store *s, struct err *e);
/* Forgets counts of a rolled-back batch. */
void fv_discard(struct store *s);

#endif
