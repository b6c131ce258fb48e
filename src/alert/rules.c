/* rules: the YAML reader for alert rules and notifiers (see rules.h).
 * libyaml loads the document; this file walks it, validates every key and
 * compiles every query, reporting FILE:LINE:COL from the node marks. The
 * walking helpers and value readers (durations, thresholds, names) live in
 * rules_val.c, which calls nothing here. */
#include "src/alert/rules.h"
#include "src/alert/rules_int.h"
#include "src/base/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULES_MAX_DEPTH 4        /* rule_files including rule_files */
#define RULES_MAX_FILE (4 << 20)

static const char *const rule_keys[] = {
    "name", "type", "query", "match", "threshold", "window", "min_count", "for", "group_by",
    "severity", "notify", "repeat", "summary", "description", "field", "agg", "resolve_hold",
    "resolve_notify", "eval_every", NULL,
};

static int known(const char *const *keys, const char *k)
{
    for (int i = 0; keys[i]; i++)
        if (strcmp(keys[i], k) == 0)
            return 1;
    return 0;
}

/* Checks that every key of mapping n is in keys; returns 0 if n is a mapping. */
static int check_keys(struct rctx *c, yaml_node_t *n, const char *const *keys, const char *what)
{
    if (!n || n->type != YAML_MAPPING_NODE) {
        rc_diag(c, n, "expected a mapping (key: value) for %s", what);
        return -1;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = rc_node(c, p->key);
        if (!k || k->type != YAML_SCALAR_NODE)
            rc_diag(c, k, "expected a plain key in %s", what);
        else if (!known(keys, (char *)k->data.scalar.value))
            rc_diag(c, k, "unknown key '%s' in %s (expected one of: %s)",
                    (char *)k->data.scalar.value, what, rc_keylist(keys));
    }
    return 0;
}

