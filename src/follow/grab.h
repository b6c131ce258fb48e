/* grab: holds new files open from the moment they appear, so that a file
 * rotated and deleted before the follower's loop gets to it (a
 * RotatingFileHandler chain outrunning a loaded reader) is still read
 * through its descriptor.
 *
 * A thread waits on its own inotify instance for files created in, or
 * renamed into, the watched directories under a name some rule matches
 * (a rotated sibling's name only when renamed into: created there, it is
 * a copy being made),
 * opens each at once (read-only) and queues the descriptor; the caller
 * takes the queue (grab_take) and owns what it takes. It also counts the
 * files it could not hold: each creation under a directly matching name
 * is matched with the file found under that name when the event is read;
 * when that name holds no file any more, or one matched with an earlier
 * creation, the file created is a miss. Misses are queued (as items
 * without a descriptor) once the events have been quiet a moment; the
 * caller decides whether a missed file turned up after all (renamed,
 * compressed) or is lost. Knows nothing of the follower: its rules are
 * copies, and the caller tells it which files it holds (grab_known).
 * Thread-safe; every function is called from the caller's thread. */
#ifndef LOGDECK_GRAB_H
#define LOGDECK_GRAB_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"

/* What is grabbed: a file directly matching pat in a directory matching
 * dir (fnmatch, may hold wildcards), or with pat NULL any name not
 * starting with '.'; with exact, pat is a literal name whose rotated
 * siblings (sibling(name, pat)) are grabbed when renamed into place. */
struct grab_rule {
    const char *dir, *pat;
    int exact;
};

struct grab_item {
    int fd;                 /* read-only descriptor, or -1: a miss (path: the name the
                               file was created under) */
    uint64_t dev, ino;      /* of fd */
    char *path;             /* the name it was met under */
    int created;            /* 1: matched with its creation event (not a missed file
                               turning up; queued even when the caller holds it) */
    int64_t seen_size;      /* -1; the caller's to use */
};

/* A file's identity: device, inode and birth time (0 where the file
 * system keeps none), so that a reused inode number is a new file. */
uint64_t grab_key(int fd);

typedef int (*grab_sibling_fn)(const char *name, const char *base);

struct grab;

/* Starts the thread (with every signal blocked). wake_fd (an eventfd,
 * borrowed) is written whenever items are queued, and when a file is
 * created under a rotated sibling's name of a rule's file (a copy being
 * made, which a truncation may follow: copytruncate). NULL with e filled. */
struct grab *grab_new(int wake_fd, grab_sibling_fn sibling, struct err *e);
/* Stops the thread; the events it had not read yet are handled and its
 * misses settled, for a last grab_take. */
void grab_stop(struct grab *g);
void grab_free(struct grab *g);   /* stops the thread, closes what was not taken */

/* Watches dir (again after it was recreated). 0, or -1 with e filled. */
int grab_watch(struct grab *g, const char *dir, struct err *e);
/* Replaces the rules (copied). 0, or -1 when out of memory. */
int grab_set_rules(struct grab *g, const struct grab_rule *r, size_t n);
/* The caller holds the file with this grab_key(): not new when renamed. */
void grab_known(struct grab *g, uint64_t key);
/* Moves the queue to *out (caller frees each path and the array) and
 * returns its length; *overflows gets the inotify overflows since the
 * last call (files may have been missed uncounted). */
size_t grab_take(struct grab *g, struct grab_item **out, int64_t *overflows);
/* 1 while misses were seen that grab_take does not give yet (they settle
 * once the events are quiet): the caller's account of misses is not
 * complete until this is 0. */
int grab_pending(struct grab *g);

#endif
