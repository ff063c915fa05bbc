/* template.c: compiles mustache-subset templates into flat node arrays and
 * renders them against jansson values. A section node records where its
 * body ends, so rendering is a walk with no re-parsing. */
#include "view/template.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "core/util.h"

enum {
    TPL_MAX_PATH = 8,   /* parts in a dotted name */
    TPL_MAX_NEST = 32,  /* nested sections in one template */
    TPL_MAX_STACK = 64, /* context depth while rendering */
    TPL_MAX_PARTIAL = 16,
};

enum node_kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

struct node {
    enum node_kind kind;
    const char *text; /* N_TEXT: bytes in the template source */
    size_t len;
    char *name; /* the tag's name, for tags */
    char *path[TPL_MAX_PATH];
    int npath;  /* 0 for "." */
    size_t end; /* sections: index just past the body */
    int line;
    const struct tpl *partial;
};

struct tpl {
    char *name;
    enum tpl_escape esc;
    char *src;
    struct node *nodes;
    size_t n, cap;
};

struct tpl_set {
    struct tpl **items;
    size_t n, cap;
};

struct tpl_set *tpl_set_new(void)
{
    return xcalloc(1, sizeof(struct tpl_set));
}

static void tpl_free(struct tpl *t)
{
    for (size_t i = 0; i < t->n; i++) {
        free(t->nodes[i].name);
        for (int k = 0; k < t->nodes[i].npath; k++)
            free(t->nodes[i].path[k]);
    }
    free(t->nodes);
    free(t->src);
    free(t->name);
    free(t);
}

void tpl_set_free(struct tpl_set *set)
{
    if (set == NULL)
        return;
    for (size_t i = 0; i < set->n; i++)
        tpl_free(set->items[i]);
    free(set->items);
    free(set);
}

static struct node *push_node(struct tpl *t)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->nodes = xrealloc(t->nodes, t->cap * sizeof(struct node));
    }
    struct node *n = &t->nodes[t->n++];
    memset(n, 0, sizeof(*n));
    return n;
}

static int line_of(const char *src, const char *at)
{
    int line = 1;
    for (const char *p = src; p < at; p++)
        if (*p == '\n')
            line++;
    return line;
}

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '/';
}

/* Splits a dotted name into n->path; returns a message or NULL. */
static const char *set_name(struct node *n, const char *s, size_t len)
{
    if (len == 0)
        return "empty tag name";
    for (size_t i = 0; i < len; i++)
        if (!name_char(s[i]))
            return "tag names may hold only letters, digits, '_', '-', '.' and '/'";
    n->name = xmalloc(len + 1);
    memcpy(n->name, s, len);
    n->name[len] = '\0';
    if (len == 1 && s[0] == '.')
        return NULL;
    const char *p = n->name;
    while (*p != '\0') {
        const char *dot = strchr(p, '.');
        size_t k = dot ? (size_t)(dot - p) : strlen(p);
        if (k == 0 || n->npath == TPL_MAX_PATH)
            return "malformed dotted name";
        n->path[n->npath] = xmalloc(k + 1);
        memcpy(n->path[n->npath], p, k);
        n->path[n->npath][k] = '\0';
        n->npath++;
        p += k;
        if (*p == '.') {
            p++;
            if (*p == '\0')
                return "malformed dotted name";
        }
    }
    return NULL;
}

static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t'))
        (*s)++, (*len)--;
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

