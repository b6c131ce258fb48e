/* suggest: "did you mean ...?" for words users mistype: command names,
 * field names, theme names. Distance is Damerau-Levenshtein (optimal string
 * alignment: insert, delete, substitute, swap two neighbours), compared
 * case-insensitively, so `qurey` -> `query` and `levle` -> `level`. */
#ifndef LOGDECK_SUGGEST_H
#define LOGDECK_SUGGEST_H

#include <stddef.h>

/* The edit distance between a and b (ASCII case folded); words longer than
 * 63 bytes are compared by their first 63. */
int suggest_distance(const char *a, const char *b);

/* The candidates within reach of word, nearest first (ties keep the
 * candidates' order), at most max of them, written to out; returns how
 * many. Within reach: distance <= 1 for words of up to 4 letters, <= 2 up
 * to 8, else <= 3; an exact match is not suggested. */
size_t suggest_nearest(const char *word, const char *const *cands, size_t n,
                       const char **out, size_t max);

#endif
