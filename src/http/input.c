/* input.c: parsing and validation of declared input fields. Values are kept
 * as raw bytes until validation, which repairs invalid UTF-8 (so the form can
 * come back with what was typed) and reports it as an error. */
#include "http/input.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/id.h"
#include "core/utf8.h"
#include "core/util.h"

enum { INPUT_MAX_CHOICES = 64 };

static const struct field *find_field(const struct route *r, const char *name, size_t nlen)
{
    for (size_t i = 0; i < ROUTE_MAX_FIELDS && r->fields[i].name != NULL; i++)
        if (strlen(r->fields[i].name) == nlen && memcmp(r->fields[i].name, name, nlen) == 0)
            return &r->fields[i];
    return NULL;
}

/* jansson strings must be valid UTF-8, so raw bytes are stored repaired with
 * a marker key recording that they were not. */
static json_t *raw_string(const char *s, size_t n, bool *bad)
{
    if (utf8_valid(s, n)) {
        *bad = false;
        return json_stringn(s, n);
    }
    *bad = true;
    char *fixed = xmalloc(3 * n + 1);
    size_t m = utf8_repair(s, n, fixed);
    json_t *v = json_stringn(fixed, m);
    free(fixed);
    return v;
}

static void mark_bad_utf8(json_t *raw, const char *name)
{
    json_t *bad = json_object_get(raw, "\x01utf8");
    if (bad == NULL) {
        bad = json_object();
        json_object_set_new(raw, "\x01utf8", bad);
    }
    json_object_set_new(bad, name, json_true());
}

