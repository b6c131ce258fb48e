/* grabwatch: the follower's side of the grabber (grab.h). Gives it the
 * sources as rules and the directories to watch; takes the files it holds
 * open and opens each as soon as it has data (a file renamed or deleted
 * meanwhile is read through that descriptor: it was held from its
 * creation); and saves the files the grabber could not hold: each one a
 * files row in state FILE_GONE with size -1 (its size, so its line count,
 * is unknown), counted in follow_status.lost_files. */
#include "src/follow/follow_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/base/ts.h"

#define HELD_EMPTY_MAX 1024   /* empty files held; beyond, the oldest are let go */
#define SUSPECT_US (1500 * 1000)   /* a missed file is lost unless found by then */
#define CREDIT_US (5000 * 1000)    /* unused payments are forgotten after this */

int fgrab_start(struct follower *f, struct err *e)
{
    (void)e;
    if (f->ifd < 0 || f->gw.grab)
        return 0;
    struct err ge = {0};
    if (!(f->gw.grab = grab_new(f->wfd, fscan_is_sibling, &ge))) {
        follow_warn(f, "%s: files rotated and deleted faster than logdeck reads may be lost",
                    ge.msg);
        return 0;
    }
    fgrab_rules(f);
    return 0;
}

void fgrab_stop(struct follower *f)
{
    grab_free(f->gw.grab);
    f->gw.grab = NULL;
    for (size_t i = 0; i < f->gw.nheld; i++) {
        close(f->gw.held[i].fd);
        free(f->gw.held[i].path);
    }
    free(f->gw.held);
    f->gw.held = NULL;
    f->gw.nheld = f->gw.capheld = 0;
    for (size_t i = 0; i < f->gw.nunread; i++)
        free(f->gw.unread[i]);
    free(f->gw.unread);
    for (size_t i = 0; i < f->gw.nsuspect; i++)
        free(f->gw.suspect[i]);
    free(f->gw.suspect);
    free(f->gw.suspect_us);
    f->gw.suspect = NULL;
    f->gw.suspect_us = NULL;
    f->gw.nsuspect = f->gw.capsuspect = 0;
    f->gw.unread = NULL;
    f->gw.nunread = f->gw.capunread = 0;
}

void fgrab_rules(struct follower *f)
{
    if (!f->gw.grab)
        return;
    struct grab_rule *r = calloc(f->sc.nsrc ? f->sc.nsrc : 1, sizeof *r);
    size_t n = 0;
    for (size_t i = 0; r && i < f->sc.nsrc; i++)
        if (!f->sc.src[i]->retired)
            r[n++] = (struct grab_rule){f->sc.src[i]->dir, f->sc.src[i]->pat, f->sc.src[i]->exact};
    if (!r || grab_set_rules(f->gw.grab, r, n) < 0)
        follow_warn(f, "out of memory giving the sources to the file grabber");
    free(r);
}

void fgrab_watch(struct follower *f, const char *dir)
{
    struct err e = {0};
    if (f->gw.grab && grab_watch(f->gw.grab, dir, &e) < 0)
        follow_warn(f, "%s: files rotated and deleted there faster than logdeck reads may be "
                    "lost", e.msg);
}

void fgrab_known(struct follower *f, const struct tailer *t)
{
    if (f->gw.grab && t->fd >= 0)
        grab_known(f->gw.grab, grab_key(t->fd));
}

/* --- files held --------------------------------------------------------------------- */

/* The name h's file has now: its current path when still linked there,
 * else the name it was grabbed under. */
static const char *where(const struct grab_item *h, const struct stat *st, char *buf, size_t cap)
{
    char link[64];
    struct stat cur;
    snprintf(link, sizeof link, "/proc/self/fd/%d", h->fd);
    ssize_t n = st->st_nlink ? readlink(link, buf, cap - 1) : -1;
    if (n <= 0 || (size_t)n >= cap - 1)
        return h->path;
    buf[n] = '\0';
    if (stat(buf, &cur) < 0 || cur.st_ino != st->st_ino || cur.st_dev != st->st_dev)
        return h->path;
    return buf;
}

