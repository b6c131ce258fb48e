/* fuzz_theme: parses arbitrary bytes as a theme file (ui/theme.c). A bad
 * theme must give an error with exit code 2 naming a line, never a crash;
 * a good one must leave every role with a colour in -1..255 and only known
 * attribute bits; the text sanitizer gets the same bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ui/text.h"
#include "ui/theme.h"

/* tests/fuzz/build.sh compiles src/ and db/ only: bring in the (curses-
 * free) theme and text code directly for the libFuzzer build. */
#ifdef LOGDECK_LIBFUZZER
#include "ui/text.c"
#include "ui/theme.c"
#include "ui/theme_default.c"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct theme t;
    struct err e = {0};
    theme_default(&t);
    if (theme_parse(&t, (const char *)data, size, &e) == 0) {
        for (int r = 0; r < ROLE_COUNT; r++)
            if (t.role[r].fg < -1 || t.role[r].fg > 255 || t.role[r].bg < -1 ||
                t.role[r].bg > 255 || (t.role[r].attrs & ~0x7f))
                abort();
    } else if (e.code != 2 || !strstr(e.msg, "theme line ")) {
        abort();
    }
    char out[512];
    size_t n = text_sanitize((const char *)data, size, out, sizeof out);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)out[i] < 0x20 || out[i] == 0x7f)
            abort();
    return 0;
}

#include "tests/fuzz/replay.h"
