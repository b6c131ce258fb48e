/* cmd_store_init: `logdeck store init --db clickhouse://HOST:PORT/DB[?cluster=NAME]`
 * creates (or checks) the ClickHouse schema; a store of another schema
 * version is an error that says so and changes nothing. A row of the
 * `store` table (cmd_store.c). */
#include <stdio.h>
#include <string.h>

#include "db/chstore.h"
#include "src/cli/cli.h"

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
    if (chstore_init(c->db_path, what, sizeof what, &e) < 0) {
        cli_error("store init", "%s", e.msg);
        return e.code == 2 ? 2 : 1;
    }
    puts(what);
    return 0;
}

const struct cmd_entry cmd_store_init_entry = {
    .name = "init",
    .usage = "",
    .help = "  With --db clickhouse://[USER@]HOST:PORT/DB[?password_env=VAR&cluster=NAME]:\n"
            "  creates the logdeck tables in DB (and Distributed tables over cluster NAME),\n"
            "  or checks that they are there and of this version.\n",
    .exec = store_init,
};

