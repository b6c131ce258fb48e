/* views/log: the log (tail) view: one record per row (time, level badge,
 * service, message with the query's words highlighted), newest at the
 * bottom, following live until the user scrolls; and the status bar
 * under it (follow state, query, match count, store size, indexer lag,
 * loss counters). Reads only through the log model. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "src/query/query.h"
#include "src/base/config.h"
#include "src/base/record.h"
#include "src/base/ts.h"
#include "ui/app.h"
#include "ui/keys.h"
#include "ui/text.h"

#define HSCROLL_STEP 8

struct cols {
    int time_w, date;       /* time column width; 1: with the date */
    int badge_x, svc_x, svc_w, msg_x;
};

static struct cols columns(int w)
{
    struct cols c = {.time_w = 12};
    if (w >= 110) {
        c.time_w = 23;
        c.date = 1;
    }
    c.badge_x = c.time_w + 1;
    c.svc_x = c.badge_x + 6;
    c.svc_w = w >= 120 ? 14 : w >= 100 ? 12 : 10;
    c.msg_x = c.svc_x + c.svc_w + 1;
    return c;
}

static const char *badge(int level)
{
    static const char *const b[LVL_COUNT] = {
        "  ?  ", "TRACE", "DEBUG", "INFO ", "NOTE ", "WARN ", "ERROR", "CRIT ",
    };
    return level >= 0 && level < LVL_COUNT ? b[level] : b[0];
}

/* Draws the message from column hscroll on, with the query's words in the
 * match role. Returns the column after it. */
static int draw_message(struct app *a, struct screen *s, int y, int x, int xmax,
                        const struct lrow *r, int role)
{
    size_t off = a->hscroll ? text_fit(r->text, r->text_len, a->hscroll, NULL) : 0;
    const char *t = r->text + off;
    size_t n = r->text_len - off, pos = 0;
    while (pos < n && x < xmax) {
        long best = -1;
        size_t blen = 0;
        for (int i = 0; i < a->nterms; i++) {
            size_t tl = strlen(a->terms[i]);
            long at = text_find_ci(t, n, a->terms[i], tl, pos);
            if (at >= 0 && (best < 0 || at < best || (at == best && tl > blen))) {
                best = at;
                blen = tl;
            }
        }
        size_t plain = best < 0 ? n - pos : (size_t)best - pos;
        x = screen_put(s, y, x, xmax, t + pos, plain, role, ROLE_ESCAPE, x);
        pos += plain;
        if (best >= 0) {
            x = screen_put(s, y, x, xmax, t + pos, blen, ROLE_MATCH, ROLE_MATCH, x);
            pos += blen;
        }
    }
    return x;
}

/* "+1.234s", "-0.050s", "+12m03.5s", "+3h07m", "+2d04h": a signed
 * elapsed time that fits the time column. */
static void elapsed_text(int64_t us, char *out, size_t cap)
{
    char sign = us < 0 ? '-' : '+';
    uint64_t u = (uint64_t)(us < 0 ? -us : us), sec = u / 1000000;
    if (sec < 60)
        snprintf(out, cap, "%c%.3fs", sign, (double)u / 1e6);
    else if (sec < 3600)
        snprintf(out, cap, "%c%um%04.1fs", sign, (unsigned)(sec / 60),
                 (double)(u % 60000000) / 1e6);
    else if (sec < 86400)
        snprintf(out, cap, "%c%uh%02um", sign, (unsigned)(sec / 3600), (unsigned)(sec / 60 % 60));
    else
        snprintf(out, cap, "%c%ud%02uh", sign, (unsigned)(sec / 86400),
                 (unsigned)(sec / 3600 % 24));
}

/* The time column's text for row idx in the chosen mode. The first row
 * of the window has no previous record in memory: it shows its clock. */
