/* cmd_index: `logdeck index [--follow] [--poll] [--status-interval S]
 * [--json] [--format F] [--service S] [--max-line B] [PATH|GLOB|DIR...]`
 * indexes the config file's sources plus the paths given, once (printing
 * what was added) or, with --follow, until SIGTERM/SIGINT. One writer per
 * store: a second indexer exits 1 naming the first one's pid. */
#include <cjson/cJSON.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/store.h"
#include "src/cli/cli.h"
#include "src/cli/index_explain.h"
#include "src/base/config.h"
#include "src/follow/follow.h"
#include "src/follow/ingest.h"
#include "src/base/paths.h"
#include "src/base/ts.h"
#include "db/wlock.h"
#include "db/follow_db.h"
#include "db/chstore.h"
#include "src/base/xdg.h"
#include "src/follow/ship.h"

struct index_args {
    int json, follow, poll, status_s;
    const char *explain;
    const char *ship, *host, *journal;
    int ship_batch;
    int64_t ship_timeout_us;   /* --ship-timeout; 0: ship.timeout, else 60 s */
    char ship_url[4096];       /* the URL with ship.user and ship.password_env */
    struct ingest_opts io;
};

static int parse_num(const char *what, const char *arg, long long min, long long *out)
{
    char *end;
    long long v = strtoll(arg, &end, 10);
    if (*end || end == arg || v < min) {
        cli_error("index", "%s takes a number >= %lld, not '%s'", what, min, arg);
        return 2;
    }
    *out = v;
    return 0;
}

static int parse_args(int argc, char **argv, struct index_args *a)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},          {"follow", no_argument, NULL, 'f'},
        {"format", required_argument, NULL, 'F'},  {"service", required_argument, NULL, 's'},
        {"max-line", required_argument, NULL, 'm'},
        {"poll", no_argument, NULL, 'p'},          {"status-interval", required_argument, NULL, 'i'},
        {"explain-format", required_argument, NULL, 'x'},
        {"ship", required_argument, NULL, 'S'},    {"host", required_argument, NULL, 'H'},
        {"journal", required_argument, NULL, 'J'}, {"ship-batch", required_argument, NULL, 'B'},
        {"ship-timeout", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    long long v;
    a->status_s = 10;
    while ((ch = getopt_long(argc, argv, "jf", opts, NULL)) != -1) {
        switch (ch) {
        case 'j': a->json = 1; break;
        case 'f': a->follow = 1; break;
        case 'p': a->poll = 1; break;
        case 'x': a->explain = optarg; break;
        case 'S': a->ship = optarg; break;
        case 'H': a->host = optarg; break;
        case 'J': a->journal = optarg; break;
        case 'B':
            if (parse_num("--ship-batch", optarg, 1, &v))
                return 2;
            a->ship_batch = (int)v;
            break;
        case 'T':
            if (ts_parse_duration(optarg, &a->ship_timeout_us) < 0 || a->ship_timeout_us <= 0) {
                cli_error("index", "--ship-timeout takes a duration (e.g. 60s, 5m), not '%s'",
                          optarg);
                return 2;
            }
            break;
        case 's': a->io.parse.service = optarg; break;
        case 'F':
            if ((a->io.parse.format = fmt_parse(optarg)) < 0) {
                cli_error("index", "unknown format '%s'", optarg);
                return 2;
            }
            break;
        case 'm':
            if (parse_num("--max-line", optarg, 64, &v))
                return 2;
            a->io.max_line = (size_t)v;
            break;
        case 'i':
            if (parse_num("--status-interval", optarg, 0, &v))
                return 2;
            a->status_s = (int)v;
            break;
        default: cli_usage(&cmd_index_entry, "", 1, stderr); return 2;
        }
    }
    return 0;
}