static void suspect(struct follower *f, char *path);

/* t was created under a matching name since the start, as the grabber
 * saw: not a missed file turning up, so its credit goes back. */
static void created(struct follower *f, struct tailer *t)
{
    char *p;
    if (!t->credited)
        return;
    t->credited = 0;
    if (f->gw.credits > 0)
        f->gw.credits--;
    else if ((p = strdup(t->path)))
        suspect(f, p);   /* the credit paid a miss already: that miss stands */
}

/* 1: h is done with (opened, or let go), 0: keep holding it (empty). */
static int held_one(struct follower *f, struct grab_item *h)
{
    struct stat st;
    char buf[PATH_MAX];
    struct tailer *t = NULL;
    if (fstat(h->fd, &st) < 0 || (t = fscan_tracked(f, &st)) || (st.st_size == 0 && !st.st_nlink)) {
        if (t && h->created)
            created(f, t);
        goto drop;
    }
    /* its head (identity) complete, or it stopped growing: a copy being
     * made must not look like new data */
    if (st.st_size == 0 || (st.st_nlink && st.st_size < INGEST_HEAD_BYTES &&
                            st.st_size != h->seen_size)) {
        h->seen_size = st.st_size;
        return 0;
    }
    const char *path = where(h, &st, buf, sizeof buf);
    int si = fscan_source_of(f, path, 0);
    if (si < 0 && (si = fscan_source_of(f, h->path, 0)) < 0)
        goto drop;
    int away = !st.st_nlink || fscan_source_of(f, path, 1) < 0;
    t = fscan_adopt(f, h->fd, path, &st, si, away);
    h->fd = -1;
    if (t && h->created)
        created(f, t);
    if (t) {
        t->seen_gen = f->sc.gen;
        fscan_dir_changed(f, path);   /* what it replaced: rotated away, read first */
        if (away)   /* rotated before the loop got to it: older ones may be unheld */
            fscan_siblings(f, si);
    }
    free(h->path);
    return 1;
drop:
    close(h->fd);
    free(h->path);
    return 1;
}

static void hold(struct follower *f, struct grab_item *it)
{
    if (f->gw.nheld == f->gw.capheld) {
        size_t cap = f->gw.capheld ? f->gw.capheld * 2 : 32;
        struct grab_item *nh = realloc(f->gw.held, cap * sizeof *nh);
        if (!nh) {
            close(it->fd);
            free(it->path);
            return;
        }
        f->gw.held = nh;
        f->gw.capheld = cap;
    }
    f->gw.held[f->gw.nheld++] = *it;
}

/* Takes path. */
static void add_unread(struct follower *f, char *path)
{
    if (f->gw.nunread == f->gw.capunread) {
        size_t cap = f->gw.capunread ? f->gw.capunread * 2 : 8;
        char **nu = realloc(f->gw.unread, cap * sizeof *nu);
        if (!nu) {
            free(path);
            return;
        }
        f->gw.unread = nu;
        f->gw.capunread = cap;
    }
    f->gw.unread[f->gw.nunread++] = path;
    f->st.lost_files++;
    follow_warn(f, "%s: a file created under this name was rotated away and deleted before "
                "logdeck could open it: its lines are lost (how many is unknown)", path);
}

/* A file the grabber missed (takes path): lost, unless it turns up within
 * SUSPECT_US: a file with data the store never saw, met since the start
 * and not known as created then (a rotated sibling, or the compressed
 * copy of one: loguru compresses at once), pays one miss back. */
