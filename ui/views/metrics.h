/* views/metrics.h: the metrics view's state (struct mview, one per view
 * instance: view_state), shared by its two files: ui/views/metrics.c
 * (keys, ranges, the background computation) and ui/views/metrics_draw.c
 * (drawing). Private to those two files. */
#ifndef LOGDECK_UI_VIEW_METRICS_H
#define LOGDECK_UI_VIEW_METRICS_H

#include <stdint.h>

#include "src/report/metrics.h"
#include "ui/app.h"

enum msec { SEC_SERVICES = 0, SEC_PATHS, SEC_TEMPLATES, SEC_METRICS, SEC_N };

struct mview {
    struct jobq *job;
    uint64_t gen;                          /* of the request whose parts are kept */
    struct metrics_part *part[MK_COUNT];   /* owned; NULL until it arrives */
    int pending;                           /* parts of gen still to come */
    int live;                              /* the range ends now */
    int widx;                              /* index into the width ladder */
    int64_t end;                           /* when !live: an instant inside the last bucket */
    int64_t since, until, bucket_us;       /* of gen */
    int nspark, hist_cols;                 /* what gen was computed for */
    char query[LINEEDIT_MAX + 1];            /* the filter of gen */
    int64_t asked_at, done_at, took_us;    /* monotonic µs */
    int64_t data_seen;                     /* a->data_at at the last request */
    int on_last;                           /* live, and the range ends at the newest
                                            * record (older than the width), not now */
    int focus;                             /* enum msec */
    int sel[SEC_N];
    int sort_col[2], sort_desc[2];         /* services, paths */
    int scroll;                            /* first line of the sections area */
    int to_end;                  /* G: show the end of the list once drawn */
    int rows;                              /* lines of the sections area shown */
    int sel_line;                          /* line of the selected row (drawing sets it) */
};

extern const struct view view_metrics;

/* ui/views/metrics_draw.c */
void mview_draw(struct app *a, struct screen *s, int y0, int h);
/* Columns the histogram gets on a screen w wide, and sparkline length. */
int mview_hist_cols(int w);
int mview_spark_len(int w);
/* Rows of a section (0 while its part has not arrived). */
int mview_section_rows(struct mview *mv, int sec);

#endif
