/* Fuzzes the front matter of guide files (src/guides/guides.c,
 * guides_front_matter) on a NUL-terminated copy of the input: an accepted
 * file has every field, a YYYY-MM-DD date, and a body inside the copy. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guides/guides.h"
#include "http/input.h"

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_front_matter: %s\n", what);
        abort();
    }
}

static bool inside(const char *p, const char *start, size_t size)
{
    return p != NULL && p >= start && p <= start + size;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    struct guide_front f;
    if (guides_front_matter(src, &f) == 0) {
        require(inside(f.title, src, size) && inside(f.slug, src, size) &&
                    inside(f.summary, src, size) && inside(f.practice, src, size) &&
                    inside(f.date, src, size) && inside(f.body, src, size),
                "every field points into the file");
        require(input_is_date(f.date, strlen(f.date)), "the date is YYYY-MM-DD");
        require(size >= 8 && memcmp(data, "---\n", 4) == 0, "front matter starts with ---");
        require(f.body >= src + 8 && data[f.body - src - 1] == '\n',
                "the body starts after the closing line");
    }
    free(src);
    return 0;
}
