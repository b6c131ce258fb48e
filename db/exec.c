/* exec: query plan execution (placeholder until the query engine lands). */
#include "db/store_int.h"

int store_exec_init(struct store *s, struct err *e)
{
    (void)s;
    (void)e;
    return 0;
}

void store_exec_fini(struct store *s)
{
    (void)s;
}
