/* cmd_query: `logdeck query` (not written yet). */
#include "src/cli.h"

int cmd_query(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("query", "not implemented yet");
    return 1;
}
