/* args: where a command's options end and its query begins (cli.h). */
#include "src/cli/cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

/* The long option arg names (exact, or an unambiguous prefix as getopt
 * allows), or NULL. */
static const struct option *find_long(const char *arg, const struct option *longs)
{
    size_t n = strcspn(arg, "=");
    const struct option *hit = NULL;
    for (const struct option *o = longs; o && o->name; o++) {
        if (strncmp(o->name, arg, n) != 0)
            continue;
        if (strlen(o->name) == n)
            return o;
        if (hit)
            return NULL;   /* ambiguous: getopt would refuse it too */
        hit = o;
    }
    return hit;
}

int cli_opts_end(int argc, char **argv, const char *shorts, const struct option *longs)
{
    int i = 1;
    while (i < argc) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (a[0] != '-' || !a[1])
            return i;
        if (a[1] == '-') {
            const struct option *o = find_long(a + 2, longs);   /* unknown: getopt says so */
            i += o && o->has_arg == required_argument && !strchr(a, '=') ? 2 : 1;
            continue;
        }
        int next = i + 1;
        for (const char *c = a + 1; *c; c++) {
            const char *s = *c != ':' && *c != '+' ? strchr(shorts, *c) : NULL;
            if (!s)
                return i;   /* "-path:/health": a query, not options */
            if (s[1] == ':') {
                next = c[1] ? i + 1 : i + 2;
                break;
            }
        }
        i = next;
    }
    return i < argc ? i : argc;
}
