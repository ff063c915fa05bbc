/* arena.h: per-request bump allocator. Everything allocated from an arena
 * lives until arena_free(); nothing is freed one by one. */
#ifndef HEARTH_ARENA_H
#define HEARTH_ARENA_H
#include <stddef.h>

struct arena;

/* Returns a new, empty arena. Aborts when memory runs out. */
struct arena *arena_new(void);
/* Frees the arena and everything allocated from it. NULL is allowed. */
void arena_free(struct arena *a);
/* Returns n zeroed bytes aligned for any type, owned by the arena. */
void *arena_alloc(struct arena *a, size_t n);
/* Returns a NUL-terminated copy of the n bytes at s, owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Returns a NUL-terminated copy of s, owned by the arena. */
char *arena_strdup(struct arena *a, const char *s);
/* Returns a formatted string owned by the arena. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s percent-encoded for a URL's query value (all but letters, digits and
 * -_.~), in a. */
char *arena_url_encode(struct arena *a, const char *s);

#endif
