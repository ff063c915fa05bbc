/* home.h: "Us", the couple's home page. */
#ifndef HEARTH_HOME_H
#define HEARTH_HOME_H
#include <stddef.h>

#include "http/route.h"

extern const struct route home_routes[];
extern const size_t home_nroutes;

#endif
