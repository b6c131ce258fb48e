/* recout: records as text lines and JSON lines, and the escaping that
 * keeps terminals and JSON consumers safe (see recout.h). Traces and stats
 * are in src/report/repout.c. */
#include "src/query/recout.h"
#include "src/base/jsonraw.h"
#include "src/base/record.h"
#include "src/base/ts.h"
#include "src/base/uchar.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), 0 if invalid; *cp gets
 * the code point. Overlongs, surrogates and > U+10FFFF are invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000, c &= 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return len;
}

void recout_escape_text(FILE *f, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_seq(u + i, n - i, &cp);
        if (k == 1 && cp >= 0x20 && cp != 0x7f && cp != '\\') {
            fputc((int)cp, f);
        } else if (k == 1 && (cp == '\n' || cp == '\t' || cp == '\r' || cp == '\\')) {
            fputc('\\', f);
            fputc(cp == '\n' ? 'n' : cp == '\t' ? 't' : cp == '\r' ? 'r' : '\\', f);
        } else if (k > 1 && !(cp >= 0x80 && cp <= 0x9F) && !uchar_invisible(cp)) {
            fwrite(u + i, 1, k, f);
        } else if (k > 1) {
            fprintf(f, "\\u%04x", cp);
        } else {
            fprintf(f, "\\x%02x", u[i]);
            k = 1;
        }
        i += k;
    }
}

/* cp as a JSON \\u escape (a surrogate pair above U+FFFF): the same
 * string for a parser, nothing a terminal acts on. */
static void json_u(FILE *f, unsigned cp)
{
    if (cp > 0xFFFF)
        fprintf(f, "\\u%04x\\u%04x", 0xD800 + ((cp - 0x10000) >> 10), 0xDC00 + ((cp - 0x10000) & 0x3FF));
    else
        fprintf(f, "\\u%04x", cp);
}

char *recout_escape_buf(const char *s, char *buf, size_t cap)
{
    char *m = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&m, &len);
    buf[0] = '\0';
    if (!f)
        return buf;
    recout_escape_text(f, s ? s : "", s ? strlen(s) : 0);
    fclose(f);
    if (m && cap) {
        size_t k = len < cap ? len : cap - 1;
        while (k > 0 && k < len && ((unsigned char)m[k] & 0xC0) == 0x80)
            k--;   /* never half a character */
        memcpy(buf, m, k);
        buf[k] = '\0';
    }
    free(m);
    return buf;
}

/* 1 if code point cp goes into a JSON string as it is. */
static int json_plain(unsigned cp)
{
    if (cp >= 0x20 && cp < 0x7f)
        return cp != '"' && cp != '\\';
    return !(cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9F) || uchar_invisible(cp));
}

/* Runs of bytes written as they are go out in one fwrite (one per byte
 * made `query --json` spend half its time in stdio's locking). */
void recout_json_string(FILE *f, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t run = 0;   /* the bytes from here to i go out as they are */
    fputc('"', f);
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_seq(u + i, n - i, &cp);
        if (k && json_plain(cp)) {
            i += k;
            continue;
        }
        fwrite(u + run, 1, i - run, f);
        if (!k) {
            fputs("\xEF\xBF\xBD", f);   /* U+FFFD for an invalid byte */
            k = 1;
        } else if (cp == '"' || cp == '\\') {
            fprintf(f, "\\%c", (int)cp);
        } else if (cp == '\n') {
            fputs("\\n", f);
        } else if (cp == '\t') {
            fputs("\\t", f);
        } else if (cp == '\r') {
            fputs("\\r", f);
        } else {
            json_u(f, cp);
        }
        i += k;
        run = i;
    }
    fwrite(u + run, 1, n - run, f);
    fputc('"', f);
}

/* Writes JSON text n bytes long: inside strings invalid UTF-8 becomes
 * U+FFFD and control characters \u00XX; outside them whitespace becomes a
 * space. The text must be valid JSON otherwise (as cJSON parsed it). */
static void json_clean_n(FILE *f, const char *json, size_t n)
{
    const unsigned char *u = (const unsigned char *)json;
    int in_str = 0, esc = 0;
    size_t run = 0;   /* the bytes from here to i go out as they are */
    for (size_t i = 0; i < n;) {
        unsigned cp;
        size_t k = utf8_seq(u + i, n - i, &cp);
        int plain = k && (in_str ? cp == '"' || cp == '\\' || json_plain(cp) : cp >= 0x20);
        if (!plain) {
            fwrite(u + run, 1, i - run, f);
            if (!k)
                fputs("\xEF\xBF\xBD", f);
            else if (!in_str)
                fputc(' ', f);
            else
                json_u(f, cp);
            run = i + (k ? k : 1);
        }
        if (!k) {
            i++;
            continue;
        }
        if (in_str && !esc && cp == '"')
            in_str = 0;
        else if (!in_str && cp == '"')
            in_str = 1;
        esc = in_str && !esc && cp == '\\';
        i += k;
    }
    fwrite(u + run, 1, n - run, f);
}

