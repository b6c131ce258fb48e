/* views/metrics_draw: draws the metrics view (see ui/views/metrics.c) into the
 * in-memory screen: a title with the range and totals, the level
 * histogram (one column per bucket, stacked: errors on top in the error
 * role, warnings under them, the rest below), then the sections as one
 * scrolling list of lines: requests per service and per path, status
 * classes and slow-request tiers, top error templates, metric series.
 * Reads only the parts in the view's struct mview (ui/views/metrics.h). */
#include <stdio.h>
#include <string.h>

#include "src/report/spark.h"
#include "src/report/tiers.h"
#include "src/base/ts.h"
#include "ui/text.h"
#include "ui/views/metrics.h"

#define GUTTER 6   /* the histogram's count labels */

struct cursor {        /* the sections area: which line goes where */
    struct mview *mv;
    struct screen *s;
    int line, top, y0, rows, draw;
};

int mview_hist_cols(int w)
{
    return w - GUTTER - 1 > 10 ? w - GUTTER - 1 : 10;
}

int mview_spark_len(int w)
{
    return w >= 120 ? 20 : w >= 100 ? 16 : 10;
}

static const struct stats *stats_of(struct mview *mv, int kind)
{
    const struct metrics_part *mp = mv->part[kind];
    return mp && !mp->failed ? &mp->st : NULL;
}

static const struct mseries *series_of(struct mview *mv, int kind)
{
    const struct metrics_part *mp = mv->part[kind];
    return mp && !mp->failed ? &mp->se : NULL;
}

int mview_section_rows(struct mview *mv, int sec)
{
    const struct stats *st = stats_of(mv, sec == SEC_PATHS ? MK_PATHS : MK_SERVICES);
    if (!st)
        return 0;
    switch (sec) {
    case SEC_SERVICES: case SEC_PATHS: return (int)st->ngroups;
    case SEC_TEMPLATES: return (int)st->ntemplates;
    default: return (int)st->nmetrics;
    }
}

/* "10:42" or "05-01 10:42" (local), by how long the range is. */
static const char *clock_of(int64_t us, int with_day, char buf[32])
{
    char t[32];
    ts_format_short(us, 0, t);   /* YYYY-MM-DD HH:MM:SS.mmm */
    if (with_day)
        snprintf(buf, 32, "%.5s %.5s", t + 5, t + 11);
    else
        snprintf(buf, 32, "%.5s", t + 11);
    return buf;
}

/* --- title ------------------------------------------------------------------- */

/* The title: range, live, totals. What does not fit is left out whole,
 * least useful first (the clock range, then "live", then the error
 * count), so that no number is ever cut in the middle. */
static void title(struct mview *mv, struct screen *s, int y)
{
    char w[16], a[32], b[32], range[64], counts[96] = "", line[512];
    const struct stats *st = stats_of(mv, MK_SERVICES);
    ts_format_short(mv->since, 0, a);
    ts_format_short(mv->until, 0, b);
    int same_day = strncmp(a, b, 10) == 0 || (mv->until - mv->since) <= 86400000000LL;
    int narrow = s->w < 100;
    snprintf(range, sizeof range, narrow ? " · %.*s→%.*s" : " · %.*s → %.*s", narrow ? 11 : 16,
             narrow ? a + 5 : a, same_day ? 5 : 16, same_day ? b + 11 : b);
    const char *live = mv->live ? " · live" : "";
    char errs[64] = "";
    if (st) {
        snprintf(errs, sizeof errs, " · %lld errors (%.1f%%)", (long long)st->errors,
                 st->error_rate * 100.0);
        snprintf(counts, sizeof counts, " · %lld records", (long long)st->count);
    }
    /* keep: bit 0 range, bit 1 live, bit 2 errors; fall back in that order */
    static const int tries[] = {7, 6, 4, 0};
    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        int k = tries[i];
        snprintf(line, sizeof line, " Metrics · %s%s%s%s%s%s ", narrow ? "" : "last ",
                 metrics_fmt_width(mv->until - mv->since, w), k & 1 ? range : "",
                 k & 2 ? live : "", counts, k & 4 ? errs : "");
        if (text_width(line, strlen(line)) <= s->w)
            break;
    }
    screen_fill(s, y, 0, s->w, ROLE_TITLE);
    int x = screen_puts(s, y, 0, s->w, line, ROLE_TITLE);
    if (mv->pending)
        screen_puts(s, y, x + 1, s->w, "computing…", ROLE_TITLE);
}

