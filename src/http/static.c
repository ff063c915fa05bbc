/* static.c: the static/ assets. In the default (embedded) mode their ETags
 * are computed once at start-up; with --assets DIR every request reads the
 * file from disk and hashes it, which is fine for development. */
#include "http/static.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/util.h"

enum { STATIC_MAX = 128 };

struct entry {
    const char *name; /* "static/css/hearth.css" */
    struct static_file file;
    char url[160];
};

static struct entry entries[STATIC_MAX];
static size_t nentries;

static const char *type_of(const char *name)
{
    static const struct {
        const char *ext, *type;
    } types[] = {
        {".css", "text/css; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".webmanifest", "application/manifest+json"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".json", "application/json"},
    };
    for (size_t i = 0; i < ARRAY_LEN(types); i++)
        if (str_ends(name, types[i].ext))
            return types[i].type;
    return "application/octet-stream";
}

static void make_etag(const char *data, size_t size, char out[24])
{
    unsigned char h[8];
    crypto_generichash(h, sizeof(h), (const unsigned char *)data, size, NULL, 0);
    out[0] = '"';
    sodium_bin2hex(out + 1, 17, h, sizeof(h));
    out[17] = '"';
    out[18] = '\0';
}

static int add_entry(const char *name, const char *data, size_t size, void *ctx)
{
    (void)ctx;
    if (nentries == STATIC_MAX)
        fatal("too many static files");
    struct entry *e = &entries[nentries++];
    e->name = name;
    e->file.data = data;
    e->file.size = size;
    e->file.content_type = type_of(name);
    char etag[24];
    make_etag(data, size, etag);
    memcpy(e->file.etag, etag, sizeof(etag));
    snprintf(e->url, sizeof(e->url), "/%s?v=%.8s", name, etag + 1);
    return 0;
}

void static_init(void)
{
    nentries = 0;
    const char *dir = assets_dir();
    assets_use_dir(NULL); /* names and ETags from the embedded table */
    assets_each("static/", add_entry, NULL);
    assets_use_dir(dir);
}

int static_find(const char *path, struct static_file *out)
{
    if (path[0] != '/')
        return -1;
    const char *name = path + 1;
    for (size_t i = 0; i < nentries; i++) {
        if (strcmp(entries[i].name, name) != 0)
            continue;
        *out = entries[i].file;
        if (assets_dir() == NULL)
            return 0;
        if (assets_get(name, &out->data, &out->size, &out->owned) != 0)
            return -1;
        make_etag(out->data, out->size, out->etag);
        return 0;
    }
    return -1;
}

const char *static_url(const char *name)
{
    for (size_t i = 0; i < nentries; i++)
        if (strcmp(entries[i].name + strlen("static/"), name) == 0)
            return entries[i].url;
    return NULL;
}
