/* static.c: the static/ assets. In the default (embedded) mode their ETags
 * are computed once at start-up, and their gzip and brotli forms were made
 * at build time (scripts/embed.sh); with --assets DIR every request reads
 * the file from disk, hashes it and compresses it, which is fine for
 * development. Each coding has its own ETag: the file's, with "-gz" or "-br". */
#include "http/static.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/util.h"
#include "http/compress.h"

enum { STATIC_MAX = 128 };

struct coded {
    const char *data; /* NULL when not made */
    size_t size;
};

struct entry {
    const char *name; /* "static/css/hearth.css" */
    struct static_file file;
    struct coded coded[COMPRESS_CODINGS]; /* [COMPRESS_GZIP], [COMPRESS_BR] */
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

/* The ETag of coding: the file's own, or with "-gz" or "-br" added inside
 * the quotes, so a cache never takes one coding's bytes for another's. */
static void coded_etag(const char file_etag[24], enum compress_coding coding, char out[24])
{
    if (coding == COMPRESS_IDENTITY)
        memcpy(out, file_etag, 24);
    else
        snprintf(out, 24, "%.17s-%s\"", file_etag, coding == COMPRESS_BR ? "br" : "gz");
}

static const struct asset_coded *coded_find(const char *name)
{
    for (unsigned i = 0; i < assets_coded_count; i++)
        if (strcmp(assets_coded[i].name, name) == 0)
            return &assets_coded[i];
    return NULL;
}

static int add_entry(const char *name, const char *data, size_t size, void *ctx)
{
    (void)ctx;
    if (nentries == STATIC_MAX)
        fatal("too many static files");
    struct entry *e = &entries[nentries++];
    memset(e, 0, sizeof(*e));
    e->name = name;
    e->file.data = data;
    e->file.size = size;
    e->file.content_type = type_of(name);
    e->file.varies = compress_type(e->file.content_type);
    char etag[24];
    make_etag(data, size, etag);
    memcpy(e->file.etag, etag, sizeof(etag));
    snprintf(e->url, sizeof(e->url), "/%s?v=%.8s", name, etag + 1);
    const struct asset_coded *c = coded_find(name);
    if (c != NULL) {
        e->coded[COMPRESS_GZIP] = (struct coded){c->gzip, c->gzip_size};
        e->coded[COMPRESS_BR] = (struct coded){c->br, c->br_size};
    }
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

/* --assets mode: the file as it is on disk, compressed now when the client
 * takes a coding and it comes out smaller. */
static int find_on_disk(const struct entry *e, const char *accept_encoding, struct static_file *out)
{
    if (assets_get(e->name, &out->data, &out->size, &out->owned) != 0)
        return -1;
    char etag[24];
    make_etag(out->data, out->size, etag);
    enum compress_coding coding = COMPRESS_IDENTITY;
    if (out->varies)
        coding = compress_choose(accept_encoding, COMPRESS_OFFER_ALL);
    char *packed;
    size_t packed_len;
    if (coding != COMPRESS_IDENTITY &&
        compress_body(coding, out->data, out->size, &packed, &packed_len) == 0) {
        free((void *)out->data);
        out->data = packed;
        out->size = packed_len;
        out->encoding = compress_name(coding);
    } else {
        coding = COMPRESS_IDENTITY;
    }
    coded_etag(etag, coding, out->etag);
    return 0;
}

int static_find(const char *path, const char *accept_encoding, struct static_file *out)
{
    if (path[0] != '/')
        return -1;
    const char *name = path + 1;
    for (size_t i = 0; i < nentries; i++) {
        const struct entry *e = &entries[i];
        if (strcmp(e->name, name) != 0)
            continue;
        *out = e->file;
        if (assets_dir() != NULL)
            return find_on_disk(e, accept_encoding, out);
        unsigned offered = 0;
        for (int c = COMPRESS_GZIP; c < COMPRESS_CODINGS; c++)
            if (e->coded[c].data != NULL)
                offered |= 1u << c;
        enum compress_coding coding =
            offered ? compress_choose(accept_encoding, offered) : COMPRESS_IDENTITY;
        if (coding != COMPRESS_IDENTITY) {
            out->data = e->coded[coding].data;
            out->size = e->coded[coding].size;
            out->encoding = compress_name(coding);
            coded_etag(e->file.etag, coding, out->etag);
        }
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
