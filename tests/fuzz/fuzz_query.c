/* fuzz_query: compiles arbitrary bytes as a query and describes the plan.
 * A bad query must give an error with exit code 2, never a crash; a good
 * one must describe without overflowing a small buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/query/query.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';   /* queries are C strings: an embedded NUL ends them */
    struct tzspec tz = {.fixed = 1, .offset_s = 3600};
    struct err e = {0};
    struct plan *p = query_compile(text, 1700000000000000LL, &tz, &e);
    if (p) {
        char small[16], big[4096];
        query_describe(p, small, sizeof small);
        query_describe(p, big, sizeof big);
        if (!p->root)
            abort();
        query_free(p);
    } else if (e.code != 2 && e.code != 1) {
        abort();
    }
    free(text);
    return 0;
}

#include "tests/fuzz/replay.h"
