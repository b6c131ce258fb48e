/* config: the YAML config file (design.md, "Command line"):
 *
 *   sources:                       # paths, globs, directories
 *     - /var/log/app/app-*.log     # a bare path, or a mapping:
 *     - {path: /var/log/api.log, format: json, service: api,
 *        cid_regex: 'req=([0-9a-f-]+)'}
 *     - path: /opt/app/app.log       # a text layout of your own:
 *       layout: {regex: '^(?<ts>\S+ \S+) (?<level>\w+) (?<msg>.*)',
 *                ts_format: 'yyyy-MM-dd HH:mm:ss,SSS'}
 *       timezone: '+02:00'           # zone-less times (default: local)
 *   store:
 *     path: ~/.local/state/logdeck/logdeck.db
 *     retention: {error: 365d, warning: 180d, info: 30d, debug: 7d,
 *                 default: 90d}    # per level; absent: kept forever
 *     max_size: 2GB                # oldest (and least severe) dropped beyond
 *     max_line: 1MiB               # longer lines are cut, flagged, counted
 *   ui:
 *     theme: solarized-dark        # a name from the theme directories, or a path
 *   ship:                          # index ships here (as --ship URL does);
 *     url: clickhouse://db1:8123/logs   # or `ship: URL` alone
 *     user: ld
 *     password_env: CH_PASSWORD    # the variable holding the password (never a password)
 *     host: web-3                  # the records' host (default: the hostname)
 *     timeout: 60s                 # a one-shot index gives up after this without progress
 *   notifiers: / rules: / rule_files:   # read by the rules module from c->doc
 *                                       # (src/alert/rules.h: rules_from_config)
 *
 * Every key is optional; unknown keys are errors naming FILE:LINE:COL. The
 * file is parsed once, by main (src/cli/main.c), into a caller-owned struct
 * passed around as `const struct config *`; nothing here is global. */
#ifndef LOGDECK_CONFIG_H
#define LOGDECK_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "src/base/err.h"
#include "src/base/record.h"

struct config_source {   /* strings owned (SOURCE_STRS in config.c) */
    char *path;            /* ~ expanded */
    int format;            /* enum fmt; FMT_AUTO unless given */
    char *service;         /* or NULL */
    char *cid_regex;       /* or NULL */
    char *layout_regex;    /* layout: {regex: ...}: named groups ts, level, msg...; or NULL */
    char *layout_ts;       /* layout: {ts_format: ...}: tsform.h pattern; or NULL */
    int tz_fixed;          /* timezone: UTC / +02:00: zone-less times at tz_offset_s */
    int tz_offset_s;       /*   (else the machine's local zone) */
    int duration_unit;     /* bare duration keys: 1 ms, 2 s, 0 infer */
};

struct config_ship {   /* ship:; strings owned, or NULL */
    char *url;              /* clickhouse://...; NULL: no ship: key */
    char *user, *password_env, *host;
    int64_t timeout_us;     /* 0: default (60 s) */
};

struct config {   /* strings owned: config_fini frees, config_copy duplicates */
    char *file;                        /* where it was read from, or NULL */
    struct config_source *sources;
    size_t nsources;
    char *store_path;                  /* or NULL */
    int64_t retention_us[LVL_COUNT];   /* per level; 0 keeps forever */
    int64_t max_size;                  /* bytes; 0: no cap */
    int max_size_given;                /* store.max_size was in the file (0 there: no cap) */
    int64_t max_pages;                 /* store.max_pages: hard page limit (a
                                          full disk, for tests); 0: none */
    size_t max_line;                   /* 0: default (1 MiB) */
    char *ui_theme;                    /* ui.theme, or NULL */
    struct config_ship ship;
    /* The parsed YAML document (libyaml's yaml_document_t), kept for the
     * sections other modules read from the same parse (notifiers:, rules:,
     * rule_files: by src/alert/rules.h); NULL without a file. Not copied
     * by config_copy. */
    struct yaml_document_s *doc;
    int64_t partial_after_us;          /* store.partial_line_after: a last line with
                                          no newline is stored once its file is
                                          unchanged this long; 0: default (10 s) */
};

#define CONFIG_PARTIAL_AFTER_US (10 * 1000000LL)

/* Reads path into c (zeroed first). A missing file is an empty config
 * unless must_exist. Errors (e->code 2) name path:line:column. */
int config_load(struct config *c, const char *path, int must_exist, struct err *e);
/* Same from memory; name is used in messages. */
int config_parse(struct config *c, const char *text, size_t len, const char *name,
                 struct err *e);
void config_fini(struct config *c);
/* dst (overwritten) becomes a deep copy of src, to add sources to. Returns
 * 0, or -1 without memory (dst is then empty). */
int config_copy(struct config *dst, const struct config *src, struct err *e);
/* Appends a source given on the command line (format/service may be NULL). */
int config_add_source(struct config *c, const char *path, int format, const char *service,
                      struct err *e);
/* The default store size cap: the smaller of CONFIG_CAP_MAX and 10% of the
 * space free on the file system of db_path (*free_bytes, -1 if unknown). */
#define CONFIG_CAP_MAX (INT64_C(2) << 30)
/* b bytes as the config reads sizes back and every output says them: in
 * binary units, labelled so ("12 B", "1.5 KiB", "165.4 MiB", "1.57 GiB");
 * compact drops the space ("165.4MiB", the TUI's status bar); b < 0:
 * "unknown". */
void config_size_text(int64_t b, int compact, char *out, size_t cap);
int64_t config_default_cap(const char *db_path, int64_t *free_bytes);
/* Without store.max_size in the file, c->max_size = the default cap. */
void config_apply_cap(struct config *c, const char *db_path);
/* 1 if any level has a retention or a size cap is set. */
int config_has_retention(const struct config *c);

#endif
