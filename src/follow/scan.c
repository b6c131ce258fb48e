/* scan: what the follower follows (follow_int.h): sources split into
 * directories and name patterns, inotify watches (or polling on network
 * file systems), directory scans that open new files and notice files
 * rotated away, copytruncate handling, and the recovery at start of files
 * rotated while logdeck was down. */
#include "src/follow/follow_int.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "src/base/paths.h"
#include "src/base/ts.h"

#define HURRY_US (500 * 1000)     /* reads at once this long after a copy's last write */
#define WATCH_MASK (IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_MODIFY | \
                    IN_CLOSE_WRITE | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

/* --- sources and directories ------------------------------------------------------ */

static int is_remote_fs(const char *dir)
{
    struct statfs s;
    if (statfs(dir, &s) < 0)
        return 0;
    switch ((unsigned long)s.f_type) {
    case 0x6969UL:       /* NFS */
    case 0x517BUL:       /* SMB */
    case 0xFF534D42UL:   /* CIFS */
    case 0xFE534D42UL:   /* SMB2 */
    case 0x01021997UL:   /* 9P */
    case 0x00C36400UL:   /* Ceph */
    case 0x65735546UL:   /* FUSE (sshfs, ...) */
    case 0x6B414653UL:   /* AFS */
        return 1;
    default:
        return 0;
    }
}

static void watch_dir(struct follower *f, struct fdir *d)
{
    if (d->wd >= 0 || d->remote)
        return;
    struct stat st;
    if (stat(d->path, &st) < 0 || !S_ISDIR(st.st_mode))
        return;
    if (is_remote_fs(d->path)) {
        d->remote = 1;
        f->sc.any_remote = 1;
        follow_warn(f, "%s is on a network file system: polling it", d->path);
        return;
    }
    if (f->ifd >= 0 && (d->wd = inotify_add_watch(f->ifd, d->path, WATCH_MASK)) < 0)
        follow_warn(f, "cannot watch %s (%s): it is polled", d->path, strerror(errno));
    if (d->wd >= 0 && d->is_src)
        f->up.watch_dir(f, d->path);
    d->scan = 1;
}

static struct fdir *find_dir(struct follower *f, const char *path)
{
    for (size_t i = 0; i < f->sc.ndirs; i++)
        if (strcmp(f->sc.dirs[i].path, path) == 0)
            return &f->sc.dirs[i];
    return NULL;
}

static struct fdir *add_dir(struct follower *f, const char *path, int is_src)
{
    struct fdir *d = find_dir(f, path);
    if (d) {
        d->is_src |= is_src;
        return d;
    }
    if (f->sc.ndirs == f->sc.capdirs) {
        size_t cap = f->sc.capdirs ? f->sc.capdirs * 2 : 16;
        struct fdir *nd = realloc(f->sc.dirs, cap * sizeof *nd);
        if (!nd)
            return NULL;
        f->sc.dirs = nd;
        f->sc.capdirs = cap;
    }
    d = &f->sc.dirs[f->sc.ndirs];
    memset(d, 0, sizeof *d);
    d->wd = -1;
    d->is_src = is_src;
    if (!(d->path = strdup(path)))
        return NULL;
    f->sc.ndirs++;
    watch_dir(f, d);
    d->scan = 1;
    return d;
}

int fscan_watch_all(struct follower *f)
{
    for (size_t i = 0; i < f->sc.ndirs; i++)
        watch_dir(f, &f->sc.dirs[i]);
    return 0;
}

