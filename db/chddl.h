/* chddl: the text of the ClickHouse schema's DDL for a given server
 * version. 18.16 (the Debian package) gets the plain schema: no skip
 * indexes, codecs nor TTL exist there. Newer servers get what they
 * support: per-column codecs from 19.1, TTL from 19.6 (when a retention is
 * configured), token and bloom filter skip indexes from 20.1 (19.x needs
 * an experimental setting for them). Pure text, no I/O: unit-tested with
 * exact strings (tests/unit/test_chddl.c) for versions not installable here. */
#ifndef LOGDECK_CHDDL_H
#define LOGDECK_CHDDL_H

#include <stdint.h>

#include "db/chsql.h"

enum {
    CHDDL_CODECS = 1,       /* per-column CODEC(...) */
    CHDDL_TTL = 2,          /* TTL on the tables */
    CHDDL_INDEXES = 4       /* tokenbf_v1 / bloom_filter skip indexes */
};

struct chddl_opts {
    int major, minor;       /* server version() */
    const char *db;         /* database: letters, digits, '_' (checked by the URL parser) */
    int64_t ttl_days;       /* > 0: rows older than this many days expire (needs CHDDL_TTL) */
};

/* The CHDDL_* features of a server version. */
int chddl_features(int major, int minor);
/* Parses version() ("18.16.1", "23.8.2.7"): 0, or -1 when not a version. */
int chddl_version(const char *v, int *major, int *minor);
/* CREATE TABLE IF NOT EXISTS db.logs ... (appended to b). */
void chddl_logs(struct chbuf *b, const struct chddl_opts *o);
/* CREATE MATERIALIZED VIEW IF NOT EXISTS db.logs_by_cid ... (appended). */
void chddl_by_cid(struct chbuf *b, const struct chddl_opts *o);
/* What the features add, for store init's message: "plain schema (server
 * 18.16)" or "codecs, TTL 30 days, skip indexes (server 23.8)". */
void chddl_describe(char *out, size_t cap, const struct chddl_opts *o);

#endif
