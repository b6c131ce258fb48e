/* wlock: one writer per store. An exclusive flock(2) on the store file
 * itself, so that every path to it (a symlink, a hard link, a relative
 * name) meets the same lock; "<real path>.lock" holds the writer's pid so
 * that a second writer can name it (/proc/locks names it too). The kernel
 * drops the lock when the process dies (kill -9 included).
 *
 * The lock's descriptor is never closed while the process runs: closing
 * any descriptor of a file drops every POSIX (fcntl) lock the process
 * holds on it, and SQLite's own locks on the store are such locks. */
#ifndef LOGDECK_WLOCK_H
#define LOGDECK_WLOCK_H

#include "src/base/err.h"

struct wlock {
    int fd;
};

/* Takes the lock without waiting, creating an empty store file (0600) when
 * there is none. Call it before store_open(STORE_WRITE), so that a second
 * writer touches nothing. Returns 0, or -1 with e naming the holder's pid
 * when another process writes to the store. */
int wlock_acquire(struct wlock *l, const char *db_path, struct err *e);
/* Unlocks; a never-acquired (fd -1) lock is a no-op. */
void wlock_release(struct wlock *l);

#endif
