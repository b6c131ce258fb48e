/* grab: the thread that holds new files open as they appear, and its
 * account of the files it could not hold (grab.h). */
#include "src/follow/grab.h"

#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "src/base/hmap.h"
#include "src/base/ts.h"
#include "src/base/thread.h"

#define GRAB_MASK (IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR)
#define KNOWN_MAX 8192          /* identities remembered (oldest forgotten first) */
#define QUEUE_MAX 4096          /* descriptors queued and not taken yet */
#define SETTLE_MS 300           /* misses are final after this long without events */
#define SETTLE_MAX_US 2000000   /* ... or once the oldest is this old */
#define BY_GRAB 1               /* known flags: queued to the caller */
#define BY_CALLER 2             /* the caller holds it */
#define CREATED 4               /* matched with a creation event */

struct gdir {
    int wd;
    char *path;
};

struct grule {
    char *dir, *pat;
    int exact, dirglob;
};

struct grab {
    pthread_t th;
    int started, ifd, quit_fd, wake_fd;
    grab_sibling_fn sibling;
    pthread_mutex_t mu;          /* everything below */
    struct gdir *dirs;
    size_t ndirs;
    struct grule *rules;
    size_t nrules;
    struct hmap known;           /* grab_key -> BY_* flags */
    uint64_t ring[KNOWN_MAX];    /* insertion order, to forget the oldest */
    size_t ring_n, ring_at;
    struct grab_item *q;
    size_t nq, capq;
    int64_t overflows;
    /* the thread's own (no lock): misses waiting to be settled */
    char **miss;
    size_t nmiss, capmiss;
    int64_t miss_since;
    atomic_int pending;          /* misses read and not queued yet (grab_pending) */
};

uint64_t grab_key(int fd)
{
    struct statx sx;
    if (statx(fd, "", AT_EMPTY_PATH, STATX_INO | STATX_BTIME, &sx) == 0) {
        uint64_t dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
        int64_t bt = (sx.stx_mask & STATX_BTIME)
                         ? (int64_t)sx.stx_btime.tv_sec * 1000000000 + sx.stx_btime.tv_nsec : 0;
        return hmap_key2(hmap_key2(dev, sx.stx_ino), (uint64_t)bt);
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    return hmap_key2(hmap_key2((uint64_t)st.st_dev, (uint64_t)st.st_ino), 0);
}

/* --- known identities (locked) ------------------------------------------------ */

static int known_get(struct grab *g, uint64_t key)
{
    return (int)(uintptr_t)hmap_get(&g->known, key);
}

static void known_add(struct grab *g, uint64_t key, int flag)
{
    int had = known_get(g, key);
    if (had) {
        hmap_put(&g->known, key, (void *)(uintptr_t)(had | flag));
        return;
    }
    if (g->ring_n == KNOWN_MAX)
        hmap_del(&g->known, g->ring[g->ring_at]);
    else
        g->ring_n++;
    g->ring[g->ring_at] = key;
    g->ring_at = (g->ring_at + 1) % KNOWN_MAX;
    hmap_put(&g->known, key, (void *)(uintptr_t)flag);
}

void grab_known(struct grab *g, uint64_t key)
{
    if (!g || !key)
        return;
    pthread_mutex_lock(&g->mu);
    known_add(g, key, BY_CALLER);
    pthread_mutex_unlock(&g->mu);
}

/* --- the queue ------------------------------------------------------------------- */

static void wake(struct grab *g)
{
    uint64_t one = 1;
    if (g->wake_fd >= 0 && write(g->wake_fd, &one, sizeof one) < 0 && errno != EAGAIN)
        return;
}

/* Queues an item (locked): 0 (fd and path taken), or -1 (the queue is
 * full: the caller keeps them). */
static int enqueue(struct grab *g, int fd, char *path, int created)
{
    if (g->nq == g->capq) {
        size_t cap = g->capq ? g->capq * 2 : 64;
        struct grab_item *nq = cap <= QUEUE_MAX ? realloc(g->q, cap * sizeof *nq) : NULL;
        if (!nq)
            return -1;
        g->q = nq;
        g->capq = cap;
    }
    struct grab_item *it = &g->q[g->nq++];
    memset(it, 0, sizeof *it);
    it->fd = fd;
    it->path = path;
    it->created = created;
    it->seen_size = -1;
    struct stat st;
    if (fd >= 0 && fstat(fd, &st) == 0) {
        it->dev = (uint64_t)st.st_dev;
        it->ino = (uint64_t)st.st_ino;
    }
    return 0;
}

int grab_pending(struct grab *g)
{
    return g && atomic_load(&g->pending);
}

size_t grab_take(struct grab *g, struct grab_item **out, int64_t *overflows)
{
    pthread_mutex_lock(&g->mu);
    size_t n = g->nq;
    *out = g->q;
    *overflows = g->overflows;
    g->q = NULL;
    g->nq = g->capq = 0;
    g->overflows = 0;
    pthread_mutex_unlock(&g->mu);
    return n;
}

/* --- rules and directories ------------------------------------------------------- */

static void rules_free(struct grule *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(r[i].dir);
        free(r[i].pat);
    }
    free(r);
}

