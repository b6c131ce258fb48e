/* alerts_load: loading a rules file for the `logdeck alerts` subcommands
 * (cmd_alerts.c, cmd_alerts_run.c). */
#ifndef LOGDECK_CLI_ALERTS_LOAD_H
#define LOGDECK_CLI_ALERTS_LOAD_H

#include "src/cli/cli.h"
#include "src/base/err.h"
#include "src/alert/rules.h"

struct config;

/* The rules file merged with the config file's notifiers/rules (cfg as
 * main parsed it, or NULL), every notify: reference checked. NULL with e
 * filled (e->code 2: bad content). */
struct ruleset *alerts_load(const struct config *cfg, const char *file, struct err *e);
/* Prints each line of e as "logdeck alerts CMD: line". */
void alerts_print_err(const char *cmd, const struct err *e);

#endif
