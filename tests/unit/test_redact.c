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
        cmocka_unit_test(test_json),        cmocka_unit_test(test_url),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
