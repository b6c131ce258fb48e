/* uiconfig: the `ui:` section of the config file (src/base/config.c leaves it
 * to this module):
 *
 *   ui:
 *     theme: solarized-dark     # a name from the theme directories, or a path
 *
 * Unknown keys under ui: are errors naming FILE:LINE:COL, as elsewhere in
 * the config. No curses here. */
#include "ui/uiconfig.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

static const char *scalar(const yaml_node_t *n)
{
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int ui_section(yaml_document_t *doc, yaml_node_t *ui, const char *path,
                      struct uiconfig *out, struct err *e)
{
    if (ui->type == YAML_SCALAR_NODE && !*scalar(ui))
        return 0;   /* `ui:` with nothing under it */
    if (ui->type != YAML_MAPPING_NODE)
        return err_setc(e, 2, "%s:%zu:%zu: ui: expected a mapping (theme: NAME)", path,
                        ui->start_mark.line + 1, ui->start_mark.column + 1);
    for (yaml_node_pair_t *p = ui->data.mapping.pairs.start; p < ui->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        const char *key = scalar(k), *val = scalar(v);
        if (key && strcmp(key, "theme") == 0 && val && *val) {
            snprintf(out->theme, sizeof out->theme, "%s", val);
            continue;
        }
        return err_setc(e, 2, "%s:%zu:%zu: ui: %s '%s' (expected theme: NAME)", path,
                        k->start_mark.line + 1, k->start_mark.column + 1,
                        key && strcmp(key, "theme") == 0 ? "bad value for" : "unknown key",
                        key ? key : "?");
    }
    return 0;
}

int uiconfig_load(struct uiconfig *out, const char *path, struct err *e)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return errno == ENOENT ? 0 : err_set(e, "cannot read %s: %s", path, strerror(errno));
    yaml_parser_t ps;
    yaml_document_t doc;
    int rc = 0;
    yaml_parser_initialize(&ps);
    yaml_parser_set_input_file(&ps, f);
    if (!yaml_parser_load(&ps, &doc)) {
        /* src/base/config.c reports syntax errors; here they only mean no ui: */
        yaml_parser_delete(&ps);
        fclose(f);
        return 0;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (root && root->type == YAML_MAPPING_NODE) {
        for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
             rc == 0 && p < root->data.mapping.pairs.top; p++) {
            const char *key = scalar(yaml_document_get_node(&doc, p->key));
            if (key && strcmp(key, "ui") == 0)
                rc = ui_section(&doc, yaml_document_get_node(&doc, p->value), path, out, e);
        }
    }
    yaml_document_delete(&doc);
    yaml_parser_delete(&ps);
    fclose(f);
    return rc;
}
