/* static.h: files under static/ with content types, ETags and revalidation. */
#ifndef HEARTH_STATIC_H
#define HEARTH_STATIC_H
#include <stddef.h>

struct static_file {
    const char *data;
    size_t size;
    const char *content_type;
    char etag[24]; /* "\"" + 16 hex + "\"" */
    int owned;     /* data is malloc'd (--assets mode): free after use */
};

/* Computes content types and ETags of the embedded files once. */
void static_init(void);
/* Finds the file for a URL path such as /static/css/hearth.css. Returns 0 or
 * -1. With --assets DIR the file is read from disk (owned is set). */
int static_find(const char *path, struct static_file *out);
/* The URL of a static file with its version, for links that may be cached
 * long: "/static/css/hearth.css?v=ETAG". Owned by the module. */
const char *static_url(const char *name);

#endif