static void time_text(struct app *a, int idx, int date, char *out, size_t cap)
{
    const struct lrow *r = &a->lm.rows[idx];
    const struct rec_key *mk = a->time_mode == TIME_SINCE_MARK ?
                               marks_anchor(&a->marks, r->ts, r->id) : NULL;
    if (mk) {
        elapsed_text(r->ts - mk->ts, out, cap);
    } else if (a->time_mode == TIME_DELTA && idx > 0) {
        elapsed_text(r->ts - a->lm.rows[idx - 1].ts, out, cap);
    } else {
        char tb[32];
        ts_format_short(r->ts, 0, tb);   /* "YYYY-MM-DD HH:MM:SS.mmm" */
        snprintf(out, cap, "%s", date ? tb : tb + 11);
    }
}

static void draw_row(struct app *a, struct screen *s, int y, int idx, int sel)
{
    const struct lrow *r = &a->lm.rows[idx];
    struct cols c = columns(s->w);
    char tb[32], more[32];
    int base = sel ? ROLE_SELECTION : ROLE_DEFAULT;
    screen_fill(s, y, 0, s->w, base);
    time_text(a, idx, c.date, tb, sizeof tb);
    screen_puts(s, y, 0, c.time_w, tb, sel ? base : ROLE_TIME);
    if (marks_has(&a->marks, r->ts, r->id))
        screen_puts(s, y, c.badge_x - 1, c.badge_x, "*", sel ? base : ROLE_MATCH);
    screen_puts(s, y, c.badge_x, c.badge_x + 5, badge(r->level),
                sel ? base : role_for_level(r->level));
    if (r->service) {
        int w = text_width(r->service, strlen(r->service));
        int end = screen_put(s, y, c.svc_x, c.svc_x + c.svc_w - (w > c.svc_w), r->service,
                             strlen(r->service), sel ? base : ROLE_SERVICE, -1, c.svc_x);
        if (w > c.svc_w)
            screen_puts(s, y, end, c.svc_x + c.svc_w, "…", sel ? base : ROLE_DIM);
    }
    int xmax = s->w;
    if (r->extra_lines > 0) {
        int k = snprintf(more, sizeof more, " [+%d line%s]", r->extra_lines,
                         r->extra_lines == 1 ? "" : "s");
        if (s->w - c.msg_x > k + 10)
            xmax = s->w - k;
    }
    int msg_role = sel ? base : role_line_for_level(r->level);
    int x = draw_message(a, s, y, c.msg_x, xmax, r, msg_role);
    /* the status, then the duration, each whole or not at all: a duration
     * cut at the edge ("18.4 m") would read as another unit */
    char fact[2][48];
    int nf = 0;
    if (r->has_status)
        snprintf(fact[nf++], sizeof fact[0], "  %lld", (long long)r->status);
    /* (a duration past 10^40 ms, which no log means, is not shown) */
    if (r->has_duration &&
        snprintf(fact[nf], sizeof fact[0], "  %.1f ms", r->duration_ms) < (int)sizeof fact[0])
        nf++;
    for (int i = 0; i < nf && x > c.msg_x; i++) {
        int fw = text_width(fact[i], strlen(fact[i]));
        if (x + fw > xmax)
            break;
        x = screen_puts(s, y, x, xmax, fact[i], sel ? base : ROLE_DIM);
    }
    if (xmax < s->w)
        screen_puts(s, y, xmax, s->w, more, sel ? base : ROLE_DIM);
}

static void log_draw(struct app *a, struct screen *s, int y0, int h)
{
    const struct logmodel *m = &a->lm;
    for (int i = 0; i < h; i++) {
        int idx = m->top + i;
        if (idx < m->n)
            draw_row(a, s, y0 + i, idx, idx == m->sel);
        else
            screen_fill(s, y0 + i, 0, s->w, ROLE_DEFAULT);
    }
    if (m->n == 0 && h > 0) {
        const char *why = a->filter[0] ? "no records match the query (press / to change it)"
                                       : "no records yet: waiting for log lines…";
        screen_puts(s, y0 + (h > 2 ? h / 2 : 0), 2, s->w, why, ROLE_DIM);
    }
}