static struct fsrc *make_source(struct follower *f, const struct config_source *cs)
{
    struct fsrc *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    struct stat st;
    char *p = strdup(cs->path), *q = strdup(cs->path);
    if (!p || !q)
        goto oom;
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
    if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
        s->dir = strdup(p);
    } else {
        s->dir = strdup(dirname(p));
        s->pat = strdup(basename(strcpy(q, cs->path)));
        if (!s->pat)
            goto oom;
        s->exact = !paths_is_glob(s->pat);
        s->dirglob = paths_is_glob(s->dir);
    }
    s->po = f->o.parse;
    if (cs->format)
        s->po.format = cs->format;
    if (cs->service && (s->service = strdup(cs->service)))
        s->po.service = s->service;
    if (cs->cid_regex && (s->cid_regex = strdup(cs->cid_regex)))
        s->po.cid_regex = s->cid_regex;
    if (cs->layout_regex && (s->layout_regex = strdup(cs->layout_regex)))
        s->po.layout_regex = s->layout_regex;
    if (cs->layout_ts && (s->layout_ts = strdup(cs->layout_ts)))
        s->po.layout_ts = s->layout_ts;
    if (cs->tz_fixed)
        s->po.tz_fixed = 1, s->po.tz_offset_s = cs->tz_offset_s;
    if (cs->duration_unit)
        s->po.duration_unit = cs->duration_unit;
    free(p);
    free(q);
    if (s->dir)
        return s;
oom:
    free(p);
    free(q);
    free(s->pat);
    free(s);
    return NULL;
}

int fscan_set_sources(struct follower *f, const struct config *cfg, struct err *e)
{
    if (!cfg->nsources)
        return err_setc(e, 2, "nothing to follow: give paths, or sources: in the config file");
    struct fsrc **ns = realloc(f->sc.src, (f->sc.nsrc + cfg->nsources) * sizeof *ns);
    if (!ns)
        return err_set(e, "out of memory");
    f->sc.src = ns;
    for (size_t i = 0; i < f->sc.nsrc; i++)
        f->sc.src[i]->retired = 1;
    for (size_t i = 0; i < cfg->nsources; i++) {
        struct fsrc *s = make_source(f, &cfg->sources[i]);
        if (!s)
            return err_set(e, "out of memory");
        f->sc.src[f->sc.nsrc++] = s;
        if (!s->dirglob && !add_dir(f, s->dir, 1))
            return err_set(e, "out of memory");
    }
    return 0;
}

void fscan_fini(struct follower *f)
{
    for (size_t i = 0; i < f->sc.nsrc; i++) {
        free(f->sc.src[i]->dir);
        free(f->sc.src[i]->pat);
        free(f->sc.src[i]->service);
        free(f->sc.src[i]->cid_regex);
        free(f->sc.src[i]->layout_regex);
        free(f->sc.src[i]->layout_ts);
        free(f->sc.src[i]);
    }
    free(f->sc.src);
    for (size_t i = 0; i < f->sc.ndirs; i++)
        free(f->sc.dirs[i].path);
    free(f->sc.dirs);
}

/* --- matching ------------------------------------------------------------------------ */

static int src_has_dir(const struct fsrc *s, const char *dir)
{
    if (s->retired)
        return 0;
    return s->dirglob ? fnmatch(s->dir, dir, FNM_PATHNAME) == 0 : strcmp(s->dir, dir) == 0;
}

static int src_matches(const struct fsrc *s, const char *name)
{
    if (!s->pat)
        return name[0] != '.';
    return s->exact ? strcmp(s->pat, name) == 0 : fnmatch(s->pat, name, FNM_PERIOD) == 0;
}

size_t fscan_zsuffix(const char *name)
{
    size_t n = strlen(name);
    if (n > 3 && strcmp(name + n - 3, ".gz") == 0)
        return 3;
    return n > 4 && strcmp(name + n - 4, ".zip") == 0 ? 4 : 0;
}

/* A rotated sibling's name: "app.log.1", "app.log-20240101", "app.log.2.gz",
 * or loguru's "app.2024-01-01_12-00-00_000000.log" (".gz", ".zip") for
 * base "app.log". */
