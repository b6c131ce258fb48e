/* test_rules: the rules YAML reader: every key, defaults, and errors with
 * FILE:LINE:COL for a catalogue of mistakes (rules.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "src/alert/rules.h"

static const char good[] =
    "notifiers:\n"
    "  oncall: {type: slack, url_env: SLACK_WEBHOOK_URL}\n"
    "  audit:  {type: webhook, url: \"http://127.0.0.1:9000/hook\", min_interval: 2s}\n"
    "rules:\n"
    "  - name: api-error-rate\n"
    "    type: ratio\n"
    "    query: 'service:api'\n"
    "    match: 'level>=error'\n"
    "    threshold: '> 5%'\n"
    "    window: 5m\n"
    "    min_count: 100\n"
    "    for: 1m\n"
    "    group_by: [path]\n"
    "    severity: critical\n"
    "    notify: [oncall, audit]\n"
    "    repeat: 30m\n"
    "    summary: '{{group}}: {{value}} errors over {{window}}'\n"
    "  - name: quiet\n"
    "    type: absence\n"
    "    query: service:gateway\n"
    "    window: 2m\n"
    "  - name: p95\n"
    "    type: metric\n"
    "    field: duration_ms\n"
    "    agg: p95\n"
    "    threshold: 1000\n"
    "    window: 5m\n"
    "    resolve_notify: no\n";

static void test_good(void **st)
{
    (void)st;
    struct err e = {0};
    struct ruleset *rs = rules_parse(good, strlen(good), "good.yaml", &e);
    assert_non_null(rs);
    assert_int_equal(rs->nrules, 3);
    assert_int_equal(rs->nnotifiers, 2);
    const struct rule *r = rules_find(rs, "api-error-rate");
    assert_non_null(r);
    assert_int_equal(r->type, RULE_RATIO);
    assert_int_equal(r->op, OP_GT);
    assert_true(r->threshold > 0.0499 && r->threshold < 0.0501);
    assert_string_equal(r->threshold_text, "> 5%");
    assert_int_equal(r->window, 300000000);
    assert_int_equal(r->for_us, 60000000);
    assert_int_equal(r->resolve_hold, 60000000);   /* defaults to `for` */
    assert_int_equal(r->repeat, 1800000000LL);
    assert_int_equal(r->min_count, 100);
    assert_string_equal(r->group_by, "path");
    assert_int_equal(r->severity, SEV_CRITICAL);
    assert_int_equal(r->nnotify, 2);
    assert_string_equal(r->notify[1], "audit");
    assert_string_equal(r->eval_text, "(service:api) (level>=error)");
    assert_int_equal(r->notify_resolved, 1);
    assert_int_equal(r->line, 5);
    assert_int_equal(r->col, 5);
    r = rules_find(rs, "quiet");
    assert_int_equal(r->op, OP_LT);
    assert_true(r->threshold == 1);
    r = rules_find(rs, "p95");
    assert_int_equal(r->agg, AGG_P95);
    assert_int_equal(r->notify_resolved, 0);
    assert_string_equal(r->threshold_text, "> 1000");
    const struct notifier_conf *n = rules_notifier(rs, "audit");
    assert_int_equal(n->type, NOTIFIER_WEBHOOK);
    assert_int_equal(n->min_interval, 2000000);
    assert_string_equal(rules_notifier(rs, "oncall")->url_env, "SLACK_WEBHOOK_URL");
    assert_int_equal(rules_check_refs(rs, &e), 0);
    rules_free(rs);
}

