/* spark: sparklines with the eight block characters U+2581..U+2588, as
 * UTF-8 text for any output (the metrics view, tests). Pure C. */
#ifndef LOGDECK_SPARK_H
#define LOGDECK_SPARK_H

#include <stddef.h>

#define SPARK_LEVELS 8

enum spark_scale {
    SPARK_ZERO = 0,   /* counts: 0 is blank, max is a full block */
    SPARK_RANGE = 1   /* gauges: min is the lowest block, max the full block */
};

/* The level of v among lo..hi: 1..SPARK_LEVELS, or 0 for a blank (v <= 0
 * on a SPARK_ZERO scale). With SPARK_ZERO, any v > 0 is at least level 1. */
int spark_level(double v, double lo, double hi, int scale);

/* Writes n values as one character each into out (UTF-8, NUL-terminated;
 * at most 3 bytes per value). present (NULL: all present) marks values
 * drawn as a blank when 0. lo/hi are taken from the present values.
 * Returns the bytes written (truncated at a character when cap is short). */
size_t spark_render(const double *v, const unsigned char *present, int n, int scale,
                    char *out, size_t cap);

/* The code point of a level (0: space). */
unsigned spark_glyph(int level);

#endif