int fscan_is_sibling(const char *name, const char *base)
{
    char n[NAME_MAX + 1];
    snprintf(n, sizeof n, "%s", name);
    size_t nl = strlen(n), bl = strlen(base);
    n[nl -= fscan_zsuffix(n)] = '\0';
    const char *mid = NULL, *end = NULL;
    const char *dot = strrchr(base, '.');
    if (nl > bl + 1 && strncmp(n, base, bl) == 0 && strchr(".-_", n[bl])) {
        mid = n + bl + 1;
        end = n + nl;
    } else if (dot && dot != base && strncmp(n, base, (size_t)(dot - base) + 1) == 0 &&
               nl > bl + 1 && strcmp(n + nl - strlen(dot), dot) == 0) {
        mid = n + (dot - base) + 1;
        end = n + nl - strlen(dot);
    }
    if (!mid || mid >= end)
        return 0;
    int digit = 0;
    for (const char *c = mid; c < end; c++) {
        if (*c >= '0' && *c <= '9')
            digit = 1;
        else if (!strchr("._:T-", *c))
            return 0;
    }
    return digit;
}

static void join(char *out, size_t cap, const char *dir, const char *name)
{
    snprintf(out, cap, "%s/%s", dir, name);
}

/* --- opening files ----------------------------------------------------------------------- */

struct tailer *fscan_tracked(struct follower *f, const struct stat *st)
{
    struct tailer *t = hmap_get(&f->by_ino, hmap_key2((uint64_t)st->st_dev, (uint64_t)st->st_ino));
    return t && t->ck.ino == (uint64_t)st->st_ino && t->ck.dev == (uint64_t)st->st_dev ? t : NULL;
}

static void watch_target(struct follower *f, const char *path)
{
    char real[PATH_MAX];
    struct stat ls;
    if (lstat(path, &ls) < 0 || !S_ISLNK(ls.st_mode) || !realpath(path, real))
        return;
    char *d = dirname(real);
    if (!find_dir(f, d))
        add_dir(f, d, 0);
}

/* Files that cannot be opened are retried at every scan: one warning per
 * few seconds (out of descriptors, thousands of files would say it). */
static void warn_open(struct follower *f, const char *msg)
{
    if (f->sc.open_warn_us && f->now - f->sc.open_warn_us < 5000 * MS) {
        f->sc.open_warn_n++;
        return;
    }
    if (f->sc.open_warn_n)
        follow_warn(f, "%s (and %lld more such errors)", msg, (long long)f->sc.open_warn_n);
    else
        follow_warn(f, "%s", msg);
    f->sc.open_warn_us = f->now;
    f->sc.open_warn_n = 0;
}

/* Opens path (through fd when >= 0, which is taken) if it is a file not
 * followed yet. Returns the tailer or NULL. */
struct tailer *fscan_adopt(struct follower *f, int fd, const char *path, const struct stat *st,
                           int si, int away)
{
    struct err e = {0};
    struct tailer *t = NULL;
    int64_t copy_of = 0;
    uint64_t k = hmap_key2((uint64_t)st->st_dev, (uint64_t)st->st_ino);
    watch_target(f, path);
    void *met = hmap_get(&f->skip, k);
    if ((uintptr_t)met == (uintptr_t)st->st_size + 1) {
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    int r = ingest_adopt(f->in, fd, path, &f->sc.src[si]->po, &t, &copy_of, &e);
    if (r == INGEST_OPENED) {
        hmap_del(&f->skip, k);
        t->order_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
        if (follow_add(f, t, si, away) < 0) {
            follow_forget(f, t);
            return NULL;
        }
        f->up.known(f, t);
        if (f->counting && !t->ck.id) {   /* new data: a file the grabber missed? */
            t->credited = 1;
            f->gw.credits++;
            f->gw.credit_us = f->now;
        }
        return t;
    }
    if (r == INGEST_EMPTY && !away && fscan_source_of(f, path, 1) >= 0) {
        /* a live file with nothing in it yet: known from now on */
        if (ingest_note_empty(f->in, path, st, &e) < 0)
            warn_open(f, e.msg);
        else if (!f->batch_start)
            f->batch_start = f->now;
    }
    if (r == INGEST_COPY || r == INGEST_BINARY || r == INGEST_EMPTY || r == INGEST_OWN)
        hmap_put(&f->skip, k, (void *)((uintptr_t)st->st_size + 1));
    if (r == INGEST_BINARY || r < 0)
        warn_open(f, e.msg);
    return NULL;
}

struct tailer *fscan_open(struct follower *f, const char *path, const struct stat *st, int si,
                          int away)
{
    return fscan_adopt(f, -1, path, st, si, away);
}

static void candidate(struct follower *f, const char *path, int si)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return;
    struct tailer *t = fscan_tracked(f, &st);
    if (!t) {
        if ((t = fscan_open(f, path, &st, si, 0)))
            t->seen_gen = f->sc.gen;
        return;
    }
    t->seen_gen = f->sc.gen;
    t->want = 1;   /* its directory changed: it may have been renamed after a write */
    if (strcmp(t->path, path) != 0) {
        struct stat cur;
        if (t->away || stat(t->path, &cur) < 0 || cur.st_ino != st.st_ino) {
            follow_repath(f, t, path);
            t->drain = 1;
        }
    }
    if (t->away) {
        t->away = 0;
        t->want = 1;
    }
}

