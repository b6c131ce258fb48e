/* fuzz_mrkdwn: Slack's escaping (src/alert/mrkdwn.h) and the Slack body
 * built from arbitrary bytes. The escaped text must hold no '<' or '>',
 * every '&' must start &amp; &lt; or &gt;, and unescaping must give the
 * input back (NULs as spaces); a Slack body whose every string is the
 * input must parse as JSON and hold no '<' or '>' anywhere. */
#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "src/alert/mrkdwn.h"
#include "src/alert/notice.h"
#include "src/alert/rules.h"

static void check_escape(const char *s, size_t n)
{
    char *e = mrkdwn_escape(s, n);
    if (!e)
        return;
    size_t j = 0;
    for (const char *p = e; *p; p++, j++) {
        if (*p == '<' || *p == '>')
            abort();
        char want = j < n ? (s[j] ? s[j] : ' ') : 0;
        if (*p == '&') {
            const char *rep = strncmp(p, "&amp;", 5) == 0 ? "&" : strncmp(p, "&lt;", 4) == 0 ? "<" :
                              strncmp(p, "&gt;", 4) == 0 ? ">" : NULL;
            if (!rep || want != *rep)
                abort();
            p += *rep == '&' ? 4 : 3;
        } else if (*p != want) {
            abort();
        }
    }
    if (j != n)
        abort();
    free(e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_escape((const char *)data, size);
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct alert_notice n = {
        .rule = s, .grp = s, .kind = "firing", .value_text = s, .threshold = s, .summary = s,
        .description = s, .sample = s, .query = s, .dedupe = s, .window = 60000000,
    };
    char *body = notice_render(NOTIFIER_SLACK, &n);
    if (body) {
        cJSON *j = cJSON_Parse(body);
        if (!j || strchr(body, '<') || strchr(body, '>'))
            abort();
        cJSON_Delete(j);
    }
    free(body);
    free(s);
    return 0;
}

#include "replay.h"
