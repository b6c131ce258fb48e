/* plan: the field names of the query language (plan.h, plan_field). They
 * live here, beside the plan type, because the store needs them too: the
 * values of fields that the language reads from columns of their own (the
 * time, the level, the cid, ...) are not indexed again as field tokens. */
#include "src/base/plan.h"

#include <strings.h>

static const struct { const char *name; int field; } field_names[] = {
    {"ts", PF_TS},           {"time", PF_TS},            {"timestamp", PF_TS},
    {"@timestamp", PF_TS},   {"level", PF_LEVEL},        {"severity", PF_LEVEL},
    {"log.level", PF_LEVEL}, {"levelname", PF_LEVEL},    {"cid", PF_CID},
    {"request_id", PF_CID},  {"correlation_id", PF_CID}, {"trace_id", PF_CID},
    {"x-correlation-id", PF_CID}, {"trace.correlation_id", PF_CID},
    {"traceid", PF_CID},     {"correlationid", PF_CID},  {"service", PF_SERVICE},
    {"service.name", PF_SERVICE}, {"logger", PF_LOGGER}, {"name", PF_LOGGER},
    {"log.logger", PF_LOGGER}, {"msg", PF_MSG},          {"message", PF_MSG},
    {"file", PF_FILE},       {"format", PF_FORMAT},      {"fmt", PF_FORMAT},
    {"duration", PF_DURATION}, {"duration_ms", PF_DURATION}, {"status", PF_STATUS},
    {"status_code", PF_STATUS}, {"metric", PF_METRIC},   {"metric.name", PF_METRIC},
    {"metric_name", PF_METRIC}, {"metric.value", PF_MVALUE}, {"metric_value", PF_MVALUE},
    {"host", PF_HOST},
};

int plan_field(const char *name)
{
    for (size_t i = 0; i < sizeof field_names / sizeof field_names[0]; i++)
        if (strcasecmp(field_names[i].name, name) == 0)
            return field_names[i].field;
    return PF_JSON;
}

const char *plan_field_name(size_t i)
{
    return i < sizeof field_names / sizeof field_names[0] ? field_names[i].name : NULL;
}