static int in_dir(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && path[n] == '/' && !strchr(path + n + 1, '/');
}

static void scan_dir(struct follower *f, struct fdir *d)
{
    d->scan = 0;
    if (!d->is_src)
        return;
    DIR *dh = opendir(d->path);
    if (!dh)
        return;
    struct dirent *de;
    char path[PATH_MAX];
    while ((de = readdir(dh))) {
        for (size_t i = 0; i < f->sc.nsrc; i++)
            if (src_has_dir(f->sc.src[i], d->path) && src_matches(f->sc.src[i], de->d_name)) {
                join(path, sizeof path, d->path, de->d_name);
                candidate(f, path, (int)i);
                break;
            }
    }
    closedir(dh);
}

/* Files of scanned dirs that no scan found at a source path: rotated away. */
static void mark_away(struct follower *f, const char *dir)
{
    for (size_t i = 0; i < f->nt; i++) {
        struct tailer *t = f->t[i];
        if (t->away || t->seen_gen == f->sc.gen || (dir && !in_dir(t->path, dir)))
            continue;
        t->away = 1;
        t->away_us = f->now;
        t->want = 1;
        f->up.siblings(f, t->src);
    }
}

static void expand_dirglobs(struct follower *f)
{
    for (size_t i = 0; i < f->sc.nsrc; i++) {
        if (f->sc.src[i]->retired || !f->sc.src[i]->dirglob)
            continue;
        glob_t g;
        if (glob(f->sc.src[i]->dir, GLOB_ONLYDIR, NULL, &g) != 0)
            continue;
        for (size_t j = 0; j < g.gl_pathc; j++)
            add_dir(f, g.gl_pathv[j], 1);
        globfree(&g);
    }
}

void fscan_run(struct follower *f)
{
    int full = f->full_scan;
    f->sc.gen++;
    if (full) {
        expand_dirglobs(f);
        fscan_watch_all(f);
    }
    for (size_t i = 0; i < f->sc.ndirs; i++) {
        struct fdir *d = &f->sc.dirs[i];
        if (full || d->scan || (d->remote && full))
            d->scan = 1;
        if (!d->scan)
            continue;
        scan_dir(f, d);
        if (!full && d->is_src)
            mark_away(f, d->path);
    }
    if (full)
        mark_away(f, NULL);
    f->full_scan = 0;
}

/* --- inotify ------------------------------------------------------------------------------ */

static struct fdir *dir_of_wd(struct follower *f, int wd)
{
    for (size_t i = 0; i < f->sc.ndirs; i++)
        if (f->sc.dirs[i].wd == wd)
            return &f->sc.dirs[i];
    return NULL;
}

static int name_matches(struct follower *f, const struct fdir *d, const char *name)
{
    for (size_t i = 0; i < f->sc.nsrc; i++)
        if (src_has_dir(f->sc.src[i], d->path) && src_matches(f->sc.src[i], name))
            return 1;
    return 0;
}

