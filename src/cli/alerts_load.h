/* alerts_load: loading a rules file for the `logdeck alerts` subcommands
 * (cmd_alerts.c, cmd_alerts_run.c). */
#ifndef LOGDECK_CLI_ALERTS_LOAD_H
#define LOGDECK_CLI_ALERTS_LOAD_H

#include "src/cli/cli.h"
#include "src/base/err.h"
#include "src/alert/rules.h"

/* The rules file merged with the config file's notifiers/rules (when the
 * config exists), every notify: reference checked. NULL with e filled
 * (e->code 2: bad content). */
struct ruleset *alerts_load(const struct cli *c, const char *file, struct err *e);
/* Prints each line of e as "logdeck alerts CMD: line". */
void alerts_print_err(const char *cmd, const struct err *e);

#endif
