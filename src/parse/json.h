/* json: one JSON-object log line -> record fields (structlog,
 * python-json-logger, loguru serialize=True and custom, the gateway's
 * nested objects, ECS dotted or nested keys). Internal to the parser. */
#ifndef LOGDECK_PARSE_JSON_H
#define LOGDECK_PARSE_JSON_H

#include <cjson/cJSON.h>

#include "src/parse/env.h"

/* r must have been set up with parse_record_init. Returns 1 if the line is
 * a JSON object: r is filled (format FMT_JSON, fields NULL, raw untouched)
 * and its strings point into *tree, which the caller deletes with
 * cJSON_Delete after emitting r. Returns 0 if the line is not a JSON
 * object (malformed, truncated, an array, trailing garbage). */
int parse_json(struct parse_env *env, const char *line, size_t len, struct record *r,
               cJSON **tree);

#endif
