/* theme_default: the compiled-in default theme, the exact text of
 * themes/dark.theme (tests/unit/test_ui_theme.c checks they are identical;
 * regenerate this string from the file after editing it). */
#include "ui/theme.h"

static const char dark_theme[] =
    "# logdeck theme: dark (the default; compiled into the binary, see ui/theme_default.c)\n"
    "# One role per line: ROLE  FG  [BG]  [ATTRIBUTES...]\n"
    "# Colours: default, black, red, green, yellow, blue, magenta, cyan, white,\n"
    "# bright-black .. bright-white, 0-255, #rrggbb. Attributes: bold, dim,\n"
    "# underline, reverse, italic, blink, standout.\n"
    "\n"
    "default           default         default\n"
    "time              cyan            default\n"
    "service           blue            default    bold\n"
    "cid               magenta         default\n"
    "dim               bright-black    default\n"
    "\n"
    "level.unknown     default         default    dim\n"
    "level.trace       bright-black    default\n"
    "level.debug       bright-black    default\n"
    "level.info        green           default\n"
    "level.notice      cyan            default    bold\n"
    "level.warning     yellow          default    bold\n"
    "level.error       red             default    bold\n"
    "level.critical    bright-white    red        bold\n"
    "line.warning      yellow          default\n"
    "line.error        red             default\n"
    "line.critical     bright-red      default    bold\n"
    "\n"
    "selection         black           cyan\n"
    "match             black           yellow\n"
    "escape            magenta         default    bold\n"
    "\n"
    "status            black           white\n"
    "status.key        blue            white      bold\n"
    "status.follow     black           green      bold\n"
    "status.paused     black           yellow     bold\n"
    "status.error      bright-white    red        bold\n"
    "\n"
    "query             default         default\n"
    "query.error       red             default    bold\n"
    "\n"
    "title             bright-white    blue       bold\n"
    "border            blue            default\n"
    "label             cyan            default\n"
    "help.key          yellow          default    bold\n"
    "\n"
    "json.key          blue            default    bold\n"
    "json.string       green           default\n"
    "json.number       yellow          default\n"
    "json.literal      magenta         default\n"
    "json.punct        default         default\n"
    ;

const char *theme_default_text(void)
{
    return dark_theme;
}
