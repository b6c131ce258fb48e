/* cmd_trace: `logdeck trace` (not written yet). */
#include "src/cli.h"

int cmd_trace(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("trace", "not implemented yet");
    return 1;
}
