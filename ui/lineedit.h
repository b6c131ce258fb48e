/* lineedit: a one-line UTF-8 text editor (no curses) for the query bar
 * and the command line: insert at the cursor, delete, move by character
 * and word, and the readline keys users expect (^A ^E ^U ^K ^W). The
 * cursor is a byte offset that is always at a character boundary. */
#ifndef LOGDECK_UI_LINEEDIT_H
#define LOGDECK_UI_LINEEDIT_H

#include <stddef.h>
#include <stdint.h>

#define LINEEDIT_MAX 4096   /* bytes; longer input is refused */

struct lineedit {
    char buf[LINEEDIT_MAX + 1];
    size_t len, cur;
};

void lineedit_set(struct lineedit *l, const char *text);   /* cursor at end */
int lineedit_insert(struct lineedit *l, uint32_t cp);      /* -1 if full */
void lineedit_backspace(struct lineedit *l);
void lineedit_delete(struct lineedit *l);
void lineedit_left(struct lineedit *l);
void lineedit_right(struct lineedit *l);
void lineedit_word_left(struct lineedit *l);
void lineedit_word_right(struct lineedit *l);
void lineedit_kill_to_start(struct lineedit *l);   /* ^U */
void lineedit_kill_to_end(struct lineedit *l);     /* ^K */
void lineedit_kill_word(struct lineedit *l);       /* ^W */
/* Display column of the cursor (text_width of the text before it). */
int lineedit_cursor_col(const struct lineedit *l);
/* Byte offset of display column col (the character covering it). */
size_t lineedit_offset_of_col(const struct lineedit *l, int col);

#endif
