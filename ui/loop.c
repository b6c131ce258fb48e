/* loop: the event loop (see loop.h). Keys are read in batches: every
 * pending key is handled, then the query bar applies its text once, then
 * the screen is drawn once (term.c sends only the rows that changed, and
 * nothing for a frame like the last). New data is noticed through the
 * feeder's fd after each commit, or, with no feeder in this process (the
 * store is written by another), by a cheap stat of the store's files
 * every 50 ms (pager_changed, no query). Live records are shown at most
 * every 50 ms; commits of history only (the backfill, which cannot change
 * the newest records) with the totals, once a second: a backfill does not
 * cost a page read and a redraw per commit. The newest page and the
 * totals are read by the pager's job thread, whose results (and the
 * views' jobs' results) wake the loop through the wake pipe. */
#include "ui/loop.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "src/base/ts.h"
#include "ui/keys.h"
#include "ui/term.h"

#define TICK_US 50000         /* store change check (no feeder) */
#define DATA_MIN_US 50000     /* at most 20 data refreshes a second */
#define TOTALS_US 1000000     /* totals and lag once a second */
#define RECOUNT_US 2000000    /* a changing store is recounted every 2 s at most, */
#define RECOUNT_FACTOR 20     /* and at most 1/20th of the time is spent counting */

static void bottom_line(struct app *a, struct screen *s, int y)
{
    screen_fill(s, y, 0, s->w, ROLE_DEFAULT);
    if (a->msg[0] && ts_now() < a->msg_until) {
        size_t n;
        const char *m = app_msg_fit(a->msg, s->w, &n);
        screen_put(s, y, 0, s->w, m, n, a->msg_role, -1, 0);
        return;
    }
    a->msg[0] = 0;
    screen_puts(s, y, 0, s->w,
                "? help  / filter  : command  Enter detail  F follow  e E errors  q quit",
                ROLE_DIM);
}

void loop_draw(struct app *a)
{
    struct screen *s = &a->scr;
    int list_h, dy, dh;
    screen_clear(s, ROLE_DEFAULT);
    app_layout(a, &list_h, &dy, &dh);
    if (list_h > 0) {
        struct err e = {0};
        if (logmodel_set_height(&a->lm, list_h, &e) < 0)
            app_error(a, &e);
        a->view->draw(a, s, 0, list_h);
    }
    if (a->detail_open)
        detail_draw(a, s, dy, dh);
    if (s->h >= 2) {
        if (a->bar.mode != BAR_NONE) {
            querybar_draw(a, s, s->h - 2);
        } else {
            statusbar_draw(a, s, s->h - 2);
            bottom_line(a, s, s->h - 1);
        }
    }
    if (a->help_open)
        help_draw(a, s);
    if (a->theme_dirty) {
        term_apply_theme(&a->theme);
        a->theme_dirty = 0;
    }
    a->frames += 1;
    a->frames_sent += term_draw(s);
}

static int switch_view(struct app *a, int action)
{
    static const char *const names[] = {"trace", "metrics", "alerts"};
    const struct view *v = views_for_action(action);
    if (!v) {
        int i = action == A_TRACE ? 0 : action == A_METRICS ? 1 : 2;
        app_message(a, ROLE_STATUS_ERROR, "the %s view is not in this build yet", names[i]);
        return R_REDRAW;
    }
    a->view = v;
    a->detail_open = 0;
    if (v->enter)
        v->enter(a);
    return R_REDRAW;
}

static int global_action(struct app *a, int act, int key)
{
    switch (act) {
    case A_QUIT:   /* q: back to the log view from the others, quit from it */
        return a->view == &view_log ? R_QUIT : switch_view(a, A_LOGVIEW);
    case A_HELP: a->help_open = 1; a->help_scroll = 0; return R_REDRAW;
    case A_QUERY: querybar_open(a, BAR_FILTER); return R_REDRAW;
    case A_COMMAND: querybar_open(a, BAR_COMMAND); return R_REDRAW;
    case A_REDRAW: term_invalidate(); return R_REDRAW;
    case A_LOGVIEW: case A_TRACE: case A_METRICS: case A_ALERTS:
        if (a->view->action == act && act != A_LOGVIEW)
            break;
        if (act == A_LOGVIEW && a->view == &view_log)
            return R_NONE;
        return switch_view(a, act);
    default: break;
    }
    int r = a->view->on_action(a, act, key);
    if (!(r & R_UNHANDLED))
        return r;
    if (act == A_ESC) {
        a->msg[0] = 0;
        a->hscroll = 0;
        return R_REDRAW;
    }
    if (act == A_ACK || act == A_SILENCE) {
        app_message(a, ROLE_STATUS_ERROR, "no alert selected (press a for the alerts view)");
        return R_REDRAW;
    }
    return R_NONE;
}

