/* app: state changes shared by the views: the filter and highlight
 * queries, follow mode, status messages, the detail pane, the layout
 * (see app.h). */
#include "ui/app.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/ts.h"
#include "src/query/query.h"
#include "ui/text.h"

#define MESSAGE_US 5000000   /* a status message stays 5 s */

struct plan *app_compile(const char *text, struct err *e)
{
    return query_compile(text ? text : "", ts_now(), NULL, e);
}

void app_message(struct app *a, int role, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(a->msg, sizeof a->msg, fmt, ap);
    va_end(ap);
    a->msg_role = role;
    a->msg_until = ts_now() + MESSAGE_US;
}

const char *app_msg_fit(const char *msg, int w, size_t *len)
{
    for (;;) {
        const char *nl = strchr(msg, '\n');
        size_t n = nl ? (size_t)(nl - msg) : strlen(msg);
        if (!nl || text_width(msg, n) <= w) {
            *len = n;
            return msg;
        }
        msg = nl + 1;
    }
}

void app_error(struct app *a, const struct err *e)
{
    app_message(a, ROLE_STATUS_ERROR, "%s", e->msg[0] ? e->msg : "store read failed");
}

/* Collects the words and phrases of p that are not negated. */
static void collect_terms(struct app *a, const struct pnode *n, int negated)
{
    if (!n)
        return;
    if (n->kind == PK_NOT)
        negated = !negated;
    if (n->kind == PK_TEXT && !negated && n->text && *n->text && a->nterms < APP_TERMS_MAX) {
        char *t = strdup(n->text);
        size_t len = t ? strlen(t) : 0;
        if (t && n->prefix && len && t[len - 1] == '*')
            t[len - 1] = 0;
        if (t && *t)
            a->terms[a->nterms++] = t;
        else
            free(t);
    }
    for (int i = 0; i < n->nkids; i++)
        collect_terms(a, n->kids[i], negated);
}

static void refresh_terms(struct app *a)
{
    for (int i = 0; i < a->nterms; i++)
        free(a->terms[i]);
    a->nterms = 0;
    if (a->filter_plan)
        collect_terms(a, a->filter_plan->root, 0);
    if (a->hl_plan)
        collect_terms(a, a->hl_plan->root, 0);
}

void app_recount(struct app *a)
{
    a->count_gen++;
    a->counting = 1;
    a->count_stale = 0;
    a->count_at = ts_mono_us();
    pager_count(a->pager, a->filter, a->count_gen);
}

/* Reloads the list for a new filter, keeping the selected record's place. */
static void cancel_pending(struct app *a)
{
    a->page_gen++;   /* a page still being read is dropped when it arrives */
    query_free(a->pending_plan);
    a->pending_plan = NULL;
    a->searching = 0;
}

/* Asks the pager for a page of the filter (a->filter) at `at`; the
 * window is replaced when it arrives (app_page_done). */
static void request_page(struct app *a, int at, int64_t ts, int64_t id, int refresh)
{
    a->paging = 1;
    a->page_refresh = refresh;
    a->page_at = at;
    if (pager_page(a->pager, a->filter, at, ts, id, a->lm.height, ++a->page_gen) < 0) {
        a->paging = a->searching = 0;   /* no page will come: keys must not wait */
        app_message(a, ROLE_STATUS_ERROR, "out of memory");
    }
}

int app_set_filter(struct app *a, const char *text, struct err *e)
{
    struct plan *p = app_compile(text, e);
    if (!p)
        return -1;
    cancel_pending(a);
    a->pending_plan = p;
    a->searching = 1;
    snprintf(a->filter, sizeof a->filter, "%s", text ? text : "");
    const struct lrow *r = logmodel_selected(&a->lm);
    if (a->follow || !r)
        request_page(a, PAGE_NEWEST, 0, 0, 0);
    else
        request_page(a, PAGE_ANCHOR, r->ts, r->id, 0);
    return 0;
}

void app_show(struct app *a, int at, int64_t ts)
{
    request_page(a, at, ts, 0, 0);
}

void app_show_record(struct app *a, int64_t ts, int64_t id)
{
    request_page(a, PAGE_ANCHOR, ts, id, 0);
}

void app_find(struct app *a, const char *find, int dir, const char *what)
{
    const struct lrow *r = logmodel_selected(&a->lm);
    a->paging = 1;
    a->page_refresh = 0;
    a->page_at = PAGE_FIND;
    a->find_dir = dir;
    snprintf(a->find_what, sizeof a->find_what, "%s", what);
    if (pager_find(a->pager, a->filter, find, dir, r ? r->ts : 0, r ? r->id : 0, a->lm.height,
                   ++a->page_gen) < 0) {
        a->paging = 0;
        app_message(a, ROLE_STATUS_ERROR, "out of memory");
    }
}

