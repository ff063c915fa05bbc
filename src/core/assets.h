/* assets.h: templates, static files, content and migrations, either compiled
 * into the binary (the default) or read from a directory (--assets DIR) for
 * development. Names are paths relative to the project root, such as
 * "templates/layout.html". */
#ifndef HEARTH_ASSETS_H
#define HEARTH_ASSETS_H
#include <jansson.h>
#include <stddef.h>

struct asset {
    const char *name;
    const char *data; /* followed by a NUL byte */
    size_t size;
};

/* The generated table (build/gen/assets.c), ended by a zero entry. */
extern const struct asset assets_embedded[];
extern const unsigned assets_embedded_count;

/* The compressed forms of the static files of text types, made once at
 * build time (scripts/embed.sh: gzip -9, brotli -q 11), of the file as
 * embedded. A form is NULL (size 0) when it was not smaller. The table is in
 * name order and ended by a zero entry. */
struct asset_coded {
    const char *name;
    const char *gzip;
    size_t gzip_size;
    const char *br;
    size_t br_size;
};
extern const struct asset_coded assets_coded[];
extern const unsigned assets_coded_count;

/* Serves assets from dir instead of the binary; NULL means embedded. The
 * directory is only read, never written. */
void assets_use_dir(const char *dir);
/* The directory set by assets_use_dir, or NULL. */
const char *assets_dir(void);
/* Looks an asset up. With a directory, the file is read afresh and the
 * returned data is malloc'd: the caller frees it when *owned is set. Returns
 * 0, or -1 when there is no such asset. */
int assets_get(const char *name, const char **data, size_t *size, int *owned);
/* Calls fn for every asset whose name starts with prefix, in name order.
 * With a directory, the names are those of the embedded table, so files new
 * on disk need a rebuild; their contents are read from disk. Returns 0, or
 * the first non-zero value fn returned. */
int assets_each(const char *prefix,
                int (*fn)(const char *name, const char *data, size_t size, void *ctx), void *ctx);
/* Calls fn(line, ctx) on each line of content file name that is neither
 * blank nor a comment ('#'); the line may be changed in place. Returns 0,
 * or -1 after saying on stderr what is missing or which line fn refused. */
int assets_lines(const char *name, int (*fn)(char *line, void *ctx), void *ctx);
/* Splits line in place at each " | " into at most n fields; returns how
 * many it found. */
int assets_fields(char *line, char **fields, int n);

/* A content file of sections: a line "[name]" starts a section, and each
 * other non-empty line not starting with '#' is one entry of it (at most
 * entry_max bytes, valid UTF-8). Returns {name: [entries]} in file order,
 * or NULL after saying on stderr what is missing or wrong (and where). */
json_t *assets_sections(const char *name, size_t entry_max);

#endif
