/* Fuzzes the Content-Type and Content-Length header parsers
 * (src/http/input.c), checking both against what their contracts say. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/input.h"

static const char FORM[] = "application/x-www-form-urlencoded";
static const char JSON[] = "application/json";

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_content: %s\n", what);
        abort();
    }
}

/* The media type names type when it is followed only by spaces or tabs
 * before the end or a ';'. */
static bool names(const char *s, const char *type)
{
    size_t n = strlen(type);
    if (strncasecmp(s, type, n) != 0)
        return false;
    s += n;
    s += strspn(s, " \t");
    return *s == '\0' || *s == ';';
}

static void content_type(const char *s)
{
    enum input_body kind = input_body_kind(s);
    require(kind == INPUT_BODY_OTHER || kind == INPUT_BODY_FORM || kind == INPUT_BODY_JSON,
            "a body is a form, JSON or other");
    require((kind == INPUT_BODY_FORM) == names(s, FORM),
            "a form is application/x-www-form-urlencoded");
    require((kind == INPUT_BODY_JSON) == names(s, JSON), "JSON is application/json");
}

static void content_length(const char *s)
{
    size_t n = strlen(s);
    bool digits = n > 0 && n <= 18 && strspn(s, "0123456789") == n;
    int64_t expect = 0, got = -1;
    for (size_t i = 0; digits && i < n; i++)
        expect = expect * 10 + (s[i] - '0');
    int rc = input_content_length(s, &got);
    require((rc == 0) == digits, "a length is 1 to 18 digits");
    if (rc == 0)
        require(got == expect, "a length reads as its decimal value");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    content_type(s);
    content_length(s);
    free(s);
    int64_t v;
    require(input_body_kind(NULL) == INPUT_BODY_OTHER, "no Content-Type is other");
    require(input_content_length(NULL, &v) == -1, "no Content-Length is refused");
    return 0;
}
