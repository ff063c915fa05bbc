/* id.h: application-generated 63-bit ids: milliseconds since the epoch in the
 * high bits, 22 random bits below, so ids sort by creation time and never
 * need a database sequence. In JSON and URLs they travel as decimal strings
 * (JavaScript numbers cannot hold 63 bits). */
#ifndef HEARTH_ID_H
#define HEARTH_ID_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

/* Returns a new id; never 0. */
int64_t id_new(void);
/* Returns a new id greater than every id this function returned before in
 * this process, for what must keep the order it happened in (events). */
int64_t id_new_ordered(void);
/* Parses a decimal id of len bytes; returns 0, or -1 when it is not a
 * positive 63-bit number. */
int id_parse(const char *s, size_t len, int64_t *out);

/* The id in a JSON string (as db.h returns id columns), or 0 when v is not
 * one. */
int64_t id_from(const json_t *v);

#endif
