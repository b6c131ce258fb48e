/* cmd_themes: `logdeck themes`: the names of the themes the TUI can load
 * (the user's, the installed ones, the build tree's), one per line, for
 * shell completion and for the curious. */
#include "src/cli/cli.h"
#include "ui/theme.h"

#include <stdio.h>
#include <string.h>

int cmd_themes(const struct cli *c, int argc, char **argv)
{
    (void)c;
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            puts("usage: logdeck themes\n  The theme names --theme accepts, one per line.");
            return 0;
        }
        cli_error("themes", "unexpected argument '%s'", argv[1]);
        return 2;
    }
    char list[4096];
    theme_list(list, sizeof list);
    for (char *p = list, *next; p && *p; p = next) {
        next = strstr(p, ", ");
        if (next) {
            *next = 0;
            next += 2;
        }
        puts(p);
    }
    return 0;
}
