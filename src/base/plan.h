/* plan: the compiled form of a query, a leaf type shared by src/ (which
 * builds it from query text, see query.h) and db/ (which turns it into SQL
 * with every value bound as a parameter). A plan owns all its memory;
 * free it with query_free(). */
#ifndef LOGDECK_PLAN_H
#define LOGDECK_PLAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum pkind {
    PK_TRUE = 0,   /* matches everything (empty query) */
    PK_AND,        /* kids[0..nkids) all match */
    PK_OR,         /* any kid matches */
    PK_NOT,        /* kids[0] does not match */
    PK_TEXT,       /* full-text on the message: word, prefix (word*) or phrase */
    PK_CMP,        /* field op value */
    PK_REGEX       /* s (a POSIX extended regex) matches the record's whole
                      text (field < 0) or one field: /re/, field~re */
};

enum pfield {
    PF_TS = 0,       /* record time, µs (since:/until:/ts>...) */
    PF_LEVEL,        /* enum level (value.i) */
    PF_CID,
    PF_SERVICE,
    PF_LOGGER,
    PF_MSG,
    PF_FILE,         /* source file path */
    PF_FORMAT,       /* enum fmt (value.i) */
    PF_DURATION,     /* duration_ms column (also `duration`) */
    PF_STATUS,       /* status_code column (also `status`) */
    PF_METRIC,       /* metric name column */
    PF_MVALUE,       /* metric value column */
    PF_JSON,         /* any structured field by dotted path: see path */
    PF_HOST          /* the host that read the record (shared backend; on a
                        local store every record is this host's) */
};

enum pop {
    POP_EQ = 0,      /* equality (strings case-sensitive; numbers numeric) */
    POP_GLOB,        /* value has '*' (or '?'): glob match */
    POP_LT, POP_LE, POP_GT, POP_GE,
    POP_EXISTS       /* field:* : the field is present and not null */
};

enum pvtype { PV_STR = 0, PV_NUM, PV_INT };

struct pnode {
    int kind;              /* enum pkind */
    int col;               /* 1-based column in the query text, for messages */
    /* PK_TEXT */
    char *text;            /* the word or phrase, unquoted */
    int phrase;            /* 1: several words in order ("connection reset") */
    int prefix;            /* 1: word* */
    /* PK_CMP (and PK_REGEX: field < 0 is the whole record, s the pattern,
     * icase for /re/i) */
    int field;             /* enum pfield */
    int icase;
    int op;                /* enum pop */
    char *path;            /* PF_JSON: dotted path, e.g. "process.id" */
    int vtype;             /* enum pvtype */
    char *s;               /* PV_STR value (also set for numbers, as typed) */
    double num;            /* PV_NUM */
    int64_t i;             /* PV_INT: levels, times (µs), formats */
    /* PK_AND / PK_OR / PK_NOT */
    struct pnode **kids;
    int nkids;
};

/* The field a query names (case-insensitive): "level", "severity" and
 * "log.level" are PF_LEVEL, "request_id" is PF_CID, ...; any other name is
 * PF_JSON (a structured field by dotted path). */
int plan_field(const char *name);
/* The i-th of those names (for suggestions), or NULL past the last. */
const char *plan_field_name(size_t i);

struct plan {
    struct pnode *root;    /* never NULL: PK_TRUE for an empty query */
    /* Time bounds lifted out of a top-level AND for the index: µs, or
     * INT64_MIN / INT64_MAX when unbounded. root still holds them too. */
    int64_t since;
    int64_t until;
    char *text;            /* the query text it was compiled from */
};

/* OR-ed equalities on one field are one set lookup (field IN (...)): the
 * store's SQL builds it and the query compiler counts it as one term.
 * 1 if n can join such a set (not level, cid or file, which have their own
 * indexes). */
static inline int plan_eq_settable(const struct pnode *n)
{
    return n->kind == PK_CMP && n->op == POP_EQ && n->field != PF_LEVEL && n->field != PF_CID &&
           n->field != PF_FILE;
}

/* 1 if a and b go into the same set: same field and path, both numbers or
 * both strings. */
static inline int plan_eq_same_set(const struct pnode *a, const struct pnode *b)
{
    return a->field == b->field && (a->vtype == PV_NUM) == (b->vtype == PV_NUM) &&
           strcmp(a->path ? a->path : "", b->path ? b->path : "") == 0;
}

#endif
