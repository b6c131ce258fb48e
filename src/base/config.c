/* config: parsing the YAML config file with libyaml's document API into a
 * struct config (config.h). */
#include "src/base/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <yaml.h>

#include "src/base/namedre.h"
#include "src/base/ts.h"
#include "src/base/tsform.h"

struct cctx {
    yaml_document_t *doc;
    const char *name;
    struct config *c;
    struct err *e;
};

static int bad(struct cctx *x, const yaml_node_t *n, const char *fmt, const char *a)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, a ? a : "");
    return err_setc(x->e, 2, "%s:%zu:%zu: %s", x->name, n->start_mark.line + 1,
                    n->start_mark.column + 1, msg);
}

static yaml_node_t *node(struct cctx *x, int i)
{
    return yaml_document_get_node(x->doc, i);
}

/* The scalar's text (NUL-terminated by libyaml), or NULL if not a scalar. */
static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int want_scalar(struct cctx *x, const yaml_node_t *n, const char *what, const char **out)
{
    if (!(*out = scalar(n)))
        return bad(x, n, "%s must be a single value", what);
    return 0;
}

static char *expand_home(const char *p)
{
    const char *home = getenv("HOME");
    if (p[0] == '~' && (p[1] == '/' || !p[1]) && home) {
        size_t n = strlen(home) + strlen(p);
        char *r = malloc(n);
        if (r)
            snprintf(r, n, "%s%s", home, p + 1);
        return r;
    }
    return strdup(p);
}

static int dup_into(struct cctx *x, char **dst, const char *v)
{
    free(*dst);
    if (!(*dst = strdup(v)))
        return err_set(x->e, "out of memory reading the config");
    return 0;
}

/* --- values ---------------------------------------------------------------------- */

static int parse_size(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    static const struct { const char *u; double m; } units[] = {
        {"", 1}, {"b", 1}, {"k", 1024.0}, {"kb", 1024.0}, {"kib", 1024.0},
        {"m", 1048576.0}, {"mb", 1048576.0}, {"mib", 1048576.0},
        {"g", 1073741824.0}, {"gb", 1073741824.0}, {"gib", 1073741824.0},
        {"t", 1099511627776.0}, {"tb", 1099511627776.0}, {"tib", 1099511627776.0},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(end, units[i].u) == 0) {
            *out = (int64_t)(v * units[i].m);
            return 0;
        }
    return -1;
}

void config_size_text(int64_t b, int compact, char *out, size_t cap)
{
    const char *sp = compact ? "" : " ";
    if (b < 0)
        snprintf(out, cap, "unknown");
    else if (b < 1024)
        snprintf(out, cap, "%lld%sB", (long long)b, sp);
    else if (b < 1024 * 1024)
        snprintf(out, cap, "%.1f%sKiB", (double)b / 1024, sp);
    else if (b < INT64_C(1024) * 1024 * 1024)
        snprintf(out, cap, "%.1f%sMiB", (double)b / (1024 * 1024), sp);
    else
        snprintf(out, cap, "%.2f%sGiB", (double)b / (1024.0 * 1024 * 1024), sp);
}

/* "30d", "6 months", "1y", "2w", "12h"; "forever"/"0" keep forever (0). */
static int parse_age(const char *s, int64_t *out)
{
    if (strcasecmp(s, "forever") == 0 || strcmp(s, "0") == 0) {
        *out = 0;
        return 0;
    }
    if (ts_parse_duration(s, out) == 0 && *out > 0)
        return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v <= 0)
        return -1;
    while (*end == ' ')
        end++;
    static const struct { const char *u; double d; } units[] = {
        {"d", 1}, {"day", 1}, {"days", 1}, {"w", 7}, {"week", 7}, {"weeks", 7},
        {"mo", 30}, {"month", 30}, {"months", 30}, {"y", 365}, {"year", 365}, {"years", 365},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(end, units[i].u) == 0) {
            if (v * units[i].d > 36500 * 100.0)   /* beyond any retention: an error */
                return -1;
            *out = (int64_t)(v * units[i].d * 86400e6);
            return 0;
        }
    return -1;
}

/* --- sections ----------------------------------------------------------------------- */

typedef int (*pair_fn)(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v);

static int each_pair(struct cctx *x, yaml_node_t *m, const char *what, pair_fn fn)
{
    if (m->type != YAML_MAPPING_NODE)
        return bad(x, m, "%s must be a mapping (key: value lines)", what);
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
        const char *key = scalar(k);
        if (!key)
            return bad(x, k, "keys in %s must be plain words", what);
        if (fn(x, key, k, v) < 0)
            return -1;
    }
    return 0;
}

