/* jsonraw: cJSON over text with raw NUL bytes (jsonraw.h). */
#include "src/base/jsonraw.h"

#include <stdlib.h>
#include <string.h>

static int only_space(const char *s, const char *e)
{
    for (; s < e; s++)
        if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
            return 0;
    return 1;
}

cJSON *jsonraw_parse(const char *s, size_t n, const char **end)
{
    if (!memchr(s, 0, n))
        return cJSON_ParseWithLengthOpts(s, n, end, 0);
    char *c = malloc(n * 3 + 1);
    size_t o = 0;
    if (!c)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (s[i])
            c[o++] = s[i];
        else
            memcpy(c + o, JSONRAW_NUL_MARK, 3), o += 3;
    }
    c[o] = '\0';
    const char *ce = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(c, o, &ce, 0);
    if (end)
        *end = root && ce && only_space(ce, c + o) ? s + n : NULL;
    free(c);
    return root;
}
