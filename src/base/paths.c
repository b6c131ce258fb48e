/* paths: PATH|GLOB|DIR argument expansion (paths.h). */
#include "src/base/paths.h"

#include <dirent.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int add(struct pathlist *pl, const char *p, struct err *e)
{
    for (size_t i = 0; i < pl->n; i++)
        if (strcmp(pl->v[i], p) == 0)
            return 0;    /* named twice: index once */
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 16;
        char **nv = realloc(pl->v, cap * sizeof *nv);
        if (!nv)
            return err_set(e, "out of memory");
        pl->v = nv;
        pl->cap = cap;
    }
    if (!(pl->v[pl->n] = strdup(p)))
        return err_set(e, "out of memory");
    pl->n++;
    return 0;
}

static int cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int paths_is_glob(const char *s)
{
    return strpbrk(s, "*?[") != NULL;
}

static int add_dir(struct pathlist *pl, const char *dir, struct err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return err_set(e, "cannot read directory %s: %s", dir, strerror(errno));
    struct pathlist tmp = {0};
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode))
            rc = add(&tmp, p, e);
    }
    closedir(d);
    if (tmp.n)
        qsort(tmp.v, tmp.n, sizeof *tmp.v, cmp);
    for (size_t i = 0; rc == 0 && i < tmp.n; i++)
        rc = add(pl, tmp.v[i], e);
    paths_fini(&tmp);
    return rc;
}

int paths_expand(struct pathlist *pl, const char *arg, struct err *e)
{
    struct stat st;
    if (stat(arg, &st) == 0)
        return S_ISDIR(st.st_mode) ? add_dir(pl, arg, e) : add(pl, arg, e);
    if (!paths_is_glob(arg))
        return err_set(e, "%s: %s", arg, strerror(errno));
    glob_t g;
    int r = glob(arg, GLOB_MARK, NULL, &g);
    if (r == GLOB_NOMATCH)
        return err_set(e, "%s: no file matches", arg);
    if (r != 0)
        return err_set(e, "%s: cannot expand the pattern", arg);
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
        size_t l = strlen(g.gl_pathv[i]);
        if (l && g.gl_pathv[i][l - 1] != '/')   /* GLOB_MARK: skip directories */
            rc = add(pl, g.gl_pathv[i], e);
    }
    globfree(&g);
    return rc;
}

void paths_fini(struct pathlist *pl)
{
    for (size_t i = 0; i < pl->n; i++)
        free(pl->v[i]);
    free(pl->v);
    memset(pl, 0, sizeof *pl);
}
