/* test_demo_sink: the demo's in-process webhook receiver (src/demo_sink.c)
 * over a real loopback socket: a POST is answered 200 and its body kept
 * (also after "Expect: 100-continue"), only the last N bodies are kept,
 * and anything but a POST gets 405 and is not counted. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "src/demo/sink.h"

/* Sends req (in two parts when split > 0, waiting for "100 Continue"
 * between them) and returns the status line's code. */
static int request(int port, const char *req, size_t split)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    char buf[512] = "";
    int fd = socket(AF_INET, SOCK_STREAM, 0), code = -1;
    assert_true(fd >= 0);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    size_t n = strlen(req), first = split ? split : n;
    assert_int_equal(send(fd, req, first, 0), (ssize_t)first);
    if (split) {
        ssize_t k = recv(fd, buf, sizeof buf - 1, 0);
        assert_true(k > 0);
        buf[k] = 0;
        assert_string_equal(buf, "HTTP/1.1 100 Continue\r\n\r\n");
        assert_int_equal(send(fd, req + split, n - split, 0), (ssize_t)(n - split));
    }
    size_t got = 0;
    ssize_t k;
    while (got < sizeof buf - 1 && (k = recv(fd, buf + got, sizeof buf - 1 - got, 0)) > 0)
        got += (size_t)k;
    buf[got] = 0;
    close(fd);
    sscanf(buf, "HTTP/1.1 %d", &code);
    return code;
}

static void test_post_kept(void **state)
{
    (void)state;
    struct err e = {0};
    struct demo_sink *s = demo_sink_new(2, &e);
    assert_non_null(s);
    int port = demo_sink_port(s);
    assert_true(port > 0);
    assert_int_equal(request(port, "POST /alerts HTTP/1.1\r\nHost: x\r\n"
                                   "content-length: 7\r\n\r\n{\"a\":1}", 0), 200);
    char *p = demo_sink_payload(s, 0);
    assert_string_equal(p, "{\"a\":1}");
    free(p);
    static const char cont[] = "POST /alerts HTTP/1.1\r\nContent-Length: 7\r\n"
                               "Expect: 100-continue\r\n\r\n{\"b\":2}";
    assert_int_equal(request(port, cont, sizeof cont - 1 - 7), 200);
    assert_int_equal(request(port, "POST / HTTP/1.1\r\nContent-Length: 7\r\n\r\n{\"c\":3}", 0), 200);
    assert_int_equal(request(port, "GET / HTTP/1.1\r\n\r\n", 0), 405);
    assert_int_equal(demo_sink_count(s), 3);
    p = demo_sink_payload(s, 0);
    assert_string_equal(p, "{\"c\":3}");
    free(p);
    p = demo_sink_payload(s, 1);
    assert_string_equal(p, "{\"b\":2}");
    free(p);
    assert_null(demo_sink_payload(s, 2));   /* only the last 2 are kept */
    demo_sink_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_post_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
