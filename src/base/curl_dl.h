/* curl_dl: libcurl, loaded at run time by the code that sends.
 *
 * The binary does not link libcurl: its ~30 shared libraries (TLS, LDAP,
 * Kerberos, SSH...) would cost every command ~15 ms of process start,
 * although only the senders (notifier, shipper, ClickHouse backend) use
 * it. curl_dl_get() dlopen()s libcurl.so.4 once (thread-safe), runs
 * curl_global_init and returns a table of the functions the senders call.
 * Compile against <curl/curl.h> (pkg-config --cflags libcurl) for the types
 * and constants; call through the table, never the curl_* symbols. */
#ifndef LOGDECK_CURL_DL_H
#define LOGDECK_CURL_DL_H

#include <curl/curl.h>

#include "src/base/err.h"

struct curl_api {
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *c);
    void (*easy_reset)(CURL *c);
    CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
    CURLcode (*easy_perform)(CURL *c);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
    const char *(*easy_strerror)(CURLcode rc);
    struct curl_slist *(*slist_append)(struct curl_slist *l, const char *s);
    void (*slist_free_all)(struct curl_slist *l);
    char *(*easy_escape)(CURL *c, const char *s, int len);
    void (*free)(void *p);
    /* The multi interface (for senders that keep several transfers open). */
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_cleanup)(CURLM *m);
    CURLMcode (*multi_add_handle)(CURLM *m, CURL *c);
    CURLMcode (*multi_remove_handle)(CURLM *m, CURL *c);
    CURLMcode (*multi_perform)(CURLM *m, int *running);
    CURLMcode (*multi_poll)(CURLM *m, struct curl_waitfd *fds, unsigned n, int timeout_ms,
                            int *numfds);
    CURLMcode (*multi_wakeup)(CURLM *m);
    CURLMsg *(*multi_info_read)(CURLM *m, int *left);
    const char *(*multi_strerror)(CURLMcode rc);
    const char *version;          /* curl_version() of the loaded library */
};

/* The loaded table, or NULL with e filled ("libcurl.so.4 is not installed:
 * apt-get install libcurl4") when the library or a symbol is missing. The
 * first call loads; later calls return the same table (or the same error).
 * The table stays valid until the process exits. $LOGDECK_LIBCURL names
 * another file to load (tests use it to simulate a missing library). */
const struct curl_api *curl_dl_get(struct err *e);

#endif
