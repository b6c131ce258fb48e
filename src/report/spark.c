/* spark: sparklines (see spark.h). */
#include "src/report/spark.h"

#include <math.h>

unsigned spark_glyph(int level)
{
    if (level <= 0)
        return ' ';
    if (level > SPARK_LEVELS)
        level = SPARK_LEVELS;
    return 0x2580u + (unsigned)level;   /* U+2581 lower one eighth .. U+2588 full */
}

int spark_level(double v, double lo, double hi, int scale)
{
    if (isnan(v))
        return 0;
    if (scale == SPARK_ZERO) {
        if (v <= 0)
            return 0;
        if (!(hi > 0) || v >= hi)
            return SPARK_LEVELS;
        int l = (int)ceil(v / hi * SPARK_LEVELS - 1e-9);
        return l < 1 ? 1 : l > SPARK_LEVELS ? SPARK_LEVELS : l;
    }
    if (!(hi > lo))
        return SPARK_LEVELS / 2;
    double f = (v - lo) / (hi - lo);
    int l = 1 + (int)floor(f * (SPARK_LEVELS - 1) + 0.5);
    return l < 1 ? 1 : l > SPARK_LEVELS ? SPARK_LEVELS : l;
}

static size_t put_utf8(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    out[0] = (char)(0xE0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

size_t spark_render(const double *v, const unsigned char *present, int n, int scale,
                    char *out, size_t cap)
{
    double lo = INFINITY, hi = -INFINITY;
    size_t len = 0;
    if (!cap)
        return 0;
    for (int i = 0; i < n; i++)
        if ((!present || present[i]) && !isnan(v[i])) {
            lo = v[i] < lo ? v[i] : lo;
            hi = v[i] > hi ? v[i] : hi;
        }
    for (int i = 0; i < n; i++) {
        int l = (!present || present[i]) ? spark_level(v[i], lo, hi, scale) : 0;
        unsigned cp = spark_glyph(l);
        if (len + (cp < 0x80 ? 1 : 3) + 1 > cap)
            break;
        len += put_utf8(cp, out + len);
    }
    out[len] = '\0';
    return len;
}
