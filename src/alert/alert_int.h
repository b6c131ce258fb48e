/* alert_int: the engine's internals shared by alert.c (engine, state
 * machine), win.c (time-bucketed windows per group) and text.c
 * (values, templates, notices). Not a public API. */
#ifndef LOGDECK_ALERT_INT_H
#define LOGDECK_ALERT_INT_H

#include <stdint.h>

#include "db/alerts_db.h"
#include "src/alert/alert.h"
#include "src/alert/rules.h"

#define AW_HIST_BINS 640          /* log bins of 5 % from 1e-3: p50/p95/p99 */
#define AW_MAX_GROUPS 500         /* per rule; more are counted as "(other)" */

struct abucket {
    int64_t idx;                  /* ts / width of the records it holds */
    int64_t nm, nq, nv;           /* matching, query (ratio), valued rows */
    double sum, min, max;
    uint32_t *hist;               /* AW_HIST_BINS, percentile rules only */
};

struct agroup {
    char *key;
    struct abucket *b;            /* ring of nb buckets */
    struct adb_state st;          /* the persisted state */
    int64_t last_write;           /* µs: st last saved */
    int notified;                 /* the current firing was sent out */
};

struct awin_value {
    double value;
    int64_t count;                /* records behind the value */
    int64_t basis;                /* what min_count applies to */
    int has_data;
};

struct arule {
    const struct rule *r;
    int64_t width;                /* bucket width, µs */
    int nb;                       /* ring size: buckets in the window + 1 */
    struct agroup *g;
    int ng, gcap;
    int *slot;                    /* hash slots -> group index + 1 */
    int nslot;
    struct adb_scanner *scm, *scq;   /* match / query plans (query: ratio only) */
    int64_t hi_id;                /* fed records up to this id */
    int64_t next_eval, last_eval;
    int dirty;                    /* new records since the last evaluation */
    int64_t started;              /* µs: counting began (absence waits a window) */
    int64_t summary_at;           /* µs: the grp "*" row was last saved */
};

/* --- win.c ---------------------------------------------------------- */
int aw_init(struct arule *ar, const struct rule *r);
void aw_fini(struct arule *ar);
/* The group of key (n bytes; NULL = no group field value -> ""), created
 * when missing; NULL when out of memory. */
struct agroup *aw_group(struct arule *ar, const char *key, size_t n);
/* Adds one row at ts to g; q: row of the query (ratio denominator) scan. */
void aw_add(struct arule *ar, struct agroup *g, int64_t ts, int64_t now, int q, int has_value,
            double value);
struct awin_value aw_value(const struct arule *ar, const struct agroup *g, int64_t now);
/* 1 if every bucket of g in the window at now is empty. */
int aw_empty(const struct arule *ar, const struct agroup *g, int64_t now);
void aw_group_drop(struct arule *ar, int i);

/* --- text.c --------------------------------------------------------- */
/* "7.3%" for ratios, "%.4g" otherwise. */
char *at_value_text(const struct rule *r, double v, char buf[32]);
/* Expands summary/description for g at now; the sample (redacted message of
 * the newest matching record) is fetched from s. Malloc'd outputs. */
struct at_text {
    char *summary, *description, *sample;
    char query[1024];             /* records behind the alert (no time bounds) */
};
int at_render(struct store *s, const struct arule *ar, const struct agroup *g, int64_t now,
              struct at_text *out);
void at_text_fini(struct at_text *t);

#endif
