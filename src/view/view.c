/* view.c: loads templates once, renders pages inside templates/layout.html.
 * A template's name is its path under templates/ without its extension,
 * which gives its output type: .html, .xml, .ics (iCalendar) or .txt. */
#include "view/view.h"

#include <stdio.h>
#include <string.h>

#include "core/assets.h"
#include "core/util.h"
#include "view/template.h"

static struct tpl_set *templates;
static json_t *site; /* the site globals */
static json_t *root; /* {"site": site}, the outermost context */

/* A template's output type, by its file's extension. */
static const struct {
    const char *ext;
    enum tpl_escape esc;
} types[] = {
    {".html", TPL_HTML},
    {".xml", TPL_XML},
    {".ics", TPL_ICAL},
    {".txt", TPL_TEXT},
};

static int add_template(const char *name, const char *data, size_t size, void *ctx)
{
    char *err = ctx;
    size_t t = 0;
    while (t < ARRAY_LEN(types) && !str_ends(name, types[t].ext))
        t++;
    if (t == ARRAY_LEN(types))
        return 0;
    char short_name[256];
    size_t skip = strlen("templates/"), n = strlen(name) - skip - strlen(types[t].ext);
    if (n >= sizeof(short_name))
        return -1;
    memcpy(short_name, name + skip, n);
    short_name[n] = '\0';
    if (tpl_set_get(templates, short_name) != NULL) {
        snprintf(err, 600, "%s: another template is called %s", name, short_name);
        return -1;
    }
    char msg[512];
    if (tpl_set_add(templates, short_name, types[t].esc, data, size, msg, sizeof(msg)) != 0) {
        /* msg is "short:line: ..."; name the file instead */
        snprintf(err, 600, "%s%s", name, msg + strlen(short_name));
        return -1;
    }
    return 0;
}

int view_init(void)
{
    char err[600] = "";
    templates = tpl_set_new();
#ifdef HEARTH_TEST_CLOCK
    tpl_strict(true); /* test builds: a name that names nothing is a bug */
#endif
    if (assets_each("templates/", add_template, err) != 0 ||
        tpl_set_link(templates, err, sizeof(err)) != 0) {
        fprintf(stderr, "hearth: %s\n", err[0] ? err : "cannot load templates");
        return -1;
    }
    if (tpl_set_get(templates, "layout") == NULL || tpl_set_get(templates, "error") == NULL) {
        fprintf(stderr, "hearth: templates/layout.html and templates/error.html are required\n");
        return -1;
    }
    site = json_object();
    json_object_set_new(site, "name", json_string("Hearth"));
    root = json_object();
    json_object_set(root, "site", site);
    return 0;
}

void view_shutdown(void)
{
    tpl_set_free(templates);
    templates = NULL;
    json_decref(root);
    json_decref(site);
    site = root = NULL;
}

json_t *view_site(void)
{
    return site;
}

int view_exists(const char *name)
{
    return templates != NULL && tpl_set_get(templates, name) != NULL;
}

struct page_in_layout {
    const struct tpl *page;
    json_t *const *ctx;
};

static int render_page(void *arg, struct buf *out)
{
    const struct page_in_layout *p = arg;
    return tpl_render(p->page, p->ctx, 3, out);
}

int view_page(const char *name, json_t *reqctx, json_t *model, struct buf *out)
{
    const struct tpl *page = tpl_set_get(templates, name);
    const struct tpl *layout = tpl_set_get(templates, "layout");
    if (page == NULL)
        return -1;
    json_t *empty = json_object();
    json_t *ctx[3] = {root, reqctx ? reqctx : empty, model ? model : empty};
    /* the page is written where the layout has {{{content_html}}} */
    struct page_in_layout in = {page, ctx};
    int rc = tpl_render_hole(layout, ctx, 3, out, "content_html", render_page, &in);
    json_decref(empty);
    return rc;
}

json_t *view_html(const struct buf *out)
{
    return json_stringn_nocheck(out->data ? out->data : "", out->len);
}

int view_plain(const char *name, json_t *model, struct buf *out)
{
    const struct tpl *t = tpl_set_get(templates, name);
    if (t == NULL)
        return -1;
    json_t *ctx[2] = {root, model};
    return tpl_render(t, ctx, 2, out);
}