int grab_set_rules(struct grab *g, const struct grab_rule *r, size_t n)
{
    struct grule *nr = calloc(n ? n : 1, sizeof *nr);
    if (!nr)
        return -1;
    for (size_t i = 0; i < n; i++) {
        nr[i].dir = strdup(r[i].dir);
        nr[i].pat = r[i].pat ? strdup(r[i].pat) : NULL;
        nr[i].exact = r[i].exact;
        nr[i].dirglob = strpbrk(r[i].dir, "*?[") != NULL;
        if (!nr[i].dir || (r[i].pat && !nr[i].pat)) {
            rules_free(nr, i + 1);
            return -1;
        }
    }
    pthread_mutex_lock(&g->mu);
    rules_free(g->rules, g->nrules);
    g->rules = nr;
    g->nrules = n;
    pthread_mutex_unlock(&g->mu);
    return 0;
}

int grab_watch(struct grab *g, const char *dir, struct err *e)
{
    int wd = inotify_add_watch(g->ifd, dir, GRAB_MASK);
    if (wd < 0)
        return err_set(e, "cannot watch %s: %s", dir, strerror(errno));
    char *p = strdup(dir);
    pthread_mutex_lock(&g->mu);
    size_t i = 0;
    while (i < g->ndirs && g->dirs[i].wd != wd)
        i++;
    struct gdir *nd = i < g->ndirs ? g->dirs : realloc(g->dirs, (g->ndirs + 1) * sizeof *nd);
    if (nd)
        g->dirs = nd;   /* the array may have moved: keep it even if strdup failed */
    int ok = p && nd, fresh = i == g->ndirs;
    if (ok) {
        if (i == g->ndirs)
            g->ndirs++;
        else
            free(nd[i].path);
        nd[i].wd = wd;
        nd[i].path = p;
    }
    pthread_mutex_unlock(&g->mu);
    if (!ok) {
        free(p);
        if (fresh)   /* a watch it cannot name would report nothing usable */
            inotify_rm_watch(g->ifd, wd);
        return err_set(e, "out of memory watching %s", dir);
    }
    return 0;
}

static void unwatch(struct grab *g, int wd)
{
    for (size_t i = 0; i < g->ndirs; i++)
        if (g->dirs[i].wd == wd) {
            free(g->dirs[i].path);
            g->dirs[i] = g->dirs[--g->ndirs];
            return;
        }
}

/* Locked. The watched directory of wd, NULL if none. */
static const char *dir_of(const struct grab *g, int wd)
{
    for (size_t i = 0; i < g->ndirs; i++)
        if (g->dirs[i].wd == wd)
            return g->dirs[i].path;
    return NULL;
}

/* Locked. 1: name in wd's directory matches a rule directly, 2: it is a
 * rotated sibling of an exact rule's name, 0: neither. Fills path. */
static int classify(struct grab *g, int wd, const char *name, char *path, size_t cap)
{
    const char *dir = dir_of(g, wd);
    if (!dir)
        return 0;
    snprintf(path, cap, "%s/%s", dir, name);
    int how = 0;
    for (size_t i = 0; i < g->nrules && how != 1; i++) {
        const struct grule *r = &g->rules[i];
        if (r->dirglob ? fnmatch(r->dir, dir, FNM_PATHNAME) != 0 : strcmp(r->dir, dir) != 0)
            continue;
        if (!r->pat ? name[0] != '.'
                    : r->exact ? strcmp(r->pat, name) == 0 : fnmatch(r->pat, name, FNM_PERIOD) == 0)
            how = 1;
        else if (r->exact && g->sibling(name, r->pat))
            how = 2;
    }
    return how;
}

