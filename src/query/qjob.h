/* qjob: job runners (src/base/job.h) whose thread reads the store through
 * its own connection, opened on the first job that asks for it and closed
 * on that thread when the runner stops. For the pager, the metrics, trace
 * and alerts jobs: the UI thread never holds these connections. */
#ifndef LOGDECK_QUERY_QJOB_H
#define LOGDECK_QUERY_QJOB_H

#include "db/store.h"
#include "src/base/err.h"
#include "src/base/job.h"

/* A runner for the store at db_path (copied). Returns NULL with e filled. */
struct jobq *qjob_new(const char *db_path, int wake_fd, struct err *e);
/* Inside a job of such a runner: its read connection, or NULL with e
 * filled. Borrowed: valid until the job returns. */
struct store *qjob_store(struct job *j, struct err *e);
/* The runner's store path (borrowed, valid while the runner lives), for
 * jobs that open a short-lived write connection. */
const char *qjob_db_path(struct job *j);

#endif