/* The value node of key k in mapping n, or NULL (also for YAML null). */
static int compile_query(struct rctx *c, yaml_node_t *n, const char *text, struct plan **out)
{
    struct err qe = {0};
    struct plan *p = query_compile(text, ts_now(), NULL, &qe);
    if (!p) {
        /* Point at the column inside the scalar when it is one plain line. */
        const char *at = strstr(qe.msg, " at col ");
        yaml_node_t pos = *n;
        if (at && n->type == YAML_SCALAR_NODE && !strchr(text, '\n') &&
            n->start_mark.line == n->end_mark.line && !strstr(text, "''"))
            pos.start_mark.column += (size_t)(atoi(at + 8) - 1) +
                                     (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE);
        rc_diag(c, &pos, "bad query '%s': %s", text, qe.msg);
        return -1;
    }
    if (p->since != INT64_MIN || p->until != INT64_MAX) {
        rc_diag(c, n, "since:/until: have no place in a rule query; use window: instead");
        query_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

/* query, match and the combined plans. */
static void rule_queries(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    yaml_node_t *q = rc_get(c, n, "query"), *m = rc_get(c, n, "match");
    r->query = rc_strdup(q ? rc_str(c, q, "query") : NULL);
    r->match = rc_strdup(m ? rc_str(c, m, "match") : NULL);
    struct plan *tmp = NULL;
    if (m && compile_query(c, m, r->match, &tmp) == 0)
        query_free(tmp);
    if (compile_query(c, q ? q : n, r->query, &r->pq) < 0)
        return;
    size_t len = strlen(r->query) + strlen(r->match) + 8;
    r->eval_text = malloc(len);
    if (!r->eval_text)
        return;
    if (*r->query && *r->match)
        snprintf(r->eval_text, len, "(%s) (%s)", r->query, r->match);
    else
        snprintf(r->eval_text, len, "%s", *r->query ? r->query : r->match);
    if (!m || tmp)
        compile_query(c, m ? m : n, r->eval_text, &r->pm);
    if (r->type == RULE_RATIO && !*r->match)
        rc_diag(c, n, "rule '%s': a ratio rule needs match: (the numerator)", r->name);
}

static void rule_metric(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    yaml_node_t *f = rc_get(c, n, "field"), *a = rc_get(c, n, "agg");
    if (r->type != RULE_METRIC) {
        if (f || a)
            rc_diag(c, f ? f : a, "field:/agg: only apply to type: metric");
        return;
    }
    if (!f) {
        rc_diag(c, n, "rule '%s': a metric rule needs field: (e.g. duration_ms)", r->name);
        return;
    }
    r->field = rc_strdup(rc_str(c, f, "field"));
    r->field_id = query_field(r->field);
    if (a)
        rc_enum(c, a, "agg", (const char *const[]){"avg", "min", "max", "sum", "p50", "p95",
                                                   "p99", NULL}, &r->agg);
}

static void rule_group(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    yaml_node_t *g = rc_get(c, n, "group_by");
    if (!g)
        return;
    if (g->type == YAML_SEQUENCE_NODE) {
        int cnt = (int)(g->data.sequence.items.top - g->data.sequence.items.start);
        if (cnt == 0)
            return;
        if (cnt > 1) {
            rc_diag(c, g, "group_by: one field is supported, not %d", cnt);
            return;
        }
        g = rc_node(c, *g->data.sequence.items.start);
    }
    const char *s = rc_str(c, g, "group_by");
    if (s && *s) {
        r->group_by = rc_strdup(s);
        r->group_field = query_field(s);
    }
}

static void rule_notify(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    yaml_node_t *v = rc_get(c, n, "notify");
    if (!v)
        return;
    if (v->type == YAML_SCALAR_NODE) {
        r->notify = calloc(1, sizeof *r->notify);
        if (r->notify && (r->notify[0] = rc_strdup(rc_str(c, v, "notify"))))
            r->nnotify = 1;
        return;
    }
    if (v->type != YAML_SEQUENCE_NODE) {
        rc_diag(c, v, "notify: expected a list of notifier names");
        return;
    }
    size_t cnt = (size_t)(v->data.sequence.items.top - v->data.sequence.items.start);
    r->notify = calloc(cnt ? cnt : 1, sizeof *r->notify);
    for (size_t i = 0; r->notify && i < cnt; i++) {
        const char *s = rc_str(c, rc_node(c, v->data.sequence.items.start[i]), "notify");
        if (s)
            r->notify[r->nnotify++] = rc_strdup(s);
    }
}

/* Durations, counts and the threshold, with each type's defaults. */
static void rule_numbers(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    int needs_window = r->type != RULE_ANY;
    r->window = needs_window ? 0 : 60 * 1000000LL;
    yaml_node_t *w = rc_get(c, n, "window"), *t = rc_get(c, n, "threshold");
    if (w)
        rc_duration(c, w, "window", &r->window, 1);
    else if (needs_window)
        rc_diag(c, n, "rule '%s': window: is required for type %s (e.g. window: 5m)", r->name,
                rules_type_name(r->type));
    if (t)
        rc_threshold(c, t, r);
    else if (r->type == RULE_ANY || r->type == RULE_ABSENCE)
        rc_set_threshold(r, r->type == RULE_ANY ? OP_GT : OP_LT, r->type == RULE_ANY ? 0 : 1);
    else
        rc_diag(c, n, "rule '%s': threshold: is required for type %s (e.g. threshold: '> 100')",
                r->name, rules_type_name(r->type));
    r->resolve_hold = -1;
    static const char *const dk[] = {"for", "repeat", "resolve_hold", "eval_every"};
    int64_t *dv[] = {&r->for_us, &r->repeat, &r->resolve_hold, &r->eval_every};
    for (int i = 0; i < 4; i++)
        if ((w = rc_get(c, n, dk[i])))
            rc_duration(c, w, dk[i], dv[i], 0);
    if (r->resolve_hold < 0)   /* default: damp flapping for as long as `for` */
        r->resolve_hold = r->for_us;
    if ((w = rc_get(c, n, "min_count")))
        rc_count(c, w, "min_count", &r->min_count);
    r->notify_resolved = 1;
    if ((w = rc_get(c, n, "resolve_notify")))
        rc_bool(c, w, "resolve_notify", &r->notify_resolved);
}

static void parse_rule(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    r->line = (int)n->start_mark.line + 1;
    r->col = (int)n->start_mark.column + 1;
    r->file = rc_strdup(c->name);
    r->severity = SEV_WARNING;
    r->group_field = -1;
    if (check_keys(c, n, rule_keys, "a rule") < 0) {
        r->name = rc_strdup("?");
        return;
    }
    yaml_node_t *v = rc_get(c, n, "name");
    if (!v)
        rc_diag(c, n, "a rule needs a name:");
    else if (rc_name(c, v, "rule name"))
        r->name = rc_strdup((char *)v->data.scalar.value);
    if (!r->name)
        r->name = rc_strdup("?");
    if (!(v = rc_get(c, n, "type")))
        rc_diag(c, n, "rule '%s': type: is required (any, count, ratio, metric, absence)", r->name);
    else
        rc_enum(c, v, "type", (const char *const[]){"any", "count", "ratio", "metric",
                                                    "absence", NULL}, &r->type);
    if ((v = rc_get(c, n, "severity")))
        rc_enum(c, v, "severity", (const char *const[]){"info", "warning", "error",
                                                        "critical", NULL}, &r->severity);
    rule_queries(c, n, r);
    rule_metric(c, n, r);
    rule_group(c, n, r);
    rule_notify(c, n, r);
    rule_numbers(c, n, r);
    static const char *const tk[] = {"summary", "description"};
    char **tv[] = {&r->summary, &r->description};
    for (int i = 0; i < 2; i++)
        if ((v = rc_get(c, n, tk[i])) && rc_str(c, v, tk[i]) && rc_template_ok(c, v))
            *tv[i] = rc_strdup((char *)v->data.scalar.value);
}

static void parse_rules(struct rctx *c, yaml_node_t *n, struct ruleset *rs)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        rc_diag(c, n, "rules: expected a list of rules (each item starting with '- name:')");
        return;
    }
    size_t cnt = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
    struct rule *nr = realloc(rs->rules, (size_t)(rs->nrules + (int)cnt + 1) * sizeof *nr);
    if (!nr) {
        rc_diag(c, n, "out of memory");
        return;
    }
    rs->rules = nr;
    for (size_t i = 0; i < cnt; i++) {
        struct rule *r = &rs->rules[rs->nrules++];
        memset(r, 0, sizeof *r);
        parse_rule(c, rc_node(c, n->data.sequence.items.start[i]), r);
        for (int j = 0; j < rs->nrules - 1; j++)
            if (strcmp(rs->rules[j].name, r->name) == 0 && strcmp(r->name, "?") != 0)
                rc_diag(c, rc_node(c, n->data.sequence.items.start[i]),
                        "duplicate rule name '%s' (first at line %d)", r->name, rs->rules[j].line);
    }
}

