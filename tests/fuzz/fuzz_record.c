/* fuzz_record: libFuzzer target for the record parser. The input is split
 * on '\n' and pushed line by line through one parser (options picked from
 * the first byte: auto or a forced format, tiny group caps, a custom cid
 * regex), then each line goes through parse_line too. The emit callback
 * reads every byte a record points to and checks the invariants other
 * modules rely on: strings readable to their length, fields valid JSON,
 * raw bytes inside what was pushed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "src/parse/parse.h"

struct fuzz_ctx {
    size_t records;
    unsigned sum;
};

static void touch(struct fuzz_ctx *c, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        c->sum += (unsigned char)s[i];
}

static int check(void *ctx, const struct record *r)
{
    struct fuzz_ctx *c = ctx;
    c->records++;
    if (r->level < 0 || r->level >= LVL_COUNT || r->format <= FMT_AUTO || r->format >= FMT_COUNT)
        abort();
    if (r->nlines < 1 || (r->raw_len && !r->raw) || (r->msg_len && !r->msg))
        abort();
    touch(c, r->raw, r->raw_len);
    touch(c, r->msg, r->msg_len);
    const char *strs[] = {r->cid, r->service, r->logger, r->metric_name, r->fields};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++)
        if (strs[i])
            touch(c, strs[i], strlen(strs[i]));
    if (r->format == FMT_JSON && r->fields)
        abort();
    if (r->fields) {
        cJSON *j = cJSON_Parse(r->fields);
        if (!j || !cJSON_IsObject(j))
            abort();   /* fields must always be a valid JSON object */
        cJSON_Delete(j);
    }
    return 0;
}

static void options(uint8_t b, struct parse_opts *o)
{
    memset(o, 0, sizeof *o);
    o->format = (b & 7) < FMT_COUNT ? (b & 7) : FMT_AUTO;
    o->tz_fixed = (b >> 3) & 1;
    o->tz_offset_s = 3600;
    if (b & 0x10) {
        o->max_group_lines = 3;
        o->max_group_bytes = 64;
    }
    if (b & 0x20)
        o->cid_regex = "id=([a-z0-9-]+)";
    if (b & 0x40)
        o->service = "fuzz";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct parse_opts o;
    struct fuzz_ctx c = {0};
    options(size ? data[0] : 0, &o);
    struct parser *p = parse_new(&o, NULL);
    if (!p)
        abort();
    const char *s = (const char *)data;
    for (size_t off = 0; off <= size;) {
        const char *nl = off < size ? memchr(s + off, '\n', size - off) : NULL;
        size_t len = nl ? (size_t)(nl - s) - off : size - off;
        /* a copy of exactly len bytes, so ASan sees any read past the line */
        char *line = malloc(len ? len : 1);
        memcpy(line, s + off, len);
        parse_push(p, line, len, (int64_t)off, len > 4096, 1704067200000000LL, check, &c);
        parse_line(&o, line, len, 1704067200000000LL, check, &c);
        free(line);
        off += len + 1;
    }
    parse_flush(p, check, &c);
    if (parse_pending_offset(p) != -1)
        abort();
    parse_free(p);
    return 0;
}

#include "tests/fuzz/replay.h"
