/* fuzz_config: the YAML config parser (src/config.c) on arbitrary bytes:
 * it must return 0 or -1 with a message, never crash or leak. */
#include <stddef.h>
#include <stdint.h>

#include "src/base/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct config c;
    struct err e = {0};
    if (config_parse(&c, (const char *)data, size, "fuzz.yaml", &e) == 0)
        config_fini(&c);
    return 0;
}

#include "tests/fuzz/replay.h"
