/* Fuzzes the blocked-words check on comments (src/guides/comments.c,
 * comments_blocked). The input is the list, a NUL byte, then the text. */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guides/comments.h"

enum { LINES_CHECKED = 16 };

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_blocked: %s\n", what);
        abort();
    }
}

/* Each of the list's first lines, trimmed, as a text: blocked unless blank. */
static void lines_block_themselves(const char *list)
{
    const char *p = list;
    for (int k = 0; k < LINES_CHECKED && *p != '\0'; k++) {
        size_t len = strcspn(p, "\n");
        const char *word = p;
        while (len > 0 && isspace((unsigned char)*word))
            word++, len--;
        while (len > 0 && isspace((unsigned char)word[len - 1]))
            len--;
        char *text = malloc(len + 1);
        memcpy(text, word, len);
        text[len] = '\0';
        if (len > 0)
            require(comments_blocked(list, text), "a word of the list is blocked");
        free(text);
        p += strcspn(p, "\n");
        if (*p == '\n')
            p++;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *copy = malloc(size + 2);
    memcpy(copy, data, size);
    copy[size] = copy[size + 1] = '\0';
    const char *list = copy;
    const char *text = copy + strlen(copy) + 1; /* after the first NUL, or empty */
    comments_blocked(list, text);
    require(!comments_blocked("", text), "an empty list blocks nothing");
    require(!comments_blocked(NULL, text) && !comments_blocked(list, NULL),
            "a missing list or text blocks nothing");
    lines_block_themselves(list);
    free(copy);
    return 0;
}
