/* test_zipread: the first entry of a zip archive as a stream
 * (src/zipread.c): deflated and stored entries, seeking, an archive still
 * being written, entries it must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "src/follow/zipread.h"

static void put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, unsigned long v)
{
    put16(p, (unsigned)(v & 0xffff));
    put16(p + 2, (unsigned)(v >> 16));
}

/* A temporary file holding a local header (method, flags) and data. */
static int archive(const char *data, size_t n, unsigned method, unsigned flags, size_t keep)
{
    unsigned char h[30] = {0x50, 0x4b, 3, 4, 20, 0};
    static unsigned char body[1 << 16];
    size_t blen = n;
    if (method == 8) {
        z_stream zs = {0};
        deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
        zs.next_in = (unsigned char *)data;
        zs.avail_in = (uInt)n;
        zs.next_out = body;
        zs.avail_out = sizeof body;
        deflate(&zs, Z_FINISH);
        blen = zs.total_out;
        deflateEnd(&zs);
    } else {
        memcpy(body, data, n);
    }
    put16(h + 6, flags);
    put16(h + 8, method);
    put32(h + 18, blen);
    put32(h + 22, n);
    put16(h + 26, 5);
    char path[] = "/tmp/test_zipread.XXXXXX";
    int fd = mkstemp(path);
    unlink(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, h, 30), 30);
    assert_int_equal(write(fd, "a.log", 5), 5);
    size_t w = keep < blen ? keep : blen;
    assert_int_equal(write(fd, body, w), (ssize_t)w);
    return fd;
}

static char *text(size_t *n)
{
    static char buf[40000];
    size_t k = 0;
    for (int i = 0; k + 64 < sizeof buf; i++)
        k += (size_t)snprintf(buf + k, sizeof buf - k, "line %d of the rotated log\n", i);
    *n = k;
    return buf;
}

static void read_all(struct zipread *z, const char *want, size_t n)
{
    static char got[40000];
    size_t k = 0;
    int done = 0;
    ssize_t r;
    while ((r = zipread_read(z, got + k, 777, &done)) > 0)
        k += (size_t)r;
    assert_int_equal(r, 0);
    assert_true(done);
    assert_int_equal(k, n);
    assert_memory_equal(got, want, n);
}

static void deflated_and_stored(void **state)
{
    (void)state;
    size_t n;
    const char *t = text(&n);
    for (unsigned method = 0; method <= 8; method += 8) {
        struct err e = {0};
        int fd = archive(t, n, method, 0, SIZE_MAX);
        struct zipread *z = zipread_open(fd, "x.zip", &e);
        assert_non_null(z);
        read_all(z, t, n);
        assert_int_equal(zipread_seek(z, 1000), 0);   /* back, then 1000 bytes in */
        read_all(z, t + 1000, n - 1000);
        assert_int_equal(zipread_seek(z, (int64_t)n + 1), -1);
        zipread_close(z);
        close(fd);
    }
}

static void still_being_written(void **state)
{
    (void)state;
    size_t n;
    const char *t = text(&n);
    struct err e = {0};
    int fd = archive(t, n, 8, 0, 300);
    struct zipread *z = zipread_open(fd, "x.zip", &e);
    assert_non_null(z);
    char buf[65536];
    int done = 1;
    ssize_t k = 0, r;
    while ((r = zipread_read(z, buf + k, sizeof buf - (size_t)k, &done)) > 0)
        k += r;
    assert_int_equal(r, 0);
    assert_false(done);   /* not the end: more may come */
    assert_true(k > 0 && (size_t)k < n);
    assert_memory_equal(buf, t, (size_t)k);
    zipread_close(z);
    close(fd);
}

static void refused(void **state)
{
    (void)state;
    struct err e = {0};
    int fd = archive("x\n", 2, 8, 1, SIZE_MAX);   /* encrypted */
    assert_null(zipread_open(fd, "x.zip", &e));
    assert_non_null(strstr(e.msg, "encrypted"));
    close(fd);
    fd = archive("x\n", 2, 12, 0, SIZE_MAX);      /* bzip2 */
    assert_null(zipread_open(fd, "x.zip", &e));
    assert_non_null(strstr(e.msg, "method 12"));
    close(fd);
    unsigned char gz[4] = {0x1f, 0x8b, 8, 0};
    assert_false(zipread_magic(gz, 4));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deflated_and_stored),
        cmocka_unit_test(still_being_written),
        cmocka_unit_test(refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
