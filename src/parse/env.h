/* env: plumbing shared by the parse_* modules (parse.c, json.c,
 * text.c, logfmt.c): growable buffers, a string arena whose
 * pointers never move, a JSON-text writer for record.fields, the table of
 * well-known keys (request_id, level, duration_ms, ...) and the rules that
 * turn their values into record fields. Internal to the parser family:
 * nothing outside src/parse*.c should include it.
 *
 * Allocation failures abort(): a parser that cannot allocate a few KiB
 * cannot make progress, and threading NULL through every field setter
 * would cost more than it protects. */
#ifndef LOGDECK_PARSE_ENV_H
#define LOGDECK_PARSE_ENV_H

#include <stddef.h>
#include <stdint.h>

#include "src/parse/cid.h"
#include "src/base/record.h"
#include "src/base/ts.h"

/* Growable byte buffer; data is always NUL-terminated (when cap > 0). */
struct parse_buf {
    char *data;
    size_t len, cap;
};

void parse_buf_fini(struct parse_buf *b);
/* Makes room for extra more bytes (+ NUL). data may move. */
void parse_buf_reserve(struct parse_buf *b, size_t extra);
void parse_buf_add(struct parse_buf *b, const void *s, size_t n);
void parse_buf_addc(struct parse_buf *b, char c);
void parse_buf_set(struct parse_buf *b, const void *s, size_t n);
/* Drops the storage when it grew past `keep` bytes (after a huge line). */
void parse_buf_shrink(struct parse_buf *b, size_t keep);

/* Chunked arena: pointers it returns stay valid until parse_arena_reset. */
struct parse_chunk;
struct parse_arena {
    struct parse_chunk *head, *cur;
};

void parse_arena_fini(struct parse_arena *a);
void parse_arena_reset(struct parse_arena *a);
char *parse_arena_alloc(struct parse_arena *a, size_t n);
/* NUL-terminated copy of n bytes. */
char *parse_arena_dup(struct parse_arena *a, const char *s, size_t n);

/* JSON object text writer for record.fields. Strings are escaped; bytes
 * that are not valid UTF-8 become U+FFFD so the text is always valid JSON. */
struct parse_jw {
    struct parse_buf *b;
    int n;   /* members written */
};

void parse_jw_begin(struct parse_jw *w, struct parse_buf *b);
void parse_jw_str(struct parse_jw *w, const char *k, size_t kn, const char *v, size_t vn);
/* v must already be valid JSON (a number, true, an object text...). */
void parse_jw_raw(struct parse_jw *w, const char *k, size_t kn, const char *v, size_t vn);
void parse_jw_end(struct parse_jw *w);
/* Appends s as a quoted JSON string. */
void parse_json_quote(struct parse_buf *b, const char *s, size_t n);
/* 1 if s[0..n) is a number in strict JSON syntax. */
int parse_is_json_number(const char *s, size_t n);

/* Everything a format parser needs besides the line. */
struct parse_env {
    struct tzspec tz;
    const char *service;         /* default service, or NULL */
    struct cid *cid;             /* cid matcher for text lines */
    struct parse_arena *arena;   /* strings of the record being built */
    struct parse_buf *scratch;   /* temporary; clobbered by every parser */
    struct parse_buf *terms;     /* where record.terms is packed, or NULL */
    int64_t now_us;
    int64_t ref_us;              /* the file's mtime (or now): years of year-less times */
    int loose;                   /* format forced by the user: accept more */
    int dur_cfg;                 /* unit of bare duration keys from the config:
                                    DUR_MS, DUR_S, or 0 (infer) */
    struct parse_dur *dur;       /* the source's duration evidence, or NULL */
};

enum { DUR_UNKNOWN = 0, DUR_MS = 1, DUR_S = 2 };

/* What a source has taught about its bare duration keys: per key
 * (duration, response_time, elapsed) the unit its messages confirmed, and
 * the last numbers its messages printed with a unit ("after 5000.00ms"),
 * which a later record's bare value (a metrics line) may repeat. */
#define PARSE_DUR_RING 16
struct parse_dur {
    int learned[3];
    double ring_v[PARSE_DUR_RING];
    unsigned char ring_u[PARSE_DUR_RING];
    int ring_n;
};

/* Roles of well-known keys. */
enum parse_role {
    ROLE_NONE = 0, ROLE_TS, ROLE_LEVEL, ROLE_MSG, ROLE_CID,
    ROLE_SERVICE, ROLE_LOGGER, ROLE_DUR_MS, ROLE_DUR_S, ROLE_STATUS,
    ROLE_METRIC_NAME, ROLE_METRIC_VALUE, ROLE_PATH,
    ROLE_DUR_BARE,   /* duration, response_time, elapsed: unit per source */
    ROLE_COUNT
};

/* Best priority taken so far per role (lower wins; the first key of the
 * contract's list has priority 0). */
struct parse_pick {
    signed char best[ROLE_COUNT];
};

/* Role and priority of a flat key (dotted keys such as "log.level"
 * included), or ROLE_NONE. k is NUL-terminated. */
int parse_key_role(const char *k, int *prio);

void parse_pick_init(struct parse_pick *pk);
/* Offers a string value (NUL-terminated, n bytes, valid until the record
 * is emitted) for a role. Kept when it is valid for the role and beats the
 * priority already taken. Returns 1 if kept. */
int parse_offer_str(const struct parse_env *env, struct record *r, struct parse_pick *pk,
                    int role, int prio, const char *s, size_t n);
/* Same for a number. Integral cids are copied to the arena as decimal text. */
int parse_offer_num(const struct parse_env *env, struct record *r, struct parse_pick *pk,
                    int role, int prio, double v);

/* Level from a number: syslog 0..7, else Python levelno (10 debug, 20 info,
 * 25 success, 30 warning, 40 error, 50 critical; 5 trace). -1 if negative. */
int parse_level_number(double v);

/* The unit of bare duration key number key (0 duration, 1 response_time,
 * 2 elapsed; prio - 8 in the key table) with value v (< 0: unknown) in a
 * record whose message is msg: the config's; else a number in msg equal to
 * v with its unit ("in 0.52s", "after 5000.00ms"), which also teaches the
 * source that key's unit; else a number equal to v that a recent message
 * of the source printed with a unit; else what the source taught for the
 * key; else hint (DUR_MS/DUR_S), else seconds. */
int parse_dur_unit(const struct parse_env *env, int key, double v, const char *msg,
                   size_t msg_len, int hint);

/* Resets r to an unparsed single-line record read at now_us. */
void parse_record_init(struct record *r, const struct parse_env *env);

/* Sets r->cid from the text cid matcher over s (copied to the arena). */
void parse_text_cid(const struct parse_env *env, struct record *r, const char *s, size_t n);

#endif
