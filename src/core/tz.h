/* tz.h: IANA time zones (through libical's zone data): validation, the list
 * for pickers, and the calendar day in a zone. */
#ifndef HEARTH_TZ_H
#define HEARTH_TZ_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

/* Loads the list of zones once; call at start-up. */
void tz_init(void);
void tz_shutdown(void);
/* True when name is a known zone ("Europe/Paris") or "UTC". */
bool tz_valid(const char *name);
/* The sorted list of zone names (a JSON array of strings, owned by tz). */
json_t *tz_names(void);
/* Writes the local date in zone name at time ms as "YYYY-MM-DD" into out[11].
 * An unknown zone counts as UTC. */
void tz_date(const char *name, int64_t ms, char out[11]);

/* Writes ms as local time in zone name, "26 Nov 2026, 09:14", into out. */
void tz_format(const char *name, int64_t ms, char out[32]);

#endif
