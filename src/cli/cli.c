/* cli: running a row of the command table (cli.h): --help from the row,
 * subcommand dispatch, usage lines, and the error line every command
 * prints. */
#include "src/cli/cli.h"
#include "src/query/fieldwarn.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void cli_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "logdeck %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

char *cli_join_args(int argc, char **argv, int first)
{
    size_t len = 1;
    for (int i = first; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = malloc(len);
    if (!s)
        return NULL;
    s[0] = '\0';
    for (int i = first; i < argc; i++) {
        if (i > first)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

/* One row's synopsis lines; *first says whether "usage:" is still to come. */
static void usage_lines(const struct cmd_entry *e, const char *prefix, int *first, FILE *f)
{
    char head[64];
    snprintf(head, sizeof head, "logdeck%s%s%s%s", *prefix ? " " : "", prefix,
             e->name ? " " : "", e->name ? e->name : "");
    for (const char *p = e->usage ? e->usage : ""; ; ) {
        size_t n = strcspn(p, "\n");
        if (*p == ' ')     /* continues the line above, under its arguments */
            fprintf(f, "%*s%.*s\n", (int)strlen(head) + 8, "", (int)n - 1, p + 1);
        else
            fprintf(f, "%s%s%s%.*s\n", *first ? "usage: " : "       ", head, n ? " " : "",
                    (int)n, p);
        *first = 0;
        if (!p[n])
            break;
        p += n + 1;
    }
}

static void synopsis(const struct cmd_entry *e, const char *prefix, int *first, FILE *f)
{
    if (!e->subs) {
        usage_lines(e, prefix, first, f);
        return;
    }
    char sub[64];
    snprintf(sub, sizeof sub, "%s%s%s", prefix, *prefix ? " " : "", e->name);
    for (const struct cmd_entry *const *s = e->subs; *s; s++)
        usage_lines(*s, sub, first, f);
}

void cli_usage(const struct cmd_entry *e, const char *prefix, int help, FILE *f)
{
    int first = 1;
    synopsis(e, prefix, &first, f);
    if (help && e->help)
        fputs(e->help, f);
}

void cli_synopsis(const struct cmd_entry *e, FILE *f)
{
    int first = 0;
    synopsis(e, "", &first, f);
}

/* 1 if --help or -h is among the arguments (up to "--"). */
static int wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            return 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return 1;
    }
    return 0;
}

int cli_run(const struct cmd_entry *e, const char *prefix, const struct cli *c, int argc,
            char **argv)
{
    char name[64];
    snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? " " : "", e->name ? e->name : "");
    if (!e->subs) {
        if (wants_help(argc, argv)) {
            cli_usage(e, prefix, 1, stdout);
            return 0;
        }
        optind = 0;   /* GNU getopt: 0 re-initialises after the caller's parse */
        return e->exec(c, argc, argv);
    }
    if (argc < 2) {
        cli_usage(e, prefix, 1, stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_usage(e, prefix, 1, stdout);
        return 0;
    }
    for (const struct cmd_entry *const *s = e->subs; *s; s++)
        if (strcmp(argv[1], (*s)->name) == 0)
            return cli_run(*s, name, c, argc - 1, argv + 1);
    cli_error(name, "unknown subcommand '%s'", argv[1]);
    cli_usage(e, prefix, 1, stderr);
    return 2;
}

void cli_warn_fields(struct store *s, const struct plan *p, const char *cmd)
{
    char msg[512];
    struct err e = {0};
    if (s && p && fieldwarn_check(s, p, msg, sizeof msg, &e) > 0)
        fprintf(stderr, "logdeck %s: warning: %s\n", cmd, msg);
}
