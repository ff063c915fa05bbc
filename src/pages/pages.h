/* pages.h: public pages that belong to no practice: the landing page and the
 * health check. */
#ifndef HEARTH_PAGES_H
#define HEARTH_PAGES_H
#include <stddef.h>

#include "http/route.h"
#include "practices/practice.h"

extern const struct route pages_routes[];
extern const size_t pages_nroutes;

/* The registered practices (NULL-terminated), which the landing page
 * presents; NULL forgets them (at shutdown). */
void pages_set_practices(const struct practice *const *list);

#endif
