/* chprune: retention on ClickHouse by dropping whole day partitions
 * (chstore_prune, chstore.h). A day goes when every record in it is older
 * than its level's keep time: one GROUP BY per day counts the records
 * still kept, then ALTER TABLE ... DROP PARTITION removes the day from the
 * logs table and from the (cid, ts) view, so traces never show what the
 * logs table no longer has. Each shard of a cluster is pruned on its own
 * (its URL): the local tables are the ones dropped from. */
#include "db/chstore_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The SQL of the days of the local logs table with their records, the
 * records still kept, and the bytes of their parts. */
static void days_sql(struct chstore *c, const int64_t keep_us[LVL_COUNT], int64_t now)
{
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT toString(toDate(toDateTime(intDiv(ts, 1000000), 'UTC'))) AS d, "
                     "count(), countIf(ts >= transform(level, [");
    for (int l = 0; l < LVL_COUNT; l++)
        chb_add(&c->sql, "%s%d", l ? ", " : "", l);
    chb_add(&c->sql, "], [");
    for (int l = 0; l < LVL_COUNT; l++) {
        int64_t cut = keep_us[l] > 0 && now > keep_us[l] ? now - keep_us[l] : 0;
        chb_add(&c->sql, "%stoUInt64(%lld)", l ? ", " : "", (long long)cut);
    }
    chb_add(&c->sql, "], toUInt64(0))) FROM %s GROUP BY d ORDER BY d FORMAT TabSeparated",
            c->local_logs);
}

static int drop(struct chstore *c, const char *table, const char *day, struct err *e)
{
    chb_reset(&c->sql);
    chb_add(&c->sql, "ALTER TABLE %s.%s DROP PARTITION ", c->db, table);
    chsql_lit(&c->sql, CHSQL_STR, day, strlen(day));
    if (c->sql.oom)
        return err_set(e, "out of memory");
    return ch_http(c, c->sql.s, NULL, 0, NULL, e);
}

struct day {
    char d[16];
    int64_t n, kept;
};

/* The days into *out (caller frees); -1 with e. */
static int read_days(struct chstore *c, struct day **out, size_t *n, struct err *e)
{
    *out = NULL;
    *n = 0;
    if (c->sql.oom || ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return c->sql.oom ? err_set(e, "out of memory") : -1;
    char *f[3];
    size_t fl[3], pos = 0;
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 3) == 3) {
        struct day *nd = realloc(*out, (*n + 1) * sizeof *nd);
        if (!nd)
            return err_set(e, "out of memory");
        *out = nd;
        snprintf(nd[*n].d, sizeof nd[*n].d, "%s", f[0] ? f[0] : "");
        nd[*n].n = f[1] ? strtoll(f[1], NULL, 10) : 0;
        nd[*n].kept = f[2] ? strtoll(f[2], NULL, 10) : 0;
        (*n)++;
    }
    return 0;
}

int chstore_prune(struct chstore *c, const int64_t keep_us[LVL_COUNT], int64_t now,
                  chstore_prune_fn fn, void *ctx, struct chstore_pruned *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    int any = 0;
    for (int l = 0; l < LVL_COUNT; l++)
        any |= keep_us[l] > 0;
    if (!any)
        return 0;
    struct day *days;
    size_t n;
    days_sql(c, keep_us, now);
    if (read_days(c, &days, &n, e) < 0) {
        free(days);
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (days[i].kept > 0) {
            out->days_kept++;
            continue;
        }
        if (drop(c, "logs", days[i].d, e) < 0 || drop(c, "logs_by_cid", days[i].d, e) < 0) {
            rc = -1;
            break;
        }
        out->days_dropped++;
        out->records += days[i].n;
        if (fn)
            fn(ctx, days[i].d, days[i].n);
    }
    free(days);
    return rc;
}
