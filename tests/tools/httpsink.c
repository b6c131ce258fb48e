/* httpsink: the test HTTP server for webhook delivery tests. Listens on
 * 127.0.0.1 (port 0 = any; the chosen port is printed on stdout and
 * written to -P FILE), records every request in the log file and answers
 * according to a mode:
 *   ok        200 "ok"
 *   429[:N]   429 "rate_limited" with Retry-After: N (default 1)
 *   500       500 "internal_error"
 *   400       400 "invalid_payload"
 *   403       403 "invalid_token"
 *   404       404 "channel_not_found"
 *   410       410 "channel_is_archived"
 *   hang      reads the request and never answers
 * The mode comes from -m, or from the control file (-c), re-read at every
 * request: one line "MODE" for every path and/or lines "/path MODE".
 * Log format, per request:
 *   REQ <n> <unix ms> <METHOD> <PATH> -> <status|hang>
 *   H <header line>           (one per header)
 *   B <body>                  (the body; newlines as \n)
 * Exits on SIGTERM/SIGINT or after -t SECONDS (default 300), so that it
 * never outlives a test. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#define MAX_CONN 64
#define MAX_REQ (1 << 20)

struct conn {
    int fd;
    char *buf;
    size_t len;
    int hung;
};

static volatile sig_atomic_t stop;

static void on_sig(int s)
{
    (void)s;
    stop = 1;
}

static long long now_ms(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* The mode for path: control file lines "/path MODE" win over "MODE". */
static void mode_for(const char *ctl, const char *dflt, const char *path, char *out, size_t cap)
{
    snprintf(out, cap, "%s", dflt);
    FILE *f = ctl ? fopen(ctl, "r") : NULL;
    char line[512];
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = '\0';
        char *sp = strchr(line, ' ');
        if (line[0] == '/' && sp) {
            *sp = '\0';
            if (strcmp(line, path) == 0) {
                snprintf(out, cap, "%.60s", sp + 1);
                break;
            }
        } else if (line[0] && line[0] != '#') {
            snprintf(out, cap, "%.60s", line);
        }
    }
    if (f)
        fclose(f);
}

static int respond(int fd, const char *mode)
{
    int code = 200, ra = 1;
    const char *body = "ok", *reason = "OK";
    if (strncmp(mode, "429", 3) == 0) {
        code = 429, body = "rate_limited", reason = "Too Many Requests";
        if (mode[3] == ':')
            ra = atoi(mode + 4);
    } else if (strcmp(mode, "500") == 0) {
        code = 500, body = "internal_error", reason = "Internal Server Error";
    } else if (strcmp(mode, "400") == 0) {
        code = 400, body = "invalid_payload", reason = "Bad Request";
    } else if (strcmp(mode, "403") == 0) {
        code = 403, body = "invalid_token", reason = "Forbidden";
    } else if (strcmp(mode, "404") == 0) {
        code = 404, body = "channel_not_found", reason = "Not Found";
    } else if (strcmp(mode, "410") == 0) {
        code = 410, body = "channel_is_archived", reason = "Gone";
    }
    char out[512];
    int n = snprintf(out, sizeof out, "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n", code, reason, strlen(body));
    if (code == 429)
        n += snprintf(out + n, sizeof out - (size_t)n, "Retry-After: %d\r\n", ra);
    n += snprintf(out + n, sizeof out - (size_t)n, "\r\n%s", body);
    if (write(fd, out, (size_t)n) < 0)
        return -1;
    return code;
}

/* Length of a complete request in c->buf (headers + Content-Length), or 0. */
static size_t complete(const struct conn *c, size_t *hdr_end)
{
    char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (!end)
        return 0;
    *hdr_end = (size_t)(end - c->buf);
    size_t clen = 0;
    for (char *p = c->buf; p < end; p++)
        if ((p == c->buf || p[-1] == '\n') && strncasecmp(p, "Content-Length:", 15) == 0)
            clen = (size_t)strtoul(p + 15, NULL, 10);
    size_t total = *hdr_end + 4 + clen;
    return c->len >= total ? total : 0;
}

static void log_request(FILE *log, int n, const struct conn *c, size_t hdr_end, size_t total,
                        const char *status)
{
    char method[16] = "?", path[1024] = "?";
    sscanf(c->buf, "%15s %1023s", method, path);
    fprintf(log, "REQ %d %lld %s %s -> %s\n", n, now_ms(), method, path, status);
    const char *p = memchr(c->buf, '\n', hdr_end);
    while (p && p < c->buf + hdr_end) {
        const char *q = memchr(p + 1, '\n', (size_t)(c->buf + hdr_end - p - 1));
        const char *e = q ? q : c->buf + hdr_end;
        size_t l = (size_t)(e - p - 1);
        if (l && p[l] == '\r')
            l--;
        fprintf(log, "H %.*s\n", (int)l, p + 1);
        p = q;
    }
    fputs("B ", log);
    for (size_t i = hdr_end + 4; i < total; i++) {
        if (c->buf[i] == '\n')
            fputs("\\n", log);
        else if (c->buf[i] != '\r')
            fputc(c->buf[i], log);
    }
    fputc('\n', log);
    fflush(log);
}

