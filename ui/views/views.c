/* views: the registry of main views and the keys that open them. A view
 * is one file, ui/views/NAME.c, defining `const struct view view_NAME`
 * with its opening action (A_TRACE for `t`, A_METRICS for `m`, A_ALERTS
 * for `a`); this file finds it by __has_include, so adding the file is
 * all it takes (after adding it, `touch ui/views/views.c` in an existing build
 * tree, since make cannot know the new file matters here). */
#include <stddef.h>

#include "ui/app.h"
#include "ui/keys.h"

#if defined(__has_include)
#if __has_include("ui/views/trace.c")
#define HAVE_VIEW_TRACE 1
extern const struct view view_trace;
#endif
#if __has_include("ui/views/metrics.c")
#define HAVE_VIEW_METRICS 1
extern const struct view view_metrics;
#endif
#if __has_include("ui/views/alerts.c")
#define HAVE_VIEW_ALERTS 1
extern const struct view view_alerts;
#endif
#endif

static const struct view *const registry[] = {
    &view_log,
#ifdef HAVE_VIEW_TRACE
    &view_trace,
#endif
#ifdef HAVE_VIEW_METRICS
    &view_metrics,
#endif
#ifdef HAVE_VIEW_ALERTS
    &view_alerts,
#endif
};

const struct view *views_for_action(int action)
{
    for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
        if (registry[i]->action == action)
            return registry[i];
    return NULL;
}
