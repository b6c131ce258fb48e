/* alerts_load: a rules file as the alerts subcommands use it: merged with
 * the config file's notifiers: and rules: (when the config exists), every
 * notify: reference checked; and how its errors are printed. */
#include "src/cli/alerts_load.h"
#include "db/chstore.h"
#include "src/base/xdg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/config.h"

struct ruleset *alerts_load(const struct config *cfg, const char *file, struct err *e)
{
    struct ruleset *rs = rules_load(file, e);
    if (!rs)
        return NULL;
    if (cfg && cfg->doc) {
        struct ruleset *crs = rules_from_config(cfg, e);
        if (!crs || rules_merge(rs, crs, e) < 0) {
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

const char *alerts_state_path(const struct cli *c, char *buf, size_t cap)
{
    if (!chstore_is_url(c->db_path))
        return c->db_path;
    const char *env = getenv("LOGDECK_ALERTS_DB");
    if (env && *env) {
        snprintf(buf, cap, "%s", env);
        return buf;
    }
    return xdg_path(XDG_STATE, "alerts.db", buf, cap);
}
