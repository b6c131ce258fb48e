/* sink: a tiny HTTP server on 127.0.0.1 for `logdeck demo`, so that
 * the demo's webhook notifier delivers its alerts somewhere real without
 * any network, account or test tool. One request per connection: a POST
 * with a Content-Length body (after "100 Continue" when asked) is
 * answered 200 and its body kept, the last N of them; anything else gets
 * 405. No TLS, no chunked bodies, no keep-alive: what libcurl sends for a
 * webhook, and no more. */
#ifndef LOGDECK_DEMO_SINK_H
#define LOGDECK_DEMO_SINK_H

#include <stdint.h>

#include "src/base/err.h"

struct demo_sink;

/* Listens on 127.0.0.1, port chosen by the kernel, and serves from a
 * thread (signals blocked) until demo_sink_free. keep: payloads kept
 * (at least 1). Returns NULL with e filled. */
struct demo_sink *demo_sink_new(int keep, struct err *e);
void demo_sink_free(struct demo_sink *s);   /* stops the thread; NULL is a no-op */
int demo_sink_port(const struct demo_sink *s);
/* POSTs accepted so far. Thread-safe. */
int64_t demo_sink_count(struct demo_sink *s);
/* A malloc'd copy of the n-th newest payload (0: the newest), or NULL
 * when there are fewer. Thread-safe. */
char *demo_sink_payload(struct demo_sink *s, int n);

#endif