static int handle_key(struct app *a, int key)
{
    if (key == K_RESIZE)
        return R_REDRAW;
    /* A message answers the last action: the next one clears it (a stale
     * error after a later success would mislead). */
    if (a->msg[0]) {
        a->msg[0] = 0;
        a->msg_until = 0;
    }
    if (a->bar.mode != BAR_NONE)
        return querybar_key(a, key);
    if (a->view->modal && a->view->modal(a) && !a->help_open && !a->detail_open)
        return a->view->on_action(a, A_NONE, key);
    int act = keys_action(key);
    if (a->help_open)
        return help_on_action(a, act, key);
    if (a->detail_open && act != A_HELP && act != A_QUERY && act != A_COMMAND) {
        int r = detail_on_action(a, act, key);
        if (!(r & R_UNHANDLED))
            return r;
    }
    return global_action(a, act, key);
}

/* How fast the history left shrinks: the average since the backfill was
 * first seen (history is committed in batches of up to a few seconds, so
 * a rate over the last second would jump between 0 and twice the truth).
 * Starts again when more history appears (a new file). */
static void history_rate(struct app *a)
{
    int64_t now = ts_mono_us(), left = a->totals.cov.bytes_left;
    if (!a->totals.cov.files_partial) {
        a->hist_at0 = 0;
        a->hist_rate = 0;
        return;
    }
    if (!a->hist_at0 || left > a->hist_left0) {
        a->hist_at0 = now;
        a->hist_left0 = left;
        a->hist_rate = 0;
        return;
    }
    if (now - a->hist_at0 >= 900000 && left < a->hist_left0)
        a->hist_rate = (double)(a->hist_left0 - left) * 1e6 / (double)(now - a->hist_at0);
}

/* Reads the feeder's status (a callback, no query): its errors, and
 * whether commits came since the last call: live ones are shown at once
 * (data_pending), history only with the next totals (hist_pending). */
static void read_feed(struct app *a)
{
    if (!a->o->feed_status)
        return;
    struct tui_feed_status f = {0};
    a->o->feed_status(a->o->feed_ctx, &f);
    if (f.errors > a->feed.errors && f.last_error[0])
        app_message(a, ROLE_STATUS_ERROR, "%s", f.last_error);
    a->feed.following = f.following;
    a->feed.errors = f.errors;
    a->feed.est_lines = f.est_lines;
    snprintf(a->feed.last_error, sizeof a->feed.last_error, "%s", f.last_error);
    if (f.live_commits != a->feed.live_commits)
        a->data_pending = 1;
    else if (f.commits != a->feed.commits)
        a->hist_pending = 1;
    a->feed.commits = f.commits;
    a->feed.live_commits = f.live_commits;
}

/* Asks the pager for the totals and lag. */
static void refresh_totals(struct app *a)
{
    pager_totals(a->pager);
    read_feed(a);
    a->totals_at = ts_mono_us();
}

static void show_new_data(struct app *a)
{
    if (a->follow && a->paging) {   /* a page is on its way: it may predate this */
        a->data_at = ts_mono_us();  /* commit, so ask again in DATA_MIN_US */
        return;
    }
    refresh_totals(a);
    a->hist_pending = 0;
    a->data_shown++;
    if (a->follow)
        app_refresh_newest(a);
    else
        logmodel_stale(&a->lm);
    if (a->filter[0])
        a->count_stale = 1;
    a->data_pending = 0;
    a->data_at = ts_mono_us();
}

static void take_page(struct app *a, struct pager_result *r, int64_t *page_at)
{
    if (r->gen == a->page_gen && a->o->verbose && *page_at)
        fprintf(stderr, "tui: query results shown %.2f ms after the key (filter: %s)\n",
                (double)(ts_mono_us() - *page_at) / 1000.0, a->filter);
    if (r->gen == a->page_gen)
        *page_at = 0;
    app_page_done(a, r);
}

