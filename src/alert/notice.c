/* notice: the bodies notifications carry (see notice.h): Slack's
 * incoming-webhook JSON (`text` fallback plus blocks) and logdeck's stable
 * webhook document. Every user-derived string is redacted here, whatever
 * the caller already did. */
#include "src/alert/notice.h"
#include "src/alert/rules.h"
#include "src/alert/redact.h"
#include "src/base/ts.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_MAX 600

static const char *upper_sev(int s)
{
    static const char *const n[] = {"INFO", "WARNING", "ERROR", "CRITICAL"};
    return s >= 0 && s < 4 ? n[s] : "ALERT";
}

/* Redacted copy of s cut to max bytes (on a UTF-8 boundary, with "…"). */
static char *clean(const char *s, size_t max)
{
    if (!s)
        return strdup("");
    size_t n = strlen(s);
    char *r = redact_text(s, n);
    if (r && strlen(r) > max) {
        size_t cut = max;
        while (cut > 0 && ((unsigned char)r[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(r + cut, "\xe2\x80\xa6", 4);
    }
    return r;
}

/* Slack mrkdwn needs &, < and > escaped. Malloc'd. */
static char *mrkdwn(const char *s)
{
    size_t n = 0;
    for (const char *p = s; *p; p++)
        n += *p == '&' ? 5 : (*p == '<' || *p == '>') ? 4 : 1;
    char *out = malloc(n + 1), *o = out;
    if (!out)
        return NULL;
    for (const char *p = s; *p; p++) {
        const char *rep = *p == '&' ? "&amp;" : *p == '<' ? "&lt;" : *p == '>' ? "&gt;" : NULL;
        if (rep)
            o += sprintf(o, "%s", rep);
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

char *notice_query_line(const char *query, int64_t since, int64_t until, char *buf, size_t cap)
{
    char a[32], b[32], q[900];
    size_t j = 0;
    for (const char *p = query ? query : ""; *p && j + 5 < sizeof q; p++) {
        if (*p == '\'') {   /* shell-quote: ' -> '\'' */
            memcpy(q + j, "'\\''", 4);
            j += 4;
        } else {
            q[j++] = *p;
        }
    }
    q[j] = '\0';
    snprintf(buf, cap, "logdeck query '%s%ssince:%s until:%s'", q, j ? " " : "",
             ts_format(since, a), ts_format(until, b));
    return buf;
}

static const char *headline_icon(const struct alert_notice *n)
{
    if (strcmp(n->kind, "resolved") == 0)
        return "\xe2\x9c\x85";   /* ✅ */
    return "\xf0\x9f\x9a\xa8";  /* 🚨 */
}

static void add_field(cJSON *fields, const char *label, const char *value)
{
    char buf[700];
    char *v = mrkdwn(value);
    snprintf(buf, sizeof buf, "*%s*\n%s", label, v ? v : "");
    free(v);
    cJSON *f = cJSON_CreateObject();
    cJSON_AddStringToObject(f, "type", "mrkdwn");
    cJSON_AddStringToObject(f, "text", buf);
    cJSON_AddItemToArray(fields, f);
}

static cJSON *section(const char *mrk)
{
    cJSON *s = cJSON_CreateObject(), *t = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "section");
    cJSON_AddStringToObject(t, "type", "mrkdwn");
    cJSON_AddStringToObject(t, "text", mrk);
    cJSON_AddItemToObject(s, "text", t);
    return s;
}

struct clean_notice {
    char *grp, *summary, *description, *sample, *query;
};

static int clean_all(const struct alert_notice *n, struct clean_notice *c)
{
    char q[1200];
    notice_query_line(n->query, n->win_since, n->win_until, q, sizeof q);
    c->grp = clean(n->grp, 200);
    c->summary = clean(n->summary, 1000);
    c->description = n->description ? clean(n->description, 2000) : NULL;
    c->sample = n->sample ? clean(n->sample, SAMPLE_MAX) : NULL;
    c->query = clean(q, 1200);
    return c->grp && c->summary && c->query && (!n->description || c->description) &&
           (!n->sample || c->sample) ? 0 : -1;
}

static void clean_fini(struct clean_notice *c)
{
    free(c->grp);
    free(c->summary);
    free(c->description);
    free(c->sample);
    free(c->query);
}

static void slack_blocks(cJSON *blocks, const struct alert_notice *n, const struct clean_notice *c)
{
    char buf[1400], win[32];
    char *sum = mrkdwn(c->summary);
    snprintf(buf, sizeof buf, "%s *%s* %s: %s", headline_icon(n), upper_sev(n->severity),
             strcmp(n->kind, "resolved") == 0 ? "resolved" :
             strcmp(n->kind, "repeat") == 0 ? "still firing" : "firing", sum ? sum : "");
    free(sum);
    cJSON *head = section(buf), *fields = cJSON_CreateArray();
    add_field(fields, "Rule", n->rule);
    add_field(fields, "Group", *c->grp ? c->grp : "(all)");
    snprintf(buf, sizeof buf, "%s (threshold %s)", n->value_text, n->threshold);
    add_field(fields, "Value", buf);
    add_field(fields, "Window", rules_fmt_duration(n->window, win));
    cJSON_AddItemToObject(head, "fields", fields);
    cJSON_AddItemToArray(blocks, head);
    if (c->description) {
        char *d = mrkdwn(c->description);
        cJSON_AddItemToArray(blocks, section(d ? d : ""));
        free(d);
    }
    if (c->sample) {
        char *s = mrkdwn(c->sample);
        snprintf(buf, sizeof buf, "*Sample*\n```%s```", s ? s : "");
        free(s);
        cJSON_AddItemToArray(blocks, section(buf));
    }
    cJSON *ctx = cJSON_CreateObject(), *els = cJSON_CreateArray(), *el = cJSON_CreateObject();
    cJSON_AddStringToObject(ctx, "type", "context");
    cJSON_AddStringToObject(el, "type", "mrkdwn");
    char *q = mrkdwn(c->query);
    snprintf(buf, sizeof buf, "`%s`", q ? q : "");
    free(q);
    cJSON_AddStringToObject(el, "text", buf);
    cJSON_AddItemToArray(els, el);
    cJSON_AddItemToObject(ctx, "elements", els);
    cJSON_AddItemToArray(blocks, ctx);
}

static cJSON *slack_doc(const struct alert_notice *n, const struct clean_notice *c)
{
    cJSON *o = cJSON_CreateObject();
    char text[1400];
    snprintf(text, sizeof text, "%s %s%s: %s", headline_icon(n),
             strcmp(n->kind, "resolved") == 0 ? "RESOLVED " : "", upper_sev(n->severity),
             c->summary);
    cJSON_AddStringToObject(o, "text", text);
    slack_blocks(cJSON_AddArrayToObject(o, "blocks"), n, c);
    return o;
}

static cJSON *webhook_doc(const struct alert_notice *n, const struct clean_notice *c)
{
    char a[32], win[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "source", "logdeck");
    cJSON_AddStringToObject(o, "kind", n->kind);
    cJSON_AddStringToObject(o, "status", strcmp(n->kind, "resolved") == 0 ? "resolved" : "firing");
    cJSON_AddStringToObject(o, "rule", n->rule);
    cJSON_AddStringToObject(o, "group", c->grp);
    cJSON_AddStringToObject(o, "severity", rules_severity_name(n->severity));
    cJSON_AddStringToObject(o, "type", rules_type_name(n->type));
    cJSON_AddNumberToObject(o, "value", n->value);
    cJSON_AddStringToObject(o, "value_text", n->value_text);
    cJSON_AddStringToObject(o, "threshold", n->threshold);
    cJSON_AddStringToObject(o, "window", rules_fmt_duration(n->window, win));
    cJSON_AddNumberToObject(o, "window_seconds", (double)n->window / 1e6);
    cJSON_AddNumberToObject(o, "count", (double)n->count);
    cJSON_AddStringToObject(o, "summary", c->summary);
    if (c->description)
        cJSON_AddStringToObject(o, "description", c->description);
    else
        cJSON_AddNullToObject(o, "description");
    if (c->sample)
        cJSON_AddStringToObject(o, "sample", c->sample);
    else
        cJSON_AddNullToObject(o, "sample");
    cJSON_AddStringToObject(o, "query", c->query);
    cJSON_AddStringToObject(o, "started_at", ts_format(n->started, a));
    cJSON_AddStringToObject(o, "ts", ts_format(n->ts, a));
    cJSON_AddStringToObject(o, "dedupe_key", n->dedupe ? n->dedupe : "");
    return o;
}

char *notice_render(int type, const struct alert_notice *n)
{
    struct clean_notice c = {0};
    char *out = NULL;
    if (clean_all(n, &c) == 0) {
        cJSON *doc = type == NOTIFIER_SLACK ? slack_doc(n, &c) : webhook_doc(n, &c);
        out = doc ? cJSON_PrintUnformatted(doc) : NULL;
        cJSON_Delete(doc);
    }
    clean_fini(&c);
    return out;
}
