/* hmap: 64-bit key -> pointer map with linear probing (hmap.h). */
#include "src/base/hmap.h"

#include <stdlib.h>
#include <string.h>

char hmap_tomb;

void hmap_init(struct hmap *m)
{
    memset(m, 0, sizeof *m);
}

void hmap_fini(struct hmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key & (cap - 1);
}

void *hmap_get(const struct hmap *m, uint64_t key)
{
    if (!m->cap)
        return NULL;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->vals[i])
            return NULL;
        if (m->vals[i] != &hmap_tomb && m->keys[i] == key)
            return m->vals[i];
    }
}

static int grow(struct hmap *m)
{
    size_t cap = m->cap ? m->cap * 2 : 64;
    while (cap < m->n * 4)
        cap *= 2;
    uint64_t *k = calloc(cap, sizeof *k);
    void **v = calloc(cap, sizeof *v);
    if (!k || !v) {
        free(k);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->vals[i] || m->vals[i] == &hmap_tomb)
            continue;
        size_t j = slot_of(m->keys[i], cap);
        while (v[j])
            j = (j + 1) & (cap - 1);
        k[j] = m->keys[i];
        v[j] = m->vals[i];
    }
    free(m->keys);
    free(m->vals);
    m->keys = k;
    m->vals = v;
    m->cap = cap;
    m->used = m->n;
    return 0;
}

int hmap_put(struct hmap *m, uint64_t key, void *val)
{
    if ((m->used + 1) * 2 > m->cap && grow(m) < 0)
        return -1;
    size_t tomb = (size_t)-1;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->vals[i]) {
            if (tomb != (size_t)-1)
                i = tomb;
            else
                m->used++;
            m->keys[i] = key;
            m->vals[i] = val;
            m->n++;
            return 0;
        }
        if (m->vals[i] == &hmap_tomb) {
            if (tomb == (size_t)-1)
                tomb = i;
        } else if (m->keys[i] == key) {
            m->vals[i] = val;
            return 0;
        }
    }
}

void hmap_del(struct hmap *m, uint64_t key)
{
    if (!m->cap)
        return;
    for (size_t i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
        if (!m->vals[i])
            return;
        if (m->vals[i] != &hmap_tomb && m->keys[i] == key) {
            m->vals[i] = &hmap_tomb;
            m->n--;
            return;
        }
    }
}

uint64_t hmap_key2(uint64_t a, uint64_t b)
{
    return (a * 0x9e3779b97f4a7c15ULL) ^ (b + 0x632be59bd9b4e019ULL + (a << 6) + (a >> 2));
}

uint64_t hmap_key_str(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h;
}