static int retention_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    const char *val;
    int64_t age;
    if (want_scalar(x, v, "a retention", &val) < 0)
        return -1;
    if (parse_age(val, &age) < 0)
        return bad(x, v, "'%s' is not an age (e.g. 30d, 6 months, 1y, forever)", val);
    if (strcasecmp(key, "default") == 0) {
        for (int l = 0; l < LVL_COUNT; l++)
            if (!x->c->retention_us[l])
                x->c->retention_us[l] = -age - 1;   /* marked: a default */
        return 0;
    }
    int l = strcasecmp(key, "unknown") == 0 ? LVL_UNKNOWN : level_parse(key, strlen(key));
    if (l < 0)
        return bad(x, k, "'%s' is not a level (trace, debug, info, notice, warning, error, "
                   "critical, unknown, default)", key);
    x->c->retention_us[l] = age;
    return 0;
}

static int store_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    const char *val = NULL;
    int64_t n;
    if (strcmp(key, "retention") == 0)
        return each_pair(x, v, "store.retention", retention_pair);
    if (want_scalar(x, v, key, &val) < 0)
        return -1;
    if (strcmp(key, "path") == 0) {
        free(x->c->store_path);
        if (!(x->c->store_path = expand_home(val)))
            return err_set(x->e, "out of memory");
        return 0;
    }
    if (strcmp(key, "partial_line_after") == 0) {
        if (ts_parse_duration(val, &n) < 0 || n <= 0)
            return bad(x, v, "'%s' is not a duration (e.g. 10s, 2m)", val);
        x->c->partial_after_us = n;
        return 0;
    }
    if (strcmp(key, "max_size") == 0 || strcmp(key, "max_line") == 0 ||
        strcmp(key, "max_pages") == 0) {
        if (parse_size(val, &n) < 0)
            return bad(x, v, "'%s' is not a size (e.g. 2GB, 500MB, 1MiB, 4096)", val);
        if (key[4] == 's') {
            x->c->max_size = n;
            x->c->max_size_given = 1;
        }
        else if (key[4] == 'p')
            x->c->max_pages = n;
        else if (n < 64)
            return bad(x, v, "max_line must be at least 64 bytes, not '%s'", val);
        else
            x->c->max_line = (size_t)n;
        return 0;
    }
    return bad(x, k, "unknown key '%s' in store (expected path, retention, max_size, "
               "max_line, partial_line_after)", key);
}

static struct config_source *new_source(struct cctx *x)
{
    struct config *c = x->c;
    struct config_source *ns = realloc(c->sources, (c->nsources + 1) * sizeof *ns);
    if (!ns) {
        err_set(x->e, "out of memory reading the config");
        return NULL;
    }
    c->sources = ns;
    memset(&ns[c->nsources], 0, sizeof *ns);
    return &ns[c->nsources++];
}

/* An error at byte `at` of a scalar's text (approximate inside escapes). */
static int bad_at(struct cctx *x, const yaml_node_t *n, size_t at, const char *what,
                  const char *why)
{
    int quoted = n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
                 n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    return err_setc(x->e, 2, "%s:%zu:%zu: %s: %s", x->name, n->start_mark.line + 1,
                    n->start_mark.column + 1 + (size_t)quoted + at, what, why);
}

static int layout_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    struct config_source *s = &x->c->sources[x->c->nsources - 1];
    const char *val;
    size_t at;
    if (want_scalar(x, v, key, &val) < 0)
        return -1;
    if (strcmp(key, "regex") == 0) {
        struct namedre re;
        char why[256];
        if (namedre_compile(&re, val, &at, why, sizeof why) < 0)
            return bad_at(x, v, at, "bad layout regex", why);
        int has_ts = namedre_group(&re, "ts") > 0;
        namedre_fini(&re);
        if (!has_ts)
            return bad(x, v, "the layout regex needs a (?<ts>...) group for the time%s", NULL);
        return dup_into(x, &s->layout_regex, val);
    }
    if (strcmp(key, "ts_format") == 0) {
        struct tsform f;
        const char *why;
        if (tsform_compile(&f, val, &at, &why) < 0)
            return bad_at(x, v, at, "bad ts_format", why);
        return dup_into(x, &s->layout_ts, val);
    }
    return bad(x, k, "unknown key '%s' in a layout (expected regex, ts_format)", key);
}

