/* exec_elem: ld_elem(), the exact check of a field equality or glob
 * through arrays (exec_int.h). rec_fv holds a token for each element of an
 * array ({"tags":["a","b"]}: tags=a and tags=b, src/base/flat.h), so
 * tags:a must also hold row by row, where the token cannot answer alone
 * (a cut value, a glob, a scan of a common value, the alert scanner):
 * ld_field() gives the array as JSON text, which equals no element. */
#include "db/exec_int.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct want {
    int mode;                  /* EXEC_ELEM_TEXT, _GLOB or _NUM */
    sqlite3_value **v;         /* the values (any one matches) */
    int n;
};

int exec_text_number(const char *s, double *out)
{
    char *end = NULL;
    while (*s == ' ')
        s++;
    if (!*s || !(isdigit((unsigned char)*s) || *s == '-' || *s == '+' || *s == '.'))
        return -1;
    double d = strtod(s, &end);
    while (*end == ' ')
        end++;
    if (*end || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

/* A scalar's text as CAST(ld_field(...) AS TEXT) spells it; NULL for
 * anything else. */
static const char *scalar_text(const cJSON *v, char *buf, size_t cap)
{
    if (cJSON_IsString(v))
        return v->valuestring;
    if (cJSON_IsBool(v))
        return cJSON_IsTrue(v) ? "true" : "false";
    if (!cJSON_IsNumber(v))
        return NULL;
    double d = v->valuedouble;
    if (d == floor(d) && fabs(d) < 9007199254740992.0)
        snprintf(buf, cap, "%lld", (long long)d);
    else
        sqlite3_snprintf((int)cap, buf, "%!.15g", d);   /* SQLite's REAL to TEXT */
    return buf;
}

static int scalar_matches(const cJSON *v, const struct want *w)
{
    char buf[64];
    double d;
    if (w->mode == EXEC_ELEM_NUM) {
        if (cJSON_IsNumber(v))
            d = v->valuedouble;
        else if (!cJSON_IsString(v) || !v->valuestring || exec_text_number(v->valuestring, &d) < 0)
            return 0;
        for (int i = 0; i < w->n; i++)
            if (sqlite3_value_type(w->v[i]) != SQLITE_NULL && sqlite3_value_double(w->v[i]) == d)
                return 1;
        return 0;
    }
    const char *t = scalar_text(v, buf, sizeof buf);
    if (!t)
        return 0;
    for (int i = 0; i < w->n; i++) {
        const char *p = (const char *)sqlite3_value_text(w->v[i]);
        if (p && (w->mode == EXEC_ELEM_GLOB ? sqlite3_strglob(p, t) == 0 : strcmp(p, t) == 0))
            return 1;
    }
    return 0;
}

/* v, the value at the path: an array's scalar elements (at any depth), or
 * a scalar reached through an array (in_array; any other scalar is
 * ld_field()'s, which the caller compares first). */
static int value_matches(const cJSON *v, const struct want *w, int in_array, int depth)
{
    if (depth > 32)
        return 0;
    if (!cJSON_IsArray(v))
        return in_array && !cJSON_IsObject(v) && scalar_matches(v, w);
    for (const cJSON *c = v->child; c; c = c->next)
        if (value_matches(c, w, 1, depth + 1))
            return 1;
    return 0;
}

static int key_is(const cJSON *item, const char *k, size_t n)
{
    return item->string && strlen(item->string) == n && memcmp(item->string, k, n) == 0;
}

/* Every value at path under node, as flat_walk() spells paths (a dotted
 * key or nested objects; an array's objects continue the path). */
static int visit(const cJSON *node, const char *path, size_t n, const struct want *w,
                 int in_array, int depth)
{
    if (depth > 32)
        return 0;
    if (cJSON_IsArray(node)) {
        for (const cJSON *e = node->child; e; e = e->next)
            if ((cJSON_IsObject(e) || cJSON_IsArray(e)) && visit(e, path, n, w, 1, depth + 1))
                return 1;
        return 0;
    }
    if (!cJSON_IsObject(node))
        return 0;
    for (const cJSON *c = node->child; c; c = c->next) {
        if (key_is(c, path, n) && value_matches(c, w, in_array, depth + 1))
            return 1;
        if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
            continue;
        for (size_t i = 1; i < n; i++)
            if (path[i] == '.' && key_is(c, path, i) &&
                visit(c, path + i + 1, n - i - 1, w, in_array, depth + 1))
                return 1;
    }
    return 0;
}

int exec_elem_any(const cJSON *root, const char *path, int mode, sqlite3_value **v, int n)
{
    struct want w = {mode, v, n};
    return root && path && visit(root, path, strlen(path), &w, 0, 0);
}
