/* history: query history kept in memory and in a text file (history.h). */
#include "ui/history.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define HISTORY_LINE_MAX 4096

static char *clean(const char *q)
{
    size_t n = strlen(q);
    while (n && (q[n - 1] == ' ' || q[n - 1] == '\t'))
        n--;
    while (n && (*q == ' ' || *q == '\t'))
        q++, n--;
    if (n == 0 || n > HISTORY_LINE_MAX)
        return NULL;
    char *s = strndup(q, n);
    for (char *p = s; s && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = ' ';
    return s;
}

/* Appends s (takes ownership), dropping an equal older entry and the
 * oldest entries beyond max. */
static int push(struct history *h, char *s)
{
    for (int i = 0; i < h->n; i++)
        if (strcmp(h->v[i], s) == 0) {
            free(h->v[i]);
            memmove(h->v + i, h->v + i + 1, (size_t)(h->n - i - 1) * sizeof *h->v);
            h->n--;
            break;
        }
    if (h->n == h->max) {
        free(h->v[0]);
        memmove(h->v, h->v + 1, (size_t)(h->n - 1) * sizeof *h->v);
        h->n--;
    }
    if (h->n == h->cap) {
        int cap = h->cap ? h->cap * 2 : 32;
        char **v = realloc(h->v, (size_t)cap * sizeof *v);
        if (!v) {
            free(s);
            return -1;
        }
        h->v = v;
        h->cap = cap;
    }
    h->v[h->n++] = s;
    return 0;
}

int history_load(struct history *h, const char *path, int max, struct err *e)
{
    memset(h, 0, sizeof *h);
    h->max = max > 0 ? max : 500;
    if (!path)
        return 0;
    h->path = strdup(path);
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : err_set(e, "cannot read history %s: %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        if (len > 0 && line[len - 1] == '\n')
            line[len - 1] = 0;
        char *s = clean(line);
        if (s)
            push(h, s);
    }
    free(line);
    fclose(f);
    return 0;
}

static void mkdirs(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            mkdir(buf, 0700);
            *p = '/';
        }
}

static int save(const struct history *h, struct err *e)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.%ld.tmp", h->path, (long)getpid());
    mkdirs(h->path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return err_set(e, "cannot save history %s: %s", h->path, strerror(errno));
    FILE *f = fdopen(fd, "w");
    for (int i = 0; f && i < h->n; i++)
        fprintf(f, "%s\n", h->v[i]);
    int bad = !f || ferror(f);
    if ((f ? fclose(f) : close(fd)) != 0 || bad || rename(tmp, h->path) != 0) {
        unlink(tmp);
        return err_set(e, "cannot save history %s: %s", h->path, strerror(errno));
    }
    return 0;
}

int history_add(struct history *h, const char *q, struct err *e)
{
    char *s = clean(q);
    if (!s)
        return 0;
    if (push(h, s) < 0)
        return err_set(e, "out of memory");
    return h->path ? save(h, e) : 0;
}

const char *history_get(const struct history *h, int i)
{
    return i >= 0 && i < h->n ? h->v[i] : NULL;
}

void history_fini(struct history *h)
{
    for (int i = 0; i < h->n; i++)
        free(h->v[i]);
    free(h->v);
    free(h->path);
    memset(h, 0, sizeof *h);
}