static void parse_rule_files(struct rctx *c, yaml_node_t *n, struct ruleset *rs)
{
    if (n->type != YAML_SEQUENCE_NODE) {
        rc_diag(c, n, "rule_files: expected a list of paths");
        return;
    }
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *pn = rc_node(c, *it);
        const char *p = rc_str(c, pn, "rule_files");
        if (!p)
            continue;
        if (c->depth >= RULES_MAX_DEPTH) {
            rc_diag(c, pn, "rule_files nested deeper than %d files", RULES_MAX_DEPTH);
            continue;
        }
        char path[4096];
        snprintf(path, sizeof path, "%s%s", p[0] == '/' ? "" : c->dir, p);
        struct err fe = {0};
        struct ruleset *sub = rc_load_file(path, c->depth + 1, 0, &fe);
        if (!sub || rules_merge(rs, sub, &fe) < 0)
            rc_diag(c, pn, "in rule file %s:\n%s", p, fe.msg);
    }
}

static void parse_root(struct rctx *c, yaml_node_t *root, struct ruleset *rs)
{
    static const char *const top[] = {"notifiers", "rules", "rule_files", "sources", "store",
                                      NULL};
    if (rc_is_null(root))
        return;   /* an empty file: nothing to do */
    if (c->lenient ? root->type != YAML_MAPPING_NODE : check_keys(c, root, top, "the top level") < 0) {
        if (c->lenient)
            rc_diag(c, root, "expected a mapping (key: value) at the top level");
        return;
    }
    yaml_node_t *v;
    if ((v = rc_get(c, root, "notifiers")))
        rc_parse_notifiers(c, v, rs);
    if ((v = rc_get(c, root, "rules")))
        parse_rules(c, v, rs);
    if ((v = rc_get(c, root, "rule_files")))
        parse_rule_files(c, v, rs);
}

