/* static.h: files under static/ with content types, ETags and revalidation,
 * each in the content coding the client accepts. */
#ifndef HEARTH_STATIC_H
#define HEARTH_STATIC_H
#include <stdbool.h>
#include <stddef.h>

struct static_file {
    const char *data;
    size_t size;
    const char *content_type;
    const char *encoding; /* Content-Encoding of data: "br", "gzip", or NULL (as it is) */
    bool varies;          /* a compressible type: the answer depends on Accept-Encoding */
    char etag[24];        /* "\"" + 16 hex + "\"", or with "-br" / "-gz" before the last quote */
    int owned;            /* data is malloc'd (--assets mode): free after use */
};

/* Computes content types and ETags of the embedded files once. */
void static_init(void);
/* Finds the file for a URL path such as /static/css/hearth.css, in the
 * coding accept_encoding (a request's Accept-Encoding, or NULL for the file
 * as it is) prefers among those made at build time; the ETag names the
 * coding. Returns 0 or -1. With --assets DIR the file is read from disk
 * (owned is set) and compressed there and then. */
int static_find(const char *path, const char *accept_encoding, struct static_file *out);
/* The URL of a static file with its version, for links that may be cached
 * long: "/static/css/hearth.css?v=ETAG". Owned by the module. */
const char *static_url(const char *name);

#endif
