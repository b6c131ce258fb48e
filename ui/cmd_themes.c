/* cmd_themes: `logdeck themes`: the names of the themes the TUI can load
 * (the user's, the installed ones, the build tree's), one per line, for
 * shell completion and for the curious. */
#include "src/cli/cli.h"
#include "ui/theme.h"

#include <stdio.h>
#include <string.h>

static int cmd_themes(const struct cli *c, int argc, char **argv)
{
    (void)c;
    if (argc > 1) {
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

const struct cmd_entry cmd_themes_entry = {
    .name = "themes",
    .usage = "",
    .help = "  The theme names --theme accepts, one per line.\n",
    .exec = cmd_themes,
};