static void suspect(struct follower *f, char *path)
{
    if (f->gw.nsuspect == f->gw.capsuspect) {
        size_t cap = f->gw.capsuspect ? f->gw.capsuspect * 2 : 8;
        char **np = realloc(f->gw.suspect, cap * sizeof *np);
        int64_t *nt = np ? realloc(f->gw.suspect_us, cap * sizeof *nt) : NULL;
        if (np)
            f->gw.suspect = np;
        if (!nt) {
            add_unread(f, path);
            return;
        }
        f->gw.suspect_us = nt;
        f->gw.capsuspect = cap;
    }
    f->gw.suspect[f->gw.nsuspect] = path;
    f->gw.suspect_us[f->gw.nsuspect++] = f->now;
}

static void settle_suspects(struct follower *f, int final)
{
    size_t k = 0;
    for (size_t i = 0; i < f->gw.nsuspect; i++) {
        if (f->gw.credits > 0) {
            f->gw.credits--;
            free(f->gw.suspect[i]);
        } else if (final || f->now - f->gw.suspect_us[i] >= SUSPECT_US) {
            add_unread(f, f->gw.suspect[i]);
        } else {
            f->gw.suspect_us[k] = f->gw.suspect_us[i];
            f->gw.suspect[k++] = f->gw.suspect[i];
        }
    }
    f->gw.nsuspect = k;
    /* New files come in by other ways too (copies): credits no miss claimed
     * are forgotten, CREDIT_US after the last one was earned and once the
     * grabber has no miss pending. Not from the last call here: after a
     * SIGSTOP that time is long past, and the misses of the rotations made
     * meanwhile come after the credits their rotated files earned. */
    if (!k && f->gw.credits > 0 && !grab_pending(f->gw.grab) &&
        f->now - f->gw.credit_us >= CREDIT_US)
        f->gw.credits = 0;
}

/* Misses arrived for the source of path: the rotated siblings there now
 * are opened at once (each one new pays a miss back), before any miss is
 * settled; a glob source's directory is rescanned. */
static void sweep_for(struct follower *f, const char *path, int *swept)
{
    int si = fscan_source_of(f, path, 1);
    if (si < 0 || si == *swept)
        return;
    *swept = si;
    if (f->sc.src[si]->exact)
        fscan_siblings(f, si);
    else
        fscan_dir_changed(f, path);
}

void fgrab_collect(struct follower *f)
{
    struct grab_item *it = NULL;
    int64_t overflows = 0;
    if (!f->gw.grab)
        return;
    size_t n = grab_take(f->gw.grab, &it, &overflows);
    if (overflows) {
        f->full_scan = 1;
        follow_warn(f, "inotify queue overflow: files created and deleted meanwhile, if any, "
                    "are lost uncounted");
    }
    int swept = -1;
    for (size_t i = 0; i < n; i++)
        if (it[i].fd >= 0)
            hold(f, &it[i]);
    size_t k = 0;
    for (size_t i = 0; i < f->gw.nheld; i++)
        if (!held_one(f, &f->gw.held[i]))
            f->gw.held[k++] = f->gw.held[i];
    f->gw.nheld = k;
    while (f->gw.nheld > HELD_EMPTY_MAX) {   /* the scans still find these by name */
        close(f->gw.held[0].fd);
        free(f->gw.held[0].path);
        memmove(f->gw.held, f->gw.held + 1, --f->gw.nheld * sizeof *f->gw.held);
    }
    for (size_t i = 0; i < n; i++)   /* after the files held: those are not new */
        if (it[i].fd < 0 && store_owns_name(f->s, it[i].path)) {
            free(it[i].path);   /* the store's stamp, renamed into place */
        } else if (it[i].fd < 0) {
            sweep_for(f, it[i].path, &swept);
            suspect(f, it[i].path);
        }
    free(it);
    settle_suspects(f, 0);
    fgrab_save_unread(f);
}

/* --- files lost unread ---------------------------------------------------------------- */

