/* mrkdwn: Slack's text escaping. Slack reads `&`, `<` and `>` as markup
 * in every mrkdwn string (the `text` field and the blocks): `<!channel>`,
 * `<!here>`, `<@U123>` page people and `<https://x|label>` plants a link.
 * Escaped, a log line can do neither. */
#ifndef LOGDECK_MRKDWN_H
#define LOGDECK_MRKDWN_H

#include <stddef.h>

/* Malloc'd copy of s[0..n) with & < > as &amp; &lt; &gt; (NULs become
 * spaces); NULL when out of memory. */
char *mrkdwn_escape(const char *s, size_t n);

#endif
