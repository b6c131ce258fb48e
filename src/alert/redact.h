/* redact: removes secrets from text before anything leaves the machine
 * (alert notifications, samples, payloads). Applied to every string the
 * notifier sends. What counts as a secret:
 *   - bearer/basic credentials:   "Bearer abc.def"        -> "Bearer [REDACTED]"
 *   - JWTs:                       "eyJhbGciOi...x.y"      -> "[REDACTED]"
 *   - API keys by prefix:         sk-..., sk_live_..., pk_live_..., rk_...,
 *                                 ghp_..., xoxb-..., AKIA..., AIza...
 *   - values of secret-named keys: password=, "api_key": "..", token: ..,
 *                                 secret, passwd, pwd, credential, private_key,
 *                                 access_key, authorization, cookie, session
 *   - card numbers: 13-19 digits (spaces/dashes allowed) passing Luhn.
 *   - URL passwords:              postgres://user:pw@host -> postgres://user:[REDACTED]@host
 *   - AWS secret keys: a 40-character base64 word in a text that holds an
 *     AWS access key id (AKIA.../ASIA...).
 * Over-redaction is preferred to a leak. */
#ifndef LOGDECK_REDACT_H
#define LOGDECK_REDACT_H

#include <stddef.h>

#define REDACT_MARK "[REDACTED]"

/* Returns a malloc'd, NUL-terminated redacted copy of s[0..n) (NULs in s
 * become spaces), or NULL when out of memory. */
char *redact_text(const char *s, size_t n);

/* 1 if a field of this name holds a secret (case-insensitive substring
 * match: password, passwd, pwd, secret, token, api_key, apikey, api-key,
 * access_key, private_key, credential, authorization, auth (not as part
 * of a longer word: author is not a secret), cookie, session, signature). */
int redact_is_secret_key(const char *key, size_t n);

/* Masks a URL for display: scheme://host, the first path segment, the
 * first 4 characters of the second, an ellipsis and four stars; e.g. a
 * Slack URL shows as https://hooks.slack.com/services/T000… then / and
 * four stars. Never shows a query string, user info or later segments.
 * Writes into buf (cap >= 16) and returns buf. */
char *redact_url(const char *url, char *buf, size_t cap);

/* Redacts a parsed JSON value in place: values of secret-named keys become
 * REDACT_MARK, every other string goes through redact_text(). Returns 0, or
 * -1 when out of memory (the value may then be partly redacted: drop it). */
struct cJSON;
int redact_json(struct cJSON *v);

#endif
