/* suggest: nearest words by Damerau-Levenshtein distance (suggest.h). */
#include "src/base/suggest.h"

#include <ctype.h>
#include <string.h>

#define SUGGEST_LEN 63

int suggest_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    la = la > SUGGEST_LEN ? SUGGEST_LEN : la;
    lb = lb > SUGGEST_LEN ? SUGGEST_LEN : lb;
    /* Three rows of the dynamic programme: i-2, i-1, i. */
    int rows[3][SUGGEST_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        rows[1][j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int *cur = rows[(i + 1) % 3], *prev = rows[i % 3], *pp = rows[(i + 2) % 3];
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            int d = prev[j - 1] + (ca != cb);
            if (prev[j] + 1 < d)
                d = prev[j] + 1;
            if (cur[j - 1] + 1 < d)
                d = cur[j - 1] + 1;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < d)
                d = pp[j - 2] + 1;
            cur[j] = d;
        }
    }
    return rows[(la + 1) % 3][lb];
}

static int reach(size_t len)
{
    return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

size_t suggest_nearest(const char *word, const char *const *cands, size_t n,
                       const char **out, size_t max)
{
    int lim = reach(strlen(word));
    size_t k = 0;
    for (int d = 1; d <= lim && k < max; d++)
        for (size_t i = 0; i < n && k < max; i++)
            if (cands[i] && suggest_distance(word, cands[i]) == d)
                out[k++] = cands[i];
    return k;
}
