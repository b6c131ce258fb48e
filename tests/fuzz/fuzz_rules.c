/* fuzz_rules: libFuzzer target for the alert rules YAML reader
 * (rules_parse): any input must yield a ruleset or an error message, never
 * a crash, a leak or undefined behaviour. Corpus: tests/fuzz/corpus/rules/. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "src/alert/rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct err e = {0};
    struct ruleset *rs = rules_parse((const char *)data, size, "fuzz.yaml", &e);
    if (rs) {
        rules_check_refs(rs, &e);
        for (int i = 0; i < rs->nrules; i++)
            rules_compare(&rs->rules[i], 1.0);
    } else if (e.msg[0] == '\0') {
        __builtin_trap();   /* a failure must say why */
    }
    rules_free(rs);
    return 0;
}

#include "tests/fuzz/replay.h"
