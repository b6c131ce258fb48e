/* uiconfig: the TUI's settings from the config file's `ui:` section
 * (theme). No curses. */
#ifndef LOGDECK_UI_UICONFIG_H
#define LOGDECK_UI_UICONFIG_H

#include "src/base/err.h"

struct uiconfig {
    char theme[256];     /* "" when not set */
};

/* Reads path's ui: section into out (zeroed first). A missing file or a
 * file without ui: is fine (0). Returns -1 with e (code 2, FILE:LINE:COL)
 * when ui: holds something unknown. */
int uiconfig_load(struct uiconfig *out, const char *path, struct err *e);

#endif
