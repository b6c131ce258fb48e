/* session: saving and reading where the user left off (session.h). The
 * file is text, one "key<TAB>value" per line, after a version line:
 *   logdeck-session 1
 *   filter<TAB>level>=error
 *   view<TAB>log
 *   follow<TAB>0
 *   selected<TAB>1714557600000000<TAB>42
 *   time<TAB>1
 *   mark<TAB>1714557600000000<TAB>40        (one line per mark)
 * Values are single lines (the query bar has no newlines); unknown keys
 * are skipped so that a newer version's file still opens. */
#include "ui/session.h"
#include "src/base/xdg.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SESSION_MAGIC "logdeck-session 1"

void session_path(const char *db_path, char *buf, size_t cap)
{
    char real[PATH_MAX], leaf[64];
    const char *key = realpath(db_path, real) ? real : db_path;
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a over the store's real path */
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    snprintf(leaf, sizeof leaf, "sessions/%016" PRIx64, h);
    xdg_path(XDG_STATE, leaf, buf, cap);
}

void session_fini(struct session *s)
{
    marks_fini(&s->marks);
}

static int parse_line(struct session *s, char *line)
{
    char *tab = strchr(line, '\t');
    if (!tab)
        return -1;
    *tab = 0;
    const char *k = line, *v = tab + 1;
    long long a = 0, b = 0;
    if (!strcmp(k, "filter"))
        snprintf(s->filter, sizeof s->filter, "%s", v);
    else if (!strcmp(k, "view"))
        snprintf(s->view, sizeof s->view, "%s", v);
    else if (!strcmp(k, "follow"))
        s->follow = atoi(v) != 0;
    else if (!strcmp(k, "time"))
        s->time_mode = atoi(v);
    else if (!strcmp(k, "selected") && sscanf(v, "%lld\t%lld", &a, &b) == 2)
        s->sel_ts = a, s->sel_id = b;
    else if (!strcmp(k, "mark") && sscanf(v, "%lld\t%lld", &a, &b) == 2) {
        if (s->marks.n < SESSION_MARKS_MAX && !marks_has(&s->marks, a, b) &&
            marks_toggle(&s->marks, a, b) < 0)
            return -1;
    } else if (!strcmp(k, "selected") || !strcmp(k, "mark"))
        return -1;
    return 0;
}

int session_load(const char *path, struct session *s, struct err *e)
{
    memset(s, 0, sizeof *s);
    s->follow = 1;
    FILE *f = fopen(path, "r");
    if (!f)
        return errno == ENOENT ? 0 : err_set(e, "cannot read %s: %s", path, strerror(errno));
    char line[LINEEDIT_MAX + 64];
    int lineno = 0, rc = 1;
    while (fgets(line, sizeof line, f)) {
        size_t n = strlen(line);
        lineno++;
        if (n && line[n - 1] == '\n')
            line[--n] = 0;
        else if (!feof(f)) {
            rc = err_set(e, "%s:%d: line too long", path, lineno);
            break;
        }
        if (lineno == 1 ? strcmp(line, SESSION_MAGIC) != 0 : parse_line(s, line) < 0) {
            rc = err_set(e, "%s:%d: not a logdeck session line", path, lineno);
            break;
        }
    }
    fclose(f);
    if (rc < 0)
        session_fini(s);
    return rc;
}

static int write_all(FILE *f, const struct session *s)
{
    fprintf(f, SESSION_MAGIC "\nfilter\t%s\nview\t%s\nfollow\t%d\nselected\t%lld\t%lld\n"
            "time\t%d\n", s->filter, s->view, s->follow, (long long)s->sel_ts,
            (long long)s->sel_id, s->time_mode);
    for (size_t i = 0; i < s->marks.n; i++)
        fprintf(f, "mark\t%lld\t%lld\n", (long long)s->marks.k[i].ts,
                (long long)s->marks.k[i].id);
    return ferror(f) ? -1 : 0;
}

int session_save(const char *path, const struct session *s, struct err *e)
{
    char dir[PATH_MAX], tmp[PATH_MAX + 16];
    snprintf(dir, sizeof dir, "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash) {   /* .../logdeck/sessions: make both levels */
        *slash = 0;
        char *up = strrchr(dir, '/');
        if (up) {
            *up = 0;
            mkdir(dir, 0700);
            *up = '/';
        }
        if (mkdir(dir, 0700) < 0 && errno != EEXIST)
            return err_set(e, "cannot create %s: %s", dir, strerror(errno));
    }
    snprintf(tmp, sizeof tmp, "%s.%ld", path, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return err_set(e, "cannot write %s: %s", tmp, strerror(errno));
    }
    int bad = write_all(f, s);
    if (fclose(f) != 0 || bad || rename(tmp, path) < 0) {
        int saved = errno;
        unlink(tmp);
        return err_set(e, "cannot write %s: %s", path, strerror(saved ? saved : EIO));
    }
    return 0;
}
