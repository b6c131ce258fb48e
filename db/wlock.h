/* wlock: one writer per store. An exclusive flock(2) on "<db>.lock", which
 * also holds the writer's pid so that a second writer can name it. The
 * kernel drops the lock when the process dies (kill -9 included). */
#ifndef LOGDECK_WLOCK_H
#define LOGDECK_WLOCK_H

#include "src/base/err.h"

struct wlock {
    int fd;
};

/* Takes the lock without waiting. Returns 0, or -1 with e naming the
 * holder's pid when another process writes to the store. */
int wlock_acquire(struct wlock *l, const char *db_path, struct err *e);
void wlock_release(struct wlock *l);   /* a never-acquired (fd -1) lock is a no-op */

#endif