/* Finds the next/previous record matching (filter) AND extra. */
static int find(struct app *a, const char *extra, int dir, const char *what)
{
    char text[LINEEDIT_MAX * 2 + 16];
    struct err e = {0};
    if (a->filter[0])
        snprintf(text, sizeof text, "(%s) (%s)", a->filter, extra);
    else
        snprintf(text, sizeof text, "%s", extra);
    struct plan *p = app_compile(text, &e);   /* a bad highlight fails here, at once */
    if (!p) {
        app_error(a, &e);
        return R_REDRAW;
    }
    query_free(p);
    app_pause(a);
    app_find(a, text, dir, what);   /* read by the pager; keys wait for it */
    return R_REDRAW;
}

static int move(struct app *a, int delta, int page)
{
    struct err e = {0};
    if (delta < 0)
        app_pause(a);
    if (logmodel_move(&a->lm, delta, page, &e) < 0)
        app_error(a, &e);
    const struct logmodel *m = &a->lm;
    if (delta > 0 && m->at_newest && m->sel == m->n - 1 && !a->follow)
        app_set_follow(a, 1);   /* at the bottom again: follow, as lnav does */
    return R_REDRAW;
}

static int toggle_mark(struct app *a)
{
    const struct lrow *r = logmodel_selected(&a->lm);
    if (!r) {
        app_message(a, ROLE_STATUS_ERROR, "no record to mark");
        return R_REDRAW;
    }
    int rc = marks_toggle(&a->marks, r->ts, r->id);
    if (rc < 0)
        app_message(a, ROLE_STATUS_ERROR, "out of memory marking the record");
    else
        app_message(a, ROLE_STATUS, "%s; %zu marked (u U jump, :wm FILE writes them)",
                    rc ? "marked" : "unmarked", a->marks.n);
    return R_REDRAW;
}

/* u / U: the next / previous mark after the selection. A mark the filter
 * hides selects the nearest record of the filter instead (as :goto). */
static int goto_mark(struct app *a, int dir)
{
    const struct lrow *r = logmodel_selected(&a->lm);
    const struct rec_key *k = !a->marks.n ? NULL :
                              r ? marks_next(&a->marks, r->ts, r->id, dir) :
                              &a->marks.k[dir > 0 ? 0 : a->marks.n - 1];
    if (!k) {
        app_message(a, ROLE_STATUS_ERROR, a->marks.n ? "no mark %s" : "no marks: x marks the "
                    "selected record", dir > 0 ? "below" : "above");
        return R_REDRAW;
    }
    app_pause(a);
    app_show_record(a, k->ts, k->id);   /* read by the pager; the window follows */
    return R_REDRAW;
}

static int cycle_time(struct app *a)
{
    static const char *const what[] = {"clock time", "elapsed since the previous record",
                                       "elapsed since the mark before each record"};
    a->time_mode = (a->time_mode + 1) % TIME_MODES;
    if (a->time_mode == TIME_SINCE_MARK && !a->marks.n)
        app_message(a, ROLE_STATUS, "time column: %s (no marks yet: x marks a record)",
                    what[a->time_mode]);
    else
        app_message(a, ROLE_STATUS, "time column: %s", what[a->time_mode]);
    return R_REDRAW;
}

static int log_action(struct app *a, int action, int key)
{
    int h = a->lm.height;
    (void)key;
    switch (action) {
    case A_DOWN: return move(a, 1, 0);
    case A_UP: return move(a, -1, 0);
    case A_PGDN: return move(a, h, 1);
    case A_PGUP: return move(a, -h, 1);
    case A_HALF_DN: return move(a, h / 2 > 0 ? h / 2 : 1, 1);
    case A_HALF_UP: return move(a, -(h / 2 > 0 ? h / 2 : 1), 1);
    case A_OLDEST:
        app_pause(a);
        app_show(a, PAGE_OLDEST, 0);
        return R_REDRAW;
    case A_NEWEST: app_set_follow(a, 1); return R_REDRAW;
    case A_FOLLOW: app_set_follow(a, !a->follow); return R_REDRAW;
    case A_DETAIL: app_open_detail(a); return R_REDRAW;
    case A_NEXT_ERROR: return find(a, "level>=error", 1, "error");
    case A_PREV_ERROR: return find(a, "level>=error", -1, "error");
    case A_NEXT_MATCH:
    case A_PREV_MATCH:
        if (!a->highlight[0]) {
            app_message(a, ROLE_STATUS_ERROR, "no highlight: press / then Tab, or :hl EXPR");
            return R_REDRAW;
        }
        return find(a, a->highlight, action == A_NEXT_MATCH ? 1 : -1, "match");
    case A_SCROLL_LEFT: a->hscroll = a->hscroll > HSCROLL_STEP ? a->hscroll - HSCROLL_STEP : 0;
        return R_REDRAW;
    case A_SCROLL_RIGHT: a->hscroll += HSCROLL_STEP; return R_REDRAW;
    case A_LINE_START: a->hscroll = 0; return R_REDRAW;
    case A_MARK: return toggle_mark(a);
    case A_NEXT_MARK: return goto_mark(a, 1);
    case A_PREV_MARK: return goto_mark(a, -1);
    case A_TIME_MODE: return cycle_time(a);
    default: return R_UNHANDLED;
    }
}

