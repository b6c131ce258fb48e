/* parse: the per-file parser (see parse.h): format detection, per-line
 * fallback and multi-line grouping. The format modules (json.c,
 * text.c, logfmt.c) turn one line into a record; this file
 * decides which one to try and whether a line starts a record or
 * continues the pending one.
 *
 * Two slots hold records: the pending group (if any) and the line being
 * parsed, so the pending record's strings survive while the next line is
 * parsed. Single-line records (JSON, logfmt, syslog, raw) are emitted at
 * once, pointing into the caller's line and cJSON's tree; only Python and
 * loguru records and bare tracebacks wait for continuation lines. */
#include "src/parse/parse.h"
#include "src/base/jarena.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/parse/cid.h"
#include "src/parse/env.h"
#include "src/parse/json.h"
#include "src/parse/layout.h"
#include "src/parse/logfmt.h"
#include "src/parse/text.h"

enum { KIND_SINGLE = 0, KIND_TEXT, KIND_TB };

#define DETECT_LINES 1000
#define BUF_KEEP (1u << 20)

struct slot {
    struct record rec;
    struct parse_arena arena;
    struct parse_buf raw;
    int kind;
};

struct parser {
    int format;              /* forced format, or FMT_AUTO */
    char *service;
    struct cid *cid;
    struct tzspec tz;
    size_t max_bytes;
    int max_lines;
    struct slot slot[2];
    int pend;                /* slot of the pending group, or -1 */
    struct parse_buf scratch, plain, terms;
    int dur_cfg;                /* bare duration keys' unit from the config */
    struct parse_dur dur;       /* ... and what this source taught */
    int counts[FMT_COUNT];
    int seen;
    struct layout_set *lay;
    int user_layout;         /* the config names a layout: try it first */
    int64_t ref_us;          /* for year-less times; 0: now */
    int64_t last_ts;         /* of the last record with a time of its own */
    int have_last;
    int64_t lineno;
    struct parse_summary sum;
};

struct parser *parse_new(const struct parse_opts *opts, struct err *e)
{
    static const struct parse_opts defaults = {0};
    if (!opts)
        opts = &defaults;
    if (opts->format < 0 || opts->format >= FMT_COUNT) {
        err_setc(e, 2, "unknown log format number %d", opts->format);
        return NULL;
    }
    struct parser *p = calloc(1, sizeof *p);
    if (!p) {
        err_set(e, "out of memory");
        return NULL;
    }
    p->cid = cid_new(opts->cid_regex, e);
    if (p->cid && !(p->lay = layout_new(opts->layout_regex, opts->layout_ts, e))) {
        parse_free(p);
        return NULL;
    }
    p->user_layout = (opts->layout_regex && *opts->layout_regex) || opts->format == FMT_LAYOUT;
    p->service = opts->service && *opts->service ? strdup(opts->service) : NULL;
    if (!p->cid || (opts->service && *opts->service && !p->service)) {
        if (p->cid)
            err_set(e, "out of memory");
        parse_free(p);
        return NULL;
    }
    p->format = opts->format;
    p->tz.fixed = opts->tz_fixed;
    p->tz.offset_s = opts->tz_offset_s;
    p->max_bytes = opts->max_group_bytes ? opts->max_group_bytes : (size_t)1 << 20;
    p->max_lines = opts->max_group_lines > 0 ? opts->max_group_lines : 1000;
    p->pend = -1;
    p->dur_cfg = opts->duration_unit;
    return p;
}

void parse_free(struct parser *p)
{
    if (!p)
        return;
    for (int i = 0; i < 2; i++) {
        parse_arena_fini(&p->slot[i].arena);
        parse_buf_fini(&p->slot[i].raw);
    }
    parse_buf_fini(&p->scratch);
    parse_buf_fini(&p->plain);
    parse_buf_fini(&p->terms);
    cid_free(p->cid);
    layout_free(p->lay);
    free(p->service);
    free(p);
}

/* --- line classification ------------------------------------------------ */

