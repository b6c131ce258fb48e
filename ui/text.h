/* text: safe text for the terminal (no curses). Decodes bytes from log
 * content into glyphs a terminal can show without being changed by them:
 * invalid UTF-8 becomes U+FFFD; control characters become visible escapes
 * (ESC -> "^[", DEL -> "^?", C1 U+0085 -> "\u0085", bidi overrides and
 * other invisible format characters -> "\u202e"); combining marks attach
 * to the glyph before them; every glyph carries its wcwidth() column width
 * so wide characters (CJK, emoji) align. Tabs and newlines are reported as
 * such (cp '\t' / '\n', width 0) so that layout code decides what they
 * become.
 *
 * Widths come from the C library's wcwidth() in the current LC_CTYPE (the
 * same function curses uses): under a non-UTF-8 locale every non-ASCII
 * character is shown as an escape, which is safe on any terminal. */
#ifndef LOGDECK_UI_TEXT_H
#define LOGDECK_UI_TEXT_H

#include <stddef.h>
#include <stdint.h>

#define TEXT_MAXG 12      /* glyphs one source character can become */
#define TEXT_MAXCOMB 2    /* combining marks kept per glyph (more are dropped) */

struct glyph {
    uint32_t cp;          /* code point to draw */
    uint32_t comb[TEXT_MAXCOMB];   /* combining marks, 0-terminated */
    uint8_t width;        /* columns: 1 or 2 (0 only for '\t' and '\n') */
    uint8_t esc;          /* 1: part of a visible escape or a replacement */
};

/* Decodes the character at s[*pos] (n bytes in all) into 1..TEXT_MAXG
 * glyphs, advancing *pos past it and past any combining marks that
 * follow it. Returns the number of glyphs (0 only when *pos >= n). */
int text_decode(const char *s, size_t n, size_t *pos, struct glyph *g);

/* Decodes one UTF-8 sequence at s[*pos]; returns the code point, or -1
 * for an invalid or truncated sequence (then *pos advances by one byte). */
int32_t text_utf8_next(const char *s, size_t n, size_t *pos);

/* Encodes cp as UTF-8 into out[4]; returns the bytes written (1..4). */
int text_utf8_put(uint32_t cp, char *out);

/* Display columns the first n bytes of s take on one line, with tabs at
 * 8-column stops from column 0 and a newline counted as its escape. */
int text_width(const char *s, size_t n);

/* Byte length of the longest prefix of s that fits in cols columns
 * (never splitting a character). *used gets the columns it takes. */
size_t text_fit(const char *s, size_t n, int cols, int *used);

/* Writes the sanitized form of s as UTF-8 into out (cap bytes including
 * the NUL), escapes spelled out ("^[" ...). Returns the length written
 * (truncated at a character boundary when it does not fit). */
size_t text_sanitize(const char *s, size_t n, char *out, size_t cap);

/* Case-insensitive (ASCII) search for needle in hay; returns the offset
 * of the first match at or after from, or -1. */
long text_find_ci(const char *hay, size_t n, const char *needle, size_t nlen, size_t from);

#endif