static void print_text(const struct ingest_stats *st, double secs, const struct index_files *fl)
{
    char a[32], b[32];
    cli_human_bytes(st->bytes, a, sizeof a);
    printf("indexed %lld records (%lld lines, %s) from %lld files in %.2f s",
           (long long)st->records, (long long)st->lines, a, (long long)st->files, secs);
    if (secs > 0 && st->records)
        printf(": %.0f records/s, %.1f MiB/s", (double)st->records / secs,
               (double)st->bytes / (1024 * 1024) / secs);
    printf("\n ");
    for (int l = LVL_COUNT - 1; l >= 0; l--)
        if (st->by_level[l])
            printf(" %s %lld", level_name(l), (long long)st->by_level[l]);
    printf("\n  unparsed %lld, truncated %lld", (long long)st->unparsed, (long long)st->truncated);
    if (st->partial_held)
        printf(", %lld unterminated last line%s held (stored once the file gets its newline, "
               "is rotated, or is unchanged for store.partial_line_after)",
               (long long)st->partial_held, st->partial_held == 1 ? "" : "s");
    if (st->copies)
        printf(", %lld copies of files already indexed skipped", (long long)st->copies);
    if (st->records)
        printf("\n  time range %s .. %s", ts_format(st->first_ts, a), ts_format(st->last_ts, b));
    printf("\n");
    if (fl->n)
        printf("  per file (format or layout; lines that started a record):\n");
    for (size_t i = 0; i < fl->n; i++)
        printf("  %s\n", fl->line[i]);
}

static void print_json(const struct ingest_stats *st, double secs, int nerr, int64_t dropped,
                       struct index_files *fl)
{
    char a[32];
    cJSON *o = cJSON_CreateObject(), *bl = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "records", (double)st->records);
    for (int l = 0; l < LVL_COUNT; l++)
        if (st->by_level[l])
            cJSON_AddNumberToObject(bl, level_name(l), (double)st->by_level[l]);
    cJSON_AddItemToObject(o, "by_level", bl);
    cJSON_AddNumberToObject(o, "unparsed", (double)st->unparsed);
    cJSON_AddNumberToObject(o, "truncated", (double)st->truncated);
    cJSON_AddNumberToObject(o, "partial_lines_held", (double)st->partial_held);
    cJSON_AddNumberToObject(o, "copies_skipped", (double)st->copies);
    cJSON_AddNumberToObject(o, "files", (double)st->files);
    cJSON_AddNumberToObject(o, "lines", (double)st->lines);
    cJSON_AddNumberToObject(o, "bytes", (double)st->bytes);
    if (st->records) {
        cJSON_AddStringToObject(o, "first_ts", ts_format(st->first_ts, a));
        cJSON_AddStringToObject(o, "last_ts", ts_format(st->last_ts, a));
    } else {
        cJSON_AddNullToObject(o, "first_ts");
        cJSON_AddNullToObject(o, "last_ts");
    }
    cJSON_AddNumberToObject(o, "seconds", secs);
    cJSON_AddNumberToObject(o, "records_per_s", secs > 0 ? (double)st->records / secs : 0);
    cJSON_AddNumberToObject(o, "errors", nerr);
    cJSON_AddNumberToObject(o, "cap_dropped", (double)dropped);
    cJSON_AddItemToObject(o, "files_read", fl->json);
    fl->json = NULL;
    char *s = cJSON_PrintUnformatted(o);
    puts(s);
    free(s);
    cJSON_Delete(o);
}

/* The config file plus the command line's paths (which inherit --format and
 * --service). Returns 0, or an exit code. */
struct cfgs {
    const struct cli *c;
    int argc;
    char **argv;
    const struct index_args *a;
    struct config cur, prev;
};

/* The config main parsed (reread: the file as it is now, for SIGHUP). */
static int load_config(struct cfgs *x, struct config *out, int reread, struct err *e)
{
    if (reread ? config_load(out, x->c->config_path, x->c->config_given, e)
               : config_copy(out, x->c->cfg, e))
        return -1;
    for (int i = optind; i < x->argc; i++)
        if (config_add_source(out, x->argv[i], x->a->io.parse.format, x->a->io.parse.service,
                              e) < 0) {
            config_fini(out);
            return -1;
        }
    if (x->a->io.max_line)
        out->max_line = x->a->io.max_line;
    config_apply_cap(out, x->c->db_path);
    return 0;
}

