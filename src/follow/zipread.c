/* zipread: the first entry of a zip archive as a stream (zipread.h). */
#include "src/follow/zipread.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define LOCAL_SIG 0x04034b50u
#define LOCAL_LEN 30             /* fixed part of a local file header */
#define IN_BUF (64 * 1024)

struct zipread {
    int fd;
    int deflated;                /* else stored */
    int64_t data_off;            /* where the entry's bytes start in the file */
    int64_t stored_len;          /* stored: the entry's size */
    int64_t in_off;              /* next compressed byte to read (file offset) */
    int64_t out_pos;             /* uncompressed bytes handed out */
    int done;
    z_stream zs;
    unsigned char in[IN_BUF];
};

static unsigned u16(const unsigned char *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int zipread_magic(const unsigned char *b, size_t n)
{
    return n >= 4 && u32(b) == LOCAL_SIG;
}

struct zipread *zipread_open(int fd, const char *path, struct err *e)
{
    unsigned char h[LOCAL_LEN];
    if (pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h || u32(h) != LOCAL_SIG) {
        err_set(e, "%s: not a zip archive (or still being written)", path);
        return NULL;
    }
    unsigned flags = u16(h + 6), method = u16(h + 8);
    if ((flags & 1) || (method != 0 && method != 8) || (method == 0 && (flags & 8))) {
        err_set(e, "%s: zip entry %s (method %u): not read; unzip it to index it", path,
                (flags & 1) ? "encrypted" : "compressed with an unsupported method", method);
        return NULL;
    }
    struct zipread *z = calloc(1, sizeof *z);
    if (!z) {
        err_set(e, "out of memory opening %s", path);
        return NULL;
    }
    z->fd = fd;
    z->deflated = method == 8;
    z->data_off = LOCAL_LEN + (int64_t)u16(h + 26) + u16(h + 28);
    z->stored_len = u32(h + 22);
    if (z->deflated && inflateInit2(&z->zs, -MAX_WBITS) != Z_OK) {
        free(z);
        err_set(e, "%s: cannot start inflating", path);
        return NULL;
    }
    z->in_off = z->data_off;
    return z;
}

void zipread_close(struct zipread *z)
{
    if (!z)
        return;
    if (z->deflated)
        inflateEnd(&z->zs);
    free(z);
}

static ssize_t read_stored(struct zipread *z, char *buf, size_t n, int *done)
{
    int64_t left = z->stored_len - z->out_pos;
    if ((int64_t)n > left)
        n = (size_t)left;
    ssize_t r = n ? pread(z->fd, buf, n, z->data_off + z->out_pos) : 0;
    if (r < 0)
        return -1;
    z->out_pos += r;
    *done = z->done = z->out_pos == z->stored_len;
    return r;
}

/* Inflates into buf until it is full, the stream ends, or the file has
 * no more bytes for now. */
static ssize_t read_deflated(struct zipread *z, char *buf, size_t n, int *done)
{
    z->zs.next_out = (unsigned char *)buf;
    z->zs.avail_out = (uInt)n;
    while (z->zs.avail_out && !z->done) {
        if (!z->zs.avail_in) {
            ssize_t r = pread(z->fd, z->in, sizeof z->in, z->in_off);
            if (r < 0)
                return -1;
            if (r == 0)
                break;   /* still being written */
            z->in_off += r;
            z->zs.next_in = z->in;
            z->zs.avail_in = (uInt)r;
        }
        int rc = inflate(&z->zs, Z_NO_FLUSH);
        if (rc == Z_STREAM_END)
            z->done = 1;
        else if (rc != Z_OK && rc != Z_BUF_ERROR)
            return -1;
    }
    size_t got = n - z->zs.avail_out;
    z->out_pos += (int64_t)got;
    *done = z->done;
    return (ssize_t)got;
}

ssize_t zipread_read(struct zipread *z, char *buf, size_t n, int *done)
{
    *done = z->done;
    if (z->done)
        return 0;
    return z->deflated ? read_deflated(z, buf, n, done) : read_stored(z, buf, n, done);
}

int zipread_seek(struct zipread *z, int64_t off)
{
    char skip[8192];
    int done = 0;
    z->out_pos = 0;
    z->done = 0;
    z->in_off = z->data_off;
    if (z->deflated) {
        z->zs.avail_in = 0;
        if (inflateReset(&z->zs) != Z_OK)
            return -1;
    }
    while (z->out_pos < off && !done) {
        size_t want = off - z->out_pos < (int64_t)sizeof skip ? (size_t)(off - z->out_pos)
                                                               : sizeof skip;
        ssize_t r = zipread_read(z, skip, want, &done);
        if (r <= 0)
            return -1;
    }
    return z->out_pos == off ? 0 : -1;
}