/* "UTC", "Z", "local", "+02:00", "-0700", "+5". */
static int parse_tz(const char *v, int *fixed, int *off)
{
    if (!strcasecmp(v, "local")) {
        *fixed = 0, *off = 0;
        return 0;
    }
    if (!strcasecmp(v, "utc") || !strcasecmp(v, "z") || !strcasecmp(v, "gmt")) {
        *fixed = 1, *off = 0;
        return 0;
    }
    if (!strncasecmp(v, "utc", 3) || !strncasecmp(v, "gmt", 3))
        v += 3;
    int h = 0, m = 0, n = 0;
    if ((v[0] != '+' && v[0] != '-') ||
        !(sscanf(v + 1, "%2d:%2d%n", &h, &m, &n) == 2 || sscanf(v + 1, "%2d%2d%n", &h, &m, &n) == 2 ||
          (m = 0, sscanf(v + 1, "%2d%n", &h, &n) == 1)) ||
        v[1 + n] || h < 0 || h > 14 || m < 0 || m > 59)
        return -1;
    *fixed = 1;
    *off = (v[0] == '-' ? -1 : 1) * (h * 3600 + m * 60);
    return 0;
}

static int source_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    struct config_source *s = &x->c->sources[x->c->nsources - 1];
    const char *val;
    if (strcmp(key, "layout") == 0)
        return each_pair(x, v, "a source's layout", layout_pair);
    if (want_scalar(x, v, key, &val) < 0)
        return -1;
    if (strcmp(key, "path") == 0) {
        free(s->path);
        return (s->path = expand_home(val)) ? 0 : err_set(x->e, "out of memory");
    }
    if (strcmp(key, "format") == 0) {
        if ((s->format = fmt_parse(val)) < 0)
            return bad(x, v, "unknown format '%s' (auto, json, python, loguru, logfmt, "
                       "syslog, layout, raw)", val);
        return 0;
    }
    if (strcmp(key, "service") == 0)
        return dup_into(x, &s->service, val);
    if (strcmp(key, "cid_regex") == 0)
        return dup_into(x, &s->cid_regex, val);
    if (strcmp(key, "timezone") == 0) {
        if (parse_tz(val, &s->tz_fixed, &s->tz_offset_s) < 0)
            return bad(x, v, "'%s' is not a timezone (UTC, local, or an offset such as "
                       "+02:00 or -0700)", val);
        return 0;
    }
    if (strcmp(key, "duration_unit") == 0) {
        if (strcmp(val, "ms") == 0 || strcmp(val, "s") == 0 || strcmp(val, "auto") == 0) {
            s->duration_unit = val[0] == 'm' ? 1 : val[0] == 's' ? 2 : 0;
            return 0;
        }
        return bad(x, v, "unknown duration_unit '%s' (ms, s, auto)", val);
    }
    return bad(x, k, "unknown key '%s' in a source (expected path, format, service, "
               "cid_regex, layout, timezone, duration_unit)", key);

}

static int sources(struct cctx *x, yaml_node_t *v)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return bad(x, v, "sources must be a list (lines starting with '- ')", NULL);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *n = node(x, *it);
        struct config_source *s = new_source(x);
        if (!s)
            return -1;
        const char *p = scalar(n);
        if (p && !*p)
            return bad(x, n, "a source path is empty", NULL);
        if (p) {
            if (!(s->path = expand_home(p)))
                return err_set(x->e, "out of memory");
            continue;
        }
        if (each_pair(x, n, "a source", source_pair) < 0)
            return -1;
        if (!x->c->sources[x->c->nsources - 1].path)
            return bad(x, n, "a source needs a path", NULL);
    }
    return 0;
}

static int ui_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    const char *val = scalar(v);
    if (strcmp(key, "theme") == 0 && val && *val)
        return dup_into(x, &x->c->ui_theme, val);
    return bad(x, k, strcmp(key, "theme") == 0 ? "ui: bad value for '%s' (expected theme: NAME)"
                                               : "ui: unknown key '%s' (expected theme: NAME)",
               key);
}

static int ui_section(struct cctx *x, yaml_node_t *v)
{
    if (v->type == YAML_SCALAR_NODE && !*scalar(v))
        return 0;   /* `ui:` with nothing under it */
    if (v->type != YAML_MAPPING_NODE)
        return bad(x, v, "ui: expected a mapping (theme: NAME)", NULL);
    return each_pair(x, v, "ui", ui_pair);
}