static int reload(void *ctx, const struct config **out, struct err *e)
{
    struct cfgs *x = ctx;
    struct config n;
    if (load_config(x, &n, 1, e) < 0)
        return -1;
    config_fini(&x->prev);   /* two generations: the follower may still hold cur */
    x->prev = x->cur;
    x->cur = n;
    *out = &x->cur;
    return 0;
}

/* Indexes every file of one source; the number of errors (printed). */
static int index_source(struct ingest *in, const struct config_source *cs,
                        const struct parse_opts *base)
{
    struct err e = {0};
    struct parse_opts po = *base;
    struct pathlist pl = {0};
    int nerr = 0;
    index_source_opts(&po, cs);
    if (paths_expand(&pl, cs->path, &e) < 0) {
        cli_error("index", "%s", e.msg);
        nerr++;
    }
    for (size_t j = 0; j < pl.n; j++)
        if (ingest_path_with(in, pl.v[j], &po, &e) < 0) {
            cli_error("index", "%s", e.msg);
            nerr++;
        }
    paths_fini(&pl);
    return nerr;
}

/* The progress line of a one-shot index on a terminal: rewritten in place
 * at most 4 times a second, erased before the summary. */
struct progress {
    int64_t t0, last_us, total;
    int shown;
};

static void progress_line(void *ctx, const struct ingest_stats *st)
{
    struct progress *p = ctx;
    int64_t now = ts_now();
    if (now - p->last_us < 250000)
        return;
    p->last_us = now;
    double secs = (double)(now - p->t0) / 1e6;
    double bps = secs > 0 ? (double)st->bytes / secs : 0;
    char done[32], tot[32], eta[32] = "";
    cli_human_bytes(st->bytes, done, sizeof done);
    cli_human_bytes(p->total, tot, sizeof tot);
    if (bps > 0 && p->total > st->bytes)
        snprintf(eta, sizeof eta, ", ETA %.0f s", (double)(p->total - st->bytes) / bps);
    printf("\r\033[Kindexing: %s of %s (%.0f%%), %.0f records/s%s", done, tot,
           p->total > 0 ? 100.0 * (double)st->bytes / (double)p->total : 0.0,
           secs > 0 ? (double)st->records / secs : 0.0, eta);
    fflush(stdout);
    p->shown = 1;
}

/* Bytes of the files the sources name now (compressed ones as they are). */
static int64_t sources_bytes(const struct config *cfg)
{
    int64_t n = 0;
    struct err e = {0};
    for (size_t i = 0; i < cfg->nsources; i++) {
        struct pathlist pl = {0};
        paths_expand(&pl, cfg->sources[i].path, &e);
        for (size_t j = 0; j < pl.n; j++) {
            struct stat st;
            if (stat(pl.v[j], &st) == 0)
                n += st.st_size;
        }
        paths_fini(&pl);
    }
    return n;
}

/* The size cap of a one-shot index (store.max_size, else the default the
 * config resolved: the smaller of 2 GiB and 10% of the free space), applied
 * after every commit as the follower applies it: the oldest records go,
 * below warning first. Not on a journal being shipped (its records are
 * not all shipped yet). */
struct capper {
    struct store *s;
    int64_t cap, dropped;
};

/* Past the cap: drops what brings the store to 90% of it at the average
 * record's share of the store, in one step. Not "until it is below": a
 * deleted record leaves full-text tombstones until segments merge, so the
 * size lags the deletes and such a loop would drop everything. */
static int cap_commit(void *ctx, struct err *e)
{
    struct capper *c = ctx;
    struct store_totals t;
    int64_t used = store_used_bytes(c->s);
    if (used <= c->cap)
        return 0;
    if (store_totals(c->s, &t, e) < 0)
        return -1;
    if (t.records <= 0)
        return 0;
    int64_t per = used / t.records > 0 ? used / t.records : 1;
    int64_t n = (used - c->cap / 10 * 9) / per + 1;
    if (n > t.records)
        n = t.records;
    int64_t k = store_size_step(c->s, c->cap, n > INT_MAX ? INT_MAX : (int)n, e);
    if (k < 0)
        return -1;
    c->dropped += k;
    return 0;
}

