/* zraw: the raw text of records, kept once and compressed (db internals).
 *
 * Each record's raw bytes are one zstd frame compressed with a dictionary
 * trained from the store's own records, one dictionary per format (JSON
 * lines and Python text share little). A dictionary is trained once, from
 * the first ZRAW_SAMPLES records (or ZRAW_SAMPLE_BYTES) of its format (~40 ms
 * of CPU, on a thread of its own at the lowest priority), and
 * kept in the zdict table; records stored before it exists stay plain.
 * With a dictionary, 200-300-byte JSON lines compress 3-5x one by one, and
 * any single record decodes alone: a page decodes only what it shows.
 *
 * records.flags bits 3..6 hold the dictionary id (0: plain bytes). */
#ifndef LOGDECK_ZRAW_H
#define LOGDECK_ZRAW_H

#include <stddef.h>
#include <stdint.h>

#include "db/store_int.h"

#define ZRAW_SAMPLES 1000
#define ZRAW_SAMPLE_BYTES (256 << 10)
#define ZRAW_MIN 48             /* shorter records are kept plain */

#define ZRAW_ID(flags) (((flags) >> 3) & 15)   /* bit 2 is history (store.h) */

struct zraw;
void zraw_free(struct zraw *z);

/* Writer: the bytes to store for raw and the dictionary id (0: plain).
 * *out is borrowed, valid until the next call. Trains the format's
 * dictionary (inserting it into zdict inside the open batch) once enough
 * samples were seen. Returns 0 or -1 (e filled). */
int zraw_pack(struct store *s, int format, const char *raw, size_t len, const void **out,
              size_t *outlen, int *zid, struct err *e);

/* Writer: the open batch committed (1) or rolled back (0); a dictionary
 * trained in a rolled-back batch is forgotten (and trained again later). */
void zraw_batch_end(struct store *s, int committed);

/* Writer, at close (no batch open): waits for a training still running
 * and stores its dictionary. */
void zraw_close(struct store *s);

/* Reader: the raw bytes of a stored value with dictionary id zid; the
 * result is borrowed from *slot (a caller-owned buffer: pass the same one
 * for as long as the bytes are needed). NULL when it cannot be decoded.
 * Loads the dictionary from the store on first use. */
struct zbuf {
    char *s;
    size_t cap;
};
const char *zraw_unpack(struct store *s, int zid, const void *blob, size_t len, struct zbuf *slot,
                        size_t *outlen);

#endif
