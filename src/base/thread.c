/* thread: starting threads with signals blocked (see thread.h). */
#include "src/base/thread.h"

#include <signal.h>

int thread_start(const char *name, pthread_t *th, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);   /* the new thread inherits the mask */
    int rc = pthread_create(th, NULL, fn, arg);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc == 0 && name)
        pthread_setname_np(*th, name);   /* a diagnostic: failure changes nothing */
    return rc;
}
