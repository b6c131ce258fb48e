/* err: the caller-owned error message every fallible function fills.
 * Functions return 0/-1 (or NULL) and, on failure, write a sentence a user
 * can act on (what failed and where) into a struct err supplied by the
 * caller. A NULL struct err pointer is allowed: the message is discarded. */
#ifndef LOGDECK_ERR_H
#define LOGDECK_ERR_H

struct err {
    char msg[1024];
    int code;        /* optional: exit-code hint (1 runtime, 2 usage/input) */
};

/* Formats the message; always returns -1 so callers can `return err_set(..)`. */
int err_set(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same, with the exit-code hint set. */
int err_setc(struct err *e, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepends "prefix: " to an existing message. Returns -1. */
int err_prefix(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void err_clear(struct err *e);

#endif
