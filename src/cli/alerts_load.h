/* alerts_load: loading a rules file for the `logdeck alerts` subcommands
 * (cmd_alerts.c, cmd_alerts_run.c). */
#ifndef LOGDECK_CLI_ALERTS_LOAD_H
#define LOGDECK_CLI_ALERTS_LOAD_H

#include <stddef.h>

#include "src/cli/cli.h"
#include "src/base/err.h"
#include "src/alert/rules.h"

struct config;

/* The rules file merged with the config file's notifiers/rules (cfg as
 * main parsed it, or NULL), every notify: reference checked. NULL with e
 * filled (e->code 2: bad content). */
struct ruleset *alerts_load(const struct config *cfg, const char *file, struct err *e);
/* The store that holds alert state, history and the outbox: the store
 * itself, or with --db clickhouse://... a local one ($LOGDECK_ALERTS_DB,
 * else ~/.local/state/logdeck/alerts.db): the engine's transactions need
 * SQLite. buf holds the path when it is not c->db_path. */
const char *alerts_state_path(const struct cli *c, char *buf, size_t cap);
/* Prints each line of e as "logdeck alerts CMD: line". */
void alerts_print_err(const char *cmd, const struct err *e);

#endif
