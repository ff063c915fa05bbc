/* keepsake.h: the couple's keepsake: one readable HTML file of everything
 * the two opened to each other in every practice, by date, to print or
 * keep (beside the JSON export, which holds only a person's own writing). */
#ifndef HEARTH_KEEPSAKE_H
#define HEARTH_KEEPSAKE_H
#include <stddef.h>

#include "http/route.h"
#include "practices/practice.h"

extern const struct route keepsake_routes[];
extern const size_t keepsake_nroutes;

/* The registered practices (NULL-terminated) whose parts it gathers. */
void keepsake_set_practices(const struct practice *const *list);

#endif
