/* qjob: a job runner's store connection (see qjob.h). */
#include "src/query/qjob.h"

#include <stdlib.h>
#include <string.h>

struct qctx {
    char *db_path;
    struct store *st;   /* opened on the job thread, closed there */
};

static void qctx_fini(void *p)
{
    struct qctx *c = p;
    if (!c)
        return;
    store_close(c->st);
    free(c->db_path);
    free(c);
}

struct jobq *qjob_new(const char *db_path, int wake_fd, struct err *e)
{
    struct qctx *c = calloc(1, sizeof *c);
    if (!c || !(c->db_path = strdup(db_path))) {
        free(c);
        err_set(e, "out of memory");
        return NULL;
    }
    return jobq_new(wake_fd, c, qctx_fini, e);
}

struct store *qjob_store(struct job *j, struct err *e)
{
    struct qctx *c = job_ctx(j);
    if (!c->st)
        c->st = store_open(c->db_path, STORE_READ, e);
    return c->st;
}

const char *qjob_db_path(struct job *j)
{
    struct qctx *c = job_ctx(j);
    return c->db_path;
}
