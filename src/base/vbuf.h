/* vbuf: the small pieces every packed-buffer writer and reader needs: growing
 * a byte buffer or an array by doubling, and LEB128 varints (the encoding of
 * the raw-text blocks, the words index documents and the latency histograms). */
#ifndef LOGDECK_VBUF_H
#define LOGDECK_VBUF_H

#include <stddef.h>
#include <stdint.h>

/* Makes *p hold at least need bytes (capacity *cap, doubled from 4096);
 * -1 when out of memory, *p and *cap unchanged. */
int vbuf_grow(char **p, size_t *cap, size_t need);
/* Makes room for element n of an array of size-byte elements (capacity *cap,
 * doubled from 1024); -1 when out of memory. */
int vbuf_more(void **p, size_t *cap, size_t n, size_t size);
/* Writes v at o (at most 10 bytes); returns the bytes written. */
size_t varint_put(unsigned char *o, uint64_t v);
/* Reads a varint at *p (not past end) into *v and advances *p; -1 when it
 * runs past end or past 64 bits. */
int varint_get(const unsigned char **p, const unsigned char *end, uint64_t *v);

#endif