static void cap_said(const struct capper *c, const struct config *cfg)
{
    char b[32];
    if (!c->dropped)
        return;
    cli_human_bytes(c->cap, b, sizeof b);
    fprintf(stderr, "logdeck index: the store reached its size cap (%s, %s): dropped the %lld "
            "oldest records (below warning first); raise store.max_size to keep more "
            "(logdeck store info)\n", b, cfg->max_size_given ? "store.max_size" :
            "the default: the smaller of 2 GiB and 10% of the free space", (long long)c->dropped);
}

static int one_shot(struct store *s, const struct config *cfg, struct index_args *a)
{
    struct err e = {0};
    int nerr = 0;
    struct capper cp = {.s = s, .cap = cfg->max_size};
    if (cfg->max_size > 0 && !a->ship) {
        a->io.on_commit = cap_commit;
        a->io.on_commit_ctx = &cp;
    }
    struct index_files fl = {0};
    if (a->json)
        fl.json = cJSON_CreateArray();
    a->io.final = 1;
    a->io.max_line = cfg->max_line;
    a->io.on_file = index_files_note;
    a->io.on_file_ctx = &fl;
    a->io.partial_after_us = cfg->partial_after_us ? cfg->partial_after_us
                                                   : CONFIG_PARTIAL_AFTER_US;
    struct progress pr = {.t0 = ts_now()};
    if (!a->json && isatty(STDOUT_FILENO)) {
        pr.total = sources_bytes(cfg);
        a->io.progress = progress_line;
        a->io.progress_ctx = &pr;
    }
    /* one pass: the SQLite writes run on a thread of the store while this
     * one parses (db/addq.h) */
    struct ingest *in = store_bulk(s, &e) == 0 ? ingest_new(s, &a->io, &e) : NULL;
    int64_t t0 = ts_now();
    for (size_t i = 0; in && i < cfg->nsources; i++)
        nerr += index_source(in, &cfg->sources[i], &a->io.parse);
    double secs = (double)(ts_now() - t0) / 1e6;
    if (pr.shown) {
        printf("\r\033[K");
        fflush(stdout);
    }
    cap_said(&cp, cfg);
    if (in && a->json)
        print_json(ingest_stats(in), secs, nerr, cp.dropped, &fl);
    else if (in)
        print_text(ingest_stats(in), secs, &fl);
    else
        cli_error("index", "%s", e.msg);
    ingest_free(in);
    cJSON_Delete(fl.json);
    index_files_fini(&fl);
    return (nerr || !in) ? 1 : 0;
}

static int follow(struct store *s, struct cfgs *x)
{
    struct err e = {0};
    struct follow_opts fo = {.poll = x->a->poll, .status_interval_s = x->a->status_s,
                             .status = stderr, .parse = x->a->io.parse,
                             .reload = reload, .reload_ctx = x};
    struct follower *f = follow_new(s, &x->cur, &fo, &e);
    int rc = f && follow_run(f, &e) == 0 ? 0 : 1;
    if (rc)
        cli_error("index", "%s", e.msg);
    follow_free(f);
    return rc;
}

/* Where to ship: --ship (or --db clickhouse://...) overrides the config's
 * ship.url; ship.user and ship.password_env fill in what the URL does not
 * name, ship.host and ship.timeout what the command line does not give.
 * Returns 0 (a->ship NULL: no shipping) or an exit code. */
static int ship_settings(struct index_args *a, const struct config *cfg)
{
    struct err e = {0};
    const char *url = a->ship ? a->ship : cfg->ship.url;
    if (!url)
        return 0;
    if (chstore_url_with(url, cfg->ship.user, cfg->ship.password_env, a->ship_url,
                         sizeof a->ship_url, &e) < 0) {
        cli_error("index", "%s", e.msg);
        return 2;
    }
    a->ship = a->ship_url;
    if (!a->host)
        a->host = cfg->ship.host ? cfg->ship.host : store_host();
    if (!a->ship_timeout_us)
        a->ship_timeout_us = cfg->ship.timeout_us ? cfg->ship.timeout_us : 60000000;
    return 0;
}

