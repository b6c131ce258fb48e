/* fuzz_termesc: the terminal escaping of every text output
 * (recout_escape_text, recout.h). Whatever the bytes, the output is valid
 * UTF-8 and holds no C0 or C1 control, no DEL and no bidi control or
 * zero-width character; the JSON string writer holds none either and
 * parses back. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/base/uchar.h"
#include "src/query/recout.h"

/* Aborts unless s[0..n) is valid UTF-8 free of controls and invisibles. */
static void check_safe(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned c = s[i], cp, len;
        if (c < 0x80)
            cp = c, len = 1;
        else if (c >= 0xC2 && c <= 0xDF)
            cp = c & 0x1F, len = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            cp = c & 0x0F, len = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            cp = c & 0x07, len = 4;
        else
            abort();
        if (i + len > n)
            abort();
        for (unsigned k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                abort();
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || uchar_invisible(cp))
            abort();
        i += len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *out = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&out, &len);
    if (!f)
        return 0;
    recout_escape_text(f, (const char *)data, size);
    fclose(f);
    check_safe((const unsigned char *)out, len);
    free(out);
    out = NULL;
    f = open_memstream(&out, &len);
    if (!f)
        return 0;
    recout_json_string(f, (const char *)data, size);
    fclose(f);
    check_safe((const unsigned char *)out, len);
    cJSON *j = cJSON_ParseWithLength(out, len);
    if (!j || !cJSON_IsString(j))
        abort();
    cJSON_Delete(j);
    free(out);
    return 0;
}

#include "replay.h"
