/* chalert: the alert engine's record scanner over ClickHouse (see
 * alerts_db.h, "scanner"). A ClickHouse store has no commit order to read
 * new rows by, so the engine's record "ids" there are times: the cursor
 * (alerts_db_last_id) is now minus CHALERT_LAG_US, and a scan of (lo, hi]
 * reads the records whose ts falls in that closed interval. Records that
 * reach the server later than the lag allowance (a host far behind) are
 * not seen by a running engine; `alerts test` over history sees them. */
#include "db/chstore_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct chscan {
    struct chstore *c;
    char *prefix;           /* SELECT ... WHERE (cond) */
    int by_ts;
};

int64_t chalert_cursor(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000 - CHALERT_LAG_US;
}

struct chscan *chalert_scanner_new(struct chstore *c, const struct plan *p, int value_field,
                                   const char *value_path, int group_field,
                                   const char *group_path, int by_ts, struct err *e)
{
    struct chscan *sc = calloc(1, sizeof *sc);
    struct chbuf b = {0};
    if (!sc)
        return err_set(e, "out of memory preparing a rule"), NULL;
    chb_add(&b, "SELECT id, ts, ");
    if (value_field < 0)
        chb_add(&b, "NULL");
    else
        chplan_field(&b, value_field, value_path, 1);
    chb_add(&b, ", ");
    ch_group_expr(&b, group_field, group_path, 0);
    chb_add(&b, " FROM %s WHERE (", c->logs);
    if (chplan_cond(&b, p->root, e) < 0 || (chb_add(&b, ")"), b.oom)) {
        if (b.oom)
            err_set(e, "out of memory preparing a rule");
        chb_fini(&b);
        free(sc);
        return NULL;
    }
    sc->c = c;
    sc->prefix = b.s;
    sc->by_ts = by_ts;
    return sc;
}

void chalert_scanner_free(struct chscan *sc)
{
    if (!sc)
        return;
    free(sc->prefix);
    free(sc);
}

int64_t chalert_scanner_run(struct chscan *sc, int64_t lo, int64_t hi,
                            int (*cb)(void *, const struct adb_scan_row *), void *ctx,
                            struct err *e)
{
    struct chstore *c = sc->c;
    chb_reset(&c->sql);
    chb_add(&c->sql, "%s AND ts %s %lld AND ts <= %lld ORDER BY ts, id FORMAT TabSeparated",
            sc->prefix, sc->by_ts ? ">=" : ">", (long long)lo, (long long)hi);
    if (c->sql.oom)
        return err_set(e, "out of memory");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    char *f[4];
    size_t fl[4], pos = 0;
    int64_t n = 0;
    while (ch_tsv_row(c->resp.s, c->resp.len, &pos, f, fl, 4) == 4) {
        struct adb_scan_row r = {
            .id = f[0] ? strtoll(f[0], NULL, 10) : 0,
            .ts = f[1] ? strtoll(f[1], NULL, 10) : 0,
            .has_value = f[2] != NULL,
            .value = f[2] ? strtod(f[2], NULL) : 0,
            .group = f[3], .group_len = fl[3],
        };
        n++;
        if (cb(ctx, &r))
            break;
    }
    return n;
}
