/* history: the query bar's history, persisted as a text file (no curses).
 * One query per line, oldest first, at most `max` entries; adding a query
 * already present moves it to the end. The file is rewritten atomically
 * (temporary file + rename, mode 0600) on every add, so two logdeck
 * processes never leave it half-written (the last writer wins). */
#ifndef LOGDECK_UI_HISTORY_H
#define LOGDECK_UI_HISTORY_H

#include "src/base/err.h"

struct history {
    char **v;          /* entries, oldest first; owned */
    int n, cap, max;
    char *path;        /* NULL: in memory only */
};

/* Loads path (a missing file is an empty history; NULL: memory only).
 * max <= 0 means 500. Returns 0, or -1 with e filled (h is then empty
 * but usable). */
int history_load(struct history *h, const char *path, int max, struct err *e);
/* Adds q (control characters become spaces, blank queries are ignored)
 * and saves. Returns 0, or -1 if saving failed (the entry is kept). */
int history_add(struct history *h, const char *q, struct err *e);
/* Entry i (0 = oldest), or NULL. Borrowed until the next history_add. */
const char *history_get(const struct history *h, int i);
void history_fini(struct history *h);

#endif