void input_add_pair(const struct route *r, json_t *raw, const char *name, size_t nlen,
                    const char *value, size_t vlen)
{
    if (nlen == 4 && memcmp(name, "csrf", 4) == 0 && value != NULL && vlen < 128 &&
        json_object_get(raw, "\x01csrf") == NULL) {
        json_object_set_new(raw, "\x01csrf", json_stringn(value, vlen));
        return;
    }
    const struct field *f = find_field(r, name, nlen);
    if (f == NULL)
        return;
    bool bad;
    json_t *v = raw_string(value ? value : "", value ? vlen : 0, &bad);
    if (bad)
        mark_bad_utf8(raw, f->name);
    if (f->type == FIELD_CHOICES) {
        json_t *list = json_object_get(raw, f->name);
        if (list == NULL) {
            list = json_array();
            json_object_set_new(raw, f->name, list);
        }
        if (json_array_size(list) < INPUT_MAX_CHOICES)
            json_array_append(list, v);
        json_decref(v);
        return;
    }
    if (json_object_get(raw, f->name) == NULL)
        json_object_set(raw, f->name, v);
    json_decref(v);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decodes %XX and '+' in place; returns the new length. A '%' not followed by
 * two hex digits stays as it is. */
static size_t url_decode(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            s[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            s[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    return o;
}

int input_parse_form(const struct route *r, json_t *raw, const char *data, size_t len)
{
    char *copy = xmalloc(len + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    char *p = copy, *end = copy + len;
    int pairs = 0;
    while (p < end) {
        if (pairs == INPUT_MAX_PAIRS) {
            free(copy);
            return -1;
        }
        char *amp = memchr(p, '&', (size_t)(end - p));
        char *stop = amp ? amp : end;
        char *eq = memchr(p, '=', (size_t)(stop - p));
        char *name = p, *value = eq ? eq + 1 : stop;
        size_t nlen = url_decode(name, (size_t)((eq ? eq : stop) - name));
        size_t vlen = url_decode(value, (size_t)(stop - value));
        if (nlen > 0)
            input_add_pair(r, raw, name, nlen, value, vlen);
        pairs++;
        p = stop + 1;
    }
    free(copy);
    return 0;
}

int input_parse_json(const struct route *r, json_t *raw, const char *data, size_t len, char *err,
                     size_t errlen)
{
    json_error_t e;
    json_t *doc = json_loadb(data, len, JSON_REJECT_DUPLICATES, &e);
    if (doc == NULL) {
        snprintf(err, errlen, "The body is not valid JSON (line %d, column %d): %s.", e.line,
                 e.column, e.text);
        return -1;
    }
    if (!json_is_object(doc)) {
        snprintf(err, errlen, "The body must be a JSON object.");
        json_decref(doc);
        return -1;
    }
    const char *key;
    json_t *v;
    json_object_foreach (doc, key, v) {
        const struct field *f = find_field(r, key, strlen(key));
        if (f != NULL)
            json_object_set(raw, f->name, v);
    }
    json_decref(doc);
    return 0;
}

enum input_body input_body_kind(const char *type)
{
    if (type == NULL)
        return INPUT_BODY_OTHER;
    size_t n = strcspn(type, ";");
    while (n > 0 && (type[n - 1] == ' ' || type[n - 1] == '\t'))
        n--;
    if (n == 33 && strncasecmp(type, "application/x-www-form-urlencoded", n) == 0)
        return INPUT_BODY_FORM;
    if (n == 16 && strncasecmp(type, "application/json", n) == 0)
        return INPUT_BODY_JSON;
    return INPUT_BODY_OTHER;
}

int input_content_length(const char *text, int64_t *out)
{
    size_t n = text != NULL ? strlen(text) : 0;
    if (n == 0 || n > 18 || strspn(text, "0123456789") != n)
        return -1;
    return parse_int64(text, n, out);
}

/* The value of n decimal digits (already checked to be digits). */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int input_is_date(const char *s, size_t len)
{
    if (len != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    int y = digits(s, 4), m = digits(s + 5, 2), d = digits(s + 8, 2);
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

static const char *label_of(const struct field *f)
{
    return f->label ? f->label : f->name;
}

static void set_error(struct req *req, const struct field *f, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(struct req *req, const struct field *f, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    json_object_set_new(req->errors, f->name, json_string(msg));
}

/* A required field left empty: choices (radio buttons, checkboxes) are
 * chosen, not typed. */
static void set_missing(struct req *req, const struct field *f)
{
    if (f->type == FIELD_CHOICE)
        set_error(req, f, "%s: choose one.", label_of(f));
    else if (f->type == FIELD_CHOICES)
        set_error(req, f, "%s: choose at least one.", label_of(f));
    else
        set_error(req, f, "%s is required.", label_of(f));
}

/* Control characters, and the noncharacters U+FFFE and U+FFFF, which no text
 * needs and XML (our feeds) forbids. */
static bool has_control(const char *s, size_t n, bool allow_lines)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
            ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
            return true;
        if (c == 0x7f || (c < 0x20 && !(allow_lines && (c == '\n' || c == '\r' || c == '\t'))))
            return true;
    }
    return false;
}

static bool email_ok(const char *s, size_t n)
{
    const char *at = memchr(s, '@', n);
    if (at == NULL || at == s || memchr(at + 1, '@', n - (size_t)(at - s) - 1) != NULL)
        return false;
    size_t local = (size_t)(at - s), dlen = n - local - 1;
    const char *dom = at + 1;
    if (local > 64 || dlen < 3 || dom[0] == '.' || dom[dlen - 1] == '.')
        return false;
    if (memchr(dom, '.', dlen) == NULL || strstr(dom, "..") != NULL)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] == ' ' || s[i] == ',' || s[i] == '<' || s[i] == '>' || s[i] == '"')
            return false;
    return true;
}

/* Validates one text-like value; returns the value to store or NULL. */
static json_t *check_text(struct req *req, const struct field *f, const char *s, size_t n)
{
    if (f->type != FIELD_SECRET && f->type != FIELD_TEXT) {
        while (n > 0 && isspace((unsigned char)*s))
            s++, n--;
    }
    if (f->type != FIELD_SECRET)
        while (n > 0 && isspace((unsigned char)s[n - 1]))
            n--;
    if (has_control(s, n, f->type == FIELD_TEXT)) {
        if (f->type == FIELD_STRING || f->type == FIELD_EMAIL || f->type == FIELD_NAME)
            set_error(req, f, "%s must be a single line of plain text.", label_of(f));
        else
            set_error(req, f, "%s contains invisible control characters.", label_of(f));
        return NULL;
    }
    if (f->type == FIELD_NAME && utf8_has_invisible(s, n)) {
        set_error(req, f,
                  "%s cannot hold invisible formatting characters (such as right-to-left "
                  "overrides or zero-width spaces).",
                  label_of(f));
        return NULL;
    }
    size_t chars = utf8_length(s, n);
    if (chars == 0) {
        if (f->required)
            set_error(req, f, "%s is required.", label_of(f));
        return NULL;
    }
    if (f->min > 0 && (int64_t)chars < f->min) {
        set_error(req, f, "%s must be at least %lld characters.", label_of(f), (long long)f->min);
        return NULL;
    }
    if (f->max > 0 && (int64_t)chars > f->max) {
        set_error(req, f, "%s must be at most %lld characters.", label_of(f), (long long)f->max);
        return NULL;
    }
    if (f->type == FIELD_EMAIL) {
        char *lower = xmalloc(n + 1);
        for (size_t i = 0; i < n; i++)
            lower[i] = (char)tolower((unsigned char)s[i]);
        lower[n] = '\0';
        json_t *v = NULL;
        if (email_ok(lower, n))
            v = json_stringn(lower, n);
        else
            set_error(req, f, "%s must be an email address like name@example.org.", label_of(f));
        free(lower);
        return v;
    }
    return json_stringn(s, n);
}

static bool in_choices(const struct field *f, const char *s)
{
    for (const char *const *c = f->choices; c && *c; c++)
        if (strcmp(*c, s) == 0)
            return true;
    return false;
}

static json_t *check_value(struct req *req, const struct field *f, json_t *v)
{
    int64_t n;
    switch (f->type) {
    case FIELD_STRING:
    case FIELD_NAME:
    case FIELD_TEXT:
    case FIELD_SECRET:
    case FIELD_EMAIL:
        if (!json_is_string(v)) {
            set_error(req, f, "%s must be text.", label_of(f));
            return NULL;
        }
        return check_text(req, f, json_string_value(v), json_string_length(v));
    case FIELD_INT:
        if (json_is_integer(v)) {
            n = json_integer_value(v);
        } else if (json_is_string(v) && json_string_length(v) == 0) {
            if (f->required)
                set_error(req, f, "%s is required.", label_of(f));
            return NULL;
        } else if (!json_is_string(v) ||
                   parse_int64(json_string_value(v), json_string_length(v), &n) != 0) {
            set_error(req, f, "%s must be a whole number.", label_of(f));
            return NULL;
        }
        if (n < f->min || n > f->max) {
            set_error(req, f, "%s must be between %lld and %lld.", label_of(f), (long long)f->min,
                      (long long)f->max);
            return NULL;
        }
        return json_integer(n);
    case FIELD_BOOL:
        if (json_is_boolean(v))
            return json_incref(v);
        if (json_is_string(v)) {
            const char *s = json_string_value(v);
            if (!strcmp(s, "on") || !strcmp(s, "1") || !strcmp(s, "true") || !strcmp(s, "yes"))
                return json_true();
            if (!*s || !strcmp(s, "0") || !strcmp(s, "false") || !strcmp(s, "off") ||
                !strcmp(s, "no"))
                return json_false();
        }
        set_error(req, f, "%s must be yes or no.", label_of(f));
        return NULL;
    case FIELD_CHOICE:
        if (json_is_string(v) && json_string_length(v) == 0) {
            if (f->required)
                set_missing(req, f);
            return NULL;
        }
        if (!json_is_string(v) || !in_choices(f, json_string_value(v))) {
            set_error(req, f, "%s must be one of the offered choices.", label_of(f));
            return NULL;
        }
        return json_incref(v);
    case FIELD_CHOICES: {
        if (json_is_string(v)) {
            json_t *one = json_array();
            json_array_append(one, v);
            json_t *r = check_value(req, f, one);
            json_decref(one);
            return r;
        }
        if (!json_is_array(v) || json_array_size(v) > INPUT_MAX_CHOICES) {
            set_error(req, f, "%s must be a list of the offered choices.", label_of(f));
            return NULL;
        }
        json_t *out = json_array();
        size_t i;
        json_t *item;
        json_array_foreach (v, i, item) {
            if (!json_is_string(item) || !in_choices(f, json_string_value(item))) {
                set_error(req, f, "%s must be a list of the offered choices.", label_of(f));
                json_decref(out);
                return NULL;
            }
            bool dup = false;
            for (size_t k = 0; k < json_array_size(out); k++)
                dup |= json_equal(json_array_get(out, k), item);
            if (!dup)
                json_array_append(out, item);
        }
        if (f->required && json_array_size(out) == 0) {
            set_missing(req, f);
            json_decref(out);
            return NULL;
        }
        return out;
    }
    case FIELD_DATE:
        if (json_is_string(v) && json_string_length(v) == 0) {
            if (f->required)
                set_error(req, f, "%s is required.", label_of(f));
            return NULL;
        }
        if (!json_is_string(v) || !input_is_date(json_string_value(v), json_string_length(v))) {
            set_error(req, f, "%s must be a date written as YYYY-MM-DD.", label_of(f));
            return NULL;
        }
        return json_incref(v);
    case FIELD_ID:
        if (json_is_string(v) && json_string_length(v) == 0) {
            if (f->required)
                set_error(req, f, "%s is required.", label_of(f));
            return NULL;
        }
        if (!json_is_string(v) || id_parse(json_string_value(v), json_string_length(v), &n) != 0) {
            set_error(req, f, "%s is not a valid reference.", label_of(f));
            return NULL;
        }
        return json_incref(v);
    }
    return NULL;
}

void input_validate(const struct route *r, struct req *req, json_t *raw)
{
    json_t *bad_utf8 = json_object_get(raw, "\x01utf8");
    const char *csrf = json_string_value(json_object_get(raw, "\x01csrf"));
    if (csrf != NULL && req->arena != NULL)
        req->csrf_field = arena_strdup(req->arena, csrf);
    for (size_t i = 0; i < ROUTE_MAX_FIELDS && r->fields[i].name != NULL; i++) {
        const struct field *f = &r->fields[i];
        json_t *v = json_object_get(raw, f->name);
        if (v != NULL && f->type != FIELD_SECRET)
            json_object_set(req->typed, f->name, v);
        if (json_object_get(bad_utf8, f->name) != NULL) {
            set_error(req, f, "%s contains bytes that are not valid text (UTF-8).", label_of(f));
            continue;
        }
        if (v == NULL || json_is_null(v)) {
            if (f->type == FIELD_BOOL)
                json_object_set_new(req->input, f->name, json_false());
            else if (f->type == FIELD_CHOICES && !f->required)
                json_object_set_new(req->input, f->name, json_array());
            else if (f->required)
                set_missing(req, f);
            continue;
        }
        json_t *ok = check_value(req, f, v);
        if (ok != NULL)
            json_object_set_new(req->input, f->name, ok);
    }
    json_decref(raw);
}
