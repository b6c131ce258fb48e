/* cmd_alerts: pieces shared by the `logdeck alerts` subcommands
 * (cmd_alerts.c: check, test, ack, silence; cmd_alerts_run.c: run, list). */
#ifndef LOGDECK_CMD_ALERTS_H
#define LOGDECK_CMD_ALERTS_H

#include "src/cli/cli.h"
#include "src/base/err.h"
#include "src/alert/rules.h"

/* The rules file merged with the config file's notifiers/rules (when the
 * config exists), every notify: reference checked. NULL with e filled
 * (e->code 2: bad content). */
struct ruleset *alerts_load(const struct cli *c, const char *file, struct err *e);
/* Prints each line of e as "logdeck alerts CMD: line". */
void alerts_print_err(const char *cmd, const struct err *e);

int alerts_run(const struct cli *c, int argc, char **argv);
int alerts_list(const struct cli *c, int argc, char **argv);

#endif
