/* home.h: "Us", the couple's home page. */
#ifndef HEARTH_HOME_H
#define HEARTH_HOME_H
#include <stddef.h>

#include "http/route.h"
#include "practices/practice.h"

extern const struct route home_routes[];
extern const size_t home_nroutes;

/* The registered practices (NULL-terminated), whose cards /us shows. */
void home_set_practices(const struct practice *const *list);

#endif
