/* desc: the canonical S-expression form of a plan (query_describe),
 * used by tests, the fuzz target and `logdeck query --explain`:
 *   (and (>= level warning) (= service "api") (phrase "connection reset"))
 * Times are printed as µs integers, levels and formats by name. */
#include "src/query/query.h"
#include "src/base/record.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct out {
    char *buf;
    int cap, len;   /* len counts what would have been written */
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int room = o->len < o->cap ? o->cap - o->len : 0;
    int n = vsnprintf(room ? o->buf + o->len : NULL, (size_t)room, fmt, ap);
    va_end(ap);
    if (n > 0)
        o->len += n;
}

static void put_str(struct out *o, const char *s)
{
    put(o, "\"");
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            put(o, "\\%c", c);
        else if (c < 0x20 || c == 0x7f)
            put(o, "\\x%02x", c);
        else
            put(o, "%c", c);
    }
    put(o, "\"");
}

static const char *field_label(int f)
{
    static const char *const names[] = {
        "ts", "level", "cid", "service", "logger", "msg", "file", "format",
        "duration_ms", "status", "metric", "metric.value", "json", "host",
    };
    return (f >= 0 && f <= PF_HOST) ? names[f] : "?";
}

static const char *op_label(int op)
{
    static const char *const names[] = {"=", "glob", "<", "<=", ">", ">=", "exists"};
    return (op >= 0 && op <= POP_EXISTS) ? names[op] : "?";
}

static void put_cmp(struct out *o, const struct pnode *n)
{
    put(o, "(%s ", op_label(n->op));
    if (n->field == PF_JSON)
        put(o, "json:%s", n->path ? n->path : "");
    else
        put(o, "%s", field_label(n->field));
    if (n->op == POP_EXISTS) {
        put(o, ")");
        return;
    }
    put(o, " ");
    if (n->vtype == PV_INT && n->field == PF_LEVEL)
        put(o, "%s", level_name((int)n->i));
    else if (n->vtype == PV_INT && n->field == PF_FORMAT)
        put(o, "%s", fmt_name((int)n->i));
    else if (n->vtype == PV_INT)
        put(o, "%" PRId64, n->i);
    else if (n->vtype == PV_NUM)
        put(o, "%.17g", n->num);
    else
        put_str(o, n->s);
    put(o, ")");
}

static void put_node(struct out *o, const struct pnode *n)
{
    switch (n->kind) {
    case PK_TRUE:
        put(o, "(true)");
        break;
    case PK_AND:
    case PK_OR:
    case PK_NOT:
        put(o, "(%s", n->kind == PK_AND ? "and" : n->kind == PK_OR ? "or" : "not");
        for (int i = 0; i < n->nkids; i++) {
            put(o, " ");
            put_node(o, n->kids[i]);
        }
        put(o, ")");
        break;
    case PK_TEXT:
        put(o, "(%s%s ", n->phrase ? "phrase" : "word", n->prefix ? "*" : "");
        put_str(o, n->text);
        put(o, ")");
        break;
    case PK_CMP:
        put_cmp(o, n);
        break;
    case PK_REGEX:
        put(o, "(regex%s ", n->icase ? "/i" : "");
        if (n->field < 0)
            put(o, "text ");
        else if (n->field == PF_JSON)
            put(o, "json:%s ", n->path ? n->path : "");
        else
            put(o, "%s ", field_label(n->field));
        put_str(o, n->s);
        put(o, ")");
        break;
    default:
        put(o, "(?)");
    }
}

int query_describe(const struct plan *p, char *buf, int cap)
{
    struct out o = {.buf = buf, .cap = cap > 0 ? cap : 0};
    if (cap > 0)
        buf[0] = '\0';
    if (!p || !p->root)
        return 0;
    put_node(&o, p->root);
    if (p->since != INT64_MIN || p->until != INT64_MAX) {
        put(&o, " [");
        if (p->since != INT64_MIN)
            put(&o, "since %" PRId64, p->since);
        if (p->since != INT64_MIN && p->until != INT64_MAX)
            put(&o, " ");
        if (p->until != INT64_MAX)
            put(&o, "until %" PRId64, p->until);
        put(&o, "]");
    }
    return o.len;
}
