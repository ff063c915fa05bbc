/* router.h: the table of every route, matched once per request. Patterns
 * are compiled when modules register them; a bad pattern stops start-up. */
#ifndef HEARTH_ROUTER_H
#define HEARTH_ROUTER_H
#include <jansson.h>
#include <stddef.h>

#include "http/route.h"

enum router_result { ROUTER_FOUND, ROUTER_NOT_FOUND, ROUTER_BAD_METHOD };

/* Adds n routes (the table must outlive the router). Aborts on a malformed
 * pattern: that is a programming error, caught by the first start. */
void router_add(const struct route *routes, size_t n);
/* Forgets every route (tests and shutdown). */
void router_reset(void);
/* Finds the route for method and path. On ROUTER_FOUND sets *out and adds
 * typed path parameters to params. On ROUTER_BAD_METHOD writes the allowed
 * methods ("GET, HEAD, POST") to allow. */
enum router_result router_match(const char *method, const char *path, const struct route **out,
                                json_t *params, char *allow, size_t allowlen);
/* Calls fn for each registered route (for tests that walk every route). */
void router_each(void (*fn)(const struct route *r, void *ctx), void *ctx);

#endif