/* Checks the ClickHouse URL (schema present, right version) and starts
 * shipping the journal at db. A server that does not answer now is waited
 * for: the journal keeps the records. Returns 0 or an exit code. */
static int probe_late(void *ctx)
{
    return ts_now() > *(const int64_t *)ctx;
}

static int start_ship(struct store *s, const char *db, const struct index_args *a,
                      struct shipper **out)
{
    struct err e = {0};
    int64_t until = ts_now() + 10000000;   /* a hung server does not hold the start long */
    struct chstore *probe = chstore_open_within(a->ship, probe_late, &until, &e);
    int ok = probe != NULL;
    chstore_close(probe);
    if (!ok && e.code == CHSTORE_ETEMP) {
        cli_error("index", "%s; shipping starts when it answers", e.msg);
        ok = 1;
    }
    char sid[64];
    if (!ok || store_ship_id(s, sid, sizeof sid, &e) < 0) {
        cli_error("index", "%s", e.msg);
        return e.code == 2 ? 2 : 1;
    }
    struct ship_opts so = {.url = a->ship, .host = a->host, .store_id = sid,
                           .batch_max = a->ship_batch};
    if (!(*out = ship_start(db, &so, &e))) {
        cli_error("index", "%s", e.msg);
        return 1;
    }
    return 0;
}

/* The journal's note of what a target holds: "HOST URL" (URL without its
 * options). */
static void mark_key(const struct index_args *a, char *out, size_t cap)
{
    snprintf(out, cap, "%s %.*s", a->host, (int)strcspn(a->ship, "?"), a->ship);
}

/* Records of the journal not on the server: after what it confirmed this
 * run (noted in the journal), else after what it confirmed last time. */
static int64_t unshipped(struct store *s, const struct index_args *a, const struct ship_stats *st)
{
    struct err e = {0};
    char key[4400];
    int64_t upto = st->last_rid, left;
    mark_key(a, key, sizeof key);
    if ((st->confirmed ? store_ship_mark_set(s, key, upto, &e)
                       : store_ship_mark_get(s, key, &upto, &e)) < 0 ||
        (left = store_count_after(s, upto, &e)) < 0) {
        cli_error("index", "%s", e.msg);
        return -1;
    }
    return left;
}

/* Ships what is left. Following: for at most 5 s (the journal keeps the
 * rest for the next start). One-shot: for as long as batches are
 * acknowledged, giving up after --ship-timeout without one; then 1 with a
 * message saying how many records are left. */
static int stop_ship(struct shipper *sh, struct store *s, const struct index_args *a)
{
    struct ship_stats st;
    int ms = (int)(a->ship_timeout_us / 1000);
    if (a->follow)
        ship_stop(sh, SHIP_DRAIN_FOR, 5000, &st);
    else
        ship_stop(sh, SHIP_DRAIN_WHILE_PROGRESS, ms > 0 ? ms : 1, &st);
    int64_t left = unshipped(s, a, &st);
    if (left < 0)
        return 1;
    if (left && a->follow) {
        cli_error("index", "%lld records not shipped yet; they ship at the next start",
                  (long long)left);
        return 0;
    }
    if (left) {
        cli_error("index", "gave up shipping after %.3g s without progress: %lld records left "
                  "unshipped (kept in the journal %s; the next index --ship ships them)%s%s",
                  (double)a->ship_timeout_us / 1e6, (long long)left, store_path(s),
                  st.last_error[0] ? ": " : "", st.last_error);
        return 1;
    }
    if (!a->json)
        printf("shipped %lld records in %lld batches (%lld resyncs)\n", (long long)st.shipped,
               (long long)st.batches, (long long)st.resyncs);
    return 0;
}

