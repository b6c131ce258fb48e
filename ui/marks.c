/* marks: the marked records, a sorted array of keys (marks.h). */
#include "ui/marks.h"

#include <stdlib.h>
#include <string.h>

static int key_cmp(int64_t ts, int64_t id, const struct rec_key *k)
{
    if (ts != k->ts)
        return ts < k->ts ? -1 : 1;
    return id < k->id ? -1 : id > k->id;
}

/* The index of the first key >= (ts, id). */
static size_t lower_bound(const struct marks *m, int64_t ts, int64_t id)
{
    size_t lo = 0, hi = m->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (key_cmp(ts, id, &m->k[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void marks_fini(struct marks *m)
{
    free(m->k);
    memset(m, 0, sizeof *m);
}

void marks_clear(struct marks *m)
{
    m->n = 0;
}

int marks_has(const struct marks *m, int64_t ts, int64_t id)
{
    size_t i = lower_bound(m, ts, id);
    return i < m->n && key_cmp(ts, id, &m->k[i]) == 0;
}

int marks_toggle(struct marks *m, int64_t ts, int64_t id)
{
    size_t i = lower_bound(m, ts, id);
    if (i < m->n && key_cmp(ts, id, &m->k[i]) == 0) {
        memmove(&m->k[i], &m->k[i + 1], (m->n - i - 1) * sizeof m->k[0]);
        m->n--;
        return 0;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        struct rec_key *k = realloc(m->k, cap * sizeof *k);
        if (!k)
            return -1;
        m->k = k;
        m->cap = cap;
    }
    memmove(&m->k[i + 1], &m->k[i], (m->n - i) * sizeof m->k[0]);
    m->k[i] = (struct rec_key){.ts = ts, .id = id};
    m->n++;
    return 1;
}

const struct rec_key *marks_next(const struct marks *m, int64_t ts, int64_t id, int dir)
{
    size_t i = lower_bound(m, ts, id);
    if (dir > 0) {
        if (i < m->n && key_cmp(ts, id, &m->k[i]) == 0)
            i++;
        return i < m->n ? &m->k[i] : NULL;
    }
    return i > 0 ? &m->k[i - 1] : NULL;
}

const struct rec_key *marks_anchor(const struct marks *m, int64_t ts, int64_t id)
{
    if (!m->n)
        return NULL;
    size_t i = lower_bound(m, ts, id);
    if (i < m->n && key_cmp(ts, id, &m->k[i]) == 0)
        return &m->k[i];
    return i > 0 ? &m->k[i - 1] : &m->k[0];
}
