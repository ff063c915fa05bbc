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
 * Each template has the escaper of its output type (enum tpl_escape), used
 * by {{name}}; a partial keeps its own. Templates are compiled once, at
 * start-up; every error (unclosed tag or section, bad name, unknown partial)
 * is reported there with its line. In strict mode (test builds) rendering
 * fails on a {{name}} whose first part names nothing ({{errors.email}} may
 * be missing its member, not errors), instead of writing nothing. */
#ifndef HEARTH_TEMPLATE_H
#define HEARTH_TEMPLATE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/buf.h"

struct tpl;
struct tpl_set;

enum tpl_escape {
    TPL_HTML, /* & < > " ' as entities */
    TPL_XML,  /* the same as XML entities; characters XML forbids are dropped */
    TPL_ICAL, /* iCalendar TEXT (RFC 5545): \\ \; \, and \n; output lines end
                 in CRLF and are folded at 75 octets */
    TPL_TEXT, /* plain text: as is, control characters but newline and tab dropped */
};

/* Strict mode: rendering fails (and logs the template, line and name) when
 * the first part of a {{name}} or {{{name_html}}} is in no context. */
void tpl_strict(bool on);

/* Returns a new, empty set of templates; free it with tpl_set_free. */
struct tpl_set *tpl_set_new(void);
void tpl_set_free(struct tpl_set *set);
/* Compiles src[0..len) under name (copied), escaping values with esc. On a
 * syntax error returns -1 and writes "name:line: message" to err. */
int tpl_set_add(struct tpl_set *set, const char *name, enum tpl_escape esc, const char *src,
                size_t len, char *err, size_t errlen);
/* Resolves partials once every template is added; -1 and err for an unknown
 * partial. */
int tpl_set_link(struct tpl_set *set, char *err, size_t errlen);
/* The compiled template called name, or NULL. Owned by the set. */
const struct tpl *tpl_set_get(const struct tpl_set *set, const char *name);
/* Renders t into out with a context stack (ctx[0] outermost, ctx[n-1]
 * innermost); an iCalendar template's output is then folded (ical_fold:
 * the whole of out). Returns 0, or -1 when out's maximum was reached,
 * partials nest too deep, or (strict mode) a name names nothing. */
int tpl_render(const struct tpl *t, json_t *const *ctx, int n, struct buf *out);
/* Renders t as tpl_render does, but each raw tag {{{hole}}} is written by
 * fill(arg, out) (0, or -1 to stop) instead of a value: a layout takes its
 * page straight into out, with no copy of the page. */
int tpl_render_hole(const struct tpl *t, json_t *const *ctx, int n, struct buf *out,
                    const char *hole, int (*fill)(void *arg, struct buf *out), void *arg);
/* Append s[0..n) to out escaped for each output type. 0, or -1 when out is
 * full. */
int html_escape(struct buf *out, const char *s, size_t n);
int xml_escape(struct buf *out, const char *s, size_t n);
int ical_escape(struct buf *out, const char *s, size_t n);
int text_escape(struct buf *out, const char *s, size_t n);
/* Rewrites out's lines as iCalendar content lines: CRLF endings, folded so
 * no line exceeds 75 octets (never inside a UTF-8 character). 0 or -1. */
int ical_fold(struct buf *out);

#endif