/* --- histogram --------------------------------------------------------------- */

/* The role of the eighth e (from the bottom) of a stacked column. */
static int stack_role(int e, int rest, int warn)
{
    return e < rest ? ROLE_LVL_INFO : e < rest + warn ? ROLE_LVL_WARNING : ROLE_LVL_ERROR;
}

/* Heights in eighths of the segments of bucket b, total at most full. */
static void stack_of(const struct stats_bucket *b, int64_t max, int full, int *rest, int *warn,
                     int *err)
{
    int64_t e = b->by_level[LVL_ERROR] + b->by_level[LVL_CRITICAL], w = b->by_level[LVL_WARNING];
    int total = max > 0 ? (int)((b->count * full + max - 1) / max) : 0;
    *err = e ? (int)(e * full / max) : 0;
    *warn = w ? (int)(w * full / max) : 0;
    if (e && *err < 1)
        *err = 1;
    if (w && *warn < 1)
        *warn = 1;
    if (*err + *warn > total)
        total = *err + *warn;
    *rest = total - *err - *warn;
}

static void hist_column(struct screen *s, int y0, int hh, int x, int cw, const struct stats_bucket *b,
                        int64_t max)
{
    int rest, warn, err;
    stack_of(b, max, hh * 8, &rest, &warn, &err);
    int total = rest + warn + err;
    for (int r = 0; r < hh; r++) {
        int filled = total - r * 8;
        if (filled <= 0)
            break;
        if (filled > 8)
            filled = 8;
        int role = stack_role(r * 8 + filled - 1, rest, warn);
        for (int k = 0; k < cw; k++)
            screen_putc(s, y0 + hh - 1 - r, x + k, spark_glyph(filled), role);
    }
}

/* Labels at round times: the smallest step of whole buckets from a
 * ladder of minutes that leaves room for a label between two. */
static void hist_axis(struct mview *mv, struct screen *s, int y, int nb, int cw)
{
    static const int64_t steps_min[] = {1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 360, 720,
                                        1440, 2880, 10080};
    char lab[32];
    int with_day = mv->until - mv->since > 86400000000LL, need = with_day ? 13 : 7;
    int64_t bmin = mv->bucket_us / 60000000LL, step = 0;
    screen_fill(s, y, 0, s->w, ROLE_DEFAULT);
    screen_puts(s, y, GUTTER - 1, s->w, "└", ROLE_BORDER);
    for (size_t k = 0; k < sizeof steps_min / sizeof steps_min[0] && !step; k++)
        if (steps_min[k] % bmin == 0 && steps_min[k] / bmin * cw >= need)
            step = steps_min[k] * 60000000LL;
    int end = GUTTER;
    for (int i = 0; step && i < nb; i++) {
        int64_t t = mv->since + i * mv->bucket_us;
        int x = GUTTER + i * cw;
        if (t % step != 0)
            continue;
        if (x + need - 2 > s->w)
            break;
        end = screen_puts(s, y, x, s->w, clock_of(t, with_day, lab), ROLE_LABEL);
    }
    static const char hint[] = "+/- range · [ ] move · Tab section · < > r sort";
    int hw = text_width(hint, strlen(hint));
    if (s->w - hw - 1 > end + 2)
        screen_puts(s, y, s->w - hw - 1, s->w, hint, ROLE_DIM);
}

static void histogram(struct mview *mv, struct screen *s, int y0, int hh)
{
    char lab[32];
    const struct stats *st = stats_of(mv, MK_SERVICES);
    int nb = (int)((mv->until - mv->since) / mv->bucket_us);
    int cw = nb > 0 ? mview_hist_cols(s->w) / nb : 1;
    if (cw < 1)
        cw = 1;
    int64_t max = 0;
    for (size_t i = 0; st && i < st->nhist; i++)
        max = st->hist[i].count > max ? st->hist[i].count : max;
    for (int r = 0; r < hh; r++) {
        screen_fill(s, y0 + r, 0, s->w, ROLE_DEFAULT);
        screen_puts(s, y0 + r, GUTTER - 1, GUTTER, "│", ROLE_BORDER);
    }
    snprintf(lab, sizeof lab, "%4lld", (long long)max);
    screen_puts(s, y0, 0, GUTTER - 1, lab, ROLE_LABEL);
    screen_puts(s, y0 + hh - 1, 0, GUTTER - 1, "   0", ROLE_LABEL);
    for (size_t i = 0; st && i < st->nhist; i++) {
        int64_t bi = (st->hist[i].start - mv->since) / mv->bucket_us;
        if (bi < 0 || bi >= nb)
            continue;
        hist_column(s, y0, hh, GUTTER + (int)bi * cw, cw > 2 ? cw - 1 : cw, &st->hist[i], max);
    }
    if (!st)
        screen_puts(s, y0 + hh / 2, GUTTER + 2, s->w,
                    mv->pending ? "computing…" : "no numbers", ROLE_DIM);
    hist_axis(mv, s, y0 + hh, nb, cw);
}

