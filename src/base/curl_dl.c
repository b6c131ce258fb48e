/* curl_dl: dlopen() of libcurl on first use (curl_dl.h). Owns the one
 * library handle and the function table; both live until exit. */
#include "src/base/curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_once_t once = PTHREAD_ONCE_INIT;
static struct curl_api api;
static int loaded;                 /* 1 ok, -1 failed (written once, under once) */
static char why[512];

/* dlsym into a function pointer: POSIX guarantees the conversion works. */
#define SYM(field, name)                                                              \
    do {                                                                              \
        void *p_ = dlsym(h, name);                                                    \
        if (!p_) {                                                                    \
            snprintf(why, sizeof why, "%s lacks %s: libcurl 7.68 or newer is needed", \
                     lib, name);                                                      \
            return -1;                                                                \
        }                                                                             \
        memcpy(&api.field, &p_, sizeof p_);                                           \
    } while (0)

static int load_symbols(void *h, const char *lib)
{
    SYM(easy_init, "curl_easy_init");
    SYM(easy_cleanup, "curl_easy_cleanup");
    SYM(easy_reset, "curl_easy_reset");
    SYM(easy_setopt, "curl_easy_setopt");
    SYM(easy_perform, "curl_easy_perform");
    SYM(easy_getinfo, "curl_easy_getinfo");
    SYM(easy_strerror, "curl_easy_strerror");
    SYM(slist_append, "curl_slist_append");
    SYM(slist_free_all, "curl_slist_free_all");
    SYM(easy_escape, "curl_easy_escape");
    SYM(free, "curl_free");
    SYM(multi_init, "curl_multi_init");
    SYM(multi_cleanup, "curl_multi_cleanup");
    SYM(multi_add_handle, "curl_multi_add_handle");
    SYM(multi_remove_handle, "curl_multi_remove_handle");
    SYM(multi_perform, "curl_multi_perform");
    SYM(multi_poll, "curl_multi_poll");
    SYM(multi_wakeup, "curl_multi_wakeup");
    SYM(multi_info_read, "curl_multi_info_read");
    SYM(multi_strerror, "curl_multi_strerror");
    return 0;
}

static void load(void)
{
    const char *lib = getenv("LOGDECK_LIBCURL");
    if (!lib || !*lib)
        lib = "libcurl.so.4";
    void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *d = dlerror();
        snprintf(why, sizeof why,
                 "cannot load %s, which sending notifications needs (%s); "
                 "install it: apt-get install libcurl4", lib, d ? d : "not found");
        loaded = -1;
        return;
    }
    CURLcode (*global_init)(long) = NULL;
    char *(*version)(void) = NULL;
    void *p = dlsym(h, "curl_global_init");
    memcpy(&global_init, &p, sizeof p);
    p = dlsym(h, "curl_version");
    memcpy(&version, &p, sizeof p);
    if (!global_init || !version || load_symbols(h, lib) < 0) {
        if (!why[0])
            snprintf(why, sizeof why, "%s is not a usable libcurl", lib);
        loaded = -1;
        return;   /* the handle stays open: symbols may already be referenced */
    }
    if (global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        snprintf(why, sizeof why, "cannot initialise libcurl (%s)", lib);
        loaded = -1;
        return;
    }
    api.version = version();
    loaded = 1;
}

const struct curl_api *curl_dl_get(struct err *e)
{
    pthread_once(&once, load);
    if (loaded < 0) {
        err_set(e, "%s", why);
        return NULL;
    }
    return &api;
}