/* --- events (the thread) ------------------------------------------------------------ */

static void add_miss(struct grab *g, const char *path)
{
    if (g->nmiss == g->capmiss) {
        size_t cap = g->capmiss ? g->capmiss * 2 : 16;
        char **nm = realloc(g->miss, cap * sizeof *nm);
        if (!nm)
            return;
        g->miss = nm;
        g->capmiss = cap;
    }
    char *p = strdup(path);
    if (!p)
        return;
    if (!g->nmiss)
        g->miss_since = ts_now();
    g->miss[g->nmiss++] = p;
    atomic_store(&g->pending, 1);
}

/* Misses are final once the events have been quiet a moment: queued
 * without a descriptor. */
static void settle(struct grab *g)
{
    size_t had = g->nmiss;
    pthread_mutex_lock(&g->mu);
    for (size_t i = 0; i < g->nmiss; i++)
        if (enqueue(g, -1, g->miss[i], 0) < 0)
            free(g->miss[i]);
    pthread_mutex_unlock(&g->mu);
    g->nmiss = 0;
    atomic_store(&g->pending, 0);   /* after the queue: never seen empty in between */
    if (had)
        wake(g);
}

/* Opens path for an event and queues its file unless the caller has it
 * or it was queued before. created: the event is its creation; it is
 * matched with it unless it already was (*was_created). -1: no file there
 * any more; 0: nothing to do (also when it cannot be opened for another
 * reason, out of descriptors: the scans will find it); 1: queued or known. */
static int grab_path(struct grab *g, const char *path, int created, int *was_created)
{
    struct stat st;
    *was_created = 0;
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return errno == ENOENT ? -1 : 0;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return 0;
    }
    uint64_t key = grab_key(fd);
    char *p = strdup(path);
    pthread_mutex_lock(&g->mu);
    int known = known_get(g, key), flags = created ? CREATED : 0;
    *was_created = known & CREATED;
    /* queued once; once more when the caller holds it, to say it was created */
    int news = !(known & (BY_GRAB | BY_CALLER)) || (created && !*was_created);
    if (news && p && enqueue(g, fd, p, created) == 0) {
        flags |= BY_GRAB;
        fd = -1;
        p = NULL;
    }
    if (flags)
        known_add(g, key, flags);
    pthread_mutex_unlock(&g->mu);
    if (fd >= 0)
        close(fd);
    free(p);
    return 1;
}

/* 1 if something was queued. A file created under a directly matching
 * name is matched with the file found there, unless that one was
 * matched with an earlier creation, or none is: a miss. */
static int on_file(struct grab *g, const struct inotify_event *ev, const char *path, int how)
{
    int was_created = 0, created = (ev->mask & IN_CREATE) && how == 1;
    if ((ev->mask & IN_CREATE) && how == 2)
        return 0;   /* written under a rotated name: a copy being made (copytruncate,
                       compression), found by the follower's sibling scans once done */
    int r = grab_path(g, path, created, &was_created);
    if (created && (r < 0 || (r > 0 && was_created)))
        add_miss(g, path);
    return r > 0;
}

/* Locked. A name under which a rule's file is copied before a truncation
 * (a rotated sibling of it: logrotate's copytruncate), in directory dir. */
static int copy_name(struct grab *g, const char *dir, const char *name)
{
    char pre[NAME_MAX + 1];
    if (!g->sibling)
        return 0;
    for (size_t i = 0; i < g->nrules; i++) {
        const struct grule *r = &g->rules[i];
        if (!r->pat || (r->dirglob ? fnmatch(r->dir, dir, FNM_PATHNAME) != 0 : strcmp(r->dir, dir) != 0))
            continue;
        if (r->exact) {
            if (g->sibling(name, r->pat))
                return 1;
            continue;
        }
        /* a glob: the name up to one of its separators is a file it matches */
        for (size_t k = 1; name[k] && k < sizeof pre; k++)
            if (strchr(".-_", name[k])) {
                memcpy(pre, name, k);
                pre[k] = '\0';
                if (fnmatch(r->pat, pre, FNM_PERIOD) == 0 && g->sibling(name, pre))
                    return 1;
            }
    }
    return 0;
}