/* --- sections ------------------------------------------------------------------ */

/* The y of the next line of the sections area, or -1 when not shown. */
static int emit(struct cursor *c)
{
    int l = c->line++;
    if (!c->draw || l < c->top || l >= c->top + c->rows)
        return -1;
    int y = c->y0 + l - c->top;
    screen_fill(c->s, y, 0, c->s->w, ROLE_DEFAULT);
    return y;
}

static void section_title(struct cursor *c, int sec, const char *text)
{
    struct mview *mv = c->mv;
    int y = emit(c);
    if (y >= 0)
        screen_puts(c->s, y, 0, c->s->w, text, mv->focus == sec ? ROLE_STATUS_KEY : ROLE_LABEL);
}

/* One note line ("computing…", "none"). */
static void note(struct cursor *c, const char *text)
{
    int y = emit(c);
    if (y >= 0)
        screen_puts(c->s, y, 2, c->s->w, text, ROLE_DIM);
}

static void spark_cells(struct screen *s, int y, int x, const int64_t *count, const int64_t *errs,
                        int nb)
{
    int64_t max = 0;
    for (int i = 0; i < nb; i++)
        max = count[i] > max ? count[i] : max;
    for (int i = 0; i < nb && x + i < s->w; i++) {
        int l = spark_level((double)count[i], 0, (double)max, SPARK_ZERO);
        screen_putc(s, y, x + i, spark_glyph(l), errs && errs[i] ? ROLE_LVL_ERROR : ROLE_LVL_INFO);
    }
}

/* Columns of the per-service and per-path tables, as right edges (0: the
 * column is left out) and the sparkline's start (0: none). The name
 * matters most: on a narrow screen the sparkline goes first, then p50,
 * p99 and p95, until the name has NAME_MIN columns; a longer name is
 * ellipsized, never cut silently. */
struct gcols {
    int name_w, x_count, e_count, e_err, e_p50, e_p95, e_p99, x_spark;
};

#define NAME_MIN 16

static struct gcols group_cols(struct mview *mv, int w)
{
    int want[4] = {8, 8, 8, mv->nspark + 2};   /* p50 p95 p99 spark */
    static const int drop[] = {3, 0, 2, 1};
    struct gcols g;
    for (int k = 0;; k++) {
        int fixed = 8 + 7 + want[0] + want[1] + want[2] + want[3];
        g.name_w = w - 2 - fixed;
        if (g.name_w >= NAME_MIN || k == 4)
            break;
        want[drop[k]] = 0;
    }
    if (g.name_w > 40)
        g.name_w = 40;
    if (g.name_w < 8)
        g.name_w = 8;
    g.x_count = 2 + g.name_w;
    g.e_count = g.x_count + 7;
    g.e_err = g.e_count + 7;
    int x = g.e_err;
    g.e_p50 = want[0] ? (x += 8) : 0;
    g.e_p95 = want[1] ? (x += 8) : 0;
    g.e_p99 = want[2] ? (x += 8) : 0;
    g.x_spark = want[3] ? x + 3 : 0;
    return g;
}

/* text in [x, x + w), ending in "…" when it does not fit. */
static void put_cut(struct screen *s, int y, int x, int w, const char *t, int role)
{
    size_t n = strlen(t);
    if (text_width(t, n) <= w) {
        screen_puts(s, y, x, x + w, t, role);
        return;
    }
    int end = screen_put(s, y, x, x + w - 1, t, n, role, -1, x);
    screen_puts(s, y, end, x + w, "…", role);
}

static void put_right(struct screen *s, int y, int x_end, const char *t, int role)
{
    int w = text_width(t, strlen(t));
    screen_puts(s, y, x_end - w, x_end, t, role);
}