static void take_totals(struct app *a, const struct pager_result *r)
{
    if (r->failed) {
        app_message(a, ROLE_STATUS_ERROR, "%s", r->msg);
        return;
    }
    a->totals = r->totals;
    a->feed.lag_bytes = r->totals.lag_bytes;
    history_rate(a);
}

/* Takes what the pager's and the views' jobs posted; 1 to redraw. */
static int take_results(struct app *a, int64_t *page_at)
{
    struct pager_result r;
    int redraw = views_poll(a) & R_REDRAW;
    while (pager_poll(a->pager, &r)) {
        redraw = 1;
        if (r.kind == PAGER_PAGE) {
            take_page(a, &r, page_at);
        } else if (r.kind == PAGER_RECORD) {
            app_detail_done(a, &r);
        } else if (r.kind == PAGER_TOTALS) {
            take_totals(a, &r);
        } else if (r.kind == PAGER_COUNT && r.gen == a->count_gen) {
            a->counting = 0;
            a->count_took = ts_mono_us() - a->count_at;
            if (r.failed)
                app_message(a, ROLE_STATUS_ERROR, "count failed: %s", r.msg);
            else
                a->count = r.n;
        } else if (r.kind == PAGER_WRITE) {
            if (r.failed)
                app_message(a, ROLE_STATUS_ERROR, "%s", r.msg);
            else
                app_message(a, ROLE_STATUS, "wrote %lld records to %s", (long long)r.n, r.msg);
        }
    }
    return redraw;
}

static void drain(int fd)
{
    char buf[256];
    while (fd >= 0 && read(fd, buf, sizeof buf) > 0)
        ;
}

static void resize(struct app *a)
{
    int w, h;
    term_resize(&w, &h);
    if (screen_resize(&a->scr, w, h) < 0)
        app_message(a, ROLE_STATUS_ERROR, "out of memory");
}

/* Handles every pending key; returns R_* flags. */
/* 1 while a page the user asked for (g G F :goto n N) or the record for
 * the detail pane (Enter) is being read: the
 * keys typed after it wait for it (they mean the new position), as they
 * would have had the read been instant. A new filter's page does not hold
 * keys (typing stays live), nor does the newest page after a commit. */
static int keys_held(const struct app *a)
{
    return (a->paging && !a->page_refresh && !a->searching) || a->detail_pending;
}

static int read_keys(struct app *a, int64_t *key_at, int *nkeys)
{
    int flags = 0, k;
    while (!keys_held(a) && (k = term_key()) != K_NONE) {
        if (!*key_at)
            *key_at = ts_mono_us();
        (*nkeys)++;
        flags |= handle_key(a, k);
        if (flags & R_QUIT)
            break;
    }
    querybar_apply(a);
    return flags;
}

/* The feeder in this process wakes the loop after each commit: the
 * store's files need no watching then (a stat once a second still sees
 * what another process, a `store prune`, may change). */
static int feeder_wakes(const struct app *a)
{
    return a->o->wake_fd >= 0;
}

/* A changing store's filter count is asked again after RECOUNT_US, or
 * RECOUNT_FACTOR times as long as the last count took (a full-text count
 * over millions of records during a backfill). */
static int recount_due(const struct app *a)
{
    int64_t wait = a->count_took * RECOUNT_FACTOR;
    return a->count_stale && !a->counting &&
           ts_mono_us() - a->count_at >= (wait > RECOUNT_US ? wait : RECOUNT_US);
}

static int periodic(struct app *a, int64_t *next_tick)
{
    int64_t now = ts_mono_us();
    int redraw = 0;
    if (now >= *next_tick) {
        *next_tick = now + (feeder_wakes(a) ? TOTALS_US / 4 : TICK_US);
        int totals = now - a->totals_at >= TOTALS_US;
        if ((!feeder_wakes(a) || totals) && pager_changed(a->pager))
            a->hist_pending = 1;
        if (a->hist_pending && (!feeder_wakes(a) || totals))
            a->data_pending = 1;   /* shown below, the totals with it */
        else if (totals)
            refresh_totals(a);
        redraw |= totals;
    }
    if (a->data_pending && now - a->data_at >= DATA_MIN_US) {
        show_new_data(a);
        redraw = 1;
    }
    if (recount_due(a))
        app_recount(a);
    if (a->msg[0] && ts_now() >= a->msg_until)
        redraw = 1;
    return redraw;
}

