/* xdg: logdeck's state and configuration paths (xdg.h). */
#include "src/base/xdg.h"

#include <stdio.h>
#include <stdlib.h>

char *xdg_path(int kind, const char *leaf, char *buf, size_t cap)
{
    const char *xdg = getenv(kind == XDG_CONFIG ? "XDG_CONFIG_HOME" : "XDG_STATE_HOME");
    const char *home = getenv("HOME");
    const char *sep = leaf && *leaf ? "/" : "";
    if (xdg && *xdg)
        snprintf(buf, cap, "%s/logdeck%s%s", xdg, sep, leaf ? leaf : "");
    else
        snprintf(buf, cap, "%s/%s/logdeck%s%s", home && *home ? home : ".",
                 kind == XDG_CONFIG ? ".config" : ".local/state", sep, leaf ? leaf : "");
    return buf;
}