void recout_json_clean(FILE *f, const char *json)
{
    json_clean_n(f, json, strlen(json));
}

static void json_opt(FILE *f, const char *key, const char *v)
{
    fprintf(f, ",\"%s\":", key);
    if (v)
        recout_json_string(f, v, strlen(v));
    else
        fputs("null", f);
}

/* The fields object: the raw object of a JSON record as written (numbers
 * keep their digits), else the fields column, else {}. */
static void json_fields(FILE *f, const struct record *r)
{
    cJSON *o = NULL;
    const char *end = NULL;
    fputs(",\"fields\":", f);
    if (r->format == FMT_JSON && r->raw && r->raw_len) {
        o = jsonraw_parse(r->raw, r->raw_len, &end);
        size_t b = 0, e = r->raw_len;
        while (b < e && (r->raw[b] == ' ' || r->raw[b] == '\t' || r->raw[b] == '\r' || r->raw[b] == '\n'))
            b++;
        while (end && end < r->raw + e && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n'))
            end++;
        if (cJSON_IsObject(o) && end == r->raw + e && memchr(r->raw, '\0', r->raw_len) == NULL) {
            while (e > b && (r->raw[e - 1] == ' ' || r->raw[e - 1] == '\t' || r->raw[e - 1] == '\r' ||
                             r->raw[e - 1] == '\n'))
                e--;
            json_clean_n(f, r->raw + b, e - b);
            cJSON_Delete(o);
            return;
        }
    } else if (r->fields) {
        o = cJSON_Parse(r->fields);
    }
    char *txt = cJSON_IsObject(o) ? cJSON_PrintUnformatted(o) : NULL;
    if (txt)
        recout_json_clean(f, txt);
    else
        fputs("{}", f);
    cJSON_free(txt);
    cJSON_Delete(o);
}

void recout_json(FILE *f, const struct store_row *row, const char *extra)
{
    const struct record *r = &row->rec;
    char tb[32];
    fprintf(f, "{\"ts\":\"%s\",\"level\":\"%s\"", ts_format(r->ts, tb), level_name(r->level));
    json_opt(f, "cid", r->cid);
    json_opt(f, "service", r->service);   /* the field as logged; views show the name rule */
    json_opt(f, "logger", r->logger);
    json_opt(f, "host", r->host ? r->host : store_host());
    json_opt(f, "file", row->file ? row->file : "");
    fprintf(f, ",\"offset\":%lld,\"format\":\"%s\"", (long long)r->offset, fmt_name(r->format));
    if (r->nlines > 1 && r->raw) {   /* the whole text: traceback, continuation lines */
        fputs(",\"text\":", f);
        recout_json_string(f, r->raw, r->raw_len);
    }
    fputs(",\"msg\":", f);
    recout_json_string(f, r->msg ? r->msg : "", r->msg ? r->msg_len : 0);
    json_fields(f, r);
    if (r->history)   /* stored by the backfill (tail-first indexing) */
        fputs(",\"history\":true", f);
    if (extra && *extra)
        fprintf(f, ",%s", extra);
    fputs("}\n", f);
}

void recout_text(FILE *f, const struct store_row *row)
{
    const struct record *r = &row->rec;
    char tb[32], lv[16];
    const char *name = level_name(r->level);
    size_t i = 0;
    for (; name[i] && i < sizeof lv - 1; i++)
        lv[i] = (char)(name[i] >= 'a' && name[i] <= 'z' ? name[i] - 32 : name[i]);
    lv[i] = '\0';
    fprintf(f, "%s %-8s ", ts_format_short(r->ts, 0, tb), lv);
    char nb[64];
    const char *svc = recout_source_name(row, nb);
    recout_escape_text(f, svc, strlen(svc));
    fputc(' ', f);
    recout_escape_text(f, r->msg ? r->msg : "", r->msg ? r->msg_len : 0);
    fputc('\n', f);
}

const char *recout_offset(long long us, char buf[32])
{
    long long a = us < 0 ? -us : us;
    if (a < 1000000)
        snprintf(buf, 32, "%s%.1f ms", us < 0 ? "-" : "+", (double)a / 1000.0);
    else
        snprintf(buf, 32, "%s%.3f s", us < 0 ? "-" : "+", (double)a / 1e6);
    return buf;
}

const char *recout_source_name(const struct store_row *row, char buf[64])
{
    const struct record *r = &row->rec;
    if (r->service && *r->service)
        return r->service;
    if (r->logger && *r->logger)
        return r->logger;
    const char *f = row->file ? strrchr(row->file, '/') : NULL;
    f = f ? f + 1 : row->file;
    size_t n = f ? strcspn(f, ".") : 0;
    if (!n)
        return "-";
    if (n > 63)
        n = 63;
    memcpy(buf, f, n);
    buf[n] = '\0';
    return buf;
}