static int env_name_ok(const char *s)
{
    if (!*s || (*s >= '0' && *s <= '9'))
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int ship_url(struct cctx *x, yaml_node_t *v, const char *val)
{
    if (strncmp(val, "clickhouse://", 13) != 0)
        return bad(x, v, "ship: the url must be clickhouse://[USER@]HOST:PORT/DB%s", NULL);
    return dup_into(x, &x->c->ship.url, val);
}

static int ship_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    struct config_ship *sh = &x->c->ship;
    const char *val;
    if (!strcmp(key, "password"))   /* its value is never echoed */
        return bad(x, k, "ship: no password in the config; name the environment variable "
                   "that holds it: password_env: VAR%s", NULL);
    if (want_scalar(x, v, key, &val) < 0)
        return -1;
    if (!strcmp(key, "url"))
        return ship_url(x, v, val);
    if (!strcmp(key, "user") || !strcmp(key, "host")) {
        if (!*val)
            return bad(x, v, "ship: %s is empty", key);
        return dup_into(x, key[0] == 'u' ? &sh->user : &sh->host, val);
    }
    if (!strcmp(key, "password_env")) {
        if (!env_name_ok(val))
            return bad(x, v, "ship: password_env takes the name of an environment variable "
                       "(letters, digits and '_')%s", NULL);
        return dup_into(x, &sh->password_env, val);
    }
    if (!strcmp(key, "timeout")) {
        if (ts_parse_duration(val, &sh->timeout_us) < 0 || sh->timeout_us <= 0)
            return bad(x, v, "ship: '%s' is not a duration (e.g. 60s, 5m)", val);
        return 0;
    }
    return bad(x, k, "ship: unknown key '%s' (expected url, user, password_env, host, timeout)",
               key);
}

static int ship_section(struct cctx *x, yaml_node_t *v)
{
    const char *val = scalar(v);
    if (val)
        return *val ? ship_url(x, v, val) : 0;
    if (each_pair(x, v, "ship", ship_pair) < 0)
        return -1;
    if (!x->c->ship.url)
        return bad(x, v, "ship: needs url: clickhouse://HOST:PORT/DB%s", NULL);
    return 0;
}

static int top_pair(struct cctx *x, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    if (strcmp(key, "sources") == 0)
        return v->type == YAML_SCALAR_NODE && !*scalar(v) ? 0 : sources(x, v);
    if (strcmp(key, "store") == 0)
        return v->type == YAML_SCALAR_NODE && !*scalar(v) ? 0
                                                          : each_pair(x, v, "store", store_pair);
    if (strcmp(key, "ui") == 0)
        return ui_section(x, v);
    if (strcmp(key, "ship") == 0)
        return ship_section(x, v);
    if (!strcmp(key, "notifiers") || !strcmp(key, "rules") || !strcmp(key, "rule_files"))
        return 0;   /* read by the rules module */
    return bad(x, k, "unknown key '%s' (expected sources, store, ship, notifiers, rules, "
               "rule_files, ui)", key);
}

/* Resolves "default:" into the levels that had no retention of their own. */
static void finish_retention(struct config *c)
{
    for (int l = 0; l < LVL_COUNT; l++)
        if (c->retention_us[l] < 0)
            c->retention_us[l] = -c->retention_us[l] - 1;
}

int config_parse(struct config *c, const char *text, size_t len, const char *name,
                 struct err *e)
{
    yaml_parser_t p;
    memset(c, 0, sizeof *c);
    yaml_document_t *doc = malloc(sizeof *doc);
    if (!doc || !yaml_parser_initialize(&p)) {
        free(doc);
        return err_set(e, "out of memory reading %s", name);
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, doc)) {
        err_setc(e, 2, "%s:%zu:%zu: %s%s%s", name, p.problem_mark.line + 1,
                 p.problem_mark.column + 1, p.problem ? p.problem : "invalid YAML",
                 p.context ? " " : "", p.context ? p.context : "");
        yaml_parser_delete(&p);
        free(doc);
        return -1;
    }
    c->doc = doc;   /* kept: the rules module reads its sections from it */
    struct cctx x = {doc, name, c, e};
    yaml_node_t *root = yaml_document_get_root_node(doc);
    int rc = 0;
    if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
        rc = each_pair(&x, root, "the config file", top_pair);
    finish_retention(c);
    yaml_parser_delete(&p);
    if (rc < 0)
        config_fini(c);
    return rc;
}

int config_load(struct config *c, const char *path, int must_exist, struct err *e)
{
    memset(c, 0, sizeof *c);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT && !must_exist)
            return 0;
        return err_setc(e, 2, "cannot read config %s: %s", path, strerror(errno));
    }
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 8192);
            if (!nb || cap > (64u << 20)) {
                free(nb ? nb : buf);
                fclose(f);
                return err_set(e, "config %s is too large", path);
            }
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    fclose(f);
    int rc = config_parse(c, buf ? buf : "", len, path, e);
    free(buf);
    if (rc == 0 && !(c->file = strdup(path))) {
        config_fini(c);
        return err_set(e, "out of memory");
    }
    return rc;
}

