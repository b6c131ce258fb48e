/* cmd_store: `logdeck store SUBCOMMAND`: the store itself: where it is
 * (path), how big and how complete it is (info), dropping what retention
 * and the size cap say (prune), giving freed pages back (vacuum); the
 * rows of one table, `store init` (ClickHouse) is cmd_store_init.c. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/chstore.h"
#include "db/store.h"
#include "db/wlock.h"
#include "src/base/config.h"
#include "src/base/ts.h"
#include "src/cli/cli.h"

static const struct cmd_entry path_entry, info_entry, prune_entry, vacuum_entry;

void cli_human_bytes(int64_t b, char *out, size_t cap)
{
    config_size_text(b, 0, out, cap);
}

/* The size cap that applies to db, described: "2.00 GiB (the default: ...)". */
static void cap_text(const struct config *cfg, const char *db, char *out, size_t cap)
{
    char b[32], fr[32];
    int64_t free_b = -1;
    int64_t def = config_default_cap(db, &free_b);
    if (cfg->max_size_given && cfg->max_size <= 0) {
        snprintf(out, cap, "none (store.max_size: 0)");
        return;
    }
    cli_human_bytes(cfg->max_size_given ? cfg->max_size : def, b, sizeof b);
    cli_human_bytes(free_b, fr, sizeof fr);
    if (cfg->max_size_given)
        snprintf(out, cap, "%s (store.max_size)", b);
    else
        snprintf(out, cap, "%s (default: the smaller of 2 GiB and 10%% of the %s free)", b, fr);
}

/* db as a user types it: ~ for $HOME (the default store is under it and
 * its full path is long enough to be cut on a narrow terminal). */
static const char *home_path(const char *db, char *buf, size_t cap)
{
    const char *h = getenv("HOME");
    size_t n = h ? strlen(h) : 0;
    while (n > 1 && h[n - 1] == '/')
        n--;
    if (n <= 1 || strncmp(db, h, n) != 0 || db[n] != '/')
        return db;
    snprintf(buf, cap, "~%s", db + n);
    return buf;
}

void cli_store_note(const char *db, const struct config *cfg, char *out, size_t cap)
{
    char c[160], hp[4200];
    cap_text(cfg, db, c, sizeof c);
    db = home_path(db, hp, sizeof hp);
    int keep = 0;
    for (int l = 0; l < LVL_COUNT; l++)
        keep |= cfg->retention_us[l] > 0;
    snprintf(out, cap, "new store at %s; size cap %s, the oldest records dropped beyond it%s "
             "(logdeck store info)", db, c, keep ? "; retention per level from the config" : "");
}

void cli_store_notes(const char *db, const struct config *cfg, char *out, size_t cap)
{
    char hp[4200], c[32];
    int64_t free_b = -1;
    cli_store_note(db, cfg, out, cap);
    if (cfg->max_size_given && cfg->max_size <= 0)
        snprintf(c, sizeof c, "none");
    else
        cli_human_bytes(cfg->max_size_given ? cfg->max_size : config_default_cap(db, &free_b),
                        c, sizeof c);
    db = home_path(db, hp, sizeof hp);
    size_t n = strlen(out);
    snprintf(out + n, cap - n, "\nnew store at %s; size cap %s, oldest records dropped beyond it "
             "(logdeck store info)\nnew store %s, cap %s (logdeck store info)"
             "\nnew store %s, cap %s\nnew store %s", db, c, db, c, db, c, db);
}

static int64_t file_bytes(const char *db)
{
    char wal[4200];
    struct stat st;
    int64_t n = stat(db, &st) == 0 ? st.st_size : 0;
    snprintf(wal, sizeof wal, "%s-wal", db);
    if (stat(wal, &st) == 0)
        n += st.st_size;
    return n;
}

static int sub_path(const struct cli *c, int argc, char **argv)
{
    (void)argc, (void)argv;
    puts(c->db_path);
    return 0;
}

