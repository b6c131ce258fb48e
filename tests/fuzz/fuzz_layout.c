/* fuzz_layout: libFuzzer target for the layout learner and the timestamp
 * forms. The first line of the input is compiled as a timestamp form
 * (tsform_compile) and matched at every position of every other line; the
 * lines then go through one parser that learns layouts (or, by the first
 * byte, uses a user layout: a regex with named groups and that form), with
 * a year reference from the input, and every record is checked: level and
 * format in range, strings readable to their length, fields valid JSON. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/base/tsform.h"
#include "src/parse/parse.h"

static unsigned sum;

static void touch(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        sum += (unsigned char)s[i];
}

static int check(void *ctx, const struct record *r)
{
    (void)ctx;
    if (r->level < 0 || r->level >= LVL_COUNT || r->format <= FMT_AUTO || r->format >= FMT_COUNT)
        abort();
    if (r->nlines < 1 || (r->raw_len && !r->raw) || (r->msg_len && !r->msg))
        abort();
    touch(r->raw, r->raw_len);
    touch(r->msg, r->msg_len);
    if (r->fields) {
        cJSON *j = cJSON_Parse(r->fields);
        if (!j || !cJSON_IsObject(j))
            abort();
        cJSON_Delete(j);
    }
    return 0;
}

static void forms(const char *pat, const char *s, size_t n)
{
    struct tsform f;
    struct tsform_val v;
    size_t at;
    const char *why;
    struct tzspec tz = {0, 0};
    int64_t t;
    if (tsform_compile(&f, pat, &at, &why) < 0) {
        if (at > strlen(pat))
            abort();   /* the error position is inside the pattern */
        return;
    }
    for (size_t i = 0; i < n && i < 64; i++) {
        size_t u = tsform_match(&f, s + i, n - i, &v);
        if (u > n - i)
            abort();
        if (u)
            tsform_time(&f, &v, &tz, 1704067200000000LL, &t);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    const char *nl = memchr(s, '\n', size);
    size_t pn = nl ? (size_t)(nl - s) : size;
    char pat[128];
    size_t k = pn < sizeof pat - 1 ? pn : sizeof pat - 1;
    memcpy(pat, s, k);
    pat[k] = '\0';
    if (k && memchr(pat, 0, k))
        pat[0] = '\0';
    struct parse_opts o = {.tz_fixed = size & 1, .tz_offset_s = -25200};
    if (size && (data[0] & 0x80)) {
        o.layout_regex = "^(?<ts>[^|]*)\\|(?<level>[^|]*)\\|(?<msg>.*)";
        o.layout_ts = (data[0] & 0x40) && pat[0] ? pat : NULL;
    }
    struct parser *p = parse_new(&o, NULL);
    if (!p) {   /* a pattern that does not compile */
        o.layout_ts = NULL;
        if (!(p = parse_new(&o, NULL)))
            abort();
    }
    parse_set_ref_time(p, size > 2 ? (int64_t)data[1] * 40000000000000LL : 0);
    for (size_t off = nl ? pn + 1 : size; off <= size;) {
        const char *e = off < size ? memchr(s + off, '\n', size - off) : NULL;
        size_t len = e ? (size_t)(e - s) - off : size - off;
        char *line = malloc(len ? len : 1);   /* exactly len bytes: ASan sees overreads */
        memcpy(line, s + off, len);
        forms(pat, line, len);
        parse_push(p, line, len, (int64_t)off, 0, 1704067200000000LL, check, NULL);
        free(line);
        off += len + 1;
    }
    parse_flush(p, check, NULL);
    char buf[2048];
    parse_layout_describe(p, buf, sizeof buf);
    parse_layout_name(p, buf, sizeof buf);
    parse_free(p);
    return 0;
}

#include "tests/fuzz/replay.h"