/* The strings a source owns: freed by config_fini, duplicated by
 * config_copy. A new string field of struct config_source goes here. */
#define SOURCE_STRS(s) {&(s)->path, &(s)->service, &(s)->cid_regex, &(s)->layout_regex, \
                        &(s)->layout_ts}
enum { SOURCE_NSTRS = 5 };

void config_fini(struct config *c)
{
    for (size_t i = 0; i < c->nsources; i++) {
        char **v[SOURCE_NSTRS] = SOURCE_STRS(&c->sources[i]);
        for (int k = 0; k < SOURCE_NSTRS; k++)
            free(*v[k]);
    }
    free(c->sources);
    free(c->store_path);
    free(c->file);
    free(c->ui_theme);
    free(c->ship.url), free(c->ship.user), free(c->ship.password_env), free(c->ship.host);
    if (c->doc) {
        yaml_document_delete(c->doc);
        free(c->doc);
    }
    memset(c, 0, sizeof *c);
}

static int dup_or_null(char **dst, const char *src)
{
    return !src || (*dst = strdup(src)) ? 0 : -1;
}

int config_copy(struct config *dst, const struct config *src, struct err *e)
{
    *dst = *src;   /* the numbers; every string and the sources are duplicated */
    dst->file = dst->store_path = dst->ui_theme = NULL;
    dst->ship.url = dst->ship.user = dst->ship.password_env = dst->ship.host = NULL;
    dst->doc = NULL;
    dst->sources = src->nsources ? calloc(src->nsources, sizeof *dst->sources) : NULL;
    dst->nsources = 0;
    int bad = (src->nsources && !dst->sources) || dup_or_null(&dst->file, src->file) < 0 ||
              dup_or_null(&dst->store_path, src->store_path) < 0 ||
              dup_or_null(&dst->ui_theme, src->ui_theme) < 0 ||
              dup_or_null(&dst->ship.url, src->ship.url) < 0 ||
              dup_or_null(&dst->ship.user, src->ship.user) < 0 ||
              dup_or_null(&dst->ship.password_env, src->ship.password_env) < 0 ||
              dup_or_null(&dst->ship.host, src->ship.host) < 0;
    for (size_t i = 0; !bad && i < src->nsources; i++) {
        struct config_source *d = &dst->sources[dst->nsources++];
        *d = src->sources[i];
        char **dv[SOURCE_NSTRS] = SOURCE_STRS(d);
        for (int k = 0; k < SOURCE_NSTRS; k++)
            if (dup_or_null(dv[k], *dv[k]) < 0)
                for (bad = 1; k < SOURCE_NSTRS; k++)   /* not ours to free */
                    *dv[k] = NULL;
    }
    if (bad) {
        config_fini(dst);
        return err_set(e, "out of memory copying the config");
    }
    return 0;
}

int config_add_source(struct config *c, const char *path, int format, const char *service,
                      struct err *e)
{
    struct cctx x = {NULL, "", c, e};
    struct config_source *s = new_source(&x);
    if (!s)
        return -1;
    s->format = format;
    if (!(s->path = strdup(path)) || (service && !(s->service = strdup(service))))
        return err_set(e, "out of memory");
    return 0;
}

int64_t config_default_cap(const char *db_path, int64_t *free_bytes)
{
    char dir[4096];
    struct statvfs vs;
    snprintf(dir, sizeof dir, "%s", db_path);
    int64_t cap = CONFIG_CAP_MAX, fr = -1;
    for (;;) {   /* the store's directory, or the nearest one that exists */
        char *sl = strrchr(dir, '/');
        if (sl == dir)
            sl[1] = '\0';
        else if (sl)
            *sl = '\0';
        else
            snprintf(dir, sizeof dir, ".");
        if (statvfs(dir, &vs) == 0) {
            fr = (int64_t)vs.f_bavail * (int64_t)vs.f_frsize;
            break;
        }
        if (!sl || sl == dir)
            break;
    }
    if (fr >= 0 && fr / 10 < cap)
        cap = fr / 10;
    if (free_bytes)
        *free_bytes = fr;
    return cap;
}

void config_apply_cap(struct config *c, const char *db_path)
{
    if (!c->max_size_given)
        c->max_size = config_default_cap(db_path, NULL);
}

int config_has_retention(const struct config *c)
{
    for (int l = 0; l < LVL_COUNT; l++)
        if (c->retention_us[l] > 0)
            return 1;
    return c->max_size > 0;
}
