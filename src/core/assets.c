/* assets.c: lookup in the embedded table, or on disk under --assets DIR. */
#include "core/assets.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "core/util.h"

enum { ASSET_MAX_FILE = 8 * 1024 * 1024 };

static const char *asset_root;

void assets_use_dir(const char *dir)
{
    asset_root = dir;
}

const char *assets_dir(void)
{
    return asset_root;
}

static int read_file(const char *path, const char **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    char *p = xmalloc(ASSET_MAX_FILE + 1);
    size_t n = fread(p, 1, ASSET_MAX_FILE, f);
    int bad = ferror(f) || !feof(f);
    fclose(f);
    if (bad) {
        free(p);
        return -1;
    }
    p[n] = '\0';
    *data = p;
    *size = n;
    return 0;
}

static const struct asset *embedded_find(const char *name)
{
    size_t lo = 0, hi = assets_embedded_count;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(assets_embedded[mid].name, name);
        if (c == 0)
            return &assets_embedded[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

int assets_get(const char *name, const char **data, size_t *size, int *owned)
{
    *owned = 0;
    if (strstr(name, "..") != NULL || name[0] == '/')
        return -1;
    if (asset_root != NULL) {
        char path[4096];
        int n = snprintf(path, sizeof(path), "%s/%s", asset_root, name);
        if (n < 0 || (size_t)n >= sizeof(path))
            return -1;
        if (read_file(path, data, size) != 0)
            return -1;
        *owned = 1;
        return 0;
    }
    const struct asset *a = embedded_find(name);
    if (a == NULL)
        return -1;
    *data = a->data;
    *size = a->size;
    return 0;
}

int assets_each(const char *prefix,
                int (*fn)(const char *name, const char *data, size_t size, void *ctx), void *ctx)
{
    for (unsigned i = 0; i < assets_embedded_count; i++) {
        const struct asset *a = &assets_embedded[i];
        if (!str_starts(a->name, prefix))
            continue;
        const char *data;
        size_t size;
        int owned;
        if (assets_get(a->name, &data, &size, &owned) != 0)
            continue;
        int rc = fn(a->name, data, size, ctx);
        if (owned)
            free((void *)data);
        if (rc != 0)
            return rc;
    }
    return 0;
}

json_t *assets_sections(const char *name, size_t entry_max)
{
    const char *data;
    size_t size;
    int owned;
    if (assets_get(name, &data, &size, &owned) != 0) {
        fprintf(stderr, "hearth: %s is missing\n", name);
        return NULL;
    }
    json_t *sections = json_object(), *current = NULL;
    int lineno = 0;
    const char *wrong = NULL;
    for (const char *p = data, *end = data + size; p < end && wrong == NULL; lineno++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n >= 3 && p[0] == '[' && p[n - 1] == ']') {
            char section[64];
            snprintf(section, sizeof(section), "%.*s", (int)(n - 2), p + 1);
            if (json_object_get(sections, section) != NULL)
                wrong = "a section named twice";
            current = json_array();
            json_object_set_new(sections, section, current);
        } else if (n > 0 && p[0] != '#') {
            if (current == NULL)
                wrong = "an entry outside a section";
            else if (n > entry_max || !utf8_valid(p, n))
                wrong = "an entry too long or not UTF-8";
            else
                json_array_append_new(current, json_stringn(p, n));
        }
        p = nl ? nl + 1 : end;
    }
    if (owned)
        free((void *)data);
    if (wrong != NULL) {
        fprintf(stderr, "hearth: %s:%d: %s\n", name, lineno, wrong);
        json_decref(sections);
        return NULL;
    }
    return sections;
}

int assets_lines(const char *name, int (*fn)(char *line, void *ctx), void *ctx)
{
    const char *data;
    size_t size;
    int owned;
    if (assets_get(name, &data, &size, &owned) != 0) {
        fprintf(stderr, "hearth: %s is missing\n", name);
        return -1;
    }
    char *text = xmalloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (owned)
        free((void *)data);
    int rc = 0, lineno = 0;
    for (char *line = text, *next; line != NULL && rc == 0; line = next) {
        next = strchr(line, '\n');
        if (next != NULL)
            *next++ = '\0';
        lineno++;
        if (*line != '\0' && *line != '#' && fn(line, ctx) != 0) {
            fprintf(stderr, "hearth: %s:%d: a line that does not read\n", name, lineno);
            rc = -1;
        }
    }
    free(text);
    return rc;
}

int assets_fields(char *line, char **fields, int n)
{
    int k = 0;
    while (k < n) {
        fields[k++] = line;
        char *bar = strstr(line, " | ");
        if (bar == NULL)
            break;
        *bar = '\0';
        line = bar + 3;
    }
    return k;
}
