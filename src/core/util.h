/* util.h: allocation that aborts on failure, and small helpers. */
#ifndef HEARTH_UTIL_H
#define HEARTH_UTIL_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Prints the message to stderr and aborts: for invariants and out-of-memory. */
_Noreturn void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* malloc/calloc/realloc/strdup that abort instead of returning NULL. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
/* True when s starts with prefix. */
bool str_starts(const char *s, const char *prefix);
/* True when s ends with suffix. */
bool str_ends(const char *s, const char *suffix);
/* Parses a whole decimal int64 in s[0..len); returns 0 or -1 when it is not one. */
int parse_int64(const char *s, size_t len, int64_t *out);

#endif
