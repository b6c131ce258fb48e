/* rules_int: the YAML walking context shared by rules.c (document and
 * rules) and rules_val.c (scalar values, notifiers, ruleset helpers).
 * Not a public API. */
#ifndef LOGDECK_RULES_INT_H
#define LOGDECK_RULES_INT_H

#include <stdint.h>
#include <yaml.h>

#include "src/base/err.h"
#include "src/query/query.h"
#include "src/alert/rules.h"
#include "src/base/ts.h"

struct rctx {
    yaml_document_t *doc;
    const char *name;        /* file name for messages */
    char dir[4096];          /* its directory, with a trailing '/', or "" */
    struct err *e;
    int nerr;
    int depth;
    int lenient;             /* config file: other top-level keys are not ours */
};

/* Appends "NAME:LINE:COL: message" (position of n) to c->e; counts it. */
void rc_diag(struct rctx *c, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
yaml_node_t *rc_node(struct rctx *c, int id);
yaml_node_t *rc_get(struct rctx *c, yaml_node_t *map, const char *key);
int rc_is_null(const yaml_node_t *n);
const char *rc_keylist(const char *const *keys);   /* "a, b, c" (static buffer) */

/* Scalar readers: 0 ok, -1 after a diagnostic. rc_str returns NULL. */
const char *rc_str(struct rctx *c, yaml_node_t *n, const char *what);
char *rc_strdup(const char *s);                   /* NULL -> "" */
int rc_name(struct rctx *c, yaml_node_t *n, const char *what);
int rc_enum(struct rctx *c, yaml_node_t *n, const char *what, const char *const *names, int *out);
int rc_duration(struct rctx *c, yaml_node_t *n, const char *what, int64_t *out, int positive);
int rc_count(struct rctx *c, yaml_node_t *n, const char *what, int64_t *out);
int rc_bool(struct rctx *c, yaml_node_t *n, const char *what, int *out);
int rc_threshold(struct rctx *c, yaml_node_t *n, struct rule *r);
void rc_set_threshold(struct rule *r, int op, double v);
int rc_template_ok(struct rctx *c, yaml_node_t *n);

void rc_parse_notifiers(struct rctx *c, yaml_node_t *n, struct ruleset *rs);
struct ruleset *rc_parse(const char *text, size_t n, const char *name, int depth, int lenient,
                         struct err *e);
struct ruleset *rc_load_file(const char *path, int depth, int lenient, struct err *e);

#endif
