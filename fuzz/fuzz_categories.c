/* Fuzzes the parsing of a couple's stored question categories
 * (src/practices/questions.c, questions_parse_categories) against the real
 * question bank: only known categories come out, each once. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "practices/share/questions.h"

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_categories: %s\n", what);
        abort();
    }
}

static bool known(const char *name)
{
    for (const char *const *c = questions_categories(); *c != NULL; c++)
        if (strcmp(*c, name) == 0)
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        require(questions_init() == 0, "the question bank loads");
        ready = true;
    }
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    json_t *out = json_array();
    questions_parse_categories(s, out);
    size_t i, j;
    json_t *v, *w;
    json_array_foreach (out, i, v) {
        require(json_is_string(v) && known(json_string_value(v)), "only known categories");
        require(strstr(s, json_string_value(v)) != NULL, "a category comes from the input");
        json_array_foreach (out, j, w)
            require(j == i || !json_equal(v, w), "each category once");
    }
    /* parsing what came out, joined, gives it back */
    size_t cap = 1, len = 0;
    json_array_foreach (out, i, v)
        cap += strlen(json_string_value(v)) + 1;
    char *joined = calloc(1, cap);
    json_array_foreach (out, i, v) {
        size_t n = strlen(json_string_value(v));
        memcpy(joined + len, json_string_value(v), n);
        len += n;
        joined[len++] = ',';
    }
    json_t *again = json_array();
    questions_parse_categories(joined, again);
    require(json_equal(out, again), "joined categories parse back to themselves");
    questions_parse_categories(NULL, again);
    require(json_equal(out, again), "no list adds nothing");
    json_decref(again);
    json_decref(out);
    free(joined);
    free(s);
    return 0;
}
