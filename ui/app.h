/* app: the TUI's state shared by its views, and the view registry.
 *
 * Flow (after htop): a key becomes an action (keys.c); the query bar, the
 * help overlay, the detail pane or the current view handles it and
 * returns reaction flags (R_*); the main loop (tui.c) redraws when asked.
 * Views draw into the in-memory screen only (screen.h) and read data only
 * through src/ APIs: the pager (src/query/pager.h: the log window, pages,
 * counts, totals) and jobs (src/base/job.h) for their own slow reads;
 * never db/. Adding a view is one file, ui/views/NAME.c, defining
 * `const struct view view_NAME`, and its row in ui/views/views.c. */
#ifndef LOGDECK_UI_APP_H
#define LOGDECK_UI_APP_H

#include <stdint.h>

#include "src/base/plan.h"
#include "src/query/logmodel.h"
#include "src/query/pager.h"
#include "ui/views/detail_model.h"
#include "ui/history.h"
#include "ui/lineedit.h"
#include "ui/marks.h"
#include "ui/screen.h"
#include "ui/theme.h"
#include "ui/tui.h"

enum reaction { R_NONE = 0, R_REDRAW = 1, R_QUIT = 2, R_UNHANDLED = 4 };

/* The log view's time column (T cycles): the record's clock time, the
 * time since the previous record, or since the nearest mark before it. */
enum time_mode { TIME_CLOCK = 0, TIME_DELTA, TIME_SINCE_MARK, TIME_MODES };

enum bar_mode { BAR_NONE = 0, BAR_FILTER, BAR_HIGHLIGHT, BAR_COMMAND };

struct querybar {
    int mode;                        /* enum bar_mode */
    struct lineedit ed;
    char saved[LINEEDIT_MAX + 1];    /* the filter before opening (Esc restores) */
    char saved_hl[LINEEDIT_MAX + 1]; /* the highlight before opening */
    char draft[LINEEDIT_MAX + 1];    /* text typed before browsing history */
    int hist_pos;                    /* -1: the draft; else a history index */
    char error[1024];                /* why the text does not compile, "" */
    int error_col;                   /* 1-based column of the error, 0 none */
    int dirty;                       /* edited since the last apply */

};

struct app;

struct view {
    const char *name;
    int action;                      /* the action that opens it (A_TRACE ...) */
    /* Handles an action (or a raw key when action is A_NONE); R_* flags. */
    int (*on_action)(struct app *a, int action, int key);
    /* Draws into rows [y, y + h) of the screen. */
    void (*draw)(struct app *a, struct screen *s, int y, int h);
    /* Called when the view becomes current. */
    void (*enter)(struct app *a);
    /* Optional: 1 while the view reads raw keys itself (a prompt is open):
     * every key then goes to on_action with action A_NONE, before the
     * global keys (q m l t / : ?) could take it. */
    int (*modal)(struct app *a);
    /* Optional: takes what the view's jobs posted (called when the wake
     * pipe fires, whether or not the view is current); R_* flags. */
    int (*poll)(struct app *a);
    /* Optional: allocates the view's own state at startup (view_state
     * returns it); NULL on no memory. */
    void *(*open)(struct app *a);
    /* Optional: stops and joins the view's jobs, frees its state (exit). */
    void (*close)(struct app *a, void *state);
};

#define VIEWS_MAX 8

#define APP_TERMS_MAX 16

struct app {
    const struct tui_opts *o;
    struct pager *pager;             /* owned: store reads, the log window's connection, jobs */
    int wake_fd;                     /* write end of the wake pipe, for views' job runners */
    struct theme theme;
    struct screen scr;
    struct logmodel lm;
    struct history hist;
    struct querybar bar;
    const struct view *view;         /* the current main view */
    void *vstate[VIEWS_MAX];         /* each view's own state (views.c order) */

    char filter[LINEEDIT_MAX + 1];   /* the active query text */
    char field_warn[256];            /* the filter names a field no record has, or "" */
    struct plan *filter_plan;        /* owned; NULL = everything */
    struct plan *pending_plan;       /* owned: the filter being read (async) */
    uint64_t page_gen;               /* generation of the page request */
    int searching;                   /* 1: a new filter's first page is being read */
    int paging;                      /* 1: a page request is out */
    int page_refresh;                /* it is the newest page after a commit */
    int page_at;                     /* its enum pager_at */
    int find_dir;                    /* PAGE_FIND: direction and what it looks for */
    char find_what[16];
    char highlight[LINEEDIT_MAX + 1];
    struct plan *hl_plan;            /* owned; NULL = no highlight */
    char *terms[APP_TERMS_MAX];      /* words to highlight in messages */
    int nterms;

    struct marks marks;              /* records marked with x (u U jump, :wm writes) */
    int time_mode;                   /* enum time_mode: the log view's time column */
    int follow;                      /* newest record kept in view */
    int hscroll;                     /* columns the messages are scrolled by */
    int help_open, help_scroll;
    int detail_open, detail_scroll, detail_failed;
    int detail_pending;              /* the selected record is being read */
    uint64_t detail_gen;
    struct detail detail;
    int body_h;                      /* rows of the log list */

