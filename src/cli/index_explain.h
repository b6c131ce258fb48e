/* index_explain: `logdeck index --explain-format FILE` (what the parser
 * learned of a file: its format or layout, the share of lines that fit,
 * the first lines that fitted nothing) and the per-file lines of the index
 * summary. No store is opened for --explain-format. */
#ifndef LOGDECK_CLI_INDEX_EXPLAIN_H
#define LOGDECK_CLI_INDEX_EXPLAIN_H

#include <stdio.h>

#include "src/base/config.h"
#include "src/parse/parse.h"

/* Parses path with po (or with the options of the first config source whose
 * path or glob names it) and prints the explanation to out. Returns the
 * exit code (0, 1 unreadable, 2 bad layout). */
int index_explain(const char *path, const struct parse_opts *po, const struct config *cfg,
                  FILE *out);

/* Collects one summary line per file read by `index` (an ingest on_file hook). */
struct index_files {
    char **line;
    size_t n;
    void *json;    /* cJSON array, or NULL for text */
};
void index_files_note(void *ctx, const char *path, const struct parser *p);
void index_files_fini(struct index_files *f);

/* Options of a source applied over po (strings borrowed from cs). */
void index_source_opts(struct parse_opts *po, const struct config_source *cs);

#endif
