/* store_ch: a struct store whose records live in ClickHouse. The read API
 * (db/exec.h, store_totals) dispatches to db/chstore.c; the ingest API
 * refuses (records reach ClickHouse through the shipper). */
#include "db/chstore.h"
#include "db/store_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char host_name[256];

static void host_init(void)
{
    const char *h = getenv("LOGDECK_HOST");
    if (h && *h)
        snprintf(host_name, sizeof host_name, "%s", h);
    else if (gethostname(host_name, sizeof host_name - 1) != 0)
        snprintf(host_name, sizeof host_name, "localhost");
}

struct store *store_open_ch(const char *url, int mode, struct err *e)
{
    (void)mode;
    struct store *s = calloc(1, sizeof *s);
    if (!s) {
        err_set(e, "out of memory");
        return NULL;
    }
    s->mode = STORE_READ;
    s->ch = chstore_open(url, e);
    if (!s->ch) {
        free(s);
        return NULL;
    }
    snprintf(s->path, sizeof s->path, "%s", chstore_name(s->ch));
    return s;
}

const char *store_host(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, host_init);
    return host_name;
}
