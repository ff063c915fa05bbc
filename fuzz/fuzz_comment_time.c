/* Fuzzes the comment form's signed time (src/guides/comments.c): any token
 * must be read safely, and one it accepts must be exactly what signing that
 * time gives; a signed time reads back for its own guide only, and any change
 * to it is refused. The key stays zero (comments_init is not called), which
 * the code does not depend on. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guides/comments.h"

enum { EDITS_MAX = 8 };

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_comment_time: %s\n", what);
        abort();
    }
}

/* The n-th int64 in data (zero past its end). */
static int64_t number(const uint8_t *data, size_t size, size_t n)
{
    int64_t v = 0;
    size_t at = n * sizeof(v);
    if (at < size)
        memcpy(&v, data + at, size - at < sizeof(v) ? size - at : sizeof(v));
    return v;
}

/* The input as a token for a guide id taken from its first bytes. */
static void arbitrary(const char *token, int64_t guide_id)
{
    int64_t ms = comments_served_at(token, guide_id);
    if (ms == -1)
        return;
    require(ms >= 0, "a refused token reads as -1");
    char again[COMMENT_TIME_TOKEN];
    comments_sign_time(ms, guide_id, again);
    require(strcmp(again, token) == 0, "an accepted token is the signed time itself");
}

/* A time signed for one guide, read back for it and for another, then edited
 * by (position, byte) pairs from the input's remaining bytes. */
static void round_trip(const uint8_t *data, size_t size)
{
    int64_t ms = number(data, size, 0), guide_id = number(data, size, 1);
    int64_t other = number(data, size, 2);
    char token[COMMENT_TIME_TOKEN], signed_token[COMMENT_TIME_TOKEN];
    comments_sign_time(ms, guide_id, token);
    require(strlen(token) < COMMENT_TIME_TOKEN - 1, "a signed time fits its buffer");
    memcpy(signed_token, token, sizeof(token));
    require(comments_served_at(token, guide_id) == (ms >= 0 ? ms : -1),
            "a signed time reads back for its guide");
    if (other != guide_id)
        require(comments_served_at(token, other) == -1,
                "a signed time is refused for another guide");
    for (size_t i = 3 * sizeof(int64_t), k = 0; i + 1 < size && k < EDITS_MAX; i += 2, k++) {
        size_t len = strlen(token);
        if (len == 0)
            break;
        token[data[i] % len] = (char)data[i + 1];
        if (strcmp(token, signed_token) != 0)
            require(comments_served_at(token, guide_id) == -1, "an edited token is refused");
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    arbitrary(s, number(data, size, 0));
    arbitrary(s, 0);
    free(s);
    round_trip(data, size);
    return 0;
}
