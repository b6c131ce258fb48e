/* layout: the layout of a timestamped text log, learned per file or named
 * by the user. Internal to the parser (parse.c).
 *
 * Learning: the first line no other format parses is searched for a time
 * in one of the built-in forms (tsform.h) at the start of each of its first
 * 16 whitespace-separated fields (optionally after '[', '(' or '<' or a
 * syslog <PRI>); the leftmost time with a year (or an epoch) wins over one
 * without. The level is the first level word (or, after a logcat time, a
 * single letter V D I W E F A) among the 8 tokens after the time, its
 * position voted over the first 20 lines and then fixed. A layout is then
 * applied to each line by walking to its field and running the form's
 * steps: no regex, no search. A line that does not fit is tried against
 * the other layouts of the file (at most 4) and otherwise learned from; if
 * it holds no time it is not a record start (the parser joins it to the
 * previous record).
 *
 * A user layout (config: layout: {regex, ts_format}) replaces learning:
 * a POSIX ERE with named groups ts, level, msg and any others (fields). */
#ifndef LOGDECK_PARSE_LAYOUT_H
#define LOGDECK_PARSE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"
#include "src/parse/env.h"

struct layout_set;

/* regex and ts_form may be NULL (learn; a ts_form alone restricts learning
 * to that form). Returns NULL with e filled (code 2) if either is bad. */
struct layout_set *layout_new(const char *regex, const char *ts_form, struct err *e);
void layout_free(struct layout_set *ls);   /* NULL is a no-op */

/* Parses a line (ANSI colours removed) that no built-in format took.
 * Returns 1 and fills r (format FMT_LAYOUT, strings in env->arena) if the
 * line starts a record in a layout of the file, else 0 (r unchanged).
 * learn_ok 0: only layouts already learned are tried. */
int layout_parse(struct layout_set *ls, struct parse_env *env, const char *s, size_t n,
                 struct record *r, int learn_ok);

/* Describes the layouts in use, most used first, one per line ("time at
 * field 1 as yyyy-MM-dd..., level 2 tokens after it; fitted N lines").
 * Returns the length written (truncated to fit buf). */
size_t layout_describe(const struct layout_set *ls, char *buf, size_t bufsz);
/* Short name of the most used layout ("learned: field 0 yyyy-MM-dd..."), or "" */
void layout_name(const struct layout_set *ls, char *buf, size_t bufsz);
/* Lines that started a record through a layout. */
int64_t layout_fitted(const struct layout_set *ls);

/* The level of one token ("INFO", "[error]", "<Warn>", "[core:notice]",
 * "WARN:"), or -1. A plain lower-case word counts only with ANY_CASE;
 * LETTERS: also logcat's single letters (V D I W E F A, "D/Tag"). */
#define LAYOUT_LETTERS 1
#define LAYOUT_ANY_CASE 2
int layout_level_word(const char *s, size_t n, int flags);

#endif