/* A file named as a rotated sibling of a file followed in d is created or
 * written: logrotate's copytruncate copies the file, syncs the copy, then
 * truncates the file, and what the writer appends meanwhile is in neither
 * but for the follower's reads. The loop leaves a few ms between passes
 * for writes to gather (loop.c); until the copy is quiet (HURRY_US) it
 * reads each write as it comes, and the followed files are read at once.
 * By bench_rotation, at 2000 lines/s and a rotation every 0.5 s: 27-31
 * lines a run lost without, 0-8 with (30 in 10 runs; no pause at all
 * lost 1-2, but the gathering halves the CPU a steadily written file
 * costs, so it stays otherwise). */
static void hurry_if_copy(struct follower *f, const struct fdir *d, const char *name)
{
    size_t dl = strlen(d->path);
    for (size_t i = 0; i < f->nt; i++) {
        struct tailer *t = f->t[i];
        if (strncmp(t->path, d->path, dl) != 0 || t->path[dl] != '/' ||
            strchr(t->path + dl + 1, '/') || !fscan_is_sibling(name, t->path + dl + 1))
            continue;
        f->sc.hurry_until = f->now + HURRY_US;
        t->want = 1;
    }
}

static void one_event(struct follower *f, const struct inotify_event *ev)
{
    if (ev->mask & IN_Q_OVERFLOW) {
        f->full_scan = 1;
        for (size_t i = 0; i < f->nt; i++)
            f->t[i]->want = 1;
        return;
    }
    struct fdir *d = dir_of_wd(f, ev->wd);
    if (!d)
        return;
    if (ev->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        d->wd = -1;
        f->full_scan = 1;
        return;
    }
    if (!ev->len)
        return;
    if (!d->is_src) {   /* a symlink target's directory: which link points here? */
        for (size_t i = 0; i < f->nt; i++)
            f->t[i]->want = 1;
        f->full_scan = 1;
        return;
    }
    char path[PATH_MAX];
    join(path, sizeof path, d->path, ev->name);
    struct tailer *t = hmap_get(&f->by_path, hmap_key_str(path));
    int followed = t && strcmp(t->path, path) == 0;
    /* a copy's creation, followed name or not (a new copy may take a name
     * the follower still knows from the file renamed away from it), or a
     * write to a file not followed; a rotated name has a digit (".1",
     * "-20261203"): the live files' writes, most events, cost no look at
     * every followed file, dated live names ("app-2026-12-03.log") neither */
    if (((ev->mask & IN_CREATE) || ((ev->mask & IN_MODIFY) && !followed)) &&
        strpbrk(ev->name, "0123456789"))
        hurry_if_copy(f, d, ev->name);
    if (ev->mask & (IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)) {
        d->scan = 1;
        return;
    }
    if (followed)
        t->want = 1;
    else if (name_matches(f, d, ev->name))
        d->scan = 1;
}

void fscan_events(struct follower *f)
{
    char buf[64 * 1024] __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(f->ifd, buf, sizeof buf);
        if (n <= 0)
            return;
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *ev = (const struct inotify_event *)p;
            one_event(f, ev);
            p += sizeof *ev + ev->len;
        }
    }
}

int fscan_source_of(struct follower *f, const char *path, int direct)
{
    char d[PATH_MAX], b[PATH_MAX];
    snprintf(d, sizeof d, "%s", path);
    snprintf(b, sizeof b, "%s", path);
    const char *dir = dirname(d), *base = basename(b);
    if (store_owns_name(f->s, path))   /* the store in a directory it reads */
        return -1;
    for (size_t i = 0; i < f->sc.nsrc; i++)
        if (src_has_dir(f->sc.src[i], dir) && src_matches(f->sc.src[i], base))
            return (int)i;
    if (direct)
        return -1;
    for (size_t i = 0; i < f->sc.nsrc; i++)   /* a rotated sibling of an exact path */
        if (f->sc.src[i]->exact && src_has_dir(f->sc.src[i], dir) && fscan_is_sibling(base, f->sc.src[i]->pat))
            return (int)i;
    return -1;
}

void fscan_dir_changed(struct follower *f, const char *path)
{
    char d[PATH_MAX];
    snprintf(d, sizeof d, "%s", path);
    struct fdir *fd = find_dir(f, dirname(d));
    if (fd)
        fd->scan = 1;
    else
        f->full_scan = 1;
}
