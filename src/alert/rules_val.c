/* rules_val: walking the rules YAML (diagnostics with FILE:LINE:COL, nodes,
 * keys), its scalar values (durations, counts, booleans, thresholds, names,
 * templates), the notifiers section, and the ruleset helpers (merge,
 * lookup, free, names, comparison). Used by rules.c; never calls it. */
#include "src/alert/rules_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <stdarg.h>

void rc_diag(struct rctx *c, const yaml_node_t *n, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    c->nerr++;
    if (!c->e)
        return;
    size_t used = c->nerr == 1 ? 0 : strlen(c->e->msg);
    if (used + 1 >= sizeof c->e->msg)
        return;
    snprintf(c->e->msg + used, sizeof c->e->msg - used, "%s%s:%zu:%zu: %s",
             used ? "\n" : "", c->name, n ? n->start_mark.line + 1 : 1,
             n ? n->start_mark.column + 1 : 1, msg);
    c->e->code = 2;
}

yaml_node_t *rc_node(struct rctx *c, int id)
{
    return yaml_document_get_node(c->doc, id);
}

static int key_is(struct rctx *c, yaml_node_pair_t *p, const char *k)
{
    yaml_node_t *n = rc_node(c, p->key);
    return n && n->type == YAML_SCALAR_NODE && strcmp((char *)n->data.scalar.value, k) == 0;
}

yaml_node_t *rc_get(struct rctx *c, yaml_node_t *n, const char *k)
{
    if (!n || n->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
        if (key_is(c, p, k)) {
            yaml_node_t *v = rc_node(c, p->value);
            return rc_is_null(v) ? NULL : v;
        }
    return NULL;
}

int rc_is_null(const yaml_node_t *n)
{
    if (!n)
        return 1;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)n->data.scalar.value;
    return !*v || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 || strcmp(v, "Null") == 0 ||
           strcmp(v, "NULL") == 0;
}

const char *rc_keylist(const char *const *keys)
{
    static _Thread_local char buf[512];
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; keys[i] && used < sizeof buf; i++)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "%s%s", i ? ", " : "", keys[i]);
    return buf;
}

const char *rc_str(struct rctx *c, yaml_node_t *n, const char *what)
{
    if (!n || n->type != YAML_SCALAR_NODE) {
        rc_diag(c, n, "%s: expected a single value, not a %s", what,
                n && n->type == YAML_MAPPING_NODE ? "mapping" : "list");
        return NULL;
    }
    if (strlen((char *)n->data.scalar.value) != n->data.scalar.length) {
        rc_diag(c, n, "%s: contains a NUL byte", what);
        return NULL;
    }
    return (const char *)n->data.scalar.value;
}

char *rc_strdup(const char *s)
{
    return strdup(s ? s : "");
}

int rc_name(struct rctx *c, yaml_node_t *n, const char *what)
{
    const char *s = rc_str(c, n, what);
    if (!s)
        return 0;
    size_t len = strlen(s);
    int ok = len > 0 && len <= 100;
    for (size_t i = 0; ok && i < len; i++)
        ok = isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_' || s[i] == '.';
    if (!ok)
        rc_diag(c, n, "%s '%.100s': use 1-100 letters, digits, '-', '_' or '.'", what, s);
    return ok;
}

int rc_enum(struct rctx *c, yaml_node_t *n, const char *what, const char *const *names, int *out)
{
    const char *s = rc_str(c, n, what);
    if (!s)
        return -1;
    for (int i = 0; names[i]; i++)
        if (strcasecmp(names[i], s) == 0) {
            *out = i;
            return 0;
        }
    rc_diag(c, n, "%s: unknown value '%.100s' (expected one of: %s)", what, s, rc_keylist(names));
    return -1;
}

int rc_duration(struct rctx *c, yaml_node_t *n, const char *what, int64_t *out, int positive)
{
    const char *s = rc_str(c, n, what);
    if (!s)
        return -1;
    int64_t v;
    if (strcmp(s, "0") == 0)
        v = 0;
    else if (ts_parse_duration(s, &v) < 0) {
        rc_diag(c, n, "%s: '%.100s' is not a duration (e.g. 30s, 5m, 1h, 500ms)", what, s);
        return -1;
    }
    if (positive && v <= 0) {
        rc_diag(c, n, "%s: must be longer than 0", what);
        return -1;
    }
    *out = v;
    return 0;
}

int rc_count(struct rctx *c, yaml_node_t *n, const char *what, int64_t *out)
{
    const char *s = rc_str(c, n, what);
    if (!s)
        return -1;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (end == s || *end || v < 0) {
        rc_diag(c, n, "%s: '%.100s' is not a whole number >= 0", what, s);
        return -1;
    }
    *out = v;
    return 0;
}

int rc_bool(struct rctx *c, yaml_node_t *n, const char *what, int *out)
{
    static const char *const t[] = {"true", "yes", "on", "1"}, *const f[] = {"false", "no", "off", "0"};
    const char *s = rc_str(c, n, what);
    for (int i = 0; s && i < 4; i++) {
        if (strcasecmp(s, t[i]) == 0)
            return *out = 1, 0;
        if (strcasecmp(s, f[i]) == 0)
            return *out = 0, 0;
    }
    if (s)
        rc_diag(c, n, "%s: expected true or false, not '%.100s'", what, s);
    return -1;
}

static const char *const op_text[] = {">", ">=", "<", "<=", "==", "!="};

