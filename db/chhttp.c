/* chhttp: the ClickHouse backend's transport: URL parsing, one HTTP POST
 * per statement (libcurl; ch_http() is the only function that sends), and
 * the reader of TabSeparated answers. */
#include "db/chstore_int.h"

#include "src/base/curl_dl.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int chstore_is_url(const char *path)
{
    return path && strncmp(path, "clickhouse://", 13) == 0;
}

static int copy_part(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        return -1;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return 0;
}

static int ident_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
              (*s >= '0' && *s <= '9') || *s == '_'))
            return 0;
    return 1;
}

static int env_name_ok(const char *s)
{
    return ident_ok(s) && !(*s >= '0' && *s <= '9');
}

static int parse_opts(struct chstore *c, const char *q, struct err *e)
{
    while (q && *q) {
        const char *amp = strchr(q, '&');
        size_t n = amp ? (size_t)(amp - q) : strlen(q);
        const char *eq = memchr(q, '=', n);
        size_t kn = eq ? (size_t)(eq - q) : n;
        const char *v = eq ? eq + 1 : q + n;
        size_t vn = (size_t)(q + n - v);
        int bad = 0;
        if (kn == 12 && !strncmp(q, "password_env", kn))
            bad = copy_part(c->pwenv, sizeof c->pwenv, v, vn);
        else if (kn == 7 && !strncmp(q, "cluster", kn))
            bad = copy_part(c->cluster, sizeof c->cluster, v, vn) || !ident_ok(c->cluster);
        else if (kn == 4 && !strncmp(q, "user", kn))
            bad = copy_part(c->user, sizeof c->user, v, vn);
        else if (kn == 7 && !strncmp(q, "timeout", kn))
            c->timeout_s = atol(v) > 0 ? atol(v) : 30;
        else
            return err_setc(e, 2, "clickhouse URL: unknown option '%.*s'; expected password_env, "
                            "user, cluster or timeout", (int)kn, q);
        if (bad)
            return err_setc(e, 2, "clickhouse URL: bad value for '%.*s'", (int)kn, q);
        q = amp ? amp + 1 : NULL;
    }
    return 0;
}

/* The password's variable must be set (to anything, "" included): a
 * missing one is named, never guessed at. Only its name is ever printed.
 * A password without a user name is the default user's. */
static int check_pwenv(struct chstore *c, struct err *e)
{
    if (!c->pwenv[0])
        return 0;
    if (!env_name_ok(c->pwenv))
        return err_setc(e, 2, "clickhouse URL: password_env must name an environment "
                        "variable (letters, digits and '_'), e.g. password_env=CH_PASSWORD");
    if (!c->user[0])
        snprintf(c->user, sizeof c->user, "default");
    if (!getenv(c->pwenv))
        return err_setc(e, 2, "%s: the environment variable %s (password_env) is not set; "
                        "export %s with the password of user '%s'", c->name, c->pwenv,
                        c->pwenv, c->user);
    return 0;
}

int ch_parse_url(struct chstore *c, const char *url, struct err *e)
{
    static const char usage[] = "expected clickhouse://[USER@]HOST:PORT/DATABASE";
    if (!chstore_is_url(url))
        return err_setc(e, 2, "not a clickhouse:// URL; %s", usage);
    const char *p = url + 13, *slash = strchr(p, '/'), *at = strchr(p, '@');
    if (!slash)
        return err_setc(e, 2, "clickhouse URL without a database; %s", usage);
    if (at && at < slash) {
        if (memchr(p, ':', (size_t)(at - p)))
            return err_setc(e, 2, "clickhouse URL: put no password in the URL; name the "
                            "variable that holds it: ?password_env=VAR");
        if (copy_part(c->user, sizeof c->user, p, (size_t)(at - p)) < 0)
            return err_setc(e, 2, "clickhouse URL: user name too long");
        p = at + 1;
    }
    const char *colon = memchr(p, ':', (size_t)(slash - p));
    const char *hend = colon ? colon : slash;
    if (hend == p || copy_part(c->host, sizeof c->host, p, (size_t)(hend - p)) < 0)
        return err_setc(e, 2, "clickhouse URL: bad host; %s", usage);
    c->port = colon ? atoi(colon + 1) : 8123;
    if (c->port <= 0 || c->port > 65535)
        return err_setc(e, 2, "clickhouse URL: bad port; %s", usage);
    const char *q = strchr(slash, '?');
    size_t dn = q ? (size_t)(q - slash - 1) : strlen(slash + 1);
    if (copy_part(c->db, sizeof c->db, slash + 1, dn) < 0 || !ident_ok(c->db))
        return err_setc(e, 2, "clickhouse URL: the database must be letters, digits and '_'");
    c->timeout_s = 30;
    if (q && parse_opts(c, q + 1, e) < 0)
        return -1;
    snprintf(c->name, sizeof c->name, "clickhouse://%s:%d/%s", c->host, c->port, c->db);
    return check_pwenv(c, e);
}