static int listen_on(int port, int *chosen)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 64) < 0)
        return -1;
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *chosen = ntohs(a.sin_port);
    return fd;
}

struct opts {
    int port, lifetime;
    const char *log, *mode, *ctl, *portfile;
};

static void handle_readable(struct conn *c, const struct opts *o, FILE *log, int *nreq)
{
    if (c->len == MAX_REQ) {
        close(c->fd), c->fd = -1;
        return;
    }
    ssize_t r = read(c->fd, c->buf + c->len, MAX_REQ - c->len);
    if (r <= 0) {
        close(c->fd), c->fd = -1;
        return;
    }
    c->len += (size_t)r;
    size_t hdr_end = 0, total = c->hung ? 0 : complete(c, &hdr_end);
    if (!total)
        return;
    char path[1024] = "/", mode[64], status[16];
    sscanf(c->buf, "%*s %1023s", path);
    mode_for(o->ctl, o->mode, path, mode, sizeof mode);
    if (strcmp(mode, "hang") == 0) {
        c->hung = 1;
        log_request(log, ++*nreq, c, hdr_end, total, "hang");
        return;
    }
    snprintf(status, sizeof status, "%d", respond(c->fd, mode));
    log_request(log, ++*nreq, c, hdr_end, total, status);
    close(c->fd), c->fd = -1;
}

static void serve(int lfd, const struct opts *o, FILE *log)
{
    static struct conn conns[MAX_CONN];
    struct pollfd pf[MAX_CONN + 1];
    long long deadline = now_ms() + (long long)o->lifetime * 1000;
    int nreq = 0;
    for (int i = 0; i < MAX_CONN; i++)
        conns[i].fd = -1;
    while (!stop && now_ms() < deadline) {
        pf[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
        for (int i = 0; i < MAX_CONN; i++)
            pf[i + 1] = (struct pollfd){.fd = conns[i].fd, .events = POLLIN};
        if (poll(pf, MAX_CONN + 1, 200) <= 0)
            continue;
        if (pf[0].revents & POLLIN) {
            int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
            int i = 0;
            while (i < MAX_CONN && conns[i].fd >= 0)
                i++;
            if (fd >= 0 && i == MAX_CONN)
                close(fd);
            else if (fd >= 0) {
                conns[i] = (struct conn){.fd = fd, .buf = conns[i].buf};
                if (!conns[i].buf)
                    conns[i].buf = malloc(MAX_REQ);
            }
        }
        for (int i = 0; i < MAX_CONN; i++)
            if (conns[i].fd >= 0 && (pf[i + 1].revents & (POLLIN | POLLHUP | POLLERR)))
                handle_readable(&conns[i], o, log, &nreq);
    }
}

int main(int argc, char **argv)
{
    struct opts o = {.lifetime = 300, .mode = "ok"};
    int ch;
    while ((ch = getopt(argc, argv, "p:l:m:c:t:P:")) != -1) {
        switch (ch) {
        case 'p': o.port = atoi(optarg); break;
        case 'l': o.log = optarg; break;
        case 'm': o.mode = optarg; break;
        case 'c': o.ctl = optarg; break;
        case 't': o.lifetime = atoi(optarg); break;
        case 'P': o.portfile = optarg; break;
        default:
            fprintf(stderr, "usage: httpsink -l LOG [-p PORT] [-m MODE] [-c CONTROL] [-t SECONDS] "
                    "[-P PORTFILE]\n");
            return 2;
        }
    }
    if (!o.log) {
        fprintf(stderr, "httpsink: -l LOG is required\n");
        return 2;
    }
    FILE *log = fopen(o.log, "a");
    int chosen = 0, lfd = log ? listen_on(o.port, &chosen) : -1;
    if (lfd < 0) {
        fprintf(stderr, "httpsink: cannot listen or open the log: %s\n", strerror(errno));
        return 1;
    }
    signal(SIGTERM, on_sig);
    signal(SIGINT, on_sig);
    signal(SIGPIPE, SIG_IGN);
    printf("%d\n", chosen);
    fflush(stdout);
    if (o.portfile) {
        FILE *pf = fopen(o.portfile, "w");
        if (pf)
            fprintf(pf, "%d\n", chosen), fclose(pf);
    }
    serve(lfd, &o, log);
    fclose(log);
    return 0;
}