static void yaml_error(struct rctx *c, yaml_parser_t *p)
{
    yaml_node_t fake = {0};
    fake.start_mark = p->problem_mark;
    if (p->context)
        rc_diag(c, &fake, "YAML syntax: %s %s (line %zu)", p->problem ? p->problem : "error",
                p->context, p->context_mark.line + 1);
    else
        rc_diag(c, &fake, "YAML syntax: %s", p->problem ? p->problem : "error");
}

struct ruleset *rc_parse(const char *text, size_t n, const char *name, int depth, int lenient,
                         struct err *e)
{
    struct rctx c = {.name = name, .e = e, .depth = depth, .lenient = lenient};
    err_clear(e);
    const char *slash = strrchr(name, '/');
    snprintf(c.dir, sizeof c.dir, "%.*s", slash ? (int)(slash - name + 1) : 0, name);
    struct ruleset *rs = calloc(1, sizeof *rs);
    yaml_parser_t p;
    yaml_document_t doc;
    if (!rs || !yaml_parser_initialize(&p)) {
        free(rs);
        err_set(e, "out of memory reading %s", name);
        return NULL;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, n);
    if (!yaml_parser_load(&p, &doc)) {
        yaml_error(&c, &p);
    } else {
        c.doc = &doc;
        parse_root(&c, yaml_document_get_root_node(&doc), rs);
        yaml_document_delete(&doc);
    }
    yaml_parser_delete(&p);
    if (c.nerr) {
        rules_free(rs);
        return NULL;
    }
    return rs;
}

struct ruleset *rules_parse(const char *text, size_t n, const char *name, struct err *e)
{
    return rc_parse(text, n, name, 0, 0, e);
}

struct ruleset *rc_load_file(const char *path, int depth, int lenient, struct err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        err_set(e, "cannot read rules file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(RULES_MAX_FILE + 1);
    size_t n = buf ? fread(buf, 1, RULES_MAX_FILE + 1, f) : 0;
    fclose(f);
    if (!buf || n > RULES_MAX_FILE) {
        free(buf);
        err_setc(e, 2, "%s: rules file larger than %d MiB", path, RULES_MAX_FILE >> 20);
        return NULL;
    }
    struct ruleset *rs = rc_parse(buf, n, path, depth, lenient, e);
    free(buf);
    return rs;
}

struct ruleset *rules_load(const char *path, struct err *e)
{
    return rc_load_file(path, 0, 0, e);
}

struct ruleset *rules_load_config(const char *path, struct err *e)
{
    return rc_load_file(path, 0, 1, e);
}

struct ruleset *rules_from_config(const struct config *cfg, struct err *e)
{
    const char *name = cfg->file ? cfg->file : "config";
    struct rctx c = {.name = name, .e = e, .lenient = 1};
    err_clear(e);
    const char *slash = strrchr(name, '/');
    snprintf(c.dir, sizeof c.dir, "%.*s", slash ? (int)(slash - name + 1) : 0, name);
    struct ruleset *rs = calloc(1, sizeof *rs);
    if (!rs) {
        err_set(e, "out of memory reading %s", name);
        return NULL;
    }
    if (!cfg->doc)
        return rs;
    c.doc = cfg->doc;   /* only read: libyaml's getters take no const */
    parse_root(&c, yaml_document_get_root_node(cfg->doc), rs);
    if (c.nerr) {
        rules_free(rs);
        return NULL;
    }
    return rs;
}