void chstore_give_up(struct chstore *c, int (*fn)(void *ctx), void *ctx)
{
    c->give_up = fn;
    c->give_up_ctx = ctx;
}

/* libcurl's progress callback (at least once a second, and more often
 * while data moves): non-zero aborts the transfer. */
static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    struct chstore *c = ctx;
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    return c->give_up(c->give_up_ctx) != 0;
}

int chstore_url_with(const char *url, const char *user, const char *password_env, char *out,
                     size_t cap, struct err *e)
{
    struct chstore cs = {0}, *c = &cs;
    int rc = ch_parse_url(c, url, NULL);   /* for what it names; errors come below */
    const char *rest = url + 13, *slash = strchr(rest, '/');
    int has_user = slash && memchr(rest, '@', (size_t)(slash - rest));
    int n;
    if (rc == 0 && user && *user && has_user && strcmp(user, c->user)) {
        err_setc(e, 2, "clickhouse URL %s names user '%s', the config user '%s'", c->name,
                 c->user, user);
        n = -1;
    } else if (!chstore_is_url(url)) {
        n = snprintf(out, cap, "%s", url);
    } else {
        const char *q = strchr(slash ? slash : rest, '?');
        int add_pw = password_env && *password_env && !c->pwenv[0];
        n = snprintf(out, cap, "clickhouse://%s%s%s%s%s%s", user && *user && !has_user ? user : "",
                     user && *user && !has_user ? "@" : "", rest, add_pw ? (q ? "&" : "?") : "",
                     add_pw ? "password_env=" : "", add_pw ? password_env : "");
    }
    if (n < 0)
        return -1;
    if ((size_t)n >= cap)
        return err_setc(e, 2, "clickhouse URL too long");
    memset(c, 0, sizeof *c);
    return ch_parse_url(c, out, e);
}

static size_t on_data(char *p, size_t size, size_t n, void *ctx)
{
    struct chbuf *b = ctx;
    chb_put(b, p, size * n);
    return b->oom ? 0 : size * n;
}

/* The server's exception text, first line, without the stack trace. A
 * refused login (HTTP 401; 18.16's codes 192 unknown user, 193 wrong
 * password, 194 password required) says where the password came from. */
static void server_error(struct chstore *c, long code, struct err *e)
{
    const char *m = c->resp.s ? c->resp.s : "";
    size_t n = strcspn(m, "\n");
    const char *cut = strstr(m, ", e.what()");
    if (cut && (size_t)(cut - m) < n)
        n = (size_t)(cut - m);
    int len = (int)(n > 400 ? 400 : n);
    int auth = code == 401 || !strncmp(m, "Code: 192,", 10) || !strncmp(m, "Code: 193,", 10) ||
               !strncmp(m, "Code: 194,", 10) || !strncmp(m, "Code: 516,", 10);
    if (!auth)
        err_set(e, "%s: server said (HTTP %ld): %.*s", c->name, code, len, m);
    else if (c->pwenv[0])
        err_set(e, "%s: login refused for user '%s' with the password in $%s "
                "(password_env): %.*s", c->name, c->user, c->pwenv, len, m);
    else
        err_set(e, "%s: login refused for user '%s' without a password (name the variable "
                "that holds it: password_env=VAR): %.*s", c->name,
                c->user[0] ? c->user : "default", len, m);
}

