/* input.h: turns the query string, a urlencoded form or a JSON body into one
 * json_t of declared fields, and validates it against the route. */
#ifndef HEARTH_INPUT_H
#define HEARTH_INPUT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"

/* Records one raw name=value pair (value bytes as received). The CSRF token
 * field "csrf" is kept for req->csrf_field; other undeclared names are
 * ignored; repeated names collect for FIELD_CHOICES and keep the first
 * value otherwise. raw is a JSON object owned by the caller. */
void input_add_pair(const struct route *r, json_t *raw, const char *name, size_t nlen,
                    const char *value, size_t vlen);
/* Name=value pairs a query string or form may carry; more answer 400. */
enum { INPUT_MAX_PAIRS = 256 };

/* Parses an application/x-www-form-urlencoded body into raw. Returns 0, or
 * -1 when it has more than INPUT_MAX_PAIRS pairs. */
int input_parse_form(const struct route *r, json_t *raw, const char *data, size_t len);
/* Parses a JSON body into raw. Returns 0, or -1 when the body is not a JSON
 * object (the caller answers 400 with the message in err). */
int input_parse_json(const struct route *r, json_t *raw, const char *data, size_t len, char *err,
                     size_t errlen);
/* Validates raw against the route's fields. Fills req->input with typed
 * values, req->typed with what was typed (secrets left out) and
 * req->errors with one message per bad field. Takes ownership of raw. */
void input_validate(const struct route *r, struct req *req, json_t *raw);
/* What a Content-Type header says a body is: a urlencoded form, JSON, or
 * (INPUT_BODY_OTHER) anything else, parameters such as charset aside. */
enum input_body { INPUT_BODY_OTHER = -1, INPUT_BODY_FORM = 1, INPUT_BODY_JSON = 2 };
enum input_body input_body_kind(const char *content_type);
/* Parses a Content-Length header: digits only, at most 18. Returns 0, or -1
 * when it is missing or anything else. */
int input_content_length(const char *text, int64_t *out);
/* True when s is a well-formed YYYY-MM-DD calendar day. */
int input_is_date(const char *s, size_t len);

#endif
