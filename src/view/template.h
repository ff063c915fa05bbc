/* template.h: Hearth's logic-less templates, a subset of mustache.
 *
 *   {{name}} {{a.b}} {{.}}   the value, HTML-escaped (& < > " ')
 *   {{list.0}}               an item of a list (so {{#list.0}} means "not empty")
 *   {{{name_html}}} {{&name_html}}
 *                            raw output; only names ending in "_html" are
 *                            accepted, and only the server puts HTML there
 *   {{#name}}...{{/name}}    a list: once per item; an object: once inside
 *                            it; another truthy value: once
 *   {{^name}}...{{/name}}    once when the value is missing or falsy
 *                            (null, false, 0, "", [])
 *   {{> partial}}            another template of the same set
 *   {{! comment }}
 *
 * Templates are compiled once, at start-up; every error (unclosed tag or
 * section, bad name, unknown partial) is reported there with its line. */
#ifndef HEARTH_TEMPLATE_H
#define HEARTH_TEMPLATE_H
#include <jansson.h>
#include <stddef.h>

#include "core/buf.h"

struct tpl;
struct tpl_set;

/* Returns a new, empty set of templates; free it with tpl_set_free. */
struct tpl_set *tpl_set_new(void);
void tpl_set_free(struct tpl_set *set);
/* Compiles src[0..len) under name (copied). On a syntax error returns -1 and
 * writes "name:line: message" to err. */
int tpl_set_add(struct tpl_set *set, const char *name, const char *src, size_t len, char *err,
                size_t errlen);
/* Resolves partials once every template is added; -1 and err for an unknown
 * partial. */
int tpl_set_link(struct tpl_set *set, char *err, size_t errlen);
/* The compiled template called name, or NULL. Owned by the set. */
const struct tpl *tpl_set_get(const struct tpl_set *set, const char *name);
/* Renders t into out with a context stack (ctx[0] outermost, ctx[n-1]
 * innermost). Returns 0, or -1 when out's maximum was reached or partials
 * nest too deep. */
int tpl_render(const struct tpl *t, json_t *const *ctx, int n, struct buf *out);
/* Appends s[0..n) to out with the five HTML-special characters escaped. */
int html_escape(struct buf *out, const char *s, size_t n);

#endif