static void group_header(struct cursor *c, int sec, const char *name)
{
    struct mview *mv = c->mv;
    static const char *const labels[MCOL_N] = {"", "count", "err%", "p50", "p95", "p99"};
    char b[32], w[16];
    int y = emit(c);
    if (y < 0)
        return;
    struct gcols g = group_cols(mv, c->s->w);
    int ends[MCOL_N] = {0, g.e_count, g.e_err, g.e_p50, g.e_p95, g.e_p99};
    const char *arrow = mv->sort_desc[sec] ? "▼" : "▲";
    snprintf(b, sizeof b, "%s%s", name, mv->sort_col[sec] == MCOL_NAME ? arrow : "");
    screen_puts(c->s, y, 2, g.x_count, b, ROLE_LABEL);
    for (int k = 1; k < MCOL_N; k++) {
        if (!ends[k])
            continue;
        snprintf(b, sizeof b, "%s%s", labels[k], mv->sort_col[sec] == k ? arrow : "");
        put_right(c->s, y, ends[k], b, ROLE_LABEL);
    }
    if (g.x_spark) {
        snprintf(b, sizeof b, "last %s", metrics_fmt_width(mv->nspark * mv->bucket_us, w));
        screen_puts(c->s, y, g.x_spark, c->s->w, b, ROLE_LABEL);
    }
}

static void group_row(struct cursor *c, int sec, const struct stats_group *gr,
                      const struct mseries *se, int sel)
{
    struct mview *mv = c->mv;
    char b[32];
    int y = emit(c);
    if (y < 0)
        return;
    struct gcols g = group_cols(mv, c->s->w);
    int base = sel ? ROLE_SELECTION : ROLE_DEFAULT;
    screen_fill(c->s, y, 0, g.x_spark ? g.x_spark - 1 : c->s->w, base);
    put_cut(c->s, y, 2, g.name_w - 1, gr->key, sel ? base : ROLE_SERVICE);
    snprintf(b, sizeof b, "%lld", (long long)gr->count);
    put_right(c->s, y, g.e_count, b, base);
    snprintf(b, sizeof b, "%.1f%%", gr->error_rate * 100.0);
    put_right(c->s, y, g.e_err, b, sel ? base : gr->errors ? ROLE_LVL_ERROR : base);
    if (g.e_p50)
        put_right(c->s, y, g.e_p50, metrics_fmt_ms(gr->lat.p50, gr->lat.n, b), base);
    if (g.e_p95)
        put_right(c->s, y, g.e_p95, metrics_fmt_ms(gr->lat.p95, gr->lat.n, b), base);
    if (g.e_p99)
        put_right(c->s, y, g.e_p99, metrics_fmt_ms(gr->lat.p99, gr->lat.n, b), base);
    const struct ms_group *sg = se && g.x_spark ? mseries_group(se, gr->key) : NULL;
    if (sg)
        spark_cells(c->s, y, g.x_spark, sg->count, sg->errors, se->nb);
    (void)sec;
}

static void groups(struct cursor *c, int sec)
{
    struct mview *mv = c->mv;
    int kind = sec == SEC_SERVICES ? MK_SERVICES : MK_PATHS;
    const struct stats *st = stats_of(mv, kind);
    const struct mseries *se = series_of(mv, sec == SEC_SERVICES ? MK_SERIES_SVC : MK_SERIES_PATH);
    section_title(c, sec, sec == SEC_SERVICES ? "Requests per service" : "Requests per path");
    group_header(c, sec, sec == SEC_SERVICES ? "service" : "path");
    if (!st) {
        note(c, mv->part[kind] ? mv->part[kind]->msg : "computing…");
        return;
    }
    if (!st->ngroups)
        note(c, "no records in this range");
    for (size_t i = 0; i < st->ngroups; i++) {
        int sel = mv->focus == sec && (int)i == mv->sel[sec];
        if (sel)
            mv->sel_line = c->line;
        group_row(c, sec, &st->groups[i], se, sel);
    }
    if (st->ngroups_total > st->ngroups) {
        char b[64];
        snprintf(b, sizeof b, "(%zu more)", st->ngroups_total - st->ngroups);
        note(c, b);
    }
}