static void info_json(const char *db, const struct store_totals *t, const char *cap)
{
    char a[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", db);
    cJSON_AddNumberToObject(o, "file_bytes", (double)file_bytes(db));
    cJSON_AddNumberToObject(o, "records", (double)t->records);
    cJSON_AddNumberToObject(o, "files", (double)t->files);
    if (t->records) {
        cJSON_AddStringToObject(o, "first_ts", ts_format(t->first_ts, a));
        cJSON_AddStringToObject(o, "last_ts", ts_format(t->last_ts, a));
    }
    cJSON_AddStringToObject(o, "size_cap", cap);
    cJSON_AddNumberToObject(o, "cap_dropped", (double)t->cap_dropped);
    cJSON_AddNumberToObject(o, "lost_lines", (double)t->lost_lines);
    cJSON_AddNumberToObject(o, "lost_files", (double)t->lost_files);
    cJSON_AddNumberToObject(o, "lost_unknown", (double)t->lost_gaps);
    cJSON_AddBoolToObject(o, "partial", t->cov.files_partial > 0);
    cJSON_AddNumberToObject(o, "files_partial", (double)t->cov.files_partial);
    cJSON_AddNumberToObject(o, "history_bytes_left", (double)t->cov.bytes_left);
    cJSON_AddNumberToObject(o, "log_bytes", (double)t->cov.bytes_total);
    if (t->cov.covered_since)
        cJSON_AddStringToObject(o, "covered_since", ts_format(t->cov.covered_since, a));
    else
        cJSON_AddNullToObject(o, "covered_since");
    char *s = cJSON_PrintUnformatted(o);
    puts(s);
    free(s);
    cJSON_Delete(o);
}

static void info_text(const char *db, const struct store_totals *t, const char *cap)
{
    char b[32], l[32], a[40], z[40];
    cli_human_bytes(file_bytes(db), b, sizeof b);
    printf("store      %s\nsize       %s\nrecords    %lld from %lld files\n", db, b,
           (long long)t->records, (long long)t->files);
    if (t->records)
        printf("time range %s .. %s\n", ts_format(t->first_ts, a), ts_format(t->last_ts, z));
    printf("size cap   %s\n", cap);
    if (t->cap_dropped)
        printf("dropped    %lld records by the size cap (last at %s)\n",
               (long long)t->cap_dropped, ts_format(t->cap_dropped_at, a));
    if (t->lost_lines || t->lost_files || t->lost_gaps)
        printf("lost       %s%lld lines%s, %lld files unread%s\n", t->lost_lines ? "~" : "",
               (long long)t->lost_lines, t->lost_lines ? " (estimated: never read)" : "",
               (long long)t->lost_files, t->lost_gaps ? ", and an unknown number deleted while "
               "logdeck was down (logdeck.1: LOSSES)" : "");
    if (t->cov.files_partial) {
        cli_human_bytes(t->cov.bytes_left, l, sizeof l);
        printf("history    partial: %s of %lld files not indexed yet; complete since %s\n", l,
               (long long)t->cov.files_partial, ts_format(t->cov.covered_since, a));
    } else {
        printf("history    complete\n");
    }
}

/* --- on ClickHouse ------------------------------------------------------------
 * The shared backend holds what every host shipped. The size cap and the
 * tail-first coverage belong to each host's local store (its journal), so
 * info says what the server holds and that those are not its own. */

static const char CH_NO_CAP[] =
    "none on ClickHouse: the size cap applies to local SQLite stores (each host's journal); "
    "the server keeps its day partitions until they are dropped";
static const char CH_NO_HISTORY[] =
    "not tracked on ClickHouse: each host's journal says what it has indexed "
    "(logdeck --db JOURNAL store info there)";

static void info_ch_json(const char *name, const struct store_totals *t)
{
    char a[40];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "path", name);
    cJSON_AddStringToObject(o, "backend", "clickhouse");
    cJSON_AddNumberToObject(o, "disk_bytes", (double)t->db_bytes);
    cJSON_AddNumberToObject(o, "records", (double)t->records);
    cJSON_AddNumberToObject(o, "files", (double)t->files);
    if (t->records) {
        cJSON_AddStringToObject(o, "first_ts", ts_format(t->first_ts, a));
        cJSON_AddStringToObject(o, "last_ts", ts_format(t->last_ts, a));
    }
    cJSON_AddNullToObject(o, "size_cap");
    cJSON_AddNullToObject(o, "partial");
    cJSON_AddNullToObject(o, "covered_since");
    char *js = cJSON_PrintUnformatted(o);
    puts(js);
    free(js);
    cJSON_Delete(o);
}

static void info_ch_text(const char *name, const struct store_totals *t)
{
    char b[32], a[40], z[40];
    cli_human_bytes(t->db_bytes, b, sizeof b);
    printf("store      %s (ClickHouse, shared by the hosts that ship to it)\n"
           "size       %s on the server's disk (its active parts)\n"
           "records    %lld from %lld files\n", name, b, (long long)t->records,
           (long long)t->files);
    if (t->records)
        printf("time range %s .. %s\n", ts_format(t->first_ts, a), ts_format(t->last_ts, z));
    printf("size cap   %s\nhistory    %s\n", CH_NO_CAP, CH_NO_HISTORY);
}

static int sub_info(const struct cli *c, int argc, char **argv)
{
    int json = argc > 1 && strcmp(argv[1], "--json") == 0, rc = 0;
    if (argc > 1 + json) {
        cli_usage(&info_entry, "store", 0, stderr);
        return 2;
    }
    const struct config *cfg = c->cfg;
    struct err e = {0};
    struct store_totals t;
    struct store *s = store_open(c->db_path, STORE_READ, &e);
    char cap[200];
    cap_text(cfg, c->db_path, cap, sizeof cap);
    if (s && chstore_is_url(c->db_path) && store_totals(s, &t, &e) == 0) {
        if (json)
            info_ch_json(store_path(s), &t);
        else
            info_ch_text(store_path(s), &t);
    } else if (s && store_totals(s, &t, &e) == 0) {
        if (json)
            info_json(c->db_path, &t, cap);
        else
            info_text(c->db_path, &t, cap);
    } else {
        cli_error("store", "%s", e.msg);
        rc = 1;
    }
    store_close(s);
    return rc;
}

