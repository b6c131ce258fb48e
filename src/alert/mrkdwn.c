/* mrkdwn: Slack's escaping of & < > (mrkdwn.h). */
#include "src/alert/mrkdwn.h"

#include <stdlib.h>
#include <string.h>

char *mrkdwn_escape(const char *s, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += s[i] == '&' ? 5 : (s[i] == '<' || s[i] == '>') ? 4 : 1;
    char *out = malloc(len + 1), *o = out;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        const char *rep = s[i] == '&' ? "&amp;" : s[i] == '<' ? "&lt;" : s[i] == '>' ? "&gt;" : NULL;
        if (rep) {
            size_t l = strlen(rep);
            memcpy(o, rep, l);
            o += l;
        } else {
            *o++ = s[i] ? s[i] : ' ';
        }
    }
    *o = '\0';
    return out;
}