static void log_timing(struct app *a, const struct loop_io *io, int64_t key_at, int nkeys,
                       int *first)
{
    int64_t now = ts_mono_us();
    if (*first) {
        *first = 0;
        fprintf(stderr, "tui: first frame %.1f ms after start (realtime %lld us)\n",
                (double)(now - io->start_us) / 1000.0, (long long)ts_now());
    } else if (key_at && a->o->verbose) {
        fprintf(stderr, "tui: %d key(s) -> redraw %.2f ms (filter: %s)\n", nkeys,
                (double)(now - key_at) / 1000.0, a->filter);
    }
}

/* The loop's timing state between iterations. */
struct tick {
    int64_t next_tick;   /* next store-change check */
    int64_t key_at;      /* first key of the batch not yet drawn, 0 none */
    int64_t page_at;     /* key that asked for the page still being read, 0 none */
    int nkeys;
    int held;            /* keys may wait in curses' buffer (keys_held stopped us) */
};

/* How long poll() may sleep: until the next check, or the next data refresh. */
static int wait_ms(const struct app *a, const struct tick *t)
{
    int64_t now = ts_mono_us(), wait = t->next_tick - now;
    if (a->data_pending && a->data_at + DATA_MIN_US - now < wait)
        wait = a->data_at + DATA_MIN_US - now;
    return wait <= 0 ? 0 : (int)(wait / 1000) + 1;
}

/* Handles what poll() reported: R_REDRAW, or -1 when the terminal is gone. */
static int on_events(struct app *a, const struct loop_io *io, const struct pollfd *p,
                     struct tick *t)
{
    int redraw = 0;
    drain(io->sig_fd);
    if (*io->winch) {
        *io->winch = 0;
        resize(a);
        redraw = 1;
    }
    if (p[0].revents & (POLLHUP | POLLERR | POLLNVAL))
        return -1;   /* the terminal is gone (ssh dropped) */
    if (p[2].revents & POLLIN)
        drain(io->wake_fd);
    redraw |= take_results(a, &t->page_at);
    if (((p[0].revents & POLLIN) || t->held) && !keys_held(a)) {
        uint64_t gen = a->page_gen;
        int f = read_keys(a, &t->key_at, &t->nkeys);
        if (f & R_QUIT)
            a->quit = 1;
        redraw |= (f & R_REDRAW) != 0;
        if (a->page_gen != gen && a->searching)
            t->page_at = t->key_at;   /* this key asked for a new page */
        t->held = keys_held(a);
    }
    if (p[3].revents & POLLIN) {
        drain(io->feed_fd);
        read_feed(a);   /* live records: data_pending; history: hist_pending */
    }
    redraw |= periodic(a, &t->next_tick);
    return redraw;
}

void loop_run(struct app *a, const struct loop_io *io)
{
    int redraw = 1, first = 1;
    struct tick t = {0};
    a->data_at = ts_mono_us();
    refresh_totals(a);   /* asked now: the counts follow the first frame within ms */
    while (!a->quit && !*io->term_sig) {
        if (redraw) {
            loop_draw(a);
            log_timing(a, io, t.key_at, t.nkeys, &first);
            redraw = 0;
            t.key_at = 0;
            t.nkeys = 0;
        }
        /* Keys held for a page: stdin is not watched until it arrives. */
        int in = keys_held(a) ? -1 : STDIN_FILENO;
        struct pollfd p[4] = {{in, POLLIN, 0}, {io->sig_fd, POLLIN, 0},
                              {io->wake_fd, POLLIN, 0}, {io->feed_fd, POLLIN, 0}};
        if (poll(p, 4, wait_ms(a, &t)) < 0 && errno != EINTR)
            break;
        int r = on_events(a, io, p, &t);
        if (r < 0)
            break;
        redraw |= r;
    }
    if (a->o->verbose)
        fprintf(stderr, "tui: %lld frames drawn, %lld sent to the terminal, new data shown %lld "
                "times, in %.1f s\n", (long long)a->frames, (long long)a->frames_sent,
                (long long)a->data_shown, (double)(ts_mono_us() - io->start_us) / 1e6);
}
