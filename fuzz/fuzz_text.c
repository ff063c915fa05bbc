/* Fuzzes comment text and Markdown rendering (src/guides/text.c). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guides/text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    struct buf out;
    buf_init(&out, 1 << 20);
    text_to_html(s, &out);
    text_count_links(s);
    buf_reset(&out);
    text_markdown(s, strlen(s), &out);
    text_html_check(out.data ? out.data : "");
    buf_free(&out);
    free(s);
    return 0;
}
