/* alerts_layout: what the alerts view (ui/views/alerts.c) shows, as lines
 * drawn into the in-memory screen (no curses, no store: unit-testable).
 * The view is one list of lines built from an alert_snapshot:
 *
 *   STATE    SEVERITY  RULE ...  VALUE  THRESHOLD  AGE  LAST EVAL  NOTE
 *   one row per rule / group: firing, then pending, then the rest
 *   (blank)
 *   NOTIFIER  TYPE  STATE  QUEUED  SENT  RETRYING  FAILED  ENDPOINT / REASON
 *   one row per notifier
 *   (blank)
 *   HISTORY  EVENT  RULE ...  VALUE  SUMMARY
 *   fired and resolved alerts, newest first
 *
 * Colours are theme roles: states and severities reuse the level.* and
 * line.* roles (the theme's role set is a fixed enum). Column widths
 * depend only on the screen width (two layouts: below 100 columns the
 * severity and the notes are abbreviated). */
#ifndef LOGDECK_UI_ALERTS_LAYOUT_H
#define LOGDECK_UI_ALERTS_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "src/alert/alert.h"
#include "ui/screen.h"

enum aline_kind {
    AL_BLANK = 0,
    AL_HEAD_STATES, AL_STATE,
    AL_HEAD_NOTIFIERS, AL_NOTIFIER,
    AL_HEAD_HISTORY, AL_EVENT,
    AL_EMPTY            /* a dim explanation where a section has no rows */
};

struct aline {
    int kind;           /* enum aline_kind */
    size_t idx;         /* AL_STATE / AL_NOTIFIER / AL_EVENT: index in the snapshot */
    const char *text;   /* AL_EMPTY: static text */
};

struct alayout {
    struct aline *v;    /* owned */
    size_t n, cap;
};

/* The silence durations the prompt offers (15m, 1h, 4h, 1d). */
#define ALERTS_NPRESETS 4
extern const char *const alerts_presets[ALERTS_NPRESETS];

/* Rebuilds l's lines from sn (l starts zeroed). Returns 0, -1 when out
 * of memory (l is then empty). */
int alerts_layout_build(struct alayout *l, const struct alert_snapshot *sn);
void alerts_layout_fini(struct alayout *l);
/* 1 if ln can be selected (a rule/group state or a history event). */
int alerts_layout_selectable(const struct aline *ln);

/* The title row: counts of firing, pending, rules and notifiers, and the
 * keys; loaded 0 shows "loading…". */
void alerts_layout_title(struct screen *s, int y, const struct alert_snapshot *sn, int loaded);
/* Draws ln on row y at the current screen width; now_us for ages. */
void alerts_layout_draw(struct screen *s, int y, const struct aline *ln,
                        const struct alert_snapshot *sn, int64_t now_us, int selected);
/* The silence prompt on row y: target ("rule" or "rule/group"), the
 * preset highlighted (when typed is empty) and the typed text. Returns the
 * column of the cursor. */
int alerts_layout_prompt(struct screen *s, int y, const char *target, int preset,
                         const char *typed);

/* "45s", "3m12s", "2h05m", "3d04h"; negative counts as 0. */
char *alerts_fmt_age(int64_t us, char buf[16]);
/* "rule", "rule/group", or "rule (N groups)" for a grouped rule's summary. */
char *alerts_fmt_target(const struct adb_state *st, char *buf, size_t cap);
/* The silence duration: typed text (a duration like 2h30m, 'M' for
 * minutes, a bare number in minutes) or, when typed is empty, the preset.
 * Returns 0 and *out (µs > 0), or -1. */
int alerts_parse_silence(const char *typed, int preset, int64_t *out);

#endif