int tpl_set_add(struct tpl_set *set, const char *name, enum tpl_escape esc, const char *src,
                size_t len, char *err, size_t errlen)
{
    struct tpl *t = xcalloc(1, sizeof(*t));
    t->name = xstrdup(name);
    t->esc = esc;
    t->src = xmalloc(len + 1);
    memcpy(t->src, src, len);
    t->src[len] = '\0';

    size_t open[TPL_MAX_NEST];
    int depth = 0;
    const char *msg = NULL;
    const char *p = t->src, *end = t->src + len, *at = p;

    while (p < end) {
        const char *tag = strstr(p, "{{");
        if (tag == NULL || tag >= end)
            tag = end;
        if (tag > p) {
            struct node *n = push_node(t);
            n->kind = N_TEXT;
            n->text = p;
            n->len = (size_t)(tag - p);
        }
        if (tag == end)
            break;
        at = tag;
        const char *body = tag + 2;
        bool triple = *body == '{';
        if (triple)
            body++;
        const char *close = strstr(body, triple ? "}}}" : "}}");
        if (close == NULL) {
            msg = "unclosed tag";
            goto fail;
        }
        p = close + (triple ? 3 : 2);
        char sigil = triple ? '{' : *body;
        if (!triple && strchr("!#^/>&", sigil) != NULL)
            body++;
        else if (!triple)
            sigil = 0;
        if (sigil == '!')
            continue;
        const char *nm = body;
        size_t nlen = (size_t)(close - body);
        trim(&nm, &nlen);

        if (sigil == '/') {
            if (depth == 0) {
                msg = "closing tag without an open section";
                goto fail;
            }
            struct node *o = &t->nodes[open[--depth]];
            if (strlen(o->name) != nlen || memcmp(o->name, nm, nlen) != 0) {
                msg = "closing tag does not match the open section";
                goto fail;
            }
            o->end = t->n;
            continue;
        }
        struct node *n = push_node(t);
        n->line = line_of(t->src, tag);
        if ((msg = set_name(n, nm, nlen)) != NULL)
            goto fail;
        switch (sigil) {
        case '#':
        case '^':
            n->kind = sigil == '#' ? N_SECTION : N_INVERTED;
            if (depth == TPL_MAX_NEST) {
                msg = "sections nest too deep";
                goto fail;
            }
            open[depth++] = t->n - 1;
            break;
        case '>': n->kind = N_PARTIAL; break;
        case '{':
        case '&':
            n->kind = N_RAW;
            if (!str_ends(n->name, "_html")) {
                msg = "raw output is only allowed for names ending in _html";
                goto fail;
            }
            break;
        default: n->kind = N_VAR;
        }
    }
    if (depth > 0) {
        at = t->src + len;
        snprintf(err, errlen, "%s:%d: section '%s' is never closed", name,
                 t->nodes[open[depth - 1]].line, t->nodes[open[depth - 1]].name);
        tpl_free(t);
        return -1;
    }
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 16;
        set->items = xrealloc(set->items, set->cap * sizeof(*set->items));
    }
    set->items[set->n++] = t;
    return 0;
fail:
    snprintf(err, errlen, "%s:%d: %s", name, line_of(t->src, at), msg);
    tpl_free(t);
    return -1;
}

const struct tpl *tpl_set_get(const struct tpl_set *set, const char *name)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i]->name, name) == 0)
            return set->items[i];
    return NULL;
}

int tpl_set_link(struct tpl_set *set, char *err, size_t errlen)
{
    for (size_t i = 0; i < set->n; i++) {
        struct tpl *t = set->items[i];
        for (size_t k = 0; k < t->n; k++) {
            struct node *n = &t->nodes[k];
            if (n->kind != N_PARTIAL)
                continue;
            n->partial = tpl_set_get(set, n->name);
            if (n->partial == NULL) {
                snprintf(err, errlen, "%s:%d: unknown partial '%s'", t->name, n->line, n->name);
                return -1;
            }
        }
    }
    return 0;
}

/* Appends s[0..n) with each byte that rep() maps to a string replaced by
 * it (and dropped when it maps to ""). */
static int escape_with(struct buf *out, const char *s, size_t n, const char *(*rep)(unsigned char))
{
    size_t start = 0;
    for (size_t i = 0; i < n; i++) {
        const char *r = rep((unsigned char)s[i]);
        if (r == NULL)
            continue;
        if (buf_append(out, s + start, i - start) != 0 || buf_puts(out, r) != 0)
            return -1;
        start = i + 1;
    }
    return buf_append(out, s + start, n - start);
}

static bool control(unsigned char c)
{
    return (c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7f;
}

static const char *html_rep(unsigned char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return NULL;
    }
}

