/* loop: the TUI's event loop (poll on the terminal, the signal pipe and
 * the wake pipe), key dispatch, periodic store checks and drawing.
 * tui.c sets up and tears down around it. */
#ifndef LOGDECK_UI_LOOP_H
#define LOGDECK_UI_LOOP_H

#include <signal.h>

#include "ui/app.h"

struct loop_io {
    int sig_fd;                       /* read end of the signal pipe */
    int wake_fd;                      /* job results (pager, views), or -1 */
    int feed_fd;                      /* the caller's wake fd, or -1 */
    volatile sig_atomic_t *winch;     /* set by SIGWINCH */
    volatile sig_atomic_t *term_sig;  /* set by SIGTERM/SIGINT/SIGHUP */
    int64_t start_us;                 /* when tui_run began (for timing logs) */
};

/* Runs until the user quits or a terminating signal arrives. */
void loop_run(struct app *a, const struct loop_io *io);
/* Draws the whole screen now. */
void loop_draw(struct app *a);

#endif
