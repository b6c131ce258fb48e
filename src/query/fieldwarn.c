/* fieldwarn: unknown-field warnings from the field catalogue (fieldwarn.h). */
#include "src/query/fieldwarn.h"
#include "src/base/suggest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FW_MAX_NAMES 4096

struct names {
    char **v;
    size_t n;
};

static int add_name(void *ctx, const char *path, int64_t records, int64_t numeric)
{
    struct names *nm = ctx;
    (void)records, (void)numeric;
    if (nm->n < FW_MAX_NAMES && (nm->v[nm->n] = strdup(path)))
        nm->n++;
    return 0;
}

/* The first PF_JSON field of the plan, depth first, not known to s: its
 * path into *first (borrowed from the plan). Returns the count, -1 on
 * error. */
static int unknown(struct store *s, const struct pnode *n, const char **first, struct err *e)
{
    int k = 0;
    if ((n->kind == PK_CMP || n->kind == PK_REGEX) && n->field == PF_JSON && n->path) {
        int known = store_field_known(s, n->path, e);
        if (known < 0)
            return -1;
        if (!known) {
            if (!*first)
                *first = n->path;
            k++;
        }
    }
    for (int i = 0; i < n->nkids; i++) {
        int r = unknown(s, n->kids[i], first, e);
        if (r < 0)
            return -1;
        k += r;
    }
    return k;
}

int fieldwarn_check(struct store *s, const struct plan *p, char *out, size_t cap,
                    struct err *e)
{
    const char *first = NULL;
    if (cap)
        out[0] = 0;
    int k = p && p->root ? unknown(s, p->root, &first, e) : 0;
    if (k <= 0)
        return k;
    struct names nm = {.v = calloc(FW_MAX_NAMES + 64, sizeof(char *))};
    if (!nm.v)
        return err_set(e, "out of memory");
    if (store_fields(s, 0, add_name, &nm, e) < 0) {
        free(nm.v);
        return -1;
    }
    for (size_t i = 0; plan_field_name(i) && nm.n < FW_MAX_NAMES + 64; i++)
        nm.v[nm.n++] = strdup(plan_field_name(i));
    const char *cand[8], *near[3];
    size_t nc = suggest_nearest(first, (const char *const *)nm.v, nm.n, cand, 8), nn = 0;
    for (size_t i = 0; i < nc && nn < 3; i++) {   /* a name may be both a column and a field */
        size_t j = 0;
        while (j < nn && strcmp(near[j], cand[i]) != 0)
            j++;
        if (j == nn)
            near[nn++] = cand[i];
    }
    int len = snprintf(out, cap, "no record has field '%s'", first);
    for (size_t i = 0; i < nn && len > 0 && (size_t)len < cap; i++)
        len += snprintf(out + len, cap - (size_t)len, "%s'%s'", i ? (i + 1 == nn ? " or " : ", ")
                                                             : " (did you mean ", near[i]);
    if (nn && len > 0 && (size_t)len < cap)
        snprintf(out + len, cap - (size_t)len, "?)");
    for (size_t i = 0; i < nm.n; i++)
        free(nm.v[i]);
    free(nm.v);
    return k;
}