/* Opens the store for writing with its writer lock (one writer per store). */
static struct store *open_writer(const struct cli *c, struct wlock *lk, struct err *e)
{
    struct store *s = store_open(c->db_path, STORE_READ, e);   /* never creates one */
    store_close(s);
    if (!s || wlock_acquire(lk, c->db_path, e) < 0)
        return NULL;
    return store_open(c->db_path, STORE_WRITE, e);
}

static int sub_prune(const struct cli *c, int argc, char **argv)
{
    (void)argc, (void)argv;
    if (chstore_is_url(c->db_path))
        return cli_store_prune_ch(c);   /* day partitions (cmd_store_init.c) */
    const struct config *cfg = c->cfg;
    int64_t cap = cfg->max_size_given ? cfg->max_size : config_default_cap(c->db_path, NULL);
    int rc = 0;
    struct err e = {0};
    struct wlock lk = {-1};
    struct store *s = open_writer(c, &lk, &e);
    int64_t n = 0, m = 0, k;
    while (s && (k = store_retention_step(s, cfg->retention_us, ts_now(), 5000, &e)) > 0)
        n += k;
    while (s && (k = store_size_step(s, cap, 5000, &e)) > 0)
        m += k;
    if (!s || k < 0) {
        cli_error("store", "%s", e.msg);
        rc = 1;
    } else {
        printf("pruned %lld records by retention and %lld by the size cap\n", (long long)n,
               (long long)m);
    }
    store_close(s);
    wlock_release(&lk);
    return rc;
}

static int sub_vacuum(const struct cli *c, int argc, char **argv)
{
    (void)argc, (void)argv;
    struct err e = {0};
    struct wlock lk = {-1};
    int64_t before = file_bytes(c->db_path);
    struct store *s = open_writer(c, &lk, &e);
    int rc = !s || store_vacuum(s, &e) < 0;
    store_close(s);
    wlock_release(&lk);
    if (rc) {
        cli_error("store", "%s", e.msg);
        return 1;
    }
    char a[32], b[32];
    cli_human_bytes(before, a, sizeof a);
    cli_human_bytes(file_bytes(c->db_path), b, sizeof b);
    printf("vacuumed %s: %s -> %s\n", c->db_path, a, b);
    return 0;
}

static int no_args(const struct cmd_entry *me, int argc)
{
    if (argc > 1) {
        cli_usage(me, "store", 0, stderr);
        return 2;
    }
    return 0;
}

static int exec_path(const struct cli *c, int argc, char **argv)
{
    return no_args(&path_entry, argc) ? 2 : sub_path(c, argc, argv);
}

static int exec_prune(const struct cli *c, int argc, char **argv)
{
    if (no_args(&prune_entry, argc))
        return 2;
    return sub_prune(c, argc, argv);   /* on ClickHouse: day partitions */
}

static int exec_vacuum(const struct cli *c, int argc, char **argv)
{
    if (no_args(&vacuum_entry, argc))
        return 2;
    if (chstore_is_url(c->db_path)) {
        printf("nothing to vacuum on ClickHouse: the server merges its parts and frees their "
               "space itself\n");
        return 0;
    }
    return sub_vacuum(c, argc, argv);
}

static const struct cmd_entry path_entry = {
    .name = "path",
    .usage = "",
    .help = "  Prints the store's path (--db, $LOGDECK_DB, the config's store.path, or\n"
            "  ~/.local/state/logdeck/logdeck.db).\n",
    .exec = exec_path,
};

static const struct cmd_entry info_entry = {
    .name = "info",
    .usage = "[--json]",
    .help = "  Where the store is, its size, records, time range, the size cap that applies\n"
            "  (store.max_size, else the smaller of 2 GiB and 10% of the free space), records\n"
            "  the cap dropped, and how much history is not indexed yet (tail-first).\n",
    .flags = CMD_CONFIG,
    .exec = sub_info,
};

static const struct cmd_entry prune_entry = {
    .name = "prune",
    .usage = "",
    .help = "  Applies the retention and the size cap now (the indexer does it as it runs).\n"
            "  On clickhouse://: drops the day partitions in which every record is older\n"
            "  than its level's retention (from the logs table and the trace view).\n",
    .flags = CMD_CONFIG,
    .exec = exec_prune,
};

static const struct cmd_entry vacuum_entry = {
    .name = "vacuum",
    .usage = "",
    .help = "  Gives the space of dropped records back to the file system (VACUUM).\n",
    .exec = exec_vacuum,
};

static const struct cmd_entry *const store_subs[] = {
    &path_entry, &info_entry, &prune_entry, &vacuum_entry, &cmd_store_init_entry, NULL,
};

const struct cmd_entry cmd_store_entry = {
    .name = "store",
    .help = "  The store: where it is, how big and how complete, pruning and vacuuming.\n"
            "  `logdeck store SUBCOMMAND --help` describes one.\n",
    .subs = store_subs,
};
