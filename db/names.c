/* names: a record's service, logger and path as ids (names.h). */
#include "db/names.h"
#include "src/base/hmap.h"

#include <stdlib.h>
#include <string.h>

struct name {
    struct name *next;   /* another name of the same hash */
    int64_t id;
    char v[];
};

struct names {
    /* the writer's map, loaded from the table at its first use */
    struct hmap map;     /* hmap_key_str(v) -> struct name chain */
    int loaded;
    int64_t next, count;
    sqlite3_stmt *ins;
    /* ld_name's cache: id -> name (NULL: not read yet) */
    char **byid;
    size_t cap;
    sqlite3_stmt *sel;
};

static struct names *state(struct store *s)
{
    if (!s->names && (s->names = calloc(1, sizeof *s->names)) != NULL) {
        hmap_init(&s->names->map);
        s->names->next = 1;
    }
    return s->names;
}

static void drop_map(struct names *n)
{
    for (size_t i = 0; i < n->map.cap; i++) {
        struct name *c = n->map.vals[i];
        if (c == (void *)&hmap_tomb)
            continue;
        while (c) {
            struct name *next = c->next;
            free(c);
            c = next;
        }
    }
    hmap_fini(&n->map);
    hmap_init(&n->map);
    n->loaded = 0;
    n->next = 1;
    n->count = 0;
}

static void drop_cache(struct names *n)
{
    for (size_t i = 0; i < n->cap; i++)
        free(n->byid[i]);
    free(n->byid);
    n->byid = NULL;
    n->cap = 0;
}

void names_forget(struct store *s)
{
    if (!s->names)
        return;
    drop_map(s->names);
    drop_cache(s->names);
}

void names_free(struct store *s)
{
    struct names *n = s->names;
    if (!n)
        return;
    drop_map(n);
    hmap_fini(&n->map);
    drop_cache(n);
    sqlite3_finalize(n->ins);
    sqlite3_finalize(n->sel);
    free(n);
    s->names = NULL;
}

static int add(struct names *n, const char *v, size_t len, int64_t id)
{
    struct name *c = malloc(sizeof *c + len + 1);
    if (!c)
        return -1;
    c->id = id;
    memcpy(c->v, v, len + 1);
    uint64_t k = hmap_key_str(v);
    c->next = hmap_get(&n->map, k);
    if (hmap_put(&n->map, k, c) < 0) {
        free(c);
        return -1;
    }
    n->count++;
    if (id >= n->next)
        n->next = id + 1;
    return 0;
}

static int load(struct store *s, struct names *n, struct err *e)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT id, v FROM names", -1, &st, NULL) != SQLITE_OK)
        return store_sqlerr(s, e, "reading the names");
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 1);
        if (v && add(n, v, strlen(v), sqlite3_column_int64(st, 0)) < 0) {
            sqlite3_finalize(st);
            return err_set(e, "out of memory reading the names");
        }
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return store_sqlerr(s, e, "reading the names");
    n->loaded = 1;
    return 0;
}

static int encode(int64_t id, unsigned char *out)
{
    int k = 0;
    while (id >= 128) {
        out[k++] = (unsigned char)(0x80 | (id & 127));
        id >>= 7;
    }
    out[k++] = (unsigned char)id;
    return k;
}

static int64_t decode(const unsigned char *p, int len)
{
    int64_t id = 0;
    for (int k = 0, shift = 0; k < len && k < NAMES_IDLEN; k++, shift += 7) {
        id |= (int64_t)(p[k] & 127) << shift;
        if (!(p[k] & 0x80))
            return id;
    }
    return -1;
}

int names_id(struct store *s, const char *v, unsigned char *out, struct err *e)
{
    struct names *n = state(s);
    if (!v || !*v)
        return 0;
    if (!n)
        return err_set(e, "out of memory storing a record");
    if (!n->loaded && load(s, n, e) < 0)
        return -1;
    for (struct name *c = hmap_get(&n->map, hmap_key_str(v)); c; c = c->next)
        if (strcmp(c->v, v) == 0)
            return encode(c->id, out);
    if (n->count >= NAMES_MAX)
        return 0;   /* kept as text */
    int64_t id = n->next;
    if (store_prepare(s, &n->ins, "INSERT OR FAIL INTO names(id, v) VALUES(?, ?)", e) < 0)
        return -1;
    sqlite3_bind_int64(n->ins, 1, id);
    sqlite3_bind_text(n->ins, 2, v, -1, SQLITE_STATIC);
    if (sqlite3_step(n->ins) != SQLITE_DONE)
        return store_sqlerr(s, e, "storing a name");
    if (add(n, v, strlen(v), id) < 0)
        return err_set(e, "out of memory storing a record");
    return encode(id, out);
}

/* ld_name(value): the name of an id blob; any other value as it is. */
static void fn_name(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    if (sqlite3_value_type(argv[0]) != SQLITE_BLOB) {
        sqlite3_result_value(ctx, argv[0]);
        return;
    }
    struct store *s = sqlite3_user_data(ctx);
    struct names *n = state(s);
    int64_t id = decode(sqlite3_value_blob(argv[0]), sqlite3_value_bytes(argv[0]));
    if (!n || id <= 0) {
        sqlite3_result_null(ctx);
        return;
    }
    if ((size_t)id >= n->cap) {
        size_t cap = n->cap ? n->cap : 64;
        while (cap <= (size_t)id)
            cap *= 2;
        char **b = realloc(n->byid, cap * sizeof *b);
        if (!b) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        memset(b + n->cap, 0, (cap - n->cap) * sizeof *b);
        n->byid = b;
        n->cap = cap;
    }
    if (!n->byid[id]) {
        if (!n->sel && sqlite3_prepare_v3(s->db, "SELECT v FROM names WHERE id = ?", -1,
                                          SQLITE_PREPARE_PERSISTENT, &n->sel, NULL) != SQLITE_OK) {
            sqlite3_result_null(ctx);   /* a store without names holds no id */
            return;
        }
        sqlite3_bind_int64(n->sel, 1, id);
        if (sqlite3_step(n->sel) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(n->sel, 0);
            n->byid[id] = strdup(v ? v : "");
        }
        sqlite3_reset(n->sel);
        if (!n->byid[id]) {
            sqlite3_result_null(ctx);
            return;
        }
    }
    sqlite3_result_text(ctx, n->byid[id], -1, SQLITE_STATIC);
}

int names_register(struct store *s, struct err *e)
{
    if (sqlite3_create_function(s->db, "ld_name", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, s,
                                fn_name, NULL, NULL) != SQLITE_OK)
        return err_set(e, "registering SQL functions: %s", sqlite3_errmsg(s->db));
    return 0;
}
