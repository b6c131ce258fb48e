/* wal: checkpoints the write-ahead log off the ingest hot path. A writer
 * store turns SQLite's automatic checkpoint off and runs this thread, which
 * holds its own connection and copies committed WAL frames into the
 * database (PASSIVE: it never blocks the writer or readers) shortly after
 * each commit, so the WAL stays small and the writer never pays for it. */
#include "db/store_int.h"
#include "src/base/thread.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#define WAL_RESTART_FRAMES 4096   /* 64 MiB of 16 KiB pages */

struct wal_ckpt {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    sqlite3 *db;
    const char *path;             /* the store's (borrowed from struct store) */
    int stop, kicked, busy;
    int64_t runs;
};

static void *ckpt_main(void *arg)
{
    struct wal_ckpt *w = arg;
    pthread_mutex_lock(&w->mu);
    while (!w->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 250 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        if (!w->kicked)
            pthread_cond_timedwait(&w->cv, &w->mu, &ts);
        if (w->stop || !w->kicked)
            continue;
        w->kicked = 0;
        w->busy = 1;
        pthread_mutex_unlock(&w->mu);
        if (sqlite3_wal_checkpoint_v2(w->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) ==
            SQLITE_OK)
            store_check_stamp(w->path);   /* the file as this writer left it */
        pthread_mutex_lock(&w->mu);
        w->busy = 0;
        w->runs++;
        pthread_cond_broadcast(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Called by SQLite after each commit of the writer's connection. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
    (void)db;
    (void)name;
    struct store *s = arg;
    s->wal_frames = frames;
    store_wal_kick(s);
    return SQLITE_OK;
}

/* The WAL only restarts from its beginning when a write transaction starts
 * after every frame was copied; a writer that begins right after each
 * commit never sees that, and the WAL would grow by the whole bulk load.
 * So before a batch, once the WAL is large, finish the copy here (the
 * thread has done most of it) and let this transaction restart the WAL. */
void store_wal_before_batch(struct store *s)
{
    struct wal_ckpt *w = s->wal;
    if (!w || s->wal_frames <= WAL_RESTART_FRAMES)
        return;
    pthread_mutex_lock(&w->mu);
    while (w->busy)    /* a concurrent checkpoint would make ours a no-op */
        pthread_cond_wait(&w->cv, &w->mu);
    if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL) == SQLITE_OK)
        store_check_stamp(s->path);
    w->kicked = 0;
    pthread_mutex_unlock(&w->mu);
    s->wal_frames = 0;
}

int store_wal_start(struct store *s, struct err *e)
{
    struct wal_ckpt *w = calloc(1, sizeof *w);
    if (!w)
        return err_set(e, "out of memory");
    if (sqlite3_open_v2(s->path, &w->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        err_set(e, "%s: cannot open a checkpoint connection: %s", s->path, sqlite3_errmsg(w->db));
        sqlite3_close(w->db);
        free(w);
        return -1;
    }
    sqlite3_busy_timeout(w->db, 1000);
    w->path = s->path;
    /* A connection only learns the file is in WAL mode once it reads it. */
    sqlite3_exec(w->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (thread_start("ld-wal", &w->thread, ckpt_main, w) != 0) {
        sqlite3_close(w->db);
        free(w);
        return err_set(e, "cannot start the checkpoint thread");
    }
    s->wal = w;
    sqlite3_wal_hook(s->db, wal_hook, s);
    return 0;
}

void store_wal_kick(struct store *s)
{
    struct wal_ckpt *w = s->wal;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->kicked = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void store_wal_stop(struct store *s)
{
    struct wal_ckpt *w = s->wal;
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    sqlite3_close(w->db);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
    s->wal = NULL;
}
