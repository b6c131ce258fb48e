/* term: the only code that talks to curses. Opens and restores the
 * terminal, turns theme roles into curses attributes (degrading 256 ->
 * 16 -> 8 colours, and to attributes only under NO_COLOR or on a terminal
 * without colour), copies a finished in-memory screen to the terminal,
 * and turns curses input into key codes (keys.h).
 *
 * The terminal is restored on every exit path: term_close() on the normal
 * one, an atexit() hook if something calls exit(), and
 * term_emergency_restore() (async-signal-safe) from fatal signal
 * handlers. */
#ifndef LOGDECK_UI_TERM_H
#define LOGDECK_UI_TERM_H

#include "src/base/err.h"
#include "ui/screen.h"
#include "ui/theme.h"

/* Opens curses on stdin/stdout. no_color: 1 to use attributes only.
 * Returns 0, or -1 with e filled (the terminal is left as it was). */
int term_open(int no_color, struct err *e);
void term_close(void);   /* no-op when not open */
int term_is_open(void);

/* (Re)defines the colour pairs for theme t. */
void term_apply_theme(const struct theme *t);
/* Reads the window size from the terminal and resizes curses to it. */
void term_resize(int *w, int *h);
void term_size(int *w, int *h);
/* Draws s (same size as the terminal) and updates the terminal. */
/* Returns 1 if anything was sent: only the rows unlike the last frame's
 * are, and nothing for a frame like it. */
int term_draw(const struct screen *s);
/* Forces a full repaint on the next term_draw (^L). */
void term_invalidate(void);
/* The next pending key, or K_NONE. Never blocks. */
int term_key(void);
/* Colours the terminal offers (0 when none are used). */
int term_colors(void);

/* Writes the saved "leave the full screen, show the cursor, reset
 * attributes" sequences and restores the saved termios. Only
 * async-signal-safe calls; for fatal signal handlers. */
void term_emergency_restore(void);

#endif
