/* text: what an alert says: its value as text, the summary and
 * description templates ({{group}} {{value}} {{threshold}} {{window}}
 * {{count}} {{sample}} {{rule}} {{severity}} and any field of the sample
 * record, e.g. {{service}} {{path}} {{process.id}}), and the sample itself:
 * the newest matching record of the group in the window, redacted. */
#include "src/alert/alert_int.h"
#include "db/exec.h"
#include "src/query/query.h"
#include "src/alert/redact.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *alert_fmt_value(double v, const char *threshold, char buf[32])
{
    if (isnan(v))
        snprintf(buf, 32, "-");
    else if (threshold && strchr(threshold, '%'))
        snprintf(buf, 32, "%.3g%%", v * 100.0);
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, 32, "%.0f", v);
    else
        snprintf(buf, 32, "%.4g", v);
    return buf;
}

char *at_value_text(const struct rule *r, double v, char buf[32])
{
    return alert_fmt_value(v, r->threshold_text, buf);
}

struct sample {
    char *msg;          /* redacted */
    cJSON *fields;      /* redacted; NULL when none */
    char service[128], level[16], cid[128], logger[128], file[256];
};

static int on_sample(void *ctx, const struct store_row *row)
{
    struct sample *s = ctx;
    const struct record *r = &row->rec;
    s->msg = redact_text(r->msg ? r->msg : "", r->msg_len);
    const char *json = r->format == FMT_JSON ? r->raw : r->fields;
    size_t jlen = r->format == FMT_JSON ? r->raw_len : (json ? strlen(json) : 0);
    if (json && jlen && (s->fields = cJSON_ParseWithLength(json, jlen)) &&
        redact_json(s->fields) < 0) {
        cJSON_Delete(s->fields);
        s->fields = NULL;
    }
    snprintf(s->service, sizeof s->service, "%s", r->service ? r->service : "");
    snprintf(s->level, sizeof s->level, "%s", level_name(r->level));
    snprintf(s->cid, sizeof s->cid, "%s", r->cid ? r->cid : "");
    snprintf(s->logger, sizeof s->logger, "%s", r->logger ? r->logger : "");
    snprintf(s->file, sizeof s->file, "%s", row->file ? row->file : "");
    return 1;
}

/* The records behind g: the rule's query plus the group's value. */
static void group_query(const struct arule *ar, const struct agroup *g, char *buf, size_t cap)
{
    const struct rule *r = ar->r;
    size_t n = (size_t)snprintf(buf, cap, "%s", r->eval_text ? r->eval_text : "");
    if (!r->group_by || strcmp(g->key, "(other)") == 0 || n >= cap)
        return;
    if (!*g->key) {   /* the records without the field: not another group's */
        snprintf(buf + n, cap - n, "%s-%s:*", n ? " " : "", r->group_by);
        return;
    }
    n += (size_t)snprintf(buf + n, cap - n, "%s%s:\"", n ? " " : "", r->group_by);
    for (const char *p = g->key; *p && n + 3 < cap; p++) {
        if (*p == '"' || *p == '\\')
            buf[n++] = '\\';
        buf[n++] = *p;
    }
    if (n + 2 <= cap)
        buf[n++] = '"';
    buf[n < cap ? n : cap - 1] = '\0';
}

static void fetch_sample(struct store *s, const char *query, int64_t since, int64_t until,
                         struct sample *out)
{
    struct err e = {0};
    struct plan *p = query_compile(query, until, NULL, &e);
    if (!p)
        return;
    struct store_page pg = {.limit = 1, .since = since, .until = until};
    store_query(s, p, &pg, on_sample, out, &e);
    query_free(p);
}

static const cJSON *field_of(const cJSON *o, const char *path)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, path);
    if (v || !o)
        return v;
    char head[128];
    const char *dot = strchr(path, '.');
    if (!dot || (size_t)(dot - path) >= sizeof head)
        return NULL;
    snprintf(head, sizeof head, "%.*s", (int)(dot - path), path);
    return field_of(cJSON_GetObjectItemCaseSensitive(o, head), dot + 1);
}

