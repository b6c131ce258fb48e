/* wlock: the store writer lock (wlock.h). */
#include "db/wlock.h"
#include "db/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* The pid holding a flock on st's file, from /proc/locks; 0 if not found. */
static long holder_pid(const struct stat *st)
{
    FILE *fp = fopen("/proc/locks", "r");
    char line[256];
    long pid = 0;
    if (!fp)
        return 0;
    while (!pid && fgets(line, sizeof line, fp)) {
        unsigned maj, mn;
        unsigned long long ino;
        long p;
        char *s = strstr(line, "FLOCK");
        if (s && sscanf(s, "FLOCK %*s %*s %ld %x:%x:%llu", &p, &maj, &mn, &ino) == 4 &&
            ino == (unsigned long long)st->st_ino && makedev(maj, mn) == st->st_dev)
            pid = p;
    }
    fclose(fp);
    return pid;
}

static void pid_path(const char *db_path, char *out, size_t n)
{
    char real[PATH_MAX];
    snprintf(out, n, "%s.lock", realpath(db_path, real) ? real : db_path);
}

/* Best effort: the lock is the flock, the pid file only names its holder. */
static void write_pid(const char *db_path)
{
    char path[PATH_MAX + 8], pid[32];
    pid_path(db_path, path, sizeof path);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (fd >= 0) {
        if (write(fd, pid, (size_t)n) != n) {
            /* harmless: the message then takes the pid from /proc/locks */
        }
        close(fd);
    }
}

static long read_pid(const char *db_path)
{
    char path[PATH_MAX + 8], buf[32] = "";
    pid_path(db_path, path, sizeof path);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return strtol(buf, NULL, 10);
}

int wlock_acquire(struct wlock *l, const char *db_path, struct err *e)
{
    struct stat st;
    l->fd = open(db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (l->fd < 0 && errno == ENOENT && store_make_parent(db_path, e) == 0)
        l->fd = open(db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);   /* a fresh machine */
    if (l->fd < 0)
        return err_set(e, "cannot open the store %s: %s", db_path, strerror(errno));
    if (flock(l->fd, LOCK_EX | LOCK_NB) < 0) {
        int err = errno;
        long pid = fstat(l->fd, &st) == 0 ? holder_pid(&st) : 0;
        l->fd = -1;   /* kept open: see wlock.h */
        if (err == EWOULDBLOCK)
            return err_set(e, "another logdeck indexer (pid %ld) is writing to %s; stop it "
                           "first (only one writer per store)",
                           pid ? pid : read_pid(db_path), db_path);
        return err_set(e, "cannot lock %s: %s", db_path, strerror(err));
    }
    write_pid(db_path);
    return 0;
}

void wlock_release(struct wlock *l)
{
    if (l->fd < 0)
        return;
    flock(l->fd, LOCK_UN);   /* the descriptor stays open: see wlock.h */
    l->fd = -1;
}
