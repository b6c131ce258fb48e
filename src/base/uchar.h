/* uchar: facts about Unicode code points that every text output needs:
 * which characters a terminal must never receive as themselves. */
#ifndef LOGDECK_UCHAR_H
#define LOGDECK_UCHAR_H

#include <stdint.h>

/* 1 for invisible characters that can reorder or hide text: bidi
 * embeddings, overrides and isolates (U+202A-202E, U+2066-2069, U+200E/F,
 * U+061C), zero-width characters (U+200B-200D, U+2060-2064, U+FEFF), line
 * and paragraph separators, soft hyphen, interlinear annotations and tags.
 * Every text output shows them as an escape ("\u202e"). */
int uchar_invisible(uint32_t cp);

#endif