static void status_tiers(struct cursor *c)
{
    struct mview *mv = c->mv;
    char b[256];
    const struct stats *st = stats_of(mv, MK_SERVICES);
    const struct mseries *se = series_of(mv, MK_SERIES_SVC);
    int y = emit(c);
    if (y >= 0 && st) {
        snprintf(b, sizeof b, "Status  2xx %lld  3xx %lld  4xx %lld  5xx %lld  other %lld",
                 (long long)st->status_class[2], (long long)st->status_class[3],
                 (long long)st->status_class[4], (long long)st->status_class[5],
                 (long long)(st->status_class[0] + st->status_class[1]));
        int x = screen_puts(c->s, y, 0, c->s->w, b, ROLE_DEFAULT);
        screen_recolor(c->s, y, 0, 6, ROLE_LABEL);
        (void)x;
    }
    y = emit(c);
    if (y >= 0 && se) {
        int x = screen_puts(c->s, y, 0, c->s->w, "Tiers ", ROLE_LABEL);
        for (int t = 0; t < TIER_COUNT; t++) {
            snprintf(b, sizeof b, " %s %lld", tiers_name(t), (long long)se->tiers.n[t]);
            x = screen_puts(c->s, y, x, c->s->w, b,
                            t == TIER_VERY_SLOW && se->tiers.n[t] ? ROLE_LVL_ERROR
                            : t == TIER_SLOW && se->tiers.n[t] ? ROLE_LVL_WARNING : ROLE_DEFAULT);
            if (c->s->w >= 120 && se->tiers.total) {
                snprintf(b, sizeof b, " (%.1f%%)", tiers_pct(&se->tiers, t));
                x = screen_puts(c->s, y, x, c->s->w, b, ROLE_DIM);
            }
            x = screen_puts(c->s, y, x, c->s->w, " ", ROLE_DEFAULT);
        }
        snprintf(b, sizeof b, " (%s %s %s %s)", tiers_bound(0), tiers_bound(1), tiers_bound(2),
                 tiers_bound(3));
        screen_puts(c->s, y, x, c->s->w, b, ROLE_DIM);
    } else if (y >= 0) {
        screen_puts(c->s, y, 0, c->s->w, "Tiers  computing…", ROLE_DIM);
    }
}

static void templates(struct cursor *c)
{
    struct mview *mv = c->mv;
    char b[128], f[32], l[32];
    const struct stats *st = stats_of(mv, MK_SERVICES);
    section_title(c, SEC_TEMPLATES, "Top error templates (Enter: show them in the log)");
    int y = emit(c);
    if (y >= 0)
        screen_puts(c->s, y, 2, c->s->w, " count  first        last         template", ROLE_LABEL);
    if (!st) {
        note(c, "computing…");
        return;
    }
    if (!st->ntemplates)
        note(c, "no errors in this range");
    int with_day = mv->until - mv->since > 86400000000LL;
    for (size_t i = 0; i < st->ntemplates; i++) {
        const struct stats_template *t = &st->templates[i];
        int sel = mv->focus == SEC_TEMPLATES && (int)i == mv->sel[SEC_TEMPLATES];
        if (sel)
            mv->sel_line = c->line;
        if ((y = emit(c)) < 0)
            continue;
        int base = sel ? ROLE_SELECTION : ROLE_DEFAULT;
        screen_fill(c->s, y, 0, c->s->w, base);
        char tf[32], tl[32];
        ts_format_short(t->first, 0, tf);
        ts_format_short(t->last, 0, tl);
        snprintf(f, sizeof f, "%.*s", with_day ? 14 : 8, with_day ? tf + 5 : tf + 11);
        snprintf(l, sizeof l, "%.*s", with_day ? 14 : 8, with_day ? tl + 5 : tl + 11);
        snprintf(b, sizeof b, "%6lld  %-11s  %-11s  ", (long long)t->count, f, l);
        int x = screen_puts(c->s, y, 2, c->s->w, b, base);
        screen_put(c->s, y, x, c->s->w, t->template, strlen(t->template),
                   sel ? base : ROLE_LINE_ERROR, ROLE_ESCAPE, x);
    }
}