static int starts(const char *s, size_t n, const char *pfx)
{
    size_t l = strlen(pfx);
    return n >= l && memcmp(s, pfx, l) == 0;
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* The last line of a Python traceback: "ValueError: bad", "pkg.Err: x",
 * or a bare exception name ("queue.Full", "KeyboardInterrupt"): a dotted
 * name whose last part is capitalised. */
static int exception_line(const char *s, size_t n)
{
    size_t i = 0, last = 0;
    if (!n || !is_alpha(s[0]))
        return 0;
    for (; i < n && (is_alpha(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++)
        if (s[i] == '.')
            last = i + 1;
    if (i < n)
        return s[i] == ':';
    return last < n && s[last] >= 'A' && s[last] <= 'Z';
}

static int traceback_start(const char *s, size_t n)
{
    return starts(s, n, "Traceback (most recent call last):");
}

/* Lines that continue the pending group without being parsed: blank or
 * indented lines always; for a bare traceback also the lines Python
 * prints between and after its frames. */
static int fast_continuation(const struct slot *s, const char *line, size_t len)
{
    if (len == 0 || line[0] == ' ' || line[0] == '\t')
        return 1;
    if (s->kind != KIND_TB)
        return 0;
    return traceback_start(line, len) || exception_line(line, len) ||
           starts(line, len, "During handling of the above exception") ||
           starts(line, len, "The above exception was the direct cause");
}

/* The end of the escape sequence that starts at s[i] (ESC): CSI "ESC [
 * ... final", OSC "ESC ] ... BEL|ESC \", or a two-byte escape. */
static size_t ansi_skip(const char *s, size_t n, size_t i)
{
    i++;
    if (i < n && s[i] == '[') {
        for (i++; i < n && !((unsigned char)s[i] >= 0x40 && (unsigned char)s[i] <= 0x7e); i++)
            ;
        i++;
    } else if (i < n && s[i] == ']') {
        for (i++; i < n && s[i] != 7 && !(s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\'); i++)
            ;
        i += (i < n && s[i] == 0x1b) ? 2 : 1;
    } else if (i < n) {
        i++;
    }
    return i < n ? i : n;
}

/* Copies line without terminal escape sequences (loguru colourises even
 * into files), for finding the time, level and logger; the message is
 * then taken from the line itself (ansi_pos), escapes and all, and shown
 * escaped as a JSON record's are: one rule for every format. */
static void strip_ansi(struct parse_buf *b, const char *s, size_t n)
{
    parse_buf_set(b, "", 0);
    parse_buf_reserve(b, n);
    size_t i = 0;
    while (i < n) {
        const char *esc = memchr(s + i, 0x1b, n - i);
        size_t run = esc ? (size_t)(esc - s) - i : n - i;
        parse_buf_add(b, s + i, run);
        i += run;
        if (i < n)
            i = ansi_skip(s, n, i);
    }
}

/* Where in s the k-th byte strip_ansi() kept starts, escape sequences
 * just before it included (k = bytes kept: n). */
static size_t ansi_pos(const char *s, size_t n, size_t k)
{
    size_t i = 0, out = 0;
    while (i < n && out < k) {
        if (s[i] == 0x1b)
            i = ansi_skip(s, n, i);
        else
            i++, out++;
    }
    return out < k ? n : i;
}

/* r's message was taken from plain, line without its escape sequences:
 * take the same text from line instead, escape sequences included (the
 * last place plain holds it: the message ends a text line). */
static void unstrip_msg(struct parse_env *env, struct record *r, const struct parse_buf *plain,
                        const char *line, size_t len)
{
    if (!r->msg || !r->msg_len || r->msg_len > plain->len)
        return;
    const char *hit = NULL, *from = plain->data;
    for (const char *h; (h = memmem(from, plain->len - (size_t)(from - plain->data), r->msg,
                                    r->msg_len)); from = h + 1)
        hit = h;
    if (!hit)
        return;
    size_t a = (size_t)(hit - plain->data), z = a + r->msg_len;
    size_t oa = ansi_pos(line, len, a);
    size_t oz = z >= plain->len ? len : ansi_pos(line, len, z);
    char *m = oz > oa ? parse_arena_dup(env->arena, line + oa, oz - oa) : NULL;
    if (m)
        r->msg = m, r->msg_len = oz - oa;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int try_format(int fmt, struct parse_env *env, const char *t, size_t tn,
                      struct record *r)
{
    switch (fmt) {
    case FMT_PYTHON:
    case FMT_LOGURU:
        return tn && is_digit(t[0]) && parse_text_dated(env, t, tn, r) && r->format == fmt;
    case FMT_SYSLOG:
        return (tn && is_digit(t[0]) && parse_text_dated(env, t, tn, r) && r->format == fmt) ||
               (parse_record_init(r, env), parse_text_syslog(env, t, tn, r));
    case FMT_LOGFMT:
        return parse_logfmt(env, t, tn, r);
    }
    return 0;
}

/* A Python or loguru record waits for its continuation lines: a dated
 * line that is no Python header ("... - NOTALEVEL - x") continues it
 * rather than teach a new layout (layouts already learned still apply). */
static int python_pending(const struct parser *p)
{
    if (p->pend < 0)
        return 0;
    int f = p->slot[p->pend].rec.format;
    return f == FMT_PYTHON || f == FMT_LOGURU;
}

/* The text formats, on a line without escape sequences: the format found
 * (r filled) or FMT_RAW (r reset). */
static int text_formats(struct parser *p, struct parse_env *env, const char *t, size_t tn,
                        struct record *r)
{
    if (p->user_layout) {
        if (layout_parse(p->lay, env, t, tn, r, 1))
            return FMT_LAYOUT;
        if (p->format == FMT_LAYOUT)
            return FMT_RAW;
    } else if (p->seen && parse_format(p) == FMT_LAYOUT) {
        /* a file in a learned layout: its layouts first, the rest after */
        if (layout_parse(p->lay, env, t, tn, r, 0))
            return FMT_LAYOUT;
        parse_record_init(r, env);
    }
    if (p->format != FMT_AUTO && p->format != FMT_JSON) {
        env->loose = 1;
        int ok = try_format(p->format, env, t, tn, r);
        env->loose = 0;
        if (ok)
            return r->format;
        parse_record_init(r, env);
    }
    if (tn && is_digit(t[0]) && parse_text_dated(env, t, tn, r))
        return r->format;
    parse_record_init(r, env);
    if (tn && (t[0] == '<' || (t[0] >= 'A' && t[0] <= 'S')) && parse_text_syslog(env, t, tn, r))
        return FMT_SYSLOG;
    parse_record_init(r, env);
    if (!p->user_layout && layout_parse(p->lay, env, t, tn, r, !python_pending(p)))
        return FMT_LAYOUT;
    if (parse_logfmt(env, t, tn, r))
        return FMT_LOGFMT;
    return FMT_RAW;
}

/* Tries the formats a line can be in; fills r (parse_record_init'ed).
 * Returns the format found, FMT_RAW if none. Escape sequences: the text
 * formats read a copy without them, the message keeps them. */
static int parse_formats(struct parser *p, struct parse_env *env, const char *line, size_t len,
                         struct record *r, cJSON **tree)
{
    size_t i = 0;
    const char *t = line;
    size_t tn = len;
    if (p->format == FMT_RAW)
        return FMT_RAW;
    if (tn >= 3 && memcmp(t, "\xef\xbb\xbf", 3) == 0)
        t += 3, tn -= 3;   /* a UTF-8 BOM (first line of some files) */
    while (i < tn && (t[i] == ' ' || t[i] == '\t'))
        i++;
    if (i < tn && t[i] == '{') {
        if (parse_json(env, t, tn, r, tree))
            return FMT_JSON;
        parse_record_init(r, env);
    }
    const char *orig = t;
    size_t on = tn;
    int esc = memchr(t, 0x1b, tn) != NULL;
    if (esc) {
        strip_ansi(&p->plain, t, tn);
        t = p->plain.data, tn = p->plain.len;
    }
    int fmt = text_formats(p, env, t, tn, r);
    if (fmt != FMT_RAW) {
        if (esc)
            unstrip_msg(env, r, &p->plain, orig, on);
        return fmt;
    }
    parse_record_init(r, env);
    r->msg = line, r->msg_len = len;
    parse_text_cid(env, r, t, tn);
    return FMT_RAW;
}

static void count_format(struct parser *p, int fmt)
{
    if (p->seen < DETECT_LINES) {
        p->seen++;
        p->counts[fmt]++;
    }
}

int parse_format(const struct parser *p)
{
    if (p->format != FMT_AUTO)
        return p->format;
    if (!p->seen)
        return FMT_AUTO;
    int best = FMT_RAW;
    for (int f = FMT_JSON; f < FMT_COUNT; f++)
        if (f != FMT_RAW && p->counts[f] > (best == FMT_RAW ? 0 : p->counts[best]))
            best = f;
    return best;
}

int64_t parse_pending_offset(const struct parser *p)
{
    return p->pend >= 0 ? p->slot[p->pend].rec.offset : -1;
}

/* --- grouping and emission ---------------------------------------------- */

static struct parse_env make_env(struct parser *p, struct slot *s, int64_t now_us)
{
    struct parse_env env = {
        .tz = p->tz, .service = p->service, .cid = p->cid, .arena = &s->arena,
        .scratch = &p->scratch, .now_us = now_us, .loose = 0,
        .ref_us = p->ref_us ? p->ref_us : now_us, .terms = &p->terms,
        .dur_cfg = p->dur_cfg, .dur = &p->dur,
    };
    return env;
}

static int emit_pending(struct parser *p, parse_emit_fn emit, void *ctx)
{
    if (p->pend < 0)
        return 0;
    struct slot *s = &p->slot[p->pend];
    p->pend = -1;
    s->rec.raw = s->raw.data;
    s->rec.raw_len = s->raw.len;
    int rc = emit(ctx, &s->rec);
    parse_buf_shrink(&s->raw, BUF_KEEP);
    return rc;
}

/* Makes slot idx, just parsed from line, the pending group. */
static void hold(struct parser *p, int idx, int kind, const char *line, size_t len)
{
    struct slot *s = &p->slot[idx];
    s->kind = kind;
    parse_buf_set(&s->raw, line, len);
    if (s->rec.msg == line)   /* raw records point at the caller's line */
        s->rec.msg = parse_arena_dup(&s->arena, line, len);
    if (kind == KIND_TB)
        s->rec.level = LVL_ERROR;   /* a bare traceback is an error */
    p->pend = idx;
}

/* The pending group is full: emit it and continue in a new raw group that
 * keeps its time, level, cid, service and logger (the lines still belong
 * to the same event). */
static int split(struct parser *p, const char *line, size_t len, int64_t off, int truncated,
                 int64_t now_us, parse_emit_fn emit, void *ctx)
{
    int old = p->pend, idx = !old;
    int rc = emit_pending(p, emit, ctx);
    if (rc)
        return rc;
    const struct record *o = &p->slot[old].rec;
    struct slot *s = &p->slot[idx];
    struct parse_env env = make_env(p, s, now_us);
    parse_arena_reset(&s->arena);
    parse_record_init(&s->rec, &env);
    s->rec.ts = o->ts, s->rec.ts_guessed = o->ts_guessed;
    s->rec.level = o->level;
    s->rec.cid = o->cid ? parse_arena_dup(&s->arena, o->cid, strlen(o->cid)) : NULL;
    s->rec.logger = o->logger ? parse_arena_dup(&s->arena, o->logger, strlen(o->logger)) : NULL;
    if (o->service && o->service != p->service)
        s->rec.service = parse_arena_dup(&s->arena, o->service, strlen(o->service));
    s->rec.msg = line, s->rec.msg_len = len;
    s->rec.offset = off;
    s->rec.truncated = truncated;
    hold(p, idx, p->slot[old].kind, line, len);
    return 0;
}

static int append(struct parser *p, const char *line, size_t len, int64_t off, int truncated,
                  int64_t now_us, parse_emit_fn emit, void *ctx)
{
    struct slot *s = &p->slot[p->pend];
    if (s->rec.nlines >= p->max_lines || s->raw.len + 1 + len > p->max_bytes)
        return split(p, line, len, off, truncated, now_us, emit, ctx);
    parse_buf_addc(&s->raw, '\n');
    parse_buf_add(&s->raw, line, len);
    s->rec.nlines++;
    s->rec.truncated |= truncated;
    /* A bare traceback is best summed up by its exception line. */
    if (s->kind == KIND_TB && exception_line(line, len)) {
        s->rec.msg = parse_arena_dup(&s->arena, line, len);
        s->rec.msg_len = len;
    }
    return 0;
}

static int kind_of(int fmt, const char *line, size_t len)
{
    if (fmt == FMT_PYTHON || fmt == FMT_LOGURU || fmt == FMT_LAYOUT)
        return KIND_TEXT;
    if (fmt == FMT_RAW && traceback_start(line, len))
        return KIND_TB;
    return KIND_SINGLE;
}

/* Keeps the first lines that fitted nothing, for --explain-format. */
static void note_misfit(struct parser *p, const char *line, size_t len)
{
    struct parse_summary *m = &p->sum;
    if (m->nexamples >= PARSE_EXAMPLES || len == 0 || line[0] == ' ' || line[0] == '\t')
        return;
    size_t n = len < sizeof m->example[0] - 1 ? len : sizeof m->example[0] - 1;
    memcpy(m->example[m->nexamples], line, n);
    m->example[m->nexamples][n] = '\0';
    m->example_line[m->nexamples++] = p->lineno;
}

int parse_push(struct parser *p, const char *line, size_t len, int64_t off, int truncated,
               int64_t now_us, parse_emit_fn emit, void *ctx)
{
    if (len && line[len - 1] == '\r')
        len--;
    p->lineno++;
    p->sum.lines += len > 0;
    if (p->pend >= 0 && fast_continuation(&p->slot[p->pend], line, len)) {
        p->sum.joined += len > 0;
        return append(p, line, len, off, truncated, now_us, emit, ctx);
    }
    if (len == 0)
        return 0;   /* a blank line outside a group carries nothing */
    int idx = p->pend >= 0 ? !p->pend : 0;
    struct slot *s = &p->slot[idx];
    struct parse_env env = make_env(p, s, now_us);
    cJSON *tree = NULL;
    parse_arena_reset(&s->arena);
    parse_record_init(&s->rec, &env);
    int fmt = parse_formats(p, &env, line, len, &s->rec, &tree);
    count_format(p, fmt);
    if (fmt == FMT_RAW)
        note_misfit(p, line, len);
    if (fmt == FMT_RAW && p->pend >= 0 && p->slot[p->pend].kind == KIND_TEXT) {
        p->sum.joined++;
        return append(p, line, len, off, truncated, now_us, emit, ctx);
    }
    p->sum.starts[fmt]++;
    if (!s->rec.ts_guessed)
        p->last_ts = s->rec.ts, p->have_last = 1;
    else if (p->have_last)
        s->rec.ts = p->last_ts;   /* a line without a time: that of the record before */
    int rc = emit_pending(p, emit, ctx);
    if (rc == 0) {
        s->rec.offset = off;
        s->rec.truncated = truncated != 0;
        int kind = kind_of(fmt, line, len);
        if (kind != KIND_SINGLE) {
            hold(p, idx, kind, line, len);
        } else {
            s->rec.raw = line, s->rec.raw_len = len;
            rc = emit(ctx, &s->rec);
        }
    }
    cJSON_Delete(tree);
    jarena_reset();    /* the line's tree is gone: its arena memory too */
    parse_buf_shrink(&p->scratch, BUF_KEEP);
    parse_buf_shrink(&p->plain, BUF_KEEP);
    parse_buf_shrink(&p->terms, BUF_KEEP);
    return rc;
}

void parse_set_ref_time(struct parser *p, int64_t ref_us)
{
    p->ref_us = ref_us;
}

const struct parse_summary *parse_summary(const struct parser *p)
{
    return &p->sum;
}

size_t parse_layout_describe(const struct parser *p, char *buf, size_t bufsz)
{
    return layout_describe(p->lay, buf, bufsz);
}

void parse_layout_name(const struct parser *p, char *buf, size_t bufsz)
{
    int best = FMT_RAW;
    for (int f = FMT_JSON; f < FMT_COUNT; f++)
        if (f != FMT_RAW && p->sum.starts[f] > (best == FMT_RAW ? 0 : p->sum.starts[best]))
            best = f;
    if (best == FMT_LAYOUT) {
        char one[200];
        layout_name(p->lay, one, sizeof one);
        snprintf(buf, bufsz, "layout (%s)", one);
    } else {
        snprintf(buf, bufsz, "%s", p->sum.lines ? fmt_name(best) : "empty");
    }
}

int parse_flush(struct parser *p, parse_emit_fn emit, void *ctx)
{
    return emit_pending(p, emit, ctx);
}

int parse_line(const struct parse_opts *opts, const char *line, size_t len, int64_t now_us,
               parse_emit_fn emit, void *ctx)
{
    struct parser *p = parse_new(opts, NULL);
    if (!p)
        return -1;
    int rc = parse_push(p, line, len, 0, 0, now_us, emit, ctx);
    if (rc == 0)
        rc = parse_flush(p, emit, ctx);
    parse_free(p);
    return rc;
}
