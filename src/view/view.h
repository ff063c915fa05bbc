/* view.h: the compiled templates of the running server and the page layout.
 * Pages are rendered into the layout with three contexts: the site globals,
 * the request's context (session, CSRF token) and the page's model. */
#ifndef HEARTH_VIEW_H
#define HEARTH_VIEW_H
#include <jansson.h>

#include "core/buf.h"

enum { VIEW_MAX_PAGE = 4 * 1024 * 1024 };

/* Compiles every .html and .xml asset under templates/. On any error prints "file:line:
 * message" to stderr and returns -1: a broken template stops start-up. */
int view_init(void);
void view_shutdown(void);
/* Site-wide values every page sees as {{site.*}}; owned by the view module. */
json_t *view_site(void);
/* True when a template of that name exists. */
int view_exists(const char *name);
/* Renders template name with model, inside the layout; reqctx (may be NULL)
 * holds per-request values. Returns 0 or -1 (unknown template, too large). */
int view_page(const char *name, json_t *reqctx, json_t *model, struct buf *out);

/* Renders template name (an .html or .xml file) with model alone, without
 * the layout: feeds and other documents. Returns 0 or -1. */
int view_plain(const char *name, json_t *model, struct buf *out);
/* HTML the server rendered (a template's output, text made HTML) as a JSON
 * string for a {{{name_html}}}: it was written from valid UTF-8, so it is
 * not checked again (that check cost a fifth of a page). */
json_t *view_html(const struct buf *out);

#endif
