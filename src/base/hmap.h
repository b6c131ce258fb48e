/* hmap: a small open-addressing map from 64-bit keys to pointers, used by
 * the ingest and the follower to find files by row id, by (device, inode)
 * and by path hash. Keys are unique; the caller checks the value it gets
 * back when its key is itself a hash. Not thread-safe. */
#ifndef LOGDECK_HMAP_H
#define LOGDECK_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct hmap {
    uint64_t *keys;
    void **vals;          /* NULL: empty slot; &hmap_tomb: deleted */
    size_t cap, n, used;  /* used counts tombstones too */
};

extern char hmap_tomb;

void hmap_init(struct hmap *m);
void hmap_fini(struct hmap *m);
void *hmap_get(const struct hmap *m, uint64_t key);
/* Inserts or replaces. Returns 0, or -1 when out of memory. */
int hmap_put(struct hmap *m, uint64_t key, void *val);
void hmap_del(struct hmap *m, uint64_t key);

/* Key helpers. */
uint64_t hmap_key2(uint64_t a, uint64_t b);
uint64_t hmap_key_str(const char *s);

#endif
