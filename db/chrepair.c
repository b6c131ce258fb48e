/* chrepair: keeps the (cid, ts) view whole for one journal (host, store
 * id). ClickHouse feeds logs_by_cid from each INSERT into logs, but writes
 * the logs part first: a server killed between the two parts, or a view
 * part that fails, leaves records in logs that traces never show, and the
 * shipper, asking logs where its copy ends, never resends them. So before
 * a shipper resumes (chstore_max_rid), the records of its journal that
 * have a cid are counted in both; when the view has fewer, the missing
 * ones are copied into it from logs (only those: by record id). */
#include "db/chstore_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void journal(struct chbuf *b, const char *host, const char *store_id)
{
    chb_add(b, "host = ");
    chsql_lit(b, CHSQL_STR, host, strlen(host));
    chb_add(b, " AND store_id = ");
    chsql_lit(b, CHSQL_STR, store_id, strlen(store_id));
}

static int count(struct chstore *c, const char *table, const char *host, const char *store_id,
                 int64_t *out, struct err *e)
{
    chb_reset(&c->sql);
    chb_add(&c->sql, "SELECT count() FROM %s.%s WHERE ", c->db, table);
    journal(&c->sql, host, store_id);
    chb_add(&c->sql, " AND cid != '' FORMAT TabSeparated");
    if (c->sql.oom)
        return err_set(e, "out of memory");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0)
        return -1;
    *out = c->resp.s ? strtoll(c->resp.s, NULL, 10) : 0;
    return 0;
}

int ch_repair_by_cid(struct chstore *c, const char *host, const char *store_id,
                     int64_t *repaired, struct err *e)
{
    int64_t in_logs = 0, in_view = 0, after = 0;
    *repaired = 0;
    if (count(c, "logs", host, store_id, &in_logs, e) < 0 ||
        count(c, "logs_by_cid", host, store_id, &in_view, e) < 0)
        return -1;
    if (in_view >= in_logs)
        return 0;
    chb_reset(&c->sql);
    chb_add(&c->sql, "INSERT INTO %s.logs_by_cid SELECT lower(cid) AS cidl, * FROM %s.logs "
                     "WHERE ", c->db, c->db);
    journal(&c->sql, host, store_id);
    chb_add(&c->sql, " AND cid != '' AND rid NOT IN (SELECT rid FROM %s.logs_by_cid WHERE ",
            c->db);
    journal(&c->sql, host, store_id);
    chb_add(&c->sql, ")");
    if (c->sql.oom)
        return err_set(e, "out of memory");
    if (ch_http(c, c->sql.s, NULL, 0, NULL, e) < 0 ||
        count(c, "logs_by_cid", host, store_id, &after, e) < 0)
        return -1;
    *repaired = after - in_view;
    return 0;
}
