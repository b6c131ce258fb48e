/* alerts_load: a rules file as the alerts subcommands use it: merged with
 * the config file's notifiers: and rules: (when the config exists), every
 * notify: reference checked; and how its errors are printed. */
#include "src/cli/alerts_load.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct ruleset *alerts_load(const struct cli *c, const char *file, struct err *e)
{
    struct ruleset *rs = rules_load(file, e);
    if (!rs)
        return NULL;
    if (c->config_given || access(c->config_path, R_OK) == 0) {
        struct ruleset *cfg = rules_load_config(c->config_path, e);
        if (!cfg || rules_merge(rs, cfg, e) < 0) {
            rules_free(rs);
            return NULL;
        }
    }
    if (rules_check_refs(rs, e) < 0) {
        rules_free(rs);
        return NULL;
    }
    return rs;
}

/* Prints a multi-line error (one FILE:LINE:COL message a line). */
void alerts_print_err(const char *cmd, const struct err *e)
{
    const char *p = e->msg;
    while (*p) {
        size_t n = strcspn(p, "\n");
        fprintf(stderr, "logdeck alerts %s: %.*s\n", cmd, (int)n, p);
        p += n + (p[n] == '\n');
    }
}
