/* test_jarena: cJSON's process-wide hooks are installed at program start,
 * before main() and any thread (issue 11, item 18: they were installed
 * lazily by the first parser thread while other threads used cJSON); the
 * arena gives its memory back at reset and trees parse the same. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <pthread.h>
#include <string.h>

#include "src/base/jarena.h"

static int installed_at_main;

static void *parse_in_thread(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        jarena_begin();
        cJSON *j = cJSON_Parse("{\"a\": [1, 2, {\"b\": \"c\"}], \"d\": \"e\"}");
        jarena_end();
        if (!j || strcmp(cJSON_GetObjectItem(j, "d")->valuestring, "e") != 0)
            return (void *)1;
        cJSON_Delete(j);
        jarena_reset();
    }
    return NULL;
}

static void test_installed_before_main(void **st)
{
    (void)st;
    assert_int_equal(installed_at_main, 1);
}

static void test_threads_parse(void **st)
{
    (void)st;
    pthread_t th[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&th[i], NULL, parse_in_thread, NULL), 0);
    for (int k = 0; k < 2000; k++) {   /* plain malloc'd trees meanwhile */
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "k", "v");
        char *s = cJSON_PrintUnformatted(o);
        assert_string_equal(s, "{\"k\":\"v\"}");
        cJSON_free(s);
        cJSON_Delete(o);
    }
    for (int i = 0; i < 3; i++) {
        void *rc = (void *)1;
        pthread_join(th[i], &rc);
        assert_null(rc);
    }
}

int main(void)
{
    installed_at_main = jarena_installed();   /* before anything else runs */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_installed_before_main), cmocka_unit_test(test_threads_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
