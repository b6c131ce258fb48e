/* wlock: the store writer lock (wlock.h). */
#include "db/wlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int wlock_acquire(struct wlock *l, const char *db_path, struct err *e)
{
    char path[4200];
    snprintf(path, sizeof path, "%s.lock", db_path);
    l->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (l->fd < 0)
        return err_set(e, "cannot create the lock file %s: %s", path, strerror(errno));
    if (flock(l->fd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;
        char buf[32] = "";
        ssize_t n = pread(l->fd, buf, sizeof buf - 1, 0);
        buf[n > 0 ? n : 0] = '\0';
        close(l->fd);
        l->fd = -1;
        if (err == EWOULDBLOCK)
            return err_set(e, "another logdeck indexer (pid %ld) is writing to %s; stop it "
                           "first (only one writer per store)", strtol(buf, NULL, 10), db_path);
        return err_set(e, "cannot lock %s: %s", path, strerror(err));
    }
    char pid[32];
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(l->fd, 0) < 0 || pwrite(l->fd, pid, (size_t)n, 0) != n) {
        wlock_release(l);
        return err_set(e, "cannot write the lock file %s: %s", path, strerror(errno));
    }
    return 0;
}

void wlock_release(struct wlock *l)
{
    if (l->fd < 0)
        return;
    if (ftruncate(l->fd, 0) < 0) {
        /* the pid left behind is harmless: the lock itself is gone */
    }
    close(l->fd);
    l->fd = -1;
}
