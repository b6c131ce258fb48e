/* thread: the one way logdeck starts a thread. Every signal is blocked in
 * the new thread, so signals reach only the thread that handles them (the
 * TUI's loop through its signal pipe, the follower through its signalfd);
 * the caller's own mask is unchanged. Whoever starts a thread joins it. */
#ifndef LOGDECK_BASE_THREAD_H
#define LOGDECK_BASE_THREAD_H

#include <pthread.h>

/* pthread_create(th, NULL, fn, arg) with all signals blocked in the new
 * thread, named `name` (at most 15 bytes; shown by top -H and in
 * /proc/PID/task/TID/comm, so a thread's CPU time can be told apart).
 * Returns 0, or the error number pthread_create returned. */
int thread_start(const char *name, pthread_t *th, void *(*fn)(void *), void *arg);

#endif
