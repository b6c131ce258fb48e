/* fuzz_fvtoken: the field=value token (db/fv.h), the escaping that turns
 * any path and value into a word of FTS5's ([a-z0-9] only). For arbitrary
 * bytes, as fv.h promises:
 * - the token holds only [a-z0-9], fits fv_token_cap(), starts with its
 *   kind;
 * - it decodes back to the path and the value (the value's first
 *   FV_VALUE_MAX bytes, then the cut marker "qw" exactly when the value
 *   was longer and the token is not a prefix's): equal tokens mean equal
 *   fields;
 * - enc(a) is a prefix of enc(b) iff a is a prefix of b, so a glob with a
 *   fixed prefix is a prefix query of the tokens.
 * Input: byte 0 picks the kind and the prefix flag, byte 1 the path's
 * length; then the path, then a value split in two at byte 2 for the
 * prefix check. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "db/fv.h"

/* enc()'s bytes kept as they are: every lower-case letter but q and z
 * (q opens an escape or a marker, z an upper-case letter), and digits */
static int plain(char c)
{
    return (c >= 'a' && c <= 'y' && c != 'q') || (c >= '0' && c <= '9');
}

static int hexv(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decodes enc() left to right from t[*i] up to "qx" (stop_qx) or the
 * end, or a final "qw" (*marked = 1); the bytes go to out. 0, or -1 if t
 * is not such an encoding. */
static int dec(const char *t, size_t n, size_t *i, char *out, size_t *on, int stop_qx,
               int *marked)
{
    *on = 0;
    *marked = 0;
    while (*i < n) {
        char c = t[*i];
        if (c == 'q') {
            if (*i + 1 >= n)
                return -1;
            if (t[*i + 1] == 'x')
                return stop_qx ? 0 : -1;
            if (t[*i + 1] == 'w') {
                *marked = 1;
                return *i + 2 == n && !stop_qx ? 0 : -1;
            }
            int h = *i + 2 < n ? hexv(t[*i + 1]) : -1, l = h >= 0 ? hexv(t[*i + 2]) : -1;
            if (l < 0)
                return -1;
            char b = (char)(h * 16 + l);
            /* a byte kept as itself or as 'z' + letter is never escaped */
            if (plain(b) || (b >= 'A' && b <= 'Z'))
                return -1;
            out[(*on)++] = b;
            *i += 3;
        } else if (c == 'z') {
            if (*i + 1 >= n || t[*i + 1] < 'a' || t[*i + 1] > 'z')
                return -1;
            out[(*on)++] = (char)(t[*i + 1] - 'a' + 'A');
            *i += 2;
        } else if (plain(c)) {
            out[(*on)++] = c;
            (*i)++;
        } else {
            return -1;
        }
    }
    return stop_qx ? -1 : 0;
}

static void check_token(int kind, const char *path, size_t pn, const char *val, size_t vn,
                        int prefix)
{
    size_t cap = fv_token_cap(pn);
    char *t = malloc(cap), *p = malloc(pn + 1), *v = malloc(FV_VALUE_MAX + 1);
    if (!t || !p || !v)
        abort();
    int cut = -1;
    size_t n = fv_token(t, kind, path, pn, val, vn, prefix, &cut);
    if (n >= cap || strlen(t) != n || t[0] != kind || cut != (vn > FV_VALUE_MAX))
        abort();
    for (size_t i = 0; i < n; i++)
        if (!((t[i] >= 'a' && t[i] <= 'z') || (t[i] >= '0' && t[i] <= '9')))
            abort();
    size_t i = 1, got;
    int marked;
    if (dec(t, n, &i, p, &got, 1, &marked) < 0 || got != pn || memcmp(p, path, pn) != 0)
        abort();
    i += 2;   /* "qx" */
    size_t keep = vn > FV_VALUE_MAX ? FV_VALUE_MAX : vn;
    if (dec(t, n, &i, v, &got, 0, &marked) < 0 || got != keep || memcmp(v, val, keep) ||
        marked != (cut && !prefix))
        abort();
    free(t);
    free(p);
    free(v);
}

/* enc(a) is a prefix of enc(b) iff a is a prefix of b (prefix tokens of
 * values up to FV_VALUE_MAX, same path). */
static void check_prefix(const char *path, size_t pn, const char *a, size_t an, const char *b,
                         size_t bn)
{
    if (an > FV_VALUE_MAX || bn > FV_VALUE_MAX)
        return;
    size_t cap = fv_token_cap(pn);
    char *ta = malloc(cap), *tb = malloc(cap);
    if (!ta || !tb)
        abort();
    size_t na = fv_token(ta, FV_STR, path, pn, a, an, 1, NULL);
    size_t nb = fv_token(tb, FV_STR, path, pn, b, bn, 1, NULL);
    int tok_prefix = na <= nb && memcmp(ta, tb, na) == 0;
    int val_prefix = an <= bn && memcmp(a, b, an) == 0;
    if (tok_prefix != val_prefix)
        abort();
    free(ta);
    free(tb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 3)
        return 0;
    static const int kinds[] = {FV_STR, FV_NUM, FV_VIRT};
    int kind = kinds[data[0] % 3], prefix = (data[0] >> 2) & 1;
    const char *rest = (const char *)data + 3;
    size_t rn = size - 3, pn = rn ? data[1] % (rn + 1) : 0;
    const char *path = rest, *val = rest + pn;
    size_t vn = rn - pn, split = vn ? data[2] % (vn + 1) : 0;
    check_token(kind, path, pn, val, vn, prefix);
    check_token(kind, path, pn, val, split, !prefix);
    check_prefix(path, pn, val, split, val + split, vn - split);
    check_prefix(path, pn, val, split, val, vn);
    check_prefix(path, pn, val, vn, val, split);
    return 0;
}

#include "tests/fuzz/replay.h"