static void metric_row(struct cursor *c, const struct stats_metric *m, const struct mseries *se,
                       int sel)
{
    struct mview *mv = c->mv;
    char b[160];
    int y = emit(c);
    if (y < 0)
        return;
    int base = sel ? ROLE_SELECTION : ROLE_DEFAULT;
    int nw = c->s->w - 2 - 4 * 11 - 2 - mv->nspark;
    nw = nw > 32 ? 32 : nw < 8 ? 8 : nw;
    screen_fill(c->s, y, 0, 2 + nw + 44, base);
    screen_puts(c->s, y, 2, 2 + nw, m->name, sel ? base : ROLE_SERVICE);
    snprintf(b, sizeof b, "%10.6g %10.6g %10.6g %10.6g", m->last, m->min, m->max, m->avg);
    int x = screen_puts(c->s, y, 2 + nw, c->s->w, b, base);
    const struct ms_metric *sm = se ? mseries_metric(se, m->name) : NULL;
    if (!sm)
        return;
    double v[1024];
    unsigned char present[1024];
    char sp[1024 * 3 + 1];
    for (int i = 0; i < se->nb; i++) {
        present[i] = sm->n[i] > 0;
        v[i] = sm->n[i] ? sm->sum[i] / (double)sm->n[i] : 0;
    }
    spark_render(v, present, se->nb, SPARK_RANGE, sp, sizeof sp);
    screen_puts(c->s, y, x + 2, c->s->w, sp, ROLE_LVL_INFO);
}

static void metrics_section(struct cursor *c)
{
    struct mview *mv = c->mv;
    const struct stats *st = stats_of(mv, MK_SERVICES);
    const struct mseries *se = series_of(mv, MK_SERIES_SVC);
    section_title(c, SEC_METRICS, "Metrics (metric.name, metric.value)");
    int y = emit(c);
    if (y >= 0) {
        int nw = c->s->w - 2 - 4 * 11 - 2 - mv->nspark;
        nw = nw > 32 ? 32 : nw < 8 ? 8 : nw;
        screen_puts(c->s, y, 2, c->s->w, "name", ROLE_LABEL);
        screen_puts(c->s, y, 2 + nw, c->s->w,
                    "      last        min        max        avg", ROLE_LABEL);
    }
    if (!st) {
        note(c, "computing…");
        return;
    }
    if (!st->nmetrics)
        note(c, "no metric records in this range");
    for (size_t i = 0; i < st->nmetrics; i++) {
        int sel = mv->focus == SEC_METRICS && (int)i == mv->sel[SEC_METRICS];
        if (sel)
            mv->sel_line = c->line;
        metric_row(c, &st->metrics[i], se, sel);
    }
}

static void sections(struct cursor *c)
{
    struct mview *mv = c->mv;
    c->line = 0;
    mv->sel_line = -1;
    groups(c, SEC_SERVICES);
    emit(c);
    groups(c, SEC_PATHS);
    emit(c);
    status_tiers(c);
    emit(c);
    templates(c);
    emit(c);
    metrics_section(c);
}

void mview_draw(struct app *a, struct screen *s, int y0, int h)
{
    struct mview *mv = view_state(a, &view_metrics);
    (void)a;
    if (h <= 0)
        return;
    title(mv, s, y0);
    int y = y0 + 1;
    int hh = h >= 34 ? 8 : h >= 24 ? 6 : h >= 14 ? 4 : 0;
    if (hh) {
        histogram(mv, s, y, hh);
        y += hh + 1;
    }
    struct cursor c = {.mv = mv, .s = s, .y0 = y, .rows = y0 + h - y};
    mv->rows = c.rows;
    if (c.rows <= 0)
        return;
    sections(&c);   /* a dry run: where the selected row is */
    int total = c.line;
    if (mv->sel_line >= 0 && mv->sel_line < mv->scroll + 1)
        mv->scroll = mv->sel_line > 0 ? mv->sel_line - 1 : 0;
    if (mv->sel_line >= mv->scroll + c.rows)
        mv->scroll = mv->sel_line - c.rows + 1;
    if (mv->to_end) {   /* G: the list's last line on the last row */
        mv->scroll = total - c.rows;
        if (mv->sel_line >= 0 && mv->sel_line < mv->scroll)
            mv->scroll = mv->sel_line;
        mv->to_end = mv->pending != 0;   /* again once every part has come */
    }
    if (mv->scroll > total - c.rows)
        mv->scroll = total - c.rows > 0 ? total - c.rows : 0;
    c.top = mv->scroll;
    c.draw = 1;
    for (int i = 0; i < c.rows; i++)
        screen_fill(s, y + i, 0, s->w, ROLE_DEFAULT);
    sections(&c);
}