static void var_value(const struct arule *ar, const struct agroup *g, const struct sample *sm,
                      const char *name, char *out, size_t cap)
{
    const struct rule *r = ar->r;
    char b[32];
    out[0] = '\0';
    if (!strcmp(name, "group") && r->group_by && !*g->key)
        snprintf(out, cap, "(no %s)", r->group_by);
    else if (!strcmp(name, "group"))
        snprintf(out, cap, "%s", *g->key ? g->key : r->name);
    else if (!strcmp(name, "value"))
        snprintf(out, cap, "%s", at_value_text(r, g->st.value, b));
    else if (!strcmp(name, "threshold"))
        snprintf(out, cap, "%s", r->threshold_text);
    else if (!strcmp(name, "window"))
        snprintf(out, cap, "%s", rules_fmt_duration(r->window, b));
    else if (!strcmp(name, "count"))
        snprintf(out, cap, "%lld", (long long)g->st.count);
    else if (!strcmp(name, "rule"))
        snprintf(out, cap, "%s", r->name);
    else if (!strcmp(name, "severity"))
        snprintf(out, cap, "%s", rules_severity_name(r->severity));
    else if (!strcmp(name, "sample") || !strcmp(name, "msg") || !strcmp(name, "message"))
        snprintf(out, cap, "%s", sm->msg ? sm->msg : "");
    else if (!strcmp(name, "service") || !strcmp(name, "level") || !strcmp(name, "cid") ||
             !strcmp(name, "logger") || !strcmp(name, "file"))
        snprintf(out, cap, "%s", !strcmp(name, "service") ? sm->service :
                 !strcmp(name, "level") ? sm->level : !strcmp(name, "cid") ? sm->cid :
                 !strcmp(name, "logger") ? sm->logger : sm->file);
    else {
        const cJSON *v = field_of(sm->fields, name);
        char *t = v && !cJSON_IsString(v) ? cJSON_PrintUnformatted(v) : NULL;
        snprintf(out, cap, "%s", cJSON_IsString(v) ? v->valuestring : t ? t : "");
        free(t);
    }
    if (!out[0])   /* never an empty placeholder ("on : ") */
        snprintf(out, cap, "-");
}

static char *expand(const struct arule *ar, const struct agroup *g, const struct sample *sm,
                    const char *tmpl)
{
    size_t cap = strlen(tmpl) + 1024, n = 0;
    char *out = malloc(cap), val[600], name[128];
    if (!out)
        return NULL;
    for (const char *p = tmpl; *p;) {
        const char *end = strncmp(p, "{{", 2) == 0 ? strstr(p + 2, "}}") : NULL;
        if (end) {
            const char *a = p + 2, *z = end;
            while (a < z && *a == ' ')
                a++;
            while (z > a && z[-1] == ' ')
                z--;
            snprintf(name, sizeof name, "%.*s", (int)(z - a), a);
            var_value(ar, g, sm, name, val, sizeof val);
            p = end + 2;
        } else {
            val[0] = *p++, val[1] = '\0';
        }
        size_t l = strlen(val);
        if (n + l + 1 > cap) {
            char *nb = realloc(out, (cap = (n + l + 1) * 2));
            if (!nb)
                return free(out), NULL;
            out = nb;
        }
        memcpy(out + n, val, l + 1);
        n += l;
    }
    return out;
}

int at_render(struct store *s, const struct arule *ar, const struct agroup *g, int64_t now,
              struct at_text *out)
{
    const struct rule *r = ar->r;
    struct sample sm = {0};
    memset(out, 0, sizeof *out);
    group_query(ar, g, out->query, sizeof out->query);
    if (s && r->type != RULE_ABSENCE)
        fetch_sample(s, out->query, now - r->window, now, &sm);
    /* Nothing left in the window (a resolution): the sample and its fields
     * come from the records that made it fire. */
    if (s && r->type != RULE_ABSENCE && !sm.msg && g->st.win_until)
        fetch_sample(s, out->query, g->st.win_since, g->st.win_until, &sm);
    static const char *const dflt[] = {
        "{{group}}: {{value}} (threshold {{threshold}}) over {{window}}",
        "{{group}}: {{value}} records over {{window}} (threshold {{threshold}})",
    };
    const char *tmpl = r->summary ? r->summary : dflt[r->type == RULE_COUNT || r->type == RULE_ANY ||
                                                      r->type == RULE_ABSENCE];
    out->summary = expand(ar, g, &sm, tmpl);
    out->description = r->description ? expand(ar, g, &sm, r->description) : NULL;
    out->sample = sm.msg;
    cJSON_Delete(sm.fields);
    return out->summary ? 0 : -1;
}

void at_text_fini(struct at_text *t)
{
    free(t->summary);
    free(t->description);
    free(t->sample);
}