void fgrab_save_unread(struct follower *f)
{
    struct err e = {0};
    if (!f->gw.nunread || f->now < f->stall_until)
        return;
    struct store_file *row = calloc(1, sizeof *row);
    int rc = row ? store_begin(f->s, &e) : -1;
    for (size_t i = 0; rc == 0 && i < f->gw.nunread; i++) {
        memset(row, 0, sizeof *row);
        snprintf(row->path, sizeof row->path, "%s", f->gw.unread[i]);
        row->size = -1;
        row->state = FILE_GONE;
        row->first_seen = row->last_seen = f->now;
        rc = store_file_put(f->s, row, &e);
    }
    free(row);
    if (rc < 0) {
        ingest_rollback(f->in);
        f->stall_until = f->now + 1000 * 1000;
        return;
    }
    if (follow_commit(f) < 0)
        return;   /* rolled back: saved at the next try */
    for (size_t i = 0; i < f->gw.nunread; i++)
        free(f->gw.unread[i]);
    f->gw.nunread = 0;
}

/* --- stopping ------------------------------------------------------------------------- */

#define DRAIN_US (3000 * 1000)   /* reading deleted files at the end, at most */

/* 1 if t's file is deleted (held only by us) with bytes not read yet. */
static int deleted_unread(const struct tailer *t)
{
    struct stat st;
    if (t->fd < 0 || fstat(t->fd, &st) < 0 || st.st_nlink)
        return 0;
    return t->gz ? !t->gz_done : st.st_size > t->done;
}

/* Lines in t's bytes from done to size (a last line without its newline
 * counts), through its descriptor. */
static int64_t count_lines(const struct tailer *t, int64_t size)
{
    char buf[65536];
    int64_t lines = 0, off = t->done;
    char last = '\n';
    while (off < size) {
        ssize_t n = pread(t->fd, buf, sizeof buf, off);
        if (n <= 0)
            break;
        for (ssize_t i = 0; i < n; i++)
            lines += buf[i] == '\n';
        last = buf[n - 1];
        off += n;
    }
    return lines + (last != '\n');
}

/* Deleted files still being read would be lost with their descriptors:
 * read them now, for a while; what is left is counted lost exactly. */
static void drain_deleted(struct follower *f)
{
    struct err e = {0};
    int64_t end = ts_now() + DRAIN_US;
    for (int more = 1; more && ts_now() < end && f->now >= f->stall_until;) {
        more = 0;
        for (size_t i = 0; i < f->nt; i++) {
            struct tailer *t = f->t[i];
            t->want = deleted_unread(t);
            t->away |= t->want;
            more |= t->want;
        }
        if (more)
            more = follow_read_pass(f);
    }
    for (size_t i = 0; i < f->nt && f->now >= f->stall_until; i++) {
        struct tailer *t = f->t[i];
        struct stat st;
        if (t->fd < 0 || fstat(t->fd, &st) < 0 || st.st_nlink)
            continue;
        int unread = deleted_unread(t);
        if (ingest_flush(f->in, t, !unread, &e) < 0) {   /* its pending record */
            follow_failed(f, &e);
            return;
        }
        if (!unread || t->gz)
            continue;
        struct ingest_stats *is = ingest_stats_mut(f->in);
        int64_t lines = count_lines(t, st.st_size), bytes = st.st_size - t->done;
        t->ck.lost_lines += lines;
        t->ck.lost_bytes += bytes;
        is->lost_lines += lines;
        is->lost_bytes += bytes;
        t->ck.state = FILE_GONE;
        follow_warn(f, "%s: deleted, and stopping before it was read: %lld lines (%lld bytes) "
                    "lost", t->path, (long long)lines, (long long)bytes);
        if (ingest_touch(f->in, t, &e) < 0)
            follow_failed(f, &e);
    }
}

void fgrab_finish(struct follower *f)
{
    if (f->gw.grab) {
        grab_stop(f->gw.grab);
        fgrab_collect(f);
        fscan_run(f);   /* last sibling sweeps: what the misses may have become */
        settle_suspects(f, 1);
        fgrab_save_unread(f);
    }
    drain_deleted(f);
}