static int cmd_index(const struct cli *c, int argc, char **argv)
{
    struct index_args a = {0};
    struct err e = {0};
    int rc = parse_args(argc, argv, &a);
    if (rc)
        return rc < 0 ? 0 : rc;
    struct cfgs x = {.c = c, .argc = argc, .argv = argv, .a = &a};
    if (load_config(&x, &x.cur, 0, &e) < 0) {
        cli_error("index", "%s", e.msg);
        return e.code == 2 ? 2 : 1;
    }
    if (a.explain) {   /* no store: what the parser makes of one file */
        rc = index_explain(a.explain, &a.io.parse, &x.cur, stdout);
        config_fini(&x.cur);
        return rc;
    }
    if (!x.cur.nsources) {
        cli_usage(&cmd_index_entry, "", 1, stderr);
        config_fini(&x.cur);
        return 2;
    }
    const char *db = c->db_path;   /* main resolved --db, $LOGDECK_DB, store.path */
    char jbuf[4096];
    if (chstore_is_url(db)) {   /* index into ClickHouse: a local journal ships there */
        a.ship = db;
        db = a.journal ? a.journal : xdg_path(XDG_STATE, "journal.db", jbuf, sizeof jbuf);
    }
    if ((rc = ship_settings(&a, &x.cur))) {
        config_fini(&x.cur);
        return rc;
    }
    sigset_t oldmask;
    if (a.follow)
        follow_block_signals(&oldmask);   /* before the store starts its thread */
    struct wlock lk = {-1};
    struct shipper *sh = NULL;
    struct store *s = NULL;   /* locked first: a second writer touches nothing */
    if (wlock_acquire(&lk, db, &e) < 0 || !(s = store_open(db, STORE_WRITE, &e))) {
        cli_error("index", "%s", e.msg);
        rc = 1;
    } else if (!a.ship || !(rc = start_ship(s, db, &a, &sh))) {
        if (store_created(s)) {   /* the footprint, said up front */
            char note[1024];
            cli_store_note(db, &x.cur, note, sizeof note);
            fprintf(stderr, "logdeck index: %s\n", note);
        }
        rc = a.follow ? follow(s, &x) : one_shot(s, &x.cur, &a);
        if (sh && stop_ship(sh, s, &a) && !rc)
            rc = 1;
    }
    store_close(s);
    wlock_release(&lk);
    config_fini(&x.cur);
    config_fini(&x.prev);
    return rc;
}

const struct cmd_entry cmd_index_entry = {
    .name = "index",
    .usage =
        "[--follow [--poll] [--status-interval SECS]] [--json]\n"
        " [--format FMT] [--service NAME] [--max-line BYTES]\n"
        " [--ship URL [--host NAME] [--ship-batch N] [--ship-timeout D]]\n"
        " [PATH|GLOB|DIR...]\n"
        "--explain-format FILE   what was learned of FILE's layout",
    .help =
        "  FMT: auto (default), json, python, loguru, logfmt, syslog, layout, raw\n"
        "  Without paths, the sources: of the config file are indexed; paths add to them.\n"
        "  --follow keeps reading as files grow and rotate (stop with Ctrl-C / SIGTERM;\n"
        "  SIGHUP re-reads the config); a status line goes to stderr every SECS (10).\n"
        "  --ship clickhouse://HOST:PORT/DB: the local store is the journal; every\n"
        "  record is also shipped, exactly once, to ClickHouse as host NAME\n"
        "  (default: $LOGDECK_HOST, else the hostname), in INSERTs of at most N rows\n"
        "  (100000) or 1 s. With --db clickhouse://... the journal is --journal PATH\n"
        "  (default ~/.local/state/logdeck/journal.db). The config's ship: key does\n"
        "  the same (url, user, password_env, host, timeout); the command line\n"
        "  overrides it. Without --follow, shipping goes on while batches are\n"
        "  acknowledged and gives up after D (60s) without one: exit 1, the records\n"
        "  left stay in the journal for the next run.\n",
    .flags = CMD_CONFIG,
    .exec = cmd_index,
};