static const char *xml_rep(unsigned char c)
{
    if (c == '\'')
        return "&apos;";
    if (control(c) && c != 0x7f) /* XML 1.0 has no place for them */
        return "";
    return html_rep(c);
}

static const char *ical_rep(unsigned char c)
{
    switch (c) {
    case '\\': return "\\\\";
    case ';': return "\\;";
    case ',': return "\\,";
    case '\n': return "\\n";
    case '\r': return "";
    default: return control(c) || c == '\t' ? "" : NULL;
    }
}

static const char *text_rep(unsigned char c)
{
    return control(c) || c == '\r' ? "" : NULL;
}

int html_escape(struct buf *out, const char *s, size_t n)
{
    return escape_with(out, s, n, html_rep);
}

int xml_escape(struct buf *out, const char *s, size_t n)
{
    return escape_with(out, s, n, xml_rep);
}

int ical_escape(struct buf *out, const char *s, size_t n)
{
    return escape_with(out, s, n, ical_rep);
}

int text_escape(struct buf *out, const char *s, size_t n)
{
    return escape_with(out, s, n, text_rep);
}

int ical_fold(struct buf *out)
{
    enum { LINE_MAX_OCTETS = 75 };
    struct buf folded;
    buf_init(&folded, out->max);
    const char *p = out->data ? out->data : "";
    const char *end = p + out->len;
    int rc = 0;
    while (rc == 0 && p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *line_end = nl ? nl : end;
        if (line_end > p && line_end[-1] == '\r')
            line_end--;
        size_t room = LINE_MAX_OCTETS; /* the first line; then 74 after the leading space */
        while (rc == 0 && (size_t)(line_end - p) > room) {
            size_t k = room;
            while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80) /* not inside a character */
                k--;
            rc = buf_append(&folded, p, k) || buf_puts(&folded, "\r\n ") ? -1 : 0;
            p += k;
            room = LINE_MAX_OCTETS - 1;
        }
        if (rc == 0 && line_end > p)
            rc = buf_append(&folded, p, (size_t)(line_end - p));
        if (rc == 0 && nl != NULL)
            rc = buf_puts(&folded, "\r\n");
        p = nl ? nl + 1 : end;
    }
    if (rc == 0) {
        buf_reset(out);
        rc = buf_append(out, folded.data ? folded.data : "", folded.len);
    }
    buf_free(&folded);
    return rc;
}

/* "list.0" names a list's first item: parts of digits index arrays. */
static json_t *array_item(json_t *list, const char *part)
{
    size_t index = 0;
    for (const char *p = part; *p; p++) {
        if (*p < '0' || *p > '9' || index > 100000)
            return NULL;
        index = index * 10 + (size_t)(*p - '0');
    }
    return json_array_get(list, index);
}

static json_t *lookup(json_t *const *stack, int depth, const struct node *n)
{
    if (n->npath == 0)
        return depth > 0 ? stack[depth - 1] : NULL;
    for (int i = depth - 1; i >= 0; i--) {
        json_t *v = json_object_get(stack[i], n->path[0]);
        if (v == NULL)
            continue;
        for (int k = 1; k < n->npath && v != NULL; k++)
            v = json_is_array(v) ? array_item(v, n->path[k]) : json_object_get(v, n->path[k]);
        return v;
    }
    return NULL;
}

/* Whether the first part of n's name is in some context ("errors" of
 * "errors.email": a form's optional members may be missing, but not it). */
static bool first_found(json_t *const *stack, int depth, const struct node *n)
{
    for (int i = depth - 1; i >= 0; i--)
        if (n->npath == 0 || json_object_get(stack[i], n->path[0]) != NULL)
            return true;
    return false;
}

static bool truthy(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_NULL:
    case JSON_FALSE: return false;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    default: return true;
    }
}

static int (*const escapers[])(struct buf *, const char *, size_t) = {
    [TPL_HTML] = html_escape,
    [TPL_XML] = xml_escape,
    [TPL_ICAL] = ical_escape,
    [TPL_TEXT] = text_escape,
};

static bool strict;

void tpl_strict(bool on)
{
    strict = on;
}