    char msg[2048];                  /* status message, shown until msg_until */
    int msg_role;
    int64_t msg_until;
    int64_t count;                   /* matches of the filter, -1 unknown */
    int counting;
    uint64_t count_gen;
    int64_t count_at;                /* when the last count was asked for (ts_mono_us) */
    int64_t count_took;              /* how long the last count took (µs) */
    int count_stale;
    struct pager_totals totals;      /* the last totals the pager read */
    int64_t totals_at;               /* when they were asked for (monotonic µs) */
    /* history indexed per second (tail-first indexing), for the ETA */
    int64_t hist_left0, hist_at0;
    double hist_rate;
    int64_t records_at_pause;
    struct tui_feed_status feed;
    int data_pending;                /* new data not yet shown */
    int hist_pending;                /* history committed, not shown yet (the
                                        next totals show it) */
    int theme_dirty;                 /* theme changed: the terminal re-applies it */
    int64_t data_at;
    int64_t frames, frames_sent;     /* drawn, and of them sent (not like the last) */
    int64_t data_shown;              /* new data shown (a newest page asked for) */
    int quit;
};

/* --- app.c: state changes shared by the views ---------------------------- */

/* Compiles text (NULL or "" = everything) as the filter: a bad query
 * fails here (-1, e filled, the filter unchanged); else the first page is
 * read by the pager's job thread (around the selected record, or the
 * newest when following) and the list keeps showing the previous result
 * until it arrives (app_page_done), then the matches are recounted. Keys
 * never wait for a slow query. */
int app_set_filter(struct app *a, const char *text, struct err *e);
/* Shows the filter's records at `at` (PAGE_NEWEST, PAGE_OLDEST, PAGE_TIME
 * with ts: the first record at or after it), read by the pager. */
void app_show(struct app *a, int at, int64_t ts);
/* Reads the page around the record (ts, id) and selects it (u U to a mark). */
void app_show_record(struct app *a, int64_t ts, int64_t id);
/* Moves to the next (dir > 0) or previous record after the selection
 * matching find (text that includes the filter), read by the pager; when
 * there is none the window stays and the status line says "no WHAT
 * below/above". */
void app_find(struct app *a, const char *find, int dir, const char *what);
/* Asks the pager for the newest page (new records were committed) when
 * following; it replaces the window when it arrives (app_page_done). */
void app_refresh_newest(struct app *a);
/* A page read by the pager arrived: installs it if it is the latest. */
void app_page_done(struct app *a, struct pager_result *r);
/* Same for the highlight (n N jump between its matches). */
int app_set_highlight(struct app *a, const char *text, struct err *e);
/* Compiles text for the UI (relative times anchored now). */
struct plan *app_compile(const char *text, struct err *e);
/* Shows a message in the status line for a few seconds. A message may
 * hold forms of itself, longest first, separated by '\n' (the new
 * store's notice): the bottom line shows the first that fits its width,
 * else the last, cut. */
void app_message(struct app *a, int role, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The form of msg (see app_message) to show in w columns: its bytes in
 * *len; borrowed from msg. */
const char *app_msg_fit(const char *msg, int w, size_t *len);
/* Reports a failed store read (e) in the status line. */
void app_error(struct app *a, const struct err *e);
/* Follow on/off; on reloads the newest records. */
void app_set_follow(struct app *a, int on);
/* Stops following (the user scrolled away), remembering the record count
 * so the status bar can show how many arrived since. */
void app_pause(struct app *a);
/* Asks the pager for a fresh match count. */
void app_recount(struct app *a);
/* Opens the detail pane for the selected record: it is read by the
 * pager's job thread and the pane opens when it arrives (app_detail_done). */
void app_open_detail(struct app *a);
void app_detail_done(struct app *a, struct pager_result *r);
/* Layout: rows the log list gets, given the screen and open panes. */
void app_layout(struct app *a, int *list_h, int *detail_y, int *detail_h);

/* --- views ------------------------------------------------------------- */

extern const struct view view_log;
/* The view opened by action (A_LOGVIEW, A_TRACE ...), or NULL. */
const struct view *views_for_action(int action);
/* Every view's poll; R_* flags. */
int views_poll(struct app *a);
/* Every view's open (tui.c, at startup): 0, or -1 with e filled. */
int views_open(struct app *a, struct err *e);
/* Every view's close (tui.c, on every exit path). */
void views_close(struct app *a);
/* The state v's open returned (borrowed; valid until views_close). */
void *view_state(struct app *a, const struct view *v);
/* views/trace.c: opens the trace view on cid (`:trace CID`); R_* flags.
 * On an unknown cid it stays in the log view with a message. */
int view_trace_open(struct app *a, const char *cid);

/* views/alerts.c: alerts firing now, for every status bar: a cached value
 * a background job refreshes about once a second (never a query here). */
int64_t view_alerts_firing(struct app *a);
/* views/log.c: the status bar and the bottom line. */
void statusbar_draw(struct app *a, struct screen *s, int y);
/* views/detail.c */
int detail_on_action(struct app *a, int action, int key);
void detail_draw(struct app *a, struct screen *s, int y, int h);
/* views/help.c */
int help_on_action(struct app *a, int action, int key);
void help_draw(struct app *a, struct screen *s);
/* querybar.c */
void querybar_open(struct app *a, int mode);
int querybar_key(struct app *a, int key);
/* Applies the bar's text when it changed (live filtering); called by the
 * main loop once the pending keys are handled. */
void querybar_apply(struct app *a);

void querybar_draw(struct app *a, struct screen *s, int y);
/* commands.c: runs a `:` command line. Returns R_* flags. */
int commands_run(struct app *a, const char *line);

#endif