void app_refresh_newest(struct app *a)
{
    if (a->paging || !a->follow)
        return;   /* a page is on its way already, or the user looks elsewhere */
    request_page(a, PAGE_NEWEST, 0, 0, 1);
}

/* A page of the filter a->pending_plan was read for: it becomes the filter. */
static void install_filter(struct app *a)
{
    query_free(a->filter_plan);
    a->filter_plan = a->pending_plan;
    a->pending_plan = NULL;
    logmodel_set_plan(&a->lm, a->filter_plan);
    refresh_terms(a);
    a->count = -1;
    app_recount(a);
}

void app_page_done(struct app *a, struct pager_result *r)
{
    if (r->gen != a->page_gen || (a->page_refresh && !a->follow)) {
        logmodel_free(r->page);   /* superseded, or the user scrolled away meanwhile */
        return;
    }
    a->searching = a->paging = 0;
    if (r->failed) {
        app_message(a, ROLE_STATUS_ERROR, "%s", r->msg);
        query_free(a->pending_plan);
        a->pending_plan = NULL;
        return;
    }
    if (a->page_at == PAGE_FIND && !r->n) {
        app_message(a, ROLE_STATUS_ERROR, "no %s %s", a->find_what,
                    a->find_dir > 0 ? "below" : "above");
        return;   /* the window stays */
    }
    if (a->pending_plan) {
        install_filter(a);
        snprintf(a->field_warn, sizeof a->field_warn, "%s", r->warn);
        if (r->warn[0] && a->bar.mode == BAR_NONE)
            app_message(a, ROLE_STATUS_ERROR, "%s", r->warn);
    }
    logmodel_adopt(&a->lm, r->page);
    if (a->page_at == PAGE_TIME && !logmodel_selected(&a->lm))
        app_message(a, ROLE_STATUS_ERROR, "no records");
}

int app_set_highlight(struct app *a, const char *text, struct err *e)
{
    struct plan *p = NULL;
    if (text && *text && !(p = app_compile(text, e)))
        return -1;
    query_free(a->hl_plan);
    a->hl_plan = p;
    snprintf(a->highlight, sizeof a->highlight, "%s", text ? text : "");
    refresh_terms(a);
    return 0;
}

void app_pause(struct app *a)
{
    if (a->follow)
        a->records_at_pause = a->totals.records;
    a->follow = 0;
}

void app_set_follow(struct app *a, int on)
{
    if (!on) {
        app_pause(a);
        return;
    }
    a->follow = 1;
    a->hscroll = 0;
    app_show(a, PAGE_NEWEST, 0);
}

/* Runs on the pager's job thread: a new detail for the row (no app state). */
static void *detail_new(const struct store_row *row)
{
    struct detail *d = calloc(1, sizeof *d);
    if (d && detail_build(d, row) < 0) {
        detail_fini(d);
        free(d);
        d = NULL;
    }
    return d;
}

static void detail_free(void *p)
{
    if (p)
        detail_fini(p);
    free(p);
}

void app_open_detail(struct app *a)
{
    const struct lrow *r = logmodel_selected(&a->lm);
    if (!r) {
        app_message(a, ROLE_STATUS_ERROR, "no record selected");
        return;
    }
    a->detail_pending = 1;   /* keys wait for it (the pane opens on arrival) */
    if (pager_record(a->pager, r->ts, r->id, detail_new, detail_free, ++a->detail_gen) < 0) {
        a->detail_pending = 0;
        app_message(a, ROLE_STATUS_ERROR, "out of memory");
    }
}

void app_detail_done(struct app *a, struct pager_result *r)
{
    if (r->gen != a->detail_gen) {
        detail_free(r->obj);
        return;
    }
    a->detail_pending = 0;
    if (r->failed || !r->n) {
        app_message(a, ROLE_STATUS_ERROR, "%s", !r->n && !r->failed ? "the record is gone"
                                                 : r->msg[0] ? r->msg : "out of memory");
        detail_free(r->obj);
        return;
    }
    detail_fini(&a->detail);
    a->detail = *(struct detail *)r->obj;
    free(r->obj);
    a->detail_open = 1;
    a->detail_scroll = 0;
}

void app_layout(struct app *a, int *list_h, int *detail_y, int *detail_h)
{
    int body = a->scr.h - 2;   /* status bar + bottom line */
    if (body < 1)
        body = 1;
    *detail_y = *detail_h = 0;
    *list_h = body;
    if (a->detail_open) {
        if (body >= 28) {   /* room for both: list on top, the record below */
            *list_h = body / 3;
            *detail_y = *list_h;
            *detail_h = body - *list_h;
        } else {
            *list_h = 0;
            *detail_y = 0;
            *detail_h = body;
        }
    }
}
