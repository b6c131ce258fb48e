/* paths: expands the PATH|GLOB|DIR arguments users give into file paths. */
#ifndef LOGDECK_PATHS_H
#define LOGDECK_PATHS_H

#include <stddef.h>

#include "src/base/err.h"

struct pathlist {
    char **v;
    size_t n, cap;
};

/* Appends the files arg names: a file as is; a directory's regular files
 * (not recursive, sorted, hidden files skipped); a glob's matches (sorted).
 * A glob matching nothing and a missing path are errors (-1, e filled) —
 * the caller decides whether to go on with the other arguments. */
int paths_expand(struct pathlist *pl, const char *arg, struct err *e);
void paths_fini(struct pathlist *pl);
int paths_is_glob(const char *s);

#endif
