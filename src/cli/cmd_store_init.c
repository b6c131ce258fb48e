/* cmd_store_init: `logdeck store init --db clickhouse://HOST:PORT/DB[?cluster=NAME]`
 * creates (or checks) the ClickHouse schema, as the server's version
 * allows; a store of another schema version is an error that says so and
 * changes nothing. A row of the `store` table (cmd_store.c). Also `store
 * prune` on ClickHouse: the config's retention drops whole day partitions. */
#include <stdio.h>
#include <string.h>

#include "db/chstore.h"
#include "src/base/config.h"
#include "src/base/ts.h"
#include "src/cli/cli.h"

/* The TTL of a newer server's tables: the longest retention of the config
 * when every level has one (a level kept forever: no TTL), in whole days. */
static int64_t ttl_days(const struct config *cfg)
{
    int64_t max = 0;
    for (int l = 0; cfg && l < LVL_COUNT; l++) {
        if (cfg->retention_us[l] <= 0)
            return 0;
        max = cfg->retention_us[l] > max ? cfg->retention_us[l] : max;
    }
    return (max + 86400000000LL - 1) / 86400000000LL;
}

static int store_init(const struct cli *c, int argc, char **argv)
{
    if (argc > 1) {
        cli_error("store init", "unexpected argument '%s'", argv[1]);
        return 2;
    }
    if (!chstore_is_url(c->db_path)) {
        cli_error("store init", "creates a ClickHouse schema: give --db clickhouse://HOST:PORT/DB "
                  "(a local store is created by the first index)");
        return 2;
    }
    char what[600];
    struct err e = {0};
    if (chstore_init(c->db_path, ttl_days(c->cfg), what, sizeof what, &e) < 0) {
        cli_error("store init", "%s", e.msg);
        return e.code == 2 ? 2 : 1;
    }
    puts(what);
    return 0;
}

static void said_dropped(void *ctx, const char *day, int64_t records)
{
    (void)ctx;
    printf("dropped partition %s (%lld records)\n", day, (long long)records);
}

int cli_store_prune_ch(const struct cli *c)
{
    struct err e = {0};
    struct chstore *ch = chstore_open(c->db_path, &e);
    struct chstore_pruned pr;
    int any = 0;
    for (int l = 0; c->cfg && l < LVL_COUNT; l++)
        any |= c->cfg->retention_us[l] > 0;
    if (ch && !any) {
        printf("%s: no retention in the config (store: retention:), nothing dropped\n",
               chstore_name(ch));
        chstore_close(ch);
        return 0;
    }
    int rc = ch ? chstore_prune(ch, c->cfg->retention_us, ts_now(), said_dropped, NULL, &pr, &e)
                : -1;
    if (rc == 0)
        printf("pruned %s: %lld day partitions dropped (%lld records) from logs and "
               "logs_by_cid, %lld days kept\n", chstore_name(ch), (long long)pr.days_dropped,
               (long long)pr.records, (long long)pr.days_kept);
    else
        cli_error("store prune", "%s", e.msg);
    chstore_close(ch);
    return rc == 0 ? 0 : 1;
}

const struct cmd_entry cmd_store_init_entry = {
    .name = "init",
    .usage = "",
    .help = "  With --db clickhouse://[USER@]HOST:PORT/DB[?password_env=VAR&cluster=NAME]:\n"
            "  creates the logdeck tables in DB (and Distributed tables over cluster NAME),\n"
            "  or checks that they are there and of this version.\n",
    .exec = store_init,
};

