/* cmd_stats: `logdeck stats` (not written yet). */
#include "src/cli.h"

int cmd_stats(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("stats", "not implemented yet");
    return 1;
}
