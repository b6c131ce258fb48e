/* notice: the bodies notifications carry (see notice.h): Slack's
 * incoming-webhook JSON (`text` fallback plus blocks) and logdeck's stable
 * webhook document. Every user-derived string is redacted here, whatever
 * the caller already did. */
#include "src/alert/notice.h"
#include "src/alert/mrkdwn.h"
#include "src/alert/rules.h"
#include "src/alert/redact.h"
#include "src/base/ts.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
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
        size_t cut = max > 3 ? max - 3 : 0;   /* room for the 3-byte ellipsis and NUL */
        while (cut > 0 && ((unsigned char)r[cut] & 0xC0) == 0x80)
            cut--;
        memcpy(r + cut, "\xe2\x80\xa6", 4);
    }
    return r;
}

/* Slack mrkdwn: & < > escaped (mrkdwn.h). Malloc'd. */
static char *mrkdwn(const char *s)
{
    return mrkdwn_escape(s, strlen(s));
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

/* Malloc'd printf; NULL when out of memory. */
__attribute__((format(printf, 1, 2))) static char *fmt(const char *f, ...)
{
    va_list ap;
    char *out = NULL;
    va_start(ap, f);
    int rc = vasprintf(&out, f, ap);
    va_end(ap);
    return rc < 0 ? NULL : out;
}

/* {"type": "mrkdwn", "text": printf(f, escaped raw)}; f holds only our
 * own markup. */
static cJSON *mrk_text(const char *f, const char *raw)
{
    char *esc = mrkdwn(raw ? raw : ""), *mrk = esc ? fmt(f, esc) : NULL;
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "type", "mrkdwn");
    cJSON_AddStringToObject(t, "text", mrk ? mrk : "");
    free(esc);
    free(mrk);
    return t;
}

static void add_field(cJSON *fields, const char *label, const char *value)
{
    char f[64];
    snprintf(f, sizeof f, "*%s*\n%%s", label);
    cJSON_AddItemToArray(fields, mrk_text(f, value));
}

static cJSON *section(const char *f, const char *raw)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "section");
    cJSON_AddItemToObject(s, "text", mrk_text(f, raw));
    return s;
}

/* Every string of the notice, redacted: the one redaction pass. Nothing
 * else but our own constants and numbers goes into a body. */
struct clean_notice {
    char *rule, *grp, *kind, *value_text, *threshold, *summary, *description, *sample, *query,
        *dedupe;
};

static int clean_all(const struct alert_notice *n, struct clean_notice *c)
{
    char q[1200];
    notice_query_line(n->query, n->win_since, n->win_until, q, sizeof q);
    c->rule = clean(n->rule, 200);
    c->grp = clean(n->grp, 200);
    c->kind = clean(n->kind, 16);
    c->value_text = clean(n->value_text, 64);
    c->threshold = clean(n->threshold, 64);
    c->summary = clean(n->summary, 1000);
    c->description = n->description ? clean(n->description, 2000) : NULL;
    c->sample = n->sample ? clean(n->sample, SAMPLE_MAX) : NULL;
    c->query = clean(q, 1200);
    c->dedupe = clean(n->dedupe, 700);
    return c->rule && c->grp && c->kind && c->value_text && c->threshold && c->summary &&
           c->query && c->dedupe && (!n->description || c->description) &&
           (!n->sample || c->sample) ? 0 : -1;
}

static void clean_fini(struct clean_notice *c)
{
    char **all[] = {&c->rule, &c->grp, &c->kind, &c->value_text, &c->threshold, &c->summary,
                    &c->description, &c->sample, &c->query, &c->dedupe};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(*all[i]);
}

static const char *state_word(const char *kind)
{
    return strcmp(kind, "resolved") == 0 ? "resolved" :
           strcmp(kind, "repeat") == 0 ? "still firing" : "firing";
}

static void slack_blocks(cJSON *blocks, const struct alert_notice *n, const struct clean_notice *c)
{
    char win[32], head_f[96];
    snprintf(head_f, sizeof head_f, "%s *%s* %s: %%s", headline_icon(n), upper_sev(n->severity),
             state_word(n->kind));
    cJSON *head = section(head_f, c->summary), *fields = cJSON_CreateArray();
    add_field(fields, "Rule", c->rule);
    add_field(fields, "Group", *c->grp ? c->grp : "(all)");
    char *v = fmt("%s (threshold %s)", c->value_text, c->threshold);
    add_field(fields, "Value", v ? v : "");
    free(v);
    add_field(fields, "Window", rules_fmt_duration(n->window, win));
    cJSON_AddItemToObject(head, "fields", fields);
    cJSON_AddItemToArray(blocks, head);
    if (c->description)
        cJSON_AddItemToArray(blocks, section("%s", c->description));
    if (c->sample)
        cJSON_AddItemToArray(blocks, section("*Sample*\n```%s```", c->sample));
    cJSON *ctx = cJSON_CreateObject(), *els = cJSON_CreateArray();
    cJSON_AddStringToObject(ctx, "type", "context");
    cJSON_AddItemToArray(els, mrk_text("`%s`", c->query));
    cJSON_AddItemToObject(ctx, "elements", els);
    cJSON_AddItemToArray(blocks, ctx);
}

static cJSON *slack_doc(const struct alert_notice *n, const struct clean_notice *c)
{
    cJSON *o = cJSON_CreateObject();
    char *sum = mrkdwn(c->summary);   /* Slack reads `text` as mrkdwn too */
    char *text = sum ? fmt("%s %s%s: %s", headline_icon(n),
                           strcmp(n->kind, "resolved") == 0 ? "RESOLVED " : "",
                           upper_sev(n->severity), sum) : NULL;
    cJSON_AddStringToObject(o, "text", text ? text : "");
    free(sum);
    free(text);
    slack_blocks(cJSON_AddArrayToObject(o, "blocks"), n, c);
    return o;
}

static cJSON *webhook_doc(const struct alert_notice *n, const struct clean_notice *c)
{
    char a[32], win[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "version", 1);
    cJSON_AddStringToObject(o, "source", "logdeck");
    cJSON_AddStringToObject(o, "kind", c->kind);
    cJSON_AddStringToObject(o, "status", strcmp(n->kind, "resolved") == 0 ? "resolved" : "firing");
    cJSON_AddStringToObject(o, "rule", c->rule);
    cJSON_AddStringToObject(o, "group", c->grp);
    cJSON_AddStringToObject(o, "severity", rules_severity_name(n->severity));
    cJSON_AddStringToObject(o, "type", rules_type_name(n->type));
    cJSON_AddNumberToObject(o, "value", n->value);
    cJSON_AddStringToObject(o, "value_text", c->value_text);
    cJSON_AddStringToObject(o, "threshold", c->threshold);
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
    cJSON_AddStringToObject(o, "dedupe_key", c->dedupe);
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
