/* test_redact: secrets are removed from text, JSON and URLs (redact.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "src/alert/redact.h"

static void expect_redacted(const char *in, const char *want)
{
    char *out = redact_text(in, strlen(in));
    assert_non_null(out);
    assert_string_equal(out, want);
    free(out);
}

static void test_credentials(void **st)
{
    (void)st;
    expect_redacted("Authorization: Bearer abc.def.ghi12345", "Authorization: [REDACTED]");
    expect_redacted("sent Bearer abcdefgh12345 upstream", "sent Bearer [REDACTED] upstream");
    expect_redacted("got eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abc_DEF-1 ok", "got [REDACTED] ok");
    expect_redacted("key sk-1234567890abcdef used", "key [REDACTED] used");
    expect_redacted("key sk-1234...cdef used", "key [REDACTED] used");
    expect_redacted("GET /x?api_key=AbC123xyz&x=1", "GET /x?api_key=[REDACTED]&x=1");
    expect_redacted("login failed for bob password=hunter2 from 10.0.0.1",
                    "login failed for bob password=[REDACTED] from 10.0.0.1");
    expect_redacted("{\"password\": \"hunter 2\", \"user\": \"bob\"}",
                    "{\"password\": \"[REDACTED]\", \"user\": \"bob\"}");
    expect_redacted("db.password: s3cr3t;", "db.password: [REDACTED];");
    expect_redacted("slack xoxb-123456789012-abcdefghij", "slack [REDACTED]");
}

static void test_cards_and_lookalikes(void **st)
{
    (void)st;
    expect_redacted("card 4111 1111 1111 1111 charged", "card [REDACTED] charged");
    expect_redacted("card 5500-0000-0000-0004.", "card [REDACTED].");
    expect_redacted("card 4111111111111112 bad luhn", "card 4111111111111112 bad luhn");
    expect_redacted("epoch 1700000000000 ms", "epoch 1700000000000 ms");
    expect_redacted("duration_ms=1234 status=500 path=/api/v1", "duration_ms=1234 status=500 path=/api/v1");
    expect_redacted("2024-01-01 12:00:00,123 - api - ERROR - boom",
                    "2024-01-01 12:00:00,123 - api - ERROR - boom");
    expect_redacted("", "");
}

/* Issue 11, item 12: passwords in URLs, AWS secret keys in free text. */
static void test_url_passwords_and_aws(void **st)
{
    (void)st;
    expect_redacted("connect postgres://user:pass@host/db failed",
                    "connect postgres://user:[REDACTED]@host/db failed");
    expect_redacted("2026-01-01 10:00:00,001 - db - ERROR - cannot reach "
                    "postgresql+psycopg2://app:s3cr%40t:x@db.internal:5432/prod (timeout)",
                    "2026-01-01 10:00:00,001 - db - ERROR - cannot reach "
                    "postgresql+psycopg2://app:[REDACTED]@db.internal:5432/prod (timeout)");
    expect_redacted("{\"dsn\": \"mysql://root:toor@127.0.0.1/x\"}",
                    "{\"dsn\": \"mysql://root:[REDACTED]@127.0.0.1/x\"}");
    expect_redacted("redis://:pw@cache:6379", "redis://:[REDACTED]@cache:6379");
    /* no password, or no user info: nothing to hide */
    expect_redacted("https://bob@example.com/a@b mailto:x@y http://h/p?q=a:b@c",
                    "https://bob@example.com/a@b mailto:x@y http://h/p?q=a:b@c");
    expect_redacted("using AKIAIOSFODNN7EXAMPLE with wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY now",
                    "using [REDACTED] with [REDACTED] now");
    expect_redacted("creds ASIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                    "creds [REDACTED]:[REDACTED]");
    /* 40 characters without an access key id nearby: a commit, not a key */
    expect_redacted("deployed 9fceb02d0ae598e95dc970b74767f19372d61af8",
                    "deployed 9fceb02d0ae598e95dc970b74767f19372d61af8");
}

/* Issue 11, item 13: no over-redaction of the pairs next to a secret. */
static void test_no_over_redaction(void **st)
{
    (void)st;
    expect_redacted("auth=x nested=y", "auth=[REDACTED] nested=y");
    expect_redacted("auth= nested=y", "auth= nested=y");
    expect_redacted("token= user=bob password = hunter2", "token= user=bob password = [REDACTED]");
    expect_redacted("author=bob authority=ca", "author=bob authority=ca");
    expect_redacted("x_auth=1 basic_auth: abc", "x_auth=[REDACTED] basic_auth: [REDACTED]");
}

static void test_nul_bytes(void **st)
{
    (void)st;
    char *out = redact_text("a\0b", 3);
    assert_string_equal(out, "a b");
    free(out);
}

static void test_secret_keys(void **st)
{
    (void)st;
    assert_true(redact_is_secret_key("Password", 8));
    assert_true(redact_is_secret_key("x-api-key", 9));
    assert_true(redact_is_secret_key("client_secret", 13));
    assert_false(redact_is_secret_key("duration_ms", 11));
    assert_false(redact_is_secret_key("user", 4));
}

static void test_json(void **st)
{
    (void)st;
    cJSON *j = cJSON_Parse("{\"user\":\"bob\",\"token\":\"abc\",\"nested\":{\"api_key\":5,"
                           "\"msg\":\"Bearer abcdefghijkl\"},\"list\":[\"sk-abcdefghijkl\"]}");
    assert_int_equal(redact_json(j), 0);
    char *s = cJSON_PrintUnformatted(j);
    assert_string_equal(s, "{\"user\":\"bob\",\"token\":\"[REDACTED]\",\"nested\":{\"api_key\":"
                           "\"[REDACTED]\",\"msg\":\"Bearer [REDACTED]\"},\"list\":[\"[REDACTED]\"]}");
    free(s);
    cJSON_Delete(j);
}

static void test_url(void **st)
{
    (void)st;
    char buf[256];
    assert_string_equal(redact_url("https://hooks.slack.com/services/T000AAAA/B000BBBB/XXXXXXXX",
                                   buf, sizeof buf),
                        "https://hooks.slack.com/services/T000\xe2\x80\xa6/****");
    assert_string_equal(redact_url("http://127.0.0.1:9000/hook?token=abc", buf, sizeof buf),
                        "http://127.0.0.1:9000/****");
    assert_string_equal(redact_url("https://user:pw@example.com/a/b", buf, sizeof buf),
                        "https://example.com/a/b\xe2\x80\xa6/****");
    assert_null(strstr(redact_url("https://x.io/T1/SECRETSECRET", buf, sizeof buf), "SECRET"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_credentials), cmocka_unit_test(test_cards_and_lookalikes),
        cmocka_unit_test(test_nul_bytes),   cmocka_unit_test(test_secret_keys),
        cmocka_unit_test(test_url_passwords_and_aws), cmocka_unit_test(test_no_over_redaction),
        cmocka_unit_test(test_json),        cmocka_unit_test(test_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