void rc_set_threshold(struct rule *r, int op, double v)
{
    r->op = op;
    r->threshold = v;
    if (r->type == RULE_RATIO)   /* shown as the rate it is: "> 5%" */
        snprintf(r->threshold_text, sizeof r->threshold_text, "%s %.10g%%", op_text[op], v * 100);
    else
        snprintf(r->threshold_text, sizeof r->threshold_text, "%s %.10g", op_text[op], v);
}

/* "> 0.05", ">=100", "< 1", "5%", 100: op defaults to > (< for absence). */
int rc_threshold(struct rctx *c, yaml_node_t *n, struct rule *r)
{
    const char *s = rc_str(c, n, "threshold");
    if (!s)
        return -1;
    int op = r->type == RULE_ABSENCE ? OP_LT : OP_GT;
    while (*s == ' ')
        s++;
    for (int i = 5; i >= 0; i--) {   /* two-character operators first */
        size_t l = strlen(op_text[i]);
        if (strncmp(s, op_text[i], l) == 0 && (l == 2 || (s[1] != '=' && s[1] != '>'))) {
            op = i;
            s += l;
            break;
        }
    }
    if (*s == '=')
        op = OP_EQ, s++;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end == '%')
        v /= 100, end++;
    while (*end == ' ')
        end++;
    if (end == s || *end || !isfinite(v)) {
        rc_diag(c, n, "threshold: '%.100s' is not an operator and number (e.g. '> 0.05', '>= 100', "
                "'< 1', '5%%')", (const char *)n->data.scalar.value);
        return -1;
    }
    rc_set_threshold(r, op, v);
    return 0;
}

int rc_template_ok(struct rctx *c, yaml_node_t *n)
{
    const char *s = (const char *)n->data.scalar.value;
    for (const char *p = strstr(s, "{{"); p; p = strstr(p, "{{")) {
        const char *q = strstr(p + 2, "}}");
        if (!q) {
            rc_diag(c, n, "template: '{{' at offset %d is never closed with '}}'", (int)(p - s));
            return 0;
        }
        p = q + 2;
    }
    return 1;
}

static void parse_notifier(struct rctx *c, yaml_node_t *k, yaml_node_t *v, struct notifier_conf *nc)
{
    static const char *const keys[] = {"type", "url", "url_env", "min_interval", "timeout",
                                       "backoff", "backoff_max", "max_age", NULL};
    nc->line = (int)k->start_mark.line + 1;
    nc->col = (int)k->start_mark.column + 1;
    nc->file = rc_strdup(c->name);
    nc->name = rc_strdup(rc_name(c, k, "notifier name") ? (char *)k->data.scalar.value : "?");
    nc->min_interval = 1000000;
    nc->timeout = 10000000;
    nc->backoff = 1000000;
    nc->backoff_max = 300000000;
    nc->max_age = 6 * 3600 * 1000000LL;
    if (!v || v->type != YAML_MAPPING_NODE) {
        rc_diag(c, v ? v : k, "notifier '%s': expected {type: slack|webhook, url: ...}", nc->name);
        return;
    }
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *kk = rc_node(c, p->key);
        if (!kk || kk->type != YAML_SCALAR_NODE || !rc_name(c, kk, "key"))
            continue;
        int i = 0;
        while (keys[i] && strcmp(keys[i], (char *)kk->data.scalar.value) != 0)
            i++;
        if (!keys[i])
            rc_diag(c, kk, "unknown key '%s' in notifier '%s' (expected one of: %s)",
                    (char *)kk->data.scalar.value, nc->name, rc_keylist(keys));
    }
    yaml_node_t *x;
    if (!(x = rc_get(c, v, "type")))
        rc_diag(c, v, "notifier '%s': type: is required (slack or webhook)", nc->name);
    else
        rc_enum(c, x, "type", (const char *const[]){"slack", "webhook", NULL}, &nc->type);
    if ((x = rc_get(c, v, "url")) && rc_str(c, x, "url")) {
        nc->url = rc_strdup((char *)x->data.scalar.value);
        if (strncmp(nc->url, "http://", 7) != 0 && strncmp(nc->url, "https://", 8) != 0)
            rc_diag(c, x, "notifier '%s': url must start with http:// or https://", nc->name);
    }
    if ((x = rc_get(c, v, "url_env")) && rc_name(c, x, "url_env"))
        nc->url_env = rc_strdup((char *)x->data.scalar.value);
    if (!nc->url == !nc->url_env)
        rc_diag(c, v, "notifier '%s': give exactly one of url: or url_env:", nc->name);
    int64_t *dv[] = {&nc->min_interval, &nc->timeout, &nc->backoff, &nc->backoff_max, &nc->max_age};
    for (int i = 0; i < 5; i++)
        if ((x = rc_get(c, v, keys[3 + i])))
            rc_duration(c, x, keys[3 + i], dv[i], i != 0);
}

void rc_parse_notifiers(struct rctx *c, yaml_node_t *n, struct ruleset *rs)
{
    if (n->type != YAML_MAPPING_NODE) {
        rc_diag(c, n, "notifiers: expected a mapping of name: {type: ..., url: ...}");
        return;
    }
    size_t cnt = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
    struct notifier_conf *nn = realloc(rs->notifiers, (size_t)(rs->nnotifiers + (int)cnt + 1) * sizeof *nn);
    if (!nn) {
        rc_diag(c, n, "out of memory");
        return;
    }
    rs->notifiers = nn;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        struct notifier_conf *nc = &rs->notifiers[rs->nnotifiers++];
        memset(nc, 0, sizeof *nc);
        yaml_node_t *k = rc_node(c, p->key);
        parse_notifier(c, k, rc_node(c, p->value), nc);
        if (rules_notifier(rs, nc->name) != nc)
            rc_diag(c, k, "duplicate notifier name '%s'", nc->name);
    }
}
