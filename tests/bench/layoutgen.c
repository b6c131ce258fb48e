/* layoutgen: writes the same log events twice, as a log4j-style text log
 * (a layout the parser learns: "2024-01-05 10:00:00,123 INFO [thread]
 * logger - message", 5% errors with a 6-line Java stack trace) and as JSON
 * lines (timestamp, level, logger, thread, message, request_id; the trace
 * in "exc_info"), each cut at the same number of bytes, for
 * tests/bench/bench_layout.sh: ingest per byte of the layout path vs the
 * JSON path. Usage: layoutgen BYTES LAYOUT_FILE JSON_FILE [ids]
 * With "ids" every text line also ends in its request id as "[<uuid>]"
 * (the JSON line always has it as request_id). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long long rng = 88172645463325252ULL;

static unsigned rnd(unsigned n)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (unsigned)(rng % n);
}

static const char *const loggers[] = {"com.acme.orders.OrderService", "org.apache.kafka.clients.NetworkClient",
                                      "com.zaxxer.hikari.pool.HikariPool", "o.s.web.servlet.DispatcherServlet"};
static const char *const msgs[] = {"Order 4411 placed for customer 8812, total 129.90 EUR, 3 items",
                                   "Connection to node 2 (kafka-2.internal/10.0.3.12:9092) could not be established",
                                   "HikariPool-1 - Pool stats (total=10, active=4, idle=6, waiting=0)",
                                   "Completed 200 OK in 35ms for GET /api/v1/orders/4411/items?expand=prices"};
static const char *const trace[] = {
    "java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available",
    "\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
    "\tat com.acme.orders.OrderRepository.save(OrderRepository.java:41)",
    "\tat com.acme.orders.OrderService.place(OrderService.java:88)",
    "Caused by: java.net.SocketTimeoutException: connect timed out",
    "\t... 48 more"};

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5)
        return fprintf(stderr, "usage: layoutgen BYTES LAYOUT_FILE JSON_FILE [ids]\n"), 2;
    int ids = argc == 5 && strcmp(argv[4], "ids") == 0;
    long long want = atoll(argv[1]), lb = 0, jb = 0;
    FILE *lf = fopen(argv[2], "w"), *jf = fopen(argv[3], "w");
    if (!lf || !jf)
        return perror("layoutgen"), 1;
    char l[4096], j[4096];
    long long t = 0;
    while (lb < want || jb < want) {
        t += rnd(900);
        int err = rnd(100) < 5, lv = err ? 3 : rnd(100) < 10 ? 2 : 1;
        static const char *const lvn[] = {"DEBUG", "INFO", "WARN", "ERROR"};
        int s = (int)(t / 1000), k = rnd(4);
        char ts[64], id[40];
        snprintf(ts, sizeof ts, "2024-01-05 %02d:%02d:%02d,%03d", s / 3600 % 24, s / 60 % 60, s % 60, (int)(t % 1000));
        snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012x", rnd(1u << 31), rnd(65536), rnd(4096), rnd(4096), rnd(1u << 31));
        int ln = snprintf(l, sizeof l, "%s %-5s [http-nio-8080-exec-%u] %s - %s%s%s%s\n", ts, lvn[lv],
                          rnd(20), loggers[k], msgs[k], ids ? " [" : "", ids ? id : "", ids ? "]" : "");
        int jn = snprintf(j, sizeof j, "{\"timestamp\": \"%.10sT%.8s.%.3sZ\", \"level\": \"%s\", \"logger\": \"%s\", "
                          "\"thread\": \"http-nio-8080-exec-%u\", \"message\": \"%s\", \"request_id\": \"%s\"",
                          ts, ts + 11, ts + 20, lvn[lv], loggers[k], rnd(20), msgs[k], id);
        if (err) {
            jn += snprintf(j + jn, sizeof j - (size_t)jn, ", \"exc_info\": \"");
            for (int i = 0; i < 6; i++) {
                ln += snprintf(l + ln, sizeof l - (size_t)ln, "%s\n", trace[i]);
                for (const char *c = trace[i]; *c; c++)
                    jn += snprintf(j + jn, sizeof j - (size_t)jn, *c == '\t' ? "\\t" : "%c", *c);
                jn += snprintf(j + jn, sizeof j - (size_t)jn, i < 5 ? "\\n" : "\"");
            }
        }
        jn += snprintf(j + jn, sizeof j - (size_t)jn, "}\n");
        if (lb < want)
            lb += (long long)fwrite(l, 1, (size_t)ln, lf);
        if (jb < want)
            jb += (long long)fwrite(j, 1, (size_t)jn, jf);
    }
    fclose(lf);
    fclose(jf);
    printf("layout %lld bytes, json %lld bytes\n", lb, jb);
    return 0;
}