int ch_http(struct chstore *c, const char *sql, const char *body, size_t len, int *unknown,
            struct err *e)
{
    if (unknown)
        *unknown = 0;
    const struct curl_api *api = c->api ? c->api : curl_dl_get(e);
    if (!(c->api = api))
        return -1;
    if (!c->curl && !(c->curl = api->easy_init()))
        return err_set(e, "%s: cannot start libcurl", c->name);
    CURL *h = c->curl;
    char url[8192];
    int un = snprintf(url, sizeof url, "http://%s:%d/", c->host, c->port);
    if (body) {
        char *q = api->easy_escape(h, sql, 0);
        if (!q)
            return err_set(e, "out of memory");
        un = snprintf(url, sizeof url, "http://%s:%d/?query=%s", c->host, c->port, q);
        api->free(q);
    }
    if (c->query_id[0] && un > 0 && (size_t)un < sizeof url) {
        char *q = api->easy_escape(h, c->query_id, 0);
        if (q)
            un += snprintf(url + un, sizeof url - (size_t)un, "%squery_id=%s",
                           body ? "&" : "?", q);
        api->free(q);
        c->query_id[0] = '\0';
    }
    if (un < 0 || (size_t)un >= sizeof url)
        return err_set(e, "%s: statement too long for a URL", c->name);
    chb_reset(&c->resp);
    api->easy_reset(h);
    api->easy_setopt(h, CURLOPT_URL, url);
    api->easy_setopt(h, CURLOPT_POST, 1L);
    api->easy_setopt(h, CURLOPT_POSTFIELDS, body ? body : sql);
    api->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? len : strlen(sql)));
    api->easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    api->easy_setopt(h, CURLOPT_WRITEDATA, &c->resp);
    api->easy_setopt(h, CURLOPT_TIMEOUT, c->timeout_s);
    if (c->give_up) {
        api->easy_setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
        api->easy_setopt(h, CURLOPT_XFERINFODATA, c);
        api->easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
    }
    api->easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 5L);
    api->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api->easy_setopt(h, CURLOPT_PROXY, "");
    struct curl_slist *hdr = api->slist_append(NULL, "Expect:");
    api->easy_setopt(h, CURLOPT_HTTPHEADER, hdr);
    if (c->user[0]) {
        const char *pw = c->pwenv[0] ? getenv(c->pwenv) : NULL;
        api->easy_setopt(h, CURLOPT_USERNAME, c->user);
        api->easy_setopt(h, CURLOPT_PASSWORD, pw ? pw : "");
    }
    CURLcode rc = api->easy_perform(h);
    api->slist_free_all(hdr);
    long code = 0;
    api->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    if (rc != CURLE_OK) {
        if (unknown)
            *unknown = 1;
        return err_setc(e, CHSTORE_ETEMP, "%s: %s", c->name,
                        rc == CURLE_ABORTED_BY_CALLBACK ? "no answer in the time given"
                                                        : api->easy_strerror(rc));
    }
    if (c->resp.oom)
        return err_set(e, "%s: out of memory reading the answer", c->name);
    if (code != 200) {
        if (unknown)
            *unknown = code >= 500;
        server_error(c, code, e);
        return -1;
    }
    return 0;
}

/* Unescapes one TSV field in place; returns its length. */
static size_t tsv_unescape(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) {
            s[o++] = s[i];
            continue;
        }
        char c = s[++i];
        s[o++] = c == 'n' ? '\n' : c == 't' ? '\t' : c == 'r' ? '\r' : c == '0' ? '\0'
               : c == 'b' ? '\b' : c == 'f' ? '\f' : c;
    }
    s[o] = '\0';
    return o;
}

int ch_tsv_row(char *buf, size_t len, size_t *pos, char **f, size_t *flen, int max)
{
    size_t i = *pos;
    if (i >= len)
        return 0;
    int nf = 0;
    size_t st = i;
    for (;; i++) {
        int end = i >= len || buf[i] == '\n';
        if (end || buf[i] == '\t') {
            if (nf < max) {
                buf[i < len ? i : len] = '\0';
                if (i - st == 2 && buf[st] == '\\' && buf[st + 1] == 'N') {
                    f[nf] = NULL;
                    flen[nf] = 0;
                } else {
                    f[nf] = buf + st;
                    flen[nf] = tsv_unescape(buf + st, i - st);
                }
                nf++;
            }
            st = i + 1;
            if (end)
                break;
        } else if (buf[i] == '\\' && i + 1 < len) {
            i++;
        }
    }
    *pos = i + 1;
    return nf;
}
