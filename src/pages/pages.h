/* pages.h: public pages that belong to no practice: the landing page, the
 * health check and the safety page. */
#ifndef HEARTH_PAGES_H
#define HEARTH_PAGES_H
#include <stddef.h>

#include "http/route.h"
#include "practices/practice.h"

extern const struct route pages_routes[];
extern const size_t pages_nroutes;

/* Adds {{site.quick_exit_url}}, where quick exit leads, to the site globals
 * (after view_init). */
void pages_init(void);

/* The registered practices (NULL-terminated), which the landing page
 * presents; NULL forgets them (at shutdown). */
void pages_set_practices(const struct practice *const *list);

#endif
