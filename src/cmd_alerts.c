/* cmd_alerts: `logdeck alerts` (not written yet). */
#include "src/cli.h"

int cmd_alerts(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("alerts", "not implemented yet");
    return 1;
}
