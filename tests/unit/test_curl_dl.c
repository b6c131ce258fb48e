/* test_curl_dl: libcurl is loaded on first use (src/base/curl_dl.h): the
 * table is complete, the same on every call and usable for a transfer
 * handle; the binary itself does not link libcurl (integration/startup.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <link.h>
#include <string.h>

#include "src/base/curl_dl.h"

static int curl_mapped;

static int on_lib(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    if (info->dlpi_name && strstr(info->dlpi_name, "libcurl"))
        curl_mapped = 1;
    return 0;
}

static void test_not_loaded_until_used(void **st)
{
    (void)st;
    curl_mapped = 0;
    dl_iterate_phdr(on_lib, NULL);
    assert_int_equal(curl_mapped, 0);   /* the test binary links like logdeck */
}

static void test_load(void **st)
{
    (void)st;
    struct err e = {0};
    const struct curl_api *a = curl_dl_get(&e);
    assert_non_null(a);
    assert_string_equal(e.msg, "");
    assert_ptr_equal(curl_dl_get(&e), a);
    assert_non_null(strstr(a->version, "libcurl/"));
    curl_mapped = 0;
    dl_iterate_phdr(on_lib, NULL);
    assert_int_equal(curl_mapped, 1);
    CURL *c = a->easy_init();
    assert_non_null(c);
    assert_int_equal(a->easy_setopt(c, CURLOPT_URL, "http://127.0.0.1:1/"), CURLE_OK);
    assert_int_equal(a->easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 500L), CURLE_OK);
    assert_int_equal(a->easy_perform(c), CURLE_COULDNT_CONNECT);
    assert_string_equal(a->easy_strerror(CURLE_COULDNT_CONNECT), "Couldn't connect to server");
    a->easy_cleanup(c);
    CURLM *m = a->multi_init();
    assert_non_null(m);
    assert_int_equal(a->multi_cleanup(m), CURLM_OK);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_loaded_until_used), cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
