/* xdg: where logdeck keeps its files, by the XDG base directory rules:
 * state (the store, query history, the UI's log) under $XDG_STATE_HOME or
 * ~/.local/state, configuration (config.yaml, themes) under
 * $XDG_CONFIG_HOME or ~/.config, each in a logdeck/ directory. */
#ifndef LOGDECK_XDG_H
#define LOGDECK_XDG_H

#include <stddef.h>

enum xdg_kind { XDG_STATE = 0, XDG_CONFIG = 1 };

/* Writes "<base>/logdeck/<leaf>" (leaf may be "" for the directory) into
 * buf; returns buf. Without HOME the base is relative to ".". */
char *xdg_path(int kind, const char *leaf, char *buf, size_t cap);

#endif
