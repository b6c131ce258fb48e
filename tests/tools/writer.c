/* writer: a log-writing application for the rotation tests. Writes COUNT
 * numbered lines "<stream> <seq> <padding>" in one of the seed formats,
 * rotating the file the way Python's handlers, logrotate and loguru do,
 * and appends to a record file exactly what it wrote: "<stream> <seq> w"
 * for a line that must be stored, "... r" for a line written inside a
 * copytruncate race window (between the copy and the truncation), which
 * may be lost, and "<stream> <seq> n" at each rotation: the lines from
 * seq on go to a new file (for checkseq --exact-loss). See usage(). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

struct w {
    const char *dir, *name, *stream, *mode, *fmt, *rec_path;
    long long count, start, max_bytes, backups, interval_ms, rate, line_bytes;
    long long race_lines, race_sleep_ms, reopen_lines, pause_ms;
    int no_append;   /* -N: writes at its own offset (copytruncate leaves a hole) */
    char path[4096];
    int fd, old_fd;
    long long size, rotations, pending_old;
    FILE *rec;
    struct timespec last_rot;
};

static void die(const char *what)
{
    fprintf(stderr, "writer: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void usage(void)
{
    fputs("usage: writer -d DIR -n NAME -s STREAM -c COUNT -o RECORD [-S START]\n"
          "  [-m none|rename|time|copytruncate|create|gzip|delaygzip|loguru|loguruzip|dateext|files]\n"
          "  [-b MAXBYTES] [-k BACKUPS] [-t INTERVAL_MS] [-r LINES_PER_S]\n"
          "  [-f json|python|loguru|ecs] [-L LINE_BYTES] [-R RACE_LINES] [-W RACE_SLEEP_MS]\n"
          "  [-O REOPEN_LINES (create: lines still written to the renamed file)]\n"
          "  [-P PAUSE_MS after each rotation] [-N (no O_APPEND)]\n", stderr);
    exit(2);
}

static void p(struct w *w, char *out, size_t cap, const char *suffix)
{
    snprintf(out, cap, "%s/%s%s", w->dir, w->name, suffix);
}

static void open_new(struct w *w)
{
    w->fd = open(w->path, O_WRONLY | (w->no_append ? 0 : O_APPEND) | O_CREAT | O_CLOEXEC, 0644);
    if (w->fd < 0 || (w->no_append && lseek(w->fd, 0, SEEK_END) < 0))
        die(w->path);
    struct stat st;
    w->size = fstat(w->fd, &st) == 0 ? st.st_size : 0;
}

static void gzip_file(const char *src, const char *dst)
{
    char tmp[4200], buf[65536];
    snprintf(tmp, sizeof tmp, "%s.tmp", dst);
    int in = open(src, O_RDONLY);
    gzFile g = gzopen(tmp, "wb6");
    if (in < 0 || !g)
        die(src);
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
        gzwrite(g, buf, (unsigned)n);
    gzclose(g);
    struct stat st;
    fstat(in, &st);
    close(in);
    struct timespec ts[2] = {st.st_atim, st.st_mtim};   /* as gzip(1): keep mtime */
    utimensat(AT_FDCWD, tmp, ts, 0);
    if (rename(tmp, dst) < 0 || unlink(src) < 0)
        die(dst);
}

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

/* As loguru's compression="zip" (Python's zipfile): one deflated entry
 * named after src, written straight into dst (header first, sizes patched
 * afterwards), then src removed. */
static void zip_file(const char *src, const char *dst)
{
    struct stat st;
    int in = open(src, O_RDONLY);
    if (in < 0 || fstat(in, &st) < 0)
        die(src);
    unsigned char *raw = malloc((size_t)st.st_size + 1), *def = malloc((size_t)st.st_size + 1024);
    if (!raw || !def || read(in, raw, (size_t)st.st_size) != st.st_size)
        die(src);
    close(in);
    z_stream zs = {0};
    deflateInit2(&zs, 6, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    zs.next_in = raw;
    zs.avail_in = (uInt)st.st_size;
    zs.next_out = def;
    zs.avail_out = (uInt)st.st_size + 1024;
    deflate(&zs, Z_FINISH);
    unsigned long csize = zs.total_out, crc = crc32(0, raw, (uInt)st.st_size);
    deflateEnd(&zs);
    const char *name = strrchr(src, '/') ? strrchr(src, '/') + 1 : src;
    unsigned nl = (unsigned)strlen(name);
    unsigned char lh[30] = {0x50, 0x4b, 3, 4, 20, 0, 0, 0, 8, 0}, cd[46] = {0x50, 0x4b, 1, 2, 20, 0, 20, 0, 0, 0, 8, 0};
    unsigned char eo[22] = {0x50, 0x4b, 5, 6};
    put16(lh + 26, nl);
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0 || write(out, lh, 30) != 30 || write(out, name, nl) != (ssize_t)nl ||
        write(out, def, csize) != (ssize_t)csize)
        die(dst);
    put32(lh + 14, crc);
    put32(lh + 18, csize);
    put32(lh + 22, (unsigned long)st.st_size);
    memcpy(cd + 16, lh + 14, 12);
    put16(cd + 28, nl);
    put16(eo + 8, 1);
    put16(eo + 10, 1);
    put32(eo + 12, 46 + nl);
    put32(eo + 16, 30 + nl + csize);
    if (pwrite(out, lh + 14, 12, 14) != 12 || write(out, cd, 46) != 46 ||
        write(out, name, nl) != (ssize_t)nl || write(out, eo, 22) != 22)
        die(dst);
    close(out);
    free(raw);
    free(def);
    if (unlink(src) < 0)
        die(src);
}

static void shift(struct w *w, const char *ext)
{
    char a[4200], b[4200], sa[64], sb[64];
    for (long long i = w->backups - 1; i >= 1; i--) {
        snprintf(sa, sizeof sa, ".%lld%s", i, ext);
        snprintf(sb, sizeof sb, ".%lld%s", i + 1, ext);
        p(w, a, sizeof a, sa);
        p(w, b, sizeof b, sb);
        rename(a, b);   /* replaces the oldest */
    }
}

static void copy_file(const char *src, const char *dst)
{
    char buf[65536];
    int in = open(src, O_RDONLY), out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ssize_t n;
    if (in < 0 || out < 0)
        die(dst);
    while ((n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n)
            die(dst);
    close(in);
    close(out);
}

static void write_line(struct w *w, int fd, long long seq, char flag);

static void rotate(struct w *w, long long *seq)
{
    char a[4200], b[4300], suf[128];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    const char *m = w->mode;
    w->rotations++;
    fprintf(w->rec, "%s %lld n\n", w->stream, *seq);   /* a new file starts at this seq */
    if (!strcmp(m, "copytruncate")) {
        shift(w, "");
        p(w, a, sizeof a, ".1");
        copy_file(w->path, a);
        for (long long i = 0; i < w->race_lines && *seq < w->start + w->count; i++) {
            write_line(w, w->fd, (*seq)++, 'r');
            if (i == 0 && w->race_sleep_ms)
                usleep((useconds_t)w->race_sleep_ms * 1000);
        }
        if (ftruncate(w->fd, 0) < 0)
            die("ftruncate");
        w->size = 0;
        return;
    }
    if (!strcmp(m, "create") && w->reopen_lines) {
        w->old_fd = w->fd;
        w->pending_old = w->reopen_lines;
    } else {
        close(w->fd);
    }
    if (!strcmp(m, "rename") || !strcmp(m, "create")) {
        shift(w, "");
        p(w, a, sizeof a, ".1");
        rename(w->path, a);
    } else if (!strcmp(m, "gzip")) {
        shift(w, ".gz");
        p(w, a, sizeof a, ".1");
        p(w, b, sizeof b, ".1.gz");
        rename(w->path, a);
        gzip_file(a, b);
    } else if (!strcmp(m, "delaygzip")) {
        shift(w, ".gz");
        p(w, a, sizeof a, ".1");
        p(w, b, sizeof b, ".2.gz");
        if (access(a, F_OK) == 0)
            gzip_file(a, b);
        rename(w->path, a);
    } else if (!strcmp(m, "time") || !strcmp(m, "dateext") || !strncmp(m, "loguru", 6)) {
        struct tm tm;
        gmtime_r(&now.tv_sec, &tm);
        snprintf(suf, sizeof suf, "%04d-%02d-%02d_%02d-%02d-%02d_%06ld%03lld",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                 tm.tm_sec, now.tv_nsec / 1000, w->rotations % 1000);
        if (!strncmp(m, "loguru", 6)) {
            const char *dot = strrchr(w->name, '.');
            int stem = dot ? (int)(dot - w->name) : (int)strlen(w->name);
            snprintf(a, sizeof a, "%s/%.*s.%s%s", w->dir, stem, w->name, suf, dot ? dot : "");
            rename(w->path, a);
            snprintf(b, sizeof b, "%s.%s", a, m[6] ? "zip" : "gz");
            if (m[6])
                zip_file(a, b);
            else
                gzip_file(a, b);
        } else {
            snprintf(a, sizeof a, "%s/%s%c%s", w->dir, w->name, m[0] == 'd' ? '-' : '.', suf);
            rename(w->path, a);
        }
    }
    open_new(w);
}

static void stamp(char *out, size_t cap, const char *fmt)
{
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    int ms = (int)(now.tv_nsec / 1000000);
    if (!strcmp(fmt, "python"))
        snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d,%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    else if (!strcmp(fmt, "loguru"))
        snprintf(out, cap, "%04d-%02d-%02d %02d:%02d:%02d.%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    else
        snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, now.tv_nsec / 1000);
}

static void write_line(struct w *w, int fd, long long seq, char flag)
{
    static char *line;
    static size_t cap;
    char ts[64], msg[128];
    stamp(ts, sizeof ts, w->fmt);
    snprintf(msg, sizeof msg, "%s %lld ", w->stream, seq);
    size_t need = (size_t)w->line_bytes + 512;
    if (need > cap && !(line = realloc(line, cap = need)))
        die("out of memory");
    int n;
    if (!strcmp(w->fmt, "python"))
        n = snprintf(line, cap, "%s - app.worker - INFO - %s", ts, msg);
    else if (!strcmp(w->fmt, "loguru"))
        n = snprintf(line, cap, "%s | INFO     | app.worker:run:42 - %s", ts, msg);
    else if (!strcmp(w->fmt, "ecs"))
        n = snprintf(line, cap, "{\"@timestamp\":\"%s\",\"log.level\":\"info\",\"message\":\"%s", ts, msg);
    else
        n = snprintf(line, cap, "{\"timestamp\":\"%s\",\"level\":\"info\",\"logger\":\"app\","
                     "\"event\":\"%s", ts, msg);
    while (n < w->line_bytes - 3)
        line[n++] = 'x';
    if (!strcmp(w->fmt, "json") || !strcmp(w->fmt, "ecs"))
        line[n++] = '"', line[n++] = '}';
    line[n++] = '\n';
    if (write(fd, line, (size_t)n) != n)
        die("write");
    if (fd == w->fd)
        w->size += n;
    fprintf(w->rec, "%s %lld %c\n", w->stream, seq, flag);
}

static long long ms_since(const struct timespec *a)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - a->tv_sec) * 1000 + (now.tv_nsec - a->tv_nsec) / 1000000;
}

static void pace(struct w *w, long long i, const struct timespec *t0)
{
    if (w->rate <= 0)
        return;
    long long due_us = i * 1000000 / w->rate;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long el = (now.tv_sec - t0->tv_sec) * 1000000 + (now.tv_nsec - t0->tv_nsec) / 1000;
    if (due_us > el + 200)
        usleep((useconds_t)(due_us - el));
}

int main(int argc, char **argv)
{
    struct w w = {.mode = "none", .fmt = "json", .backups = 3, .line_bytes = 80, .fd = -1,
                  .old_fd = -1};
    int ch;
    while ((ch = getopt(argc, argv, "d:n:s:c:o:S:m:b:k:t:r:f:L:R:W:O:P:N")) != -1) {
        long long v = optarg ? atoll(optarg) : 0;
        switch (ch) {
        case 'd': w.dir = optarg; break;
        case 'n': w.name = optarg; break;
        case 's': w.stream = optarg; break;
        case 'o': w.rec_path = optarg; break;
        case 'm': w.mode = optarg; break;
        case 'f': w.fmt = optarg; break;
        case 'c': w.count = v; break;
        case 'S': w.start = v; break;
        case 'b': w.max_bytes = v; break;
        case 'k': w.backups = v; break;
        case 't': w.interval_ms = v; break;
        case 'r': w.rate = v; break;
        case 'L': w.line_bytes = v; break;
        case 'R': w.race_lines = v; break;
        case 'W': w.race_sleep_ms = v; break;
        case 'O': w.reopen_lines = v; break;
        case 'P': w.pause_ms = v; break;
        case 'N': w.no_append = 1; break;
        default: usage();
        }
    }
    if (!w.dir || !w.name || !w.stream || !w.rec_path)
        usage();
    if (!(w.rec = fopen(w.rec_path, "a")))
        die(w.rec_path);
    p(&w, w.path, sizeof w.path, "");
    open_new(&w);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    w.last_rot = t0;
    long long seq = w.start, end = w.start + w.count;
    if (!strcmp(w.mode, "files")) {   /* one file per line: NAME-SEQ.log */
        close(w.fd);
        unlink(w.path);
        for (; seq < end; seq++) {
            snprintf(w.path, sizeof w.path, "%s/%s-%lld.log", w.dir, w.name, seq);
            open_new(&w);
            write_line(&w, w.fd, seq, 'w');
            close(w.fd);
        }
        fclose(w.rec);
        return 0;
    }
    for (long long i = 0; seq < end; i++) {
        int by_size = w.max_bytes && w.size + w.line_bytes > w.max_bytes;
        int by_time = w.interval_ms && ms_since(&w.last_rot) >= w.interval_ms;
        if ((by_size || by_time) && strcmp(w.mode, "none")) {
            rotate(&w, &seq);
            clock_gettime(CLOCK_MONOTONIC, &w.last_rot);
            if (w.pause_ms)
                usleep((useconds_t)w.pause_ms * 1000);
            if (seq >= end)
                break;
        }
        if (w.pending_old > 0) {   /* logrotate create: the app has not reopened yet */
            write_line(&w, w.old_fd, seq++, 'w');
            if (--w.pending_old == 0) {
                close(w.old_fd);
                w.old_fd = -1;
            }
        } else {
            write_line(&w, w.fd, seq++, 'w');
        }
        pace(&w, i, &t0);
    }
    if (w.old_fd >= 0)
        close(w.old_fd);
    close(w.fd);
    fclose(w.rec);
    return 0;
}
