/* rules_set: operations on a loaded ruleset (see rules.h): merge, lookup,
 * cross-references, free, names, threshold comparison, hashing and
 * duration formatting. */
#include "src/alert/rules.h"
#include "src/query/query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void rule_fini(struct rule *r)
{
    free(r->name);
    free(r->file);
    free(r->query);
    free(r->match);
    free(r->eval_text);
    query_free(r->pq);
    query_free(r->pm);
    free(r->field);
    free(r->group_by);
    for (int i = 0; i < r->nnotify; i++)
        free(r->notify[i]);
    free(r->notify);
    free(r->summary);
    free(r->description);
}

void rules_free(struct ruleset *rs)
{
    if (!rs)
        return;
    for (int i = 0; i < rs->nrules; i++)
        rule_fini(&rs->rules[i]);
    for (int i = 0; i < rs->nnotifiers; i++) {
        free(rs->notifiers[i].name);
        free(rs->notifiers[i].file);
        free(rs->notifiers[i].url);
        free(rs->notifiers[i].url_env);
    }
    free(rs->rules);
    free(rs->notifiers);
    free(rs);
}

const struct rule *rules_find(const struct ruleset *rs, const char *name)
{
    for (int i = 0; rs && i < rs->nrules; i++)
        if (strcmp(rs->rules[i].name, name) == 0)
            return &rs->rules[i];
    return NULL;
}

const struct notifier_conf *rules_notifier(const struct ruleset *rs, const char *name)
{
    for (int i = 0; rs && i < rs->nnotifiers; i++)
        if (strcmp(rs->notifiers[i].name, name) == 0)
            return &rs->notifiers[i];
    return NULL;
}

int rules_merge(struct ruleset *dst, struct ruleset *src, struct err *e)
{
    int bad = 0;
    for (int i = 0; i < src->nrules; i++)
        if (rules_find(dst, src->rules[i].name) && !bad++)
            err_setc(e, 2, "%s:%d:%d: rule '%s' is defined twice", src->rules[i].file,
                     src->rules[i].line, src->rules[i].col, src->rules[i].name);
    for (int i = 0; i < src->nnotifiers; i++)
        if (rules_notifier(dst, src->notifiers[i].name) && !bad++)
            err_setc(e, 2, "%s:%d:%d: notifier '%s' is defined twice", src->notifiers[i].file,
                     src->notifiers[i].line, src->notifiers[i].col, src->notifiers[i].name);
    struct rule *nr = bad ? NULL : realloc(dst->rules, (size_t)(dst->nrules + src->nrules + 1) * sizeof *nr);
    if (nr)
        dst->rules = nr;
    struct notifier_conf *nn = !nr ? NULL :
        realloc(dst->notifiers, (size_t)(dst->nnotifiers + src->nnotifiers + 1) * sizeof *nn);
    if (nn)
        dst->notifiers = nn;
    if (!nr || !nn) {
        if (!bad)
            err_set(e, "out of memory merging rules");
        rules_free(src);
        return -1;
    }
    if (src->nrules)
        memcpy(dst->rules + dst->nrules, src->rules, (size_t)src->nrules * sizeof *nr);
    dst->nrules += src->nrules;
    if (src->nnotifiers)
        memcpy(dst->notifiers + dst->nnotifiers, src->notifiers,
               (size_t)src->nnotifiers * sizeof *nn);
    dst->nnotifiers += src->nnotifiers;
    src->nrules = src->nnotifiers = 0;
    rules_free(src);
    return 0;
}

int rules_check_refs(const struct ruleset *rs, struct err *e)
{
    int bad = 0;
    size_t used = 0;
    for (int i = 0; i < rs->nrules; i++)
        for (int j = 0; j < rs->rules[i].nnotify; j++) {
            const struct rule *r = &rs->rules[i];
            if (rules_notifier(rs, r->notify[j]))
                continue;
            if (e && used + 1 < sizeof e->msg)
                used += (size_t)snprintf(e->msg + used, sizeof e->msg - used,
                                         "%s%s:%d:%d: rule '%s' notifies '%s', which no notifier "
                                         "defines (notifiers: name: {type: ..., url: ...})",
                                         bad ? "\n" : "", r->file, r->line, r->col, r->name,
                                         r->notify[j]);
            bad++;
        }
    if (bad && e)
        e->code = 2;
    return bad ? -1 : 0;
}

const char *rules_type_name(int t)
{
    static const char *const n[] = {"any", "count", "ratio", "metric", "absence"};
    return t >= 0 && t < 5 ? n[t] : "?";
}

const char *rules_agg_name(int a)
{
    static const char *const n[] = {"avg", "min", "max", "sum", "p50", "p95", "p99"};
    return a >= 0 && a < 7 ? n[a] : "?";
}

const char *rules_severity_name(int s)
{
    static const char *const n[] = {"info", "warning", "error", "critical"};
    return s >= 0 && s < 4 ? n[s] : "?";
}

int rules_compare(const struct rule *r, double v)
{
    switch (r->op) {
    case OP_GT: return v > r->threshold;
    case OP_GE: return v >= r->threshold;
    case OP_LT: return v < r->threshold;
    case OP_LE: return v <= r->threshold;
    case OP_EQ: return v == r->threshold;
    default: return v != r->threshold;
    }
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h;
}

char *rules_notifier_hash(const struct notifier_conf *n, char out[17])
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const char *url = n->url ? n->url : "";
    h = fnv(h, url, strlen(url) + 1);
    h = fnv(h, &n->type, sizeof n->type);
    int64_t v[] = {n->min_interval, n->timeout, n->backoff, n->backoff_max, n->max_age};
    h = fnv(h, v, sizeof v);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
    return out;
}

char *rules_fmt_duration(int64_t us, char buf[32])
{
    static const struct { const char *u; int64_t v; } units[] = {
        {"d", 86400000000LL}, {"h", 3600000000LL}, {"m", 60000000LL}, {"s", 1000000LL},
        {"ms", 1000LL},
    };
    size_t used = 0;
    buf[0] = '\0';
    if (us <= 0)
        return strcpy(buf, "0s");
    for (int i = 0; i < 5 && us > 0; i++)
        if (us >= units[i].v) {
            used += (size_t)snprintf(buf + used, 32 - used, "%lld%s", (long long)(us / units[i].v),
                                     units[i].u);
            us %= units[i].v;
        }
    return buf;
}
