/* sink: the demo's in-process webhook receiver (see sink.h).
 * One thread polls the listening socket and a stop pipe; each connection
 * is read with a deadline so a stalled client cannot hold the thread. */
#include "src/demo/sink.h"
#include "src/base/thread.h"
#include "src/base/ts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define REQ_MAX (1 << 20)      /* bytes of one request, headers and body */
#define CONN_MS 2000           /* a connection must send its request within this */

struct demo_sink {
    pthread_t th;
    int fd, port;
    int stop_pipe[2];
    pthread_mutex_t mu;
    char **ring;               /* keep slots, the newest at (next - 1) % keep */
    int keep, next;
    int64_t count;
};

static void send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0 && errno != EINTR)
            return;
        if (k > 0)
            p += k, n -= (size_t)k;
    }
}

/* Reads into buf (len bytes already there) until it holds want bytes
 * (want (size_t)-1: the end of the headers), the peer closes, or the
 * deadline passes. Returns the bytes in buf. */
static size_t read_more(int fd, char *buf, size_t len, size_t want, int64_t deadline)
{
    while (len < want && len < REQ_MAX) {
        struct pollfd p = {fd, POLLIN, 0};
        int64_t left = deadline - (ts_mono_us() / 1000);
        if (left <= 0 || poll(&p, 1, (int)left) <= 0)
            break;
        ssize_t k = recv(fd, buf + len, REQ_MAX - len, 0);
        if (k <= 0)
            break;
        len += (size_t)k;
        buf[len] = 0;
        if (want == (size_t)-1 && strstr(buf, "\r\n\r\n"))
            break;
    }
    return len;
}

/* The value of header name in the head (NUL-terminated), or NULL. */
static const char *header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n"))
        if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':')
            return p + 3 + n + strspn(p + 3 + n, " \t");
    return NULL;
}

static void keep_payload(struct demo_sink *s, const char *body, size_t n)
{
    char *copy = malloc(n + 1);
    if (!copy)
        return;
    memcpy(copy, body, n);
    copy[n] = 0;
    pthread_mutex_lock(&s->mu);
    free(s->ring[s->next]);
    s->ring[s->next] = copy;
    s->next = (s->next + 1) % s->keep;
    s->count++;
    pthread_mutex_unlock(&s->mu);
}

static void serve(struct demo_sink *s, int fd, char *buf)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                             "Content-Length: 2\r\nConnection: close\r\n\r\nok";
    static const char bad[] = "HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n"
                              "Connection: close\r\n\r\n";
    int64_t deadline = (ts_mono_us() / 1000) + CONN_MS;
    buf[0] = 0;
    size_t len = read_more(fd, buf, 0, (size_t)-1, deadline);
    char *end = strstr(buf, "\r\n\r\n");
    if (!end || strncmp(buf, "POST ", 5) != 0) {
        send_all(fd, bad, sizeof bad - 1);
        return;
    }
    *end = 0;   /* the head is a string from here on */
    const char *cl = header(buf, "Content-Length"), *ex = header(buf, "Expect");
    size_t body_at = (size_t)(end - buf) + 4, want = cl ? strtoul(cl, NULL, 10) : 0;
    if (want > REQ_MAX - body_at)
        want = REQ_MAX - body_at;
    if (ex && strncasecmp(ex, "100-continue", 12) == 0 && len < body_at + want)
        send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
    len = read_more(fd, buf, len, body_at + want, deadline);
    keep_payload(s, buf + body_at, len > body_at ? len - body_at : 0);
    send_all(fd, ok, sizeof ok - 1);
}

static void *run(void *arg)
{
    struct demo_sink *s = arg;
    char *buf = malloc(REQ_MAX + 1);
    for (;;) {
        struct pollfd p[2] = {{s->fd, POLLIN, 0}, {s->stop_pipe[0], POLLIN, 0}};
        if (poll(p, 2, -1) < 0 && errno != EINTR)
            break;
        if (p[1].revents)
            break;
        if (!(p[0].revents & POLLIN))
            continue;
        int c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC);
        if (c < 0)
            continue;
        if (buf)
            serve(s, c, buf);
        close(c);
    }
    free(buf);
    return NULL;
}

static int listen_local(struct demo_sink *s, struct err *e)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    s->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(s->fd, 16) < 0 ||
        getsockname(s->fd, (struct sockaddr *)&a, &al) < 0)
        return err_set(e, "demo webhook sink: cannot listen on 127.0.0.1: %s", strerror(errno));
    s->port = ntohs(a.sin_port);
    return 0;
}

struct demo_sink *demo_sink_new(int keep, struct err *e)
{
    struct demo_sink *s = calloc(1, sizeof *s);
    if (!s || !(s->ring = calloc((size_t)(keep > 0 ? keep : 1), sizeof *s->ring))) {
        free(s);
        err_set(e, "out of memory");
        return NULL;
    }
    s->keep = keep > 0 ? keep : 1;
    s->fd = s->stop_pipe[0] = s->stop_pipe[1] = -1;
    pthread_mutex_init(&s->mu, NULL);
    if (listen_local(s, e) < 0) {
        demo_sink_free(s);
        return NULL;
    }
    if (pipe2(s->stop_pipe, O_CLOEXEC) < 0) {
        err_set(e, "demo webhook sink: %s", strerror(errno));
        demo_sink_free(s);
        return NULL;
    }
    int rc = thread_start("ld-sink", &s->th, run, s);
    if (rc != 0) {
        err_set(e, "demo webhook sink: cannot start a thread: %s", strerror(rc));
        close(s->stop_pipe[1]);
        s->stop_pipe[1] = -1;   /* no thread to stop */
        demo_sink_free(s);
        return NULL;
    }
    return s;
}

void demo_sink_free(struct demo_sink *s)
{
    if (!s)
        return;
    if (s->stop_pipe[1] >= 0) {
        ssize_t k = write(s->stop_pipe[1], "x", 1);
        (void)k;
        pthread_join(s->th, NULL);
        close(s->stop_pipe[1]);
    }
    if (s->stop_pipe[0] >= 0)
        close(s->stop_pipe[0]);
    if (s->fd >= 0)
        close(s->fd);
    for (int i = 0; i < s->keep; i++)
        free(s->ring[i]);
    free(s->ring);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int demo_sink_port(const struct demo_sink *s)
{
    return s->port;
}

int64_t demo_sink_count(struct demo_sink *s)
{
    pthread_mutex_lock(&s->mu);
    int64_t n = s->count;
    pthread_mutex_unlock(&s->mu);
    return n;
}

char *demo_sink_payload(struct demo_sink *s, int n)
{
    char *copy = NULL;
    pthread_mutex_lock(&s->mu);
    if (n >= 0 && n < s->keep && n < s->count) {
        const char *p = s->ring[(s->next - 1 - n + 2 * s->keep) % s->keep];
        copy = p ? strdup(p) : NULL;
    }
    pthread_mutex_unlock(&s->mu);
    return copy;
}
