/* cmd_demo: `logdeck demo` (not written yet). */
#include "src/cli.h"

int cmd_demo(const struct cli *c, int argc, char **argv)
{
    (void)c;
    (void)argc;
    (void)argv;
    cli_error("demo", "not implemented yet");
    return 1;
}
