/* router.c: patterns are split into literal and typed segments at start-up;
 * matching compares segments without allocating. Parameter types:
 *   {name}       a slug: 1-100 of [a-z0-9-]
 *   {name:date}  YYYY-MM-DD
 *   {name:id}    an application id (decimal)
 *   {name:int}   a non-negative decimal number
 *   {name:file}  a secret's file name: 1-100 of [A-Za-z0-9_.-], not
 *                starting with a dot ("TOKEN.ics") */
#include "http/router.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/id.h"
#include "core/util.h"
#include "http/input.h"

enum seg_kind { SEG_LITERAL, SEG_SLUG, SEG_DATE, SEG_ID, SEG_INT, SEG_FILE };
enum { ROUTER_MAX_ROUTES = 512, SLUG_MAX = 100 };

struct segment {
    enum seg_kind kind;
    char text[64]; /* the literal, or the parameter's name */
    size_t len;
};

struct compiled {
    const struct route *route;
    struct segment seg[ROUTE_MAX_SEGMENTS];
    int nseg;
};

static struct compiled table[ROUTER_MAX_ROUTES];
static size_t ntable;

static void compile(struct compiled *c, const struct route *r)
{
    const char *p = r->pattern;
    if (p[0] != '/')
        fatal("route pattern must start with '/': %s", r->pattern);
    c->route = r;
    c->nseg = 0;
    p++;
    while (*p != '\0') {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (c->nseg == ROUTE_MAX_SEGMENTS || len == 0 || len >= sizeof(c->seg[0].text))
            fatal("bad route pattern: %s", r->pattern);
        struct segment *s = &c->seg[c->nseg++];
        s->kind = SEG_LITERAL;
        if (p[0] == '{' && p[len - 1] == '}') {
            const char *colon = memchr(p, ':', len);
            size_t nlen = (colon ? (size_t)(colon - p) : len - 1) - 1;
            const char *type = colon ? colon + 1 : NULL;
            size_t tlen = colon ? (size_t)(p + len - 1 - type) : 0;
            s->kind = SEG_SLUG;
            if (type && tlen == 4 && memcmp(type, "date", 4) == 0)
                s->kind = SEG_DATE;
            else if (type && tlen == 2 && memcmp(type, "id", 2) == 0)
                s->kind = SEG_ID;
            else if (type && tlen == 3 && memcmp(type, "int", 3) == 0)
                s->kind = SEG_INT;
            else if (type && tlen == 4 && memcmp(type, "file", 4) == 0)
                s->kind = SEG_FILE;
            else if (type)
                fatal("unknown parameter type in route pattern: %s", r->pattern);
            if (nlen == 0)
                fatal("empty parameter name in route pattern: %s", r->pattern);
            memcpy(s->text, p + 1, nlen);
            s->len = nlen;
        } else {
            memcpy(s->text, p, len);
            s->len = len;
        }
        s->text[s->len] = '\0';
        p += len;
        if (*p == '/') {
            p++;
            if (*p == '\0')
                fatal("route pattern must not end with '/': %s", r->pattern);
        }
    }
}

void router_add(const struct route *routes, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (ntable == ROUTER_MAX_ROUTES)
            fatal("too many routes");
        compile(&table[ntable++], &routes[i]);
    }
}

void router_reset(void)
{
    ntable = 0;
}

static bool seg_matches(const struct segment *s, const char *p, size_t len, json_t *params)
{
    int64_t v;
    switch (s->kind) {
    case SEG_LITERAL: return len == s->len && memcmp(p, s->text, len) == 0;
    case SEG_SLUG:
        if (len == 0 || len > SLUG_MAX)
            return false;
        for (size_t i = 0; i < len; i++)
            if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= '0' && p[i] <= '9') || p[i] == '-'))
                return false;
        break;
    case SEG_FILE:
        if (len == 0 || len > SLUG_MAX || p[0] == '.')
            return false;
        for (size_t i = 0; i < len; i++)
            if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
                  (p[i] >= '0' && p[i] <= '9') || p[i] == '-' || p[i] == '_' || p[i] == '.'))
                return false;
        break;
    case SEG_DATE:
        if (!input_is_date(p, len))
            return false;
        break;
    case SEG_ID:
        if (id_parse(p, len, &v) != 0)
            return false;
        break;
    case SEG_INT:
        if (parse_int64(p, len, &v) != 0 || v < 0)
            return false;
        if (params != NULL)
            json_object_set_new(params, s->text, json_integer(v));
        return true;
    }
    if (params != NULL)
        json_object_set_new(params, s->text, json_stringn(p, len));
    return true;
}

/* Matches path against c; adds parameters to params when it is not NULL. */
static bool path_matches(const struct compiled *c, const char *path, json_t *params)
{
    if (path[0] != '/')
        return false;
    const char *p = path + 1;
    int i = 0;
    if (*p == '\0')
        return c->nseg == 0;
    for (;;) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        if (i == c->nseg || !seg_matches(&c->seg[i], p, len, params))
            return false;
        i++;
        if (slash == NULL)
            break;
        p = slash + 1;
    }
    return i == c->nseg;
}

static bool method_matches(const char *route_method, const char *method)
{
    return strcmp(route_method, method) == 0 ||
           (strcmp(method, "HEAD") == 0 && strcmp(route_method, "GET") == 0);
}

enum router_result router_match(const char *method, const char *path, const struct route **out,
                                json_t *params, char *allow, size_t allowlen)
{
    bool path_found = false;
    if (allowlen > 0)
        allow[0] = '\0';
    for (size_t i = 0; i < ntable; i++) {
        const struct compiled *c = &table[i];
        if (!path_matches(c, path, NULL))
            continue;
        if (method_matches(c->route->method, method)) {
            path_matches(c, path, params);
            *out = c->route;
            return ROUTER_FOUND;
        }
        if (allowlen > 0) {
            size_t used = strlen(allow);
            const char *m = c->route->method;
            bool get = strcmp(m, "GET") == 0;
            if (strstr(allow, m) == NULL)
                snprintf(allow + used, allowlen - used, "%s%s%s", used ? ", " : "", m,
                         get ? ", HEAD" : "");
        }
        path_found = true;
    }
    return path_found ? ROUTER_BAD_METHOD : ROUTER_NOT_FOUND;
}

void router_each(void (*fn)(const struct route *r, void *ctx), void *ctx)
{
    for (size_t i = 0; i < ntable; i++)
        fn(table[i].route, ctx);
}
