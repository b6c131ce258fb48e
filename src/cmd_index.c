/* cmd_index: `logdeck index` (not written yet). */
#include "src/cli.h"

int cmd_index(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("index", "not implemented yet");
    return 1;
}
