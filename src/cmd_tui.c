/* cmd_tui: `logdeck tui` (not written yet). */
#include "src/cli.h"

int cmd_tui(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("tui", "not implemented yet");
    return 1;
}
