/* marks: the records the user marked in the log view (lnav's bookmarks):
 * a set of (ts, id) keys kept sorted in the log's order, so that the next
 * and previous mark and "the mark at or before this record" are a binary
 * search. Pure data, no curses, no store. */
#ifndef LOGDECK_UI_MARKS_H
#define LOGDECK_UI_MARKS_H

#include <stddef.h>
#include <stdint.h>

#include "src/query/pager.h"

struct marks {
    struct rec_key *k;   /* sorted by (ts, id) */
    size_t n, cap;
};

void marks_fini(struct marks *m);
void marks_clear(struct marks *m);
/* Marks (ts, id) if unmarked, else unmarks it. Returns 1 marked, 0
 * unmarked, -1 out of memory (nothing changed). */
int marks_toggle(struct marks *m, int64_t ts, int64_t id);
int marks_has(const struct marks *m, int64_t ts, int64_t id);
/* The first mark after (dir > 0) or before (dir < 0) the key (ts, id),
 * or NULL. Borrowed until the next change. */
const struct rec_key *marks_next(const struct marks *m, int64_t ts, int64_t id, int dir);
/* The nearest mark at or before (ts, id), else the first mark, else NULL. */
const struct rec_key *marks_anchor(const struct marks *m, int64_t ts, int64_t id);

#endif
