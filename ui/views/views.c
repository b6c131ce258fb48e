/* views: the registry of main views and the keys that open them. A view
 * is one file, ui/views/NAME.c, defining `const struct view view_NAME`
 * with its opening action (A_TRACE for `t`, A_METRICS for `m`, A_ALERTS
 * for `a`); adding a view is adding that file and its row here. */
#include <stddef.h>

#include "ui/app.h"
#include "ui/keys.h"

extern const struct view view_trace;
extern const struct view view_metrics;
extern const struct view view_alerts;

static const struct view *const registry[] = {
    &view_log,
    &view_trace,
    &view_metrics,
    &view_alerts,
};

const struct view *views_for_action(int action)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (registry[i]->action == action)
            return registry[i];
    return NULL;
}

int views_poll(struct app *a)
{
    int r = 0;
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (registry[i]->poll)
            r |= registry[i]->poll(a);
    return r;
}

int views_open(struct app *a, struct err *e)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (registry[i]->open && !(a->vstate[i] = registry[i]->open(a)))
            return err_set(e, "out of memory opening the %s view", registry[i]->name);
    return 0;
}

void views_close(struct app *a)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++) {
        if (registry[i]->close && a->vstate[i])
            registry[i]->close(a, a->vstate[i]);
        a->vstate[i] = NULL;
    }
}

void *view_state(struct app *a, const struct view *v)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (registry[i] == v)
            return a->vstate[i];
    return NULL;
}