/* 1 if the follower is to be woken: something queued, or a copy created
 * under a rotated name (not queued: found by the follower's sibling scans
 * once done), which a truncation may follow: the follower reads at once
 * until then (scan.c, hurry_if_copy). */
static int on_event(struct grab *g, const struct inotify_event *ev)
{
    char path[PATH_MAX];
    if (ev->mask & (IN_Q_OVERFLOW | IN_IGNORED)) {
        pthread_mutex_lock(&g->mu);
        if (ev->mask & IN_Q_OVERFLOW)
            g->overflows++;
        else
            unwatch(g, ev->wd);
        pthread_mutex_unlock(&g->mu);
        return ev->mask & IN_Q_OVERFLOW ? 1 : 0;
    }
    if (!ev->len || (ev->mask & IN_ISDIR))
        return 0;
    pthread_mutex_lock(&g->mu);
    int how = classify(g, ev->wd, ev->name, path, sizeof path);
    const char *dir = how != 1 && (ev->mask & IN_CREATE) ? dir_of(g, ev->wd) : NULL;
    int copy = dir && copy_name(g, dir, ev->name);
    pthread_mutex_unlock(&g->mu);
    if (copy)
        return 1;
    return how && !(ev->mask & IN_MOVED_FROM) ? on_file(g, ev, path, how) : 0;
}

static int read_events(struct grab *g)
{
    char buf[32 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    int queued = 0;
    for (;;) {
        ssize_t n = read(g->ifd, buf, sizeof buf);
        if (n <= 0)
            return queued;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            queued |= on_event(g, ev);
            p += sizeof *ev + ev->len;
        }
    }
}

static void *run(void *arg)
{
    struct grab *g = arg;
    for (;;) {
        struct pollfd pf[2] = {{g->ifd, POLLIN, 0}, {g->quit_fd, POLLIN, 0}};
        int r = poll(pf, 2, g->nmiss ? SETTLE_MS : -1);
        if (r > 0 && (pf[1].revents & POLLIN))
            break;
        if (r > 0 && read_events(g))
            wake(g);
        if (g->nmiss && (r == 0 || ts_now() - g->miss_since >= SETTLE_MAX_US))
            settle(g);
    }
    return NULL;
}

/* --- life ------------------------------------------------------------------------------ */

struct grab *grab_new(int wake_fd, grab_sibling_fn sibling, struct err *e)
{
    struct grab *g = calloc(1, sizeof *g);
    if (!g) {
        err_set(e, "out of memory");
        return NULL;
    }
    g->wake_fd = wake_fd;
    g->sibling = sibling;
    g->quit_fd = -1;
    hmap_init(&g->known);
    pthread_mutex_init(&g->mu, NULL);
    g->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    g->quit_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (g->ifd < 0 || g->quit_fd < 0) {
        err_set(e, "cannot watch for new files: %s", strerror(errno));
        grab_free(g);
        return NULL;
    }
    int rc = thread_start("ld-grab", &g->th, run, g);   /* signals are the caller's */
    if (rc != 0) {
        err_set(e, "cannot start the thread that holds new files: %s", strerror(rc));
        grab_free(g);
        return NULL;
    }
    g->started = 1;
    return g;
}

void grab_stop(struct grab *g)
{
    if (!g || !g->started)
        return;
    uint64_t one = 1;
    if (write(g->quit_fd, &one, sizeof one) < 0)
        abort();   /* an eventfd write cannot fail here: the thread would never stop */
    pthread_join(g->th, NULL);
    g->started = 0;
    read_events(g);
    settle(g);
}

void grab_free(struct grab *g)
{
    if (!g)
        return;
    grab_stop(g);
    for (size_t i = 0; i < g->nq; i++) {
        if (g->q[i].fd >= 0)
            close(g->q[i].fd);
        free(g->q[i].path);
    }
    for (size_t i = 0; i < g->nmiss; i++)
        free(g->miss[i]);
    free(g->miss);
    free(g->q);
    for (size_t i = 0; i < g->ndirs; i++)
        free(g->dirs[i].path);
    free(g->dirs);
    rules_free(g->rules, g->nrules);
    hmap_fini(&g->known);
    pthread_mutex_destroy(&g->mu);
    if (g->ifd >= 0)
        close(g->ifd);
    if (g->quit_fd >= 0)
        close(g->quit_fd);
    free(g);
}