const struct view view_log = {
    .name = "log",
    .action = A_LOGVIEW,
    .on_action = log_action,
    .draw = log_draw,
};

/* --- status bar ------------------------------------------------------------ */

static void group_digits(int64_t v, char *out, size_t cap)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%lld", (long long)(v < 0 ? -v : v)), k = 0;
    size_t o = 0;
    if (v < 0 && o + 1 < cap)
        out[o++] = '-';
    for (int i = 0; i < n && o + 2 < cap; i++) {
        out[o++] = tmp[i];
        k = n - 1 - i;
        if (k > 0 && k % 3 == 0)
            out[o++] = ',';
    }
    out[o] = 0;
}

/* "history 34% 1.2GB left ~40s, since 09:12 │": what the store does not
 * cover yet (tail-first indexing); "" once it covers everything. */
static void history_part(struct app *a, char *out, size_t cap, int compact)
{
    const struct store_coverage *c = &a->totals.cov;
    out[0] = 0;
    if (!c->files_partial)
        return;
    int pct0 = c->bytes_total > 0 ? (int)(100 * (c->bytes_total - c->bytes_left) / c->bytes_total) : 0;
    if (compact) {   /* 80 columns: "history 34% ~40s │" */
        char eta0[24] = "";
        if (a->hist_rate > 0)
            snprintf(eta0, sizeof eta0, " ~%.0fs", (double)c->bytes_left / a->hist_rate);
        snprintf(out, cap, " history %d%%%s │", pct0 < 0 ? 0 : pct0, eta0);
        return;
    }
    char left[24], eta[24] = "", since[32];
    config_size_text(c->bytes_left, 1, left, sizeof left);
    int pct = c->bytes_total > 0 ? (int)(100 * (c->bytes_total - c->bytes_left) / c->bytes_total) : 0;
    if (a->hist_rate > 0)
        snprintf(eta, sizeof eta, " ~%.0fs", (double)c->bytes_left / a->hist_rate);
    time_t t = (time_t)(c->covered_since / 1000000), now = time(NULL);
    struct tm tm, tn;
    localtime_r(&t, &tm);
    localtime_r(&now, &tn);
    strftime(since, sizeof since, tm.tm_yday == tn.tm_yday && tm.tm_year == tn.tm_year
             ? "%H:%M" : "%b %d %H:%M", &tm);
    snprintf(out, cap, " history %d%% %s left%s, covered since %s │", pct < 0 ? 0 : pct, left,
             eta, since);
}

/* The right of the status bar; compact: only the history's progress and
 * the losses (a narrow terminal during a backfill). */
