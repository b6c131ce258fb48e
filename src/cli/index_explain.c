/* index_explain: --explain-format and the per-file summary lines of
 * `logdeck index` (see index_explain.h). */
#include "src/cli/index_explain.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/base/ts.h"

void index_source_opts(struct parse_opts *po, const struct config_source *cs)
{
    po->format = cs->format ? cs->format : po->format;
    po->service = cs->service ? cs->service : po->service;
    po->cid_regex = cs->cid_regex ? cs->cid_regex : po->cid_regex;
    po->layout_regex = cs->layout_regex ? cs->layout_regex : po->layout_regex;
    po->layout_ts = cs->layout_ts ? cs->layout_ts : po->layout_ts;
    if (cs->tz_fixed)
        po->tz_fixed = 1, po->tz_offset_s = cs->tz_offset_s;
    po->duration_unit = cs->duration_unit ? cs->duration_unit : po->duration_unit;
}

struct tally {
    int64_t records, timed, leveled;
    int64_t first_ts, last_ts;
};

static int count(void *ctx, const struct record *r)
{
    struct tally *t = ctx;
    t->records++;
    if (!r->ts_guessed) {
        if (!t->timed || r->ts < t->first_ts)
            t->first_ts = r->ts;
        if (!t->timed || r->ts > t->last_ts)
            t->last_ts = r->ts;
        t->timed++;
    }
    t->leveled += r->level != LVL_UNKNOWN;
    return 0;
}

static double pct(int64_t a, int64_t b)
{
    return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* Lines that started a record in a known format. */
static int64_t fitted(const struct parse_summary *m)
{
    return m->lines - m->joined - m->starts[FMT_RAW];
}

static void print_summary(const struct parser *p, const struct tally *t, FILE *out)
{
    const struct parse_summary *m = parse_summary(p);
    char buf[1024], a[32], b[32];
    parse_layout_name(p, buf, sizeof buf);
    fprintf(out, "format: %s\n", buf);
    if (parse_layout_describe(p, buf, sizeof buf))
        fputs(buf, out);
    fprintf(out, "lines: %lld non-blank; %lld start a record (%.1f%%)", (long long)m->lines,
            (long long)fitted(m), pct(fitted(m), m->lines));
    for (int f = FMT_JSON; f < FMT_COUNT; f++)
        if (f != FMT_RAW && m->starts[f])
            fprintf(out, ", %s %lld", fmt_name(f), (long long)m->starts[f]);
    fprintf(out, "\n  %lld joined to the record before (continuation lines, stack traces), "
            "%lld alone and unparsed\n", (long long)m->joined, (long long)m->starts[FMT_RAW]);
    fprintf(out, "records: %lld; with a time of their own %lld (%.1f%%), with a level %lld "
            "(%.1f%%)\n", (long long)t->records, (long long)t->timed, pct(t->timed, t->records),
            (long long)t->leveled, pct(t->leveled, t->records));
    if (t->timed)
        fprintf(out, "time range: %s .. %s\n", ts_format(t->first_ts, a), ts_format(t->last_ts, b));
    if (!m->nexamples) {
        fprintf(out, "lines that fitted nothing: none\n");
        return;
    }
    fprintf(out, "lines that fitted nothing (first %d; joined to the record before them, or "
            "stored alone):\n", m->nexamples);
    for (int i = 0; i < m->nexamples; i++) {
        fprintf(out, "  %lld: ", (long long)m->example_line[i]);
        for (const char *c = m->example[i]; *c; c++)   /* never raw control bytes */
            fputc((unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c, out);
        fputc('\n', out);
    }
}

int index_explain(const char *path, const struct parse_opts *po, const struct config *cfg,
                  FILE *out)
{
    struct parse_opts o = *po;
    for (size_t i = 0; cfg && i < cfg->nsources; i++)
        if (strcmp(cfg->sources[i].path, path) == 0 ||
            fnmatch(cfg->sources[i].path, path, FNM_PATHNAME) == 0) {
            index_source_opts(&o, &cfg->sources[i]);
            break;
        }
    struct err e = {0};
    struct stat st;
    FILE *f = fopen(path, "rb");
    if (!f || fstat(fileno(f), &st) < 0) {
        fprintf(stderr, "logdeck index: cannot read %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return 1;
    }
    struct parser *p = parse_new(&o, &e);
    if (!p) {
        fprintf(stderr, "logdeck index: %s: %s\n", path, e.msg);
        fclose(f);
        return e.code == 2 ? 2 : 1;
    }
    parse_set_ref_time(p, (int64_t)st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000);
    struct tally t = {0};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int64_t off = 0, now = ts_now();
    while ((n = getline(&line, &cap, f)) > 0) {
        size_t len = (size_t)n - (line[n - 1] == '\n');
        parse_push(p, line, len, off, 0, now, count, &t);
        off += n;
    }
    parse_flush(p, count, &t);
    free(line);
    fclose(f);
    fprintf(out, "file: %s\n", path);
    print_summary(p, &t, out);
    parse_free(p);
    return 0;
}

void index_files_note(void *ctx, const char *path, const struct parser *p)
{
    struct index_files *x = ctx;
    const struct parse_summary *m = parse_summary(p);
    char name[512];
    parse_layout_name(p, name, sizeof name);
    if (x->json) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", path);
        cJSON_AddStringToObject(o, "format", name);
        cJSON_AddNumberToObject(o, "nonblank_lines", (double)m->lines);
        cJSON_AddNumberToObject(o, "record_lines", (double)fitted(m));
        cJSON_AddNumberToObject(o, "joined_lines", (double)m->joined);
        cJSON_AddNumberToObject(o, "unparsed_lines", (double)m->starts[FMT_RAW]);
        cJSON_AddItemToArray(x->json, o);
        return;
    }
    char **nl = realloc(x->line, (x->n + 1) * sizeof *nl);
    if (!nl)
        return;
    x->line = nl;
    size_t sz = strlen(path) + strlen(name) + 200;
    if (!(x->line[x->n] = malloc(sz)))
        return;
    snprintf(x->line[x->n++], sz, "  %s: %s; %lld of %lld lines start a record (%.1f%%), "
             "%lld joined, %lld unparsed", path, name, (long long)fitted(m), (long long)m->lines,
             pct(fitted(m), m->lines), (long long)m->joined, (long long)m->starts[FMT_RAW]);
}

void index_files_fini(struct index_files *f)
{
    for (size_t i = 0; i < f->n; i++)
        free(f->line[i]);
    free(f->line);
    memset(f, 0, sizeof *f);
}
