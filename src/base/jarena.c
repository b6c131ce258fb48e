/* jarena: per-thread bump allocation for cJSON parse trees (jarena.h). */
#include "src/base/jarena.h"

#include <cjson/cJSON.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define ARENA_BYTES (256 * 1024)

struct arena {
    char *buf;
    size_t used;
    int active;
};

static _Thread_local struct arena ja;
static pthread_key_t ja_key;

static void arena_drop(void *buf)
{
    free(buf);
}

static void *ja_malloc(size_t n)
{
    if (ja.active && ja.buf) {
        n = (n + 15) & ~(size_t)15;
        if (n <= ARENA_BYTES - ja.used) {
            void *p = ja.buf + ja.used;
            ja.used += n;
            return p;
        }
    }
    return malloc(n);
}

static void ja_free(void *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)ja.buf;
    if (ja.buf && a >= lo && a < lo + ARENA_BYTES)
        return;    /* arena memory: reclaimed by the next reset */
    free(p);
}

static int installed;

static void install_once(void)
{
    pthread_key_create(&ja_key, arena_drop);
    cJSON_Hooks h = {.malloc_fn = ja_malloc, .free_fn = ja_free};
    cJSON_InitHooks(&h);
    installed = 1;
}

void jarena_install(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_once);
}

/* cJSON_InitHooks writes cJSON's process-wide hooks without a lock: done
 * at load time, before main() and so before any thread, no parser thread
 * ever writes them while another thread uses cJSON. */
__attribute__((constructor)) static void install_at_start(void)
{
    jarena_install();
}

int jarena_installed(void)
{
    return installed;
}

void jarena_begin(void)
{
    if (!ja.buf) {
        jarena_install();
        if (!(ja.buf = malloc(ARENA_BYTES)))
            return;             /* no arena: plain malloc, still correct */
        pthread_setspecific(ja_key, ja.buf);   /* freed at thread exit */
    }
    ja.active = 1;
}

void jarena_end(void)
{
    ja.active = 0;
}

void jarena_reset(void)
{
    ja.used = 0;
}