static int emit_value(const struct tpl *t, struct buf *out, const json_t *v, bool raw)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_STRING:
        if (raw)
            return buf_append(out, json_string_value(v), json_string_length(v));
        return escapers[t->esc](out, json_string_value(v), json_string_length(v));
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return buf_puts(out, num);
    case JSON_REAL: snprintf(num, sizeof(num), "%g", json_real_value(v)); return buf_puts(out, num);
    case JSON_TRUE: return buf_puts(out, "true");
    default: return 0;
    }
}

/* A raw tag filled by a function instead of a value (tpl_render_hole). */
struct hole {
    const char *name;
    int (*fill)(void *arg, struct buf *out);
    void *arg;
};

static int render_nodes(const struct tpl *t, size_t from, size_t to, json_t **stack, int depth,
                        struct buf *out, int partials, const struct hole *hole);

static int render_section(const struct tpl *t, const struct node *n, size_t k, json_t **stack,
                          int depth, struct buf *out, int partials, const struct hole *hole)
{
    json_t *v = lookup(stack, depth, n);
    bool on = v != NULL && truthy(v);
    if (n->kind == N_INVERTED)
        return on ? 0 : render_nodes(t, k + 1, n->end, stack, depth, out, partials, hole);
    if (!on)
        return 0;
    if (depth == TPL_MAX_STACK)
        return -1;
    if (json_is_array(v)) {
        size_t i;
        json_t *item;
        json_array_foreach (v, i, item) {
            stack[depth] = item;
            if (render_nodes(t, k + 1, n->end, stack, depth + 1, out, partials, hole) != 0)
                return -1;
        }
        return 0;
    }
    stack[depth] = v;
    return render_nodes(t, k + 1, n->end, stack, depth + 1, out, partials, hole);
}

static int render_nodes(const struct tpl *t, size_t from, size_t to, json_t **stack, int depth,
                        struct buf *out, int partials, const struct hole *hole)
{
    size_t k = from;
    while (k < to) {
        const struct node *n = &t->nodes[k];
        int rc = 0;
        switch (n->kind) {
        case N_TEXT: rc = buf_append(out, n->text, n->len); break;
        case N_VAR:
        case N_RAW: {
            if (hole != NULL && n->kind == N_RAW && strcmp(n->name, hole->name) == 0) {
                rc = hole->fill(hole->arg, out);
                break;
            }
            json_t *v = lookup(stack, depth, n);
            if (v != NULL) {
                rc = emit_value(t, out, v, n->kind == N_RAW);
            } else if (strict && !first_found(stack, depth, n)) {
                log_error("template %s:%d: {{%s}} names nothing", t->name, n->line, n->name);
                rc = -1;
            }
            break;
        }
        case N_SECTION:
        case N_INVERTED:
            rc = render_section(t, n, k, stack, depth, out, partials, hole);
            k = n->end;
            if (rc != 0)
                return -1;
            continue;
        case N_PARTIAL:
            if (partials == TPL_MAX_PARTIAL)
                return -1;
            rc = render_nodes(n->partial, 0, n->partial->n, stack, depth, out, partials + 1, hole);
            break;
        }
        if (rc != 0)
            return -1;
        k++;
    }
    return 0;
}

static int render(const struct tpl *t, json_t *const *ctx, int n, struct buf *out,
                  const struct hole *hole)
{
    json_t *stack[TPL_MAX_STACK];
    if (n > TPL_MAX_STACK / 2)
        return -1;
    for (int i = 0; i < n; i++)
        stack[i] = ctx[i];
    if (render_nodes(t, 0, t->n, stack, n, out, 0, hole) != 0)
        return -1;
    return t->esc == TPL_ICAL ? ical_fold(out) : 0;
}

int tpl_render(const struct tpl *t, json_t *const *ctx, int n, struct buf *out)
{
    return render(t, ctx, n, out, NULL);
}

int tpl_render_hole(const struct tpl *t, json_t *const *ctx, int n, struct buf *out,
                    const char *hole, int (*fill)(void *arg, struct buf *out), void *arg)
{
    struct hole h = {hole, fill, arg};
    return render(t, ctx, n, out, &h);
}