/* Each bad file yields an error that starts with the expected position. */
static void test_catalogue(void **st)
{
    (void)st;
    static const struct { const char *text, *want; } bad[] = {
        {"rules:\n  - name: a\n   type: any\n", "t.yaml:3:4: YAML syntax"},
        {"rules:\n  - name: a\n    type: ratoi\n", "t.yaml:3:11: type: unknown value 'ratoi'"},
        {"rules:\n  - name: a\n    type: count\n    query: 'level>=loud'\n    window: 5m\n"
         "    threshold: 1\n", "t.yaml:4:20: bad query"},
        {"rules:\n  - name: a\n    type: count\n    window: 5m\n    treshold: 1\n",
         "t.yaml:5:5: unknown key 'treshold'"},
        {"rules:\n  - name: a\n    type: count\n    window: 5 minutes\n    threshold: 1\n",
         "t.yaml:4:13: window: '5 minutes' is not a duration"},
        {"rules:\n  - name: a\n    type: count\n    window: 5m\n    threshold: lots\n",
         "t.yaml:5:16: threshold: 'lots'"},
        {"rules:\n  - name: a\n    type: any\n  - name: a\n    type: any\n",
         "t.yaml:4:5: duplicate rule name 'a'"},
        {"rules:\n  - name: a\n    type: ratio\n    window: 5m\n    threshold: 0.1\n",
         "t.yaml:2:5: rule 'a': a ratio rule needs match:"},
        {"notifiers:\n  x: {type: pager, url: \"http://x\"}\n", "t.yaml:2:13: type: unknown value"},
        {"notifiers:\n  x: {type: slack}\n", "t.yaml:2:6: notifier 'x': give exactly one of url:"},
        {"rules:\n  - name: a\n    type: count\n    query: 'since:15m'\n    window: 5m\n"
         "    threshold: 1\n", "t.yaml:4:12: since:/until:"},
        {"rules:\n  - name: a\n    type: any\n    summary: '{{group'\n", "t.yaml:4:14: template:"},
        {"rules:\n  name: a\n", "t.yaml:2:3: rules: expected a list"},
        {"rulez: []\n", "t.yaml:1:1: unknown key 'rulez'"},
        {"rules:\n  - name: a\n    type: any\n    group_by: [a, b]\n", "t.yaml:4:15: group_by:"},
        {"rules:\n  - type: any\n", "t.yaml:2:5: a rule needs a name:"},
        {"rules:\n  - name: a\n    type: count\n    threshold: 1\n", "t.yaml:2:5: rule 'a': window:"},
        {"rules:\n  - name: a\n    type: any\n    for: -1s\n", "t.yaml:4:10: for:"},
        {"rules:\n  - name: a\n    type: any\n    min_count: many\n", "t.yaml:4:16: min_count:"},
        {"- a\n- b\n", "t.yaml:1:1: expected a mapping"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct err e = {0};
        struct ruleset *rs = rules_parse(bad[i].text, strlen(bad[i].text), "t.yaml", &e);
        if (rs || strncmp(e.msg, bad[i].want, strlen(bad[i].want)) != 0)
            fail_msg("case %zu: want '%s', got '%s'", i, bad[i].want, rs ? "(accepted)" : e.msg);
        assert_int_equal(e.code, 2);
    }
}

static void test_refs_and_merge(void **st)
{
    (void)st;
    struct err e = {0};
    const char *a = "rules:\n  - name: a\n    type: any\n    notify: [hook]\n";
    const char *b = "notifiers:\n  hook: {type: webhook, url: 'http://127.0.0.1:1/x'}\n";
    struct ruleset *ra = rules_parse(a, strlen(a), "a.yaml", &e);
    assert_non_null(ra);
    assert_int_equal(rules_check_refs(ra, &e), -1);
    assert_string_equal(e.msg, "a.yaml:2:5: rule 'a' notifies 'hook', which no notifier defines "
                               "(notifiers: name: {type: ..., url: ...})");
    struct ruleset *rb = rules_parse(b, strlen(b), "b.yaml", &e);
    assert_int_equal(rules_merge(ra, rb, &e), 0);
    assert_int_equal(rules_check_refs(ra, &e), 0);
    struct ruleset *rc = rules_parse(a, strlen(a), "c.yaml", &e);
    assert_int_equal(rules_merge(ra, rc, &e), -1);
    assert_string_equal(e.msg, "c.yaml:2:5: rule 'a' is defined twice");
    rules_free(ra);
}

static void test_empty_and_helpers(void **st)
{
    (void)st;
    struct err e = {0};
    struct ruleset *rs = rules_parse("", 0, "empty.yaml", &e);
    assert_non_null(rs);
    assert_int_equal(rs->nrules, 0);
    rules_free(rs);
    char b[32];
    assert_string_equal(rules_fmt_duration(90000000, b), "1m30s");
    assert_string_equal(rules_fmt_duration(250000, b), "250ms");
    assert_string_equal(rules_fmt_duration(0, b), "0s");
    struct rule r = {.op = OP_GE, .threshold = 5};
    assert_true(rules_compare(&r, 5));
    r.op = OP_LT;
    assert_false(rules_compare(&r, 5));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good), cmocka_unit_test(test_catalogue),
        cmocka_unit_test(test_refs_and_merge), cmocka_unit_test(test_empty_and_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
