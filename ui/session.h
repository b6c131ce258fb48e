/* session: where the user left off, per store: the filter, the view
 * (log, metrics or alerts), following or the selected record, the time
 * column and the marks. Saved when the TUI exits, read when it opens the
 * same store again (the store's real path picks the file:
 * $XDG_STATE_HOME/logdeck/sessions/<hash>, mode 0600). No curses. */
#ifndef LOGDECK_UI_SESSION_H
#define LOGDECK_UI_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"
#include "ui/lineedit.h"
#include "ui/marks.h"

#define SESSION_MARKS_MAX 10000

struct session {
    char filter[LINEEDIT_MAX + 1];
    char view[16];              /* "log", "metrics", "alerts" */
    int follow;
    int64_t sel_ts, sel_id;     /* the selected record when not following */
    int time_mode;
    struct marks marks;         /* owned: session_fini */
};

/* The session file of the store at db_path into buf (cap bytes). */
void session_path(const char *db_path, char *buf, size_t cap);
/* Reads path into s (zeroed first). Returns 1 read, 0 no file, -1 with e
 * filled (unreadable or malformed: the caller starts fresh and says so). */
int session_load(const char *path, struct session *s, struct err *e);
/* Writes s to path atomically (a temporary file renamed over it), mode
 * 0600, creating the directory 0700. Returns 0, or -1 with e filled. */
int session_save(const char *path, const struct session *s, struct err *e);
void session_fini(struct session *s);

#endif