static void right_part(struct app *a, char *buf, size_t cap, int compact)
{
    char size[24], lag[32], lost[64], hist[160];
    config_size_text(a->totals.db_bytes, 1, size, sizeof size);
    const struct tui_feed_status *f = &a->feed;
    if (f->lag_bytes > 0) {
        char b[24];
        config_size_text(f->lag_bytes, 1, b, sizeof b);
        snprintf(lag, sizeof lag, "lag %s", b);
    } else {
        snprintf(lag, sizeof lag, "lag 0");
    }
    int64_t l = a->totals.lost_lines, t = a->totals.truncated;
    /* lines never read are counted from bytes and write rates: "~" says so */
    snprintf(lost, sizeof lost, "lost %s%lld", l > 0 ? "~" : "", (long long)l);
    if (f->est_lines > 0)   /* copytruncate races never seen: an estimate, apart */
        snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " (+~%lld est.)",
                 (long long)f->est_lines);
    if (a->totals.lost_files)
        snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " +%lld files",
                 (long long)a->totals.lost_files);
    if (a->totals.lost_gaps)   /* files deleted while logdeck was down: how many lines? */
        snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " +?");
    if (t)
        snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " cut %lld", (long long)t);
    if (f->errors)
        snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " STOPPED");
    if (a->totals.cap_dropped)
        snprintf(lost + strlen(lost), sizeof lost - strlen(lost), " capped -%lld",
                 (long long)a->totals.cap_dropped);
    history_part(a, hist, sizeof hist, compact);
    if (compact)
        snprintf(buf, cap, "%s %s ", hist, lost);
    else
        snprintf(buf, cap, "%s %s  %s  %s ", hist, size, lag, lost);
}

/* The match count: "48 records", or "12 of 48" with a filter. */
static void count_text(struct app *a, char *out, size_t cap)
{
    char tot[32], n[32];
    const struct store_coverage *c = &a->totals.cov;
    const char *ge = c->files_partial ? ">=" : "";
    group_digits(a->totals.records, tot, sizeof tot);
    if (a->searching) {
        snprintf(out, cap, " searching… ");
    } else if (!a->filter[0]) {
        snprintf(out, cap, " %s%s records ", ge, tot);
    } else if (a->count < 0) {
        snprintf(out, cap, " counting… ");
    } else {
        group_digits(a->count, n, sizeof n);
        snprintf(out, cap, " %s%s of %s%s ",
                 query_partial(a->filter_plan, c->files_partial, c->covered_since) ? ">=" : "",
                 n, ge, tot);
    }
}

void statusbar_draw(struct app *a, struct screen *s, int y)
{
    char right[320], count[96], badge_s[48];   /* right_part writes up to 283 bytes */
    screen_fill(s, y, 0, s->w, ROLE_STATUS);
    int x;
    if (a->follow) {
        x = screen_puts(s, y, 0, s->w, " FOLLOW ", ROLE_STATUS_FOLLOW);
    } else {
        int64_t fresh = a->totals.records - a->records_at_pause;
        if (fresh > 0)
            snprintf(badge_s, sizeof badge_s, " PAUSED +%lld ", (long long)fresh);
        else
            snprintf(badge_s, sizeof badge_s, " PAUSED ");
        x = screen_puts(s, y, 0, s->w, badge_s, ROLE_STATUS_PAUSED);
    }
    int64_t firing = view_alerts_firing(a);
    if (firing > 0) {
        snprintf(badge_s, sizeof badge_s, " ⚠ %lld firing ", (long long)firing);
        x = screen_puts(s, y, x, s->w, badge_s, ROLE_STATUS_ERROR);
    }
    right_part(a, right, sizeof right, 0);
    count_text(a, count, sizeof count);
    int rw = text_width(right, strlen(right)), cw = text_width(count, strlen(count));
    if (x + cw + rw > s->w) {   /* too narrow for all of it: the progress first */
        right_part(a, right, sizeof right, 1);
        rw = text_width(right, strlen(right));
    }
    int qmax = s->w - rw - cw - x - 2;
    if (a->filter[0] && qmax > 4) {
        x = screen_puts(s, y, x, x + 1, " ", ROLE_STATUS);
        const char *q = a->filter;
        int qw = text_width(q, strlen(q));
        x = screen_put(s, y, x, x + (qw > qmax ? qmax - 1 : qmax), q, strlen(q),
                       ROLE_STATUS_KEY, -1, x);
        if (qw > qmax)
            x = screen_puts(s, y, x, x + 1, "…", ROLE_STATUS);
        x = screen_puts(s, y, x, x + 2, " │", ROLE_STATUS);
    }
    if (x + cw <= s->w)
        x = screen_puts(s, y, x, s->w, count, ROLE_STATUS);
    if (s->w - rw >= x)
        screen_puts(s, y, s->w - rw, s->w, right, ROLE_STATUS);
}
