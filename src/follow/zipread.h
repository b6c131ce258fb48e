/* zipread: reads the first entry of a zip archive as a stream, for
 * rotated logs compressed to .zip (loguru's compression="zip" writes one
 * entry per archive). Only what such a file needs: the local file header,
 * then a deflate stream (inflated raw with zlib) or stored bytes; no
 * central directory, no encryption, no multi-disk. Reads through a
 * descriptor it borrows, with pread, so the caller keeps its offsets. */
#ifndef LOGDECK_ZIPREAD_H
#define LOGDECK_ZIPREAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "src/base/err.h"

struct zipread;

/* 1 if the 4 bytes at b start a zip local file header. */
int zipread_magic(const unsigned char *b, size_t n);

/* fd is borrowed and must outlive the reader. NULL with e filled when the
 * first entry cannot be read (encrypted, another compression method). */
struct zipread *zipread_open(int fd, const char *path, struct err *e);
void zipread_close(struct zipread *z);   /* NULL is a no-op */

/* Up to n bytes of the entry: the count, 0 at its end (*done = 1) or
 * when the archive is still being written (*done = 0), -1 on corrupt data. */
ssize_t zipread_read(struct zipread *z, char *buf, size_t n, int *done);
/* Back to the start of the entry, then off bytes in. 0, or -1. */
int zipread_seek(struct zipread *z, int64_t off);

#endif
