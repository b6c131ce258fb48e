/* cmd_store: `logdeck store SUBCOMMAND`, a table of rows; `store init`
 * (ClickHouse) is cmd_store_init.c. */
#include <stddef.h>

#include "src/cli/cli.h"

static const struct cmd_entry *const store_subs[] = {&cmd_store_init_entry, NULL};

const struct cmd_entry cmd_store_entry = {
    .name = "store",
    .help = "  `logdeck store SUBCOMMAND --help` describes one.\n",
    .subs = store_subs,
};
