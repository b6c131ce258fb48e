/* namedre: named groups over POSIX regcomp (see namedre.h). */
#include "src/base/namedre.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(size_t *errpos, char *why, size_t whyn, size_t at, const char *msg)
{
    *errpos = at;
    snprintf(why, whyn, "%s", msg);
    return -1;
}

static int name_char(char c, int first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* Skips a bracket expression starting at pat[i] == '['; copies it to out.
 * Returns the index after its ']', or 0 if it never closes. */
static size_t bracket(const char *pat, size_t i, char *out, size_t *o)
{
    size_t j = i + 1;
    if (pat[j] == '^')
        j++;
    if (pat[j] == ']')
        j++;
    for (; pat[j] && pat[j] != ']'; j++)
        if (pat[j] == '[' && (pat[j + 1] == ':' || pat[j + 1] == '.' || pat[j + 1] == '=')) {
            const char *end = strstr(pat + j + 2, (char[]){pat[j + 1], ']', 0});
            if (!end)
                return 0;
            j = (size_t)(end - pat) + 1;
        }
    if (!pat[j])
        return 0;
    memcpy(out + *o, pat + i, j + 1 - i);
    *o += j + 1 - i;
    return j + 1;
}

/* "(?<name>" or "(?P<name>" at pat[i]: stores the name for group g.
 * Returns the index after '>', or 0 with why filled. */
static size_t group_name(struct namedre *r, const char *pat, size_t i, int g, size_t *errpos,
                         char *why, size_t whyn)
{
    size_t j = i + 2 + (pat[i + 2] == 'P');
    if (pat[j] != '<') {
        fail(errpos, why, whyn, i, "only (...) and (?<name>...) groups are supported");
        return 0;
    }
    size_t s = ++j;
    while (name_char(pat[j], j == s))
        j++;
    if (j == s || pat[j] != '>') {
        fail(errpos, why, whyn, s, "a group name is letters, digits and _, closed by '>'");
        return 0;
    }
    for (int k = 1; k < g; k++)
        if (r->name[k] && strlen(r->name[k]) == j - s && !memcmp(r->name[k], pat + s, j - s)) {
            fail(errpos, why, whyn, s, "the same group name twice");
            return 0;
        }
    if (g <= NAMEDRE_MAX_GROUPS && !(r->name[g] = strndup(pat + s, j - s))) {
        fail(errpos, why, whyn, s, "out of memory");
        return 0;
    }
    return j + 1;
}

static int translate(struct namedre *r, const char *pat, char *out, size_t *errpos, char *why,
                     size_t whyn)
{
    size_t o = 0, i = 0;
    while (pat[i]) {
        char c = pat[i];
        if (c == '\\' && (pat[i + 1] == 'd' || pat[i + 1] == 'D')) {
            const char *cls = pat[i + 1] == 'd' ? "[0-9]" : "[^0-9]";
            memcpy(out + o, cls, strlen(cls));
            o += strlen(cls), i += 2;
        } else if (c == '\\') {
            if (!pat[i + 1])
                return fail(errpos, why, whyn, i, "a trailing backslash");
            out[o++] = c, out[o++] = pat[i + 1], i += 2;
        } else if (c == '[') {
            size_t j = bracket(pat, i, out, &o);
            if (!j)
                return fail(errpos, why, whyn, i, "unclosed '['");
            i = j;
        } else if (c == '(') {
            int g = ++r->ngroups;
            if (g > NAMEDRE_MAX_GROUPS)
                return fail(errpos, why, whyn, i, "more than 16 groups");
            out[o++] = '(';
            if (pat[i + 1] == '?') {
                size_t j = group_name(r, pat, i, g, errpos, why, whyn);
                if (!j)
                    return -1;
                i = j;
            } else {
                i++;
            }
        } else {
            out[o++] = c, i++;
        }
    }
    out[o] = '\0';
    return 0;
}

int namedre_compile(struct namedre *r, const char *pat, size_t *errpos, char *why, size_t whyn)
{
    memset(r, 0, sizeof *r);
    char *out = malloc(strlen(pat) * 3 + 8);
    if (!out)
        return fail(errpos, why, whyn, 0, "out of memory");
    int rc = translate(r, pat, out, errpos, why, whyn);
    if (rc == 0) {
        int e = regcomp(&r->re, out, REG_EXTENDED);
        if (e) {
            char msg[200];
            regerror(e, &r->re, msg, sizeof msg);
            rc = fail(errpos, why, whyn, 0, msg);
        } else {
            r->compiled = 1;
        }
    }
    free(out);
    if (rc < 0)
        namedre_fini(r);
    return rc;
}

void namedre_fini(struct namedre *r)
{
    if (r->compiled)
        regfree(&r->re);
    for (int i = 0; i <= NAMEDRE_MAX_GROUPS; i++)
        free(r->name[i]);
    memset(r, 0, sizeof *r);
}

int namedre_group(const struct namedre *r, const char *name)
{
    for (int i = 1; i <= NAMEDRE_MAX_GROUPS && i <= r->ngroups; i++)
        if (r->name[i] && strcmp(r->name[i], name) == 0)
            return i;
    return -1;
}
