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

/* Calendar days "YYYY-MM-DD". tz_day_number: days since 1970-01-01, or
 * INT64_MIN when day is not a date; tz_day_of: the day of such a number,
 * into out[11]. */
int64_t tz_day_number(const char *day);
void tz_day_of(int64_t number, char out[11]);
/* The ISO week of day, "2026-W48", into out[9] (weeks start on Monday; the
 * first holds the year's first Thursday). 0, or -1 when day is not a date. */
int tz_iso_week(const char *day, char out[9]);
/* The moment (ms) day starts in zone name (an unknown zone: UTC), or
 * INT64_MIN when day is not a date. */
int64_t tz_day_start(const char *name, const char *day);

/* How long ago then was at now, in words ("just now", "12 minutes ago",
 * "3 hours ago", "yesterday", "4 days ago"), in a. */
struct arena;
const char *tz_ago(struct arena *a, int64_t now, int64_t then);

/* The start of the local day of ms in zone name (the last local
 * midnight), in ms. */
int64_t tz_midnight(const char *name, int64_t ms);

/* Writes ms as local time in zone name, "26 Nov 2026, 09:14", into out. */
void tz_format(const char *name, int64_t ms, char out[32]);

/* ---- recurrences (RFC 5545 RRULE, expanded by libical) ---- */
struct tz_occurrence {
    char day[11]; /* the local day, "YYYY-MM-DD" */
    int64_t ms;   /* the moment it starts */
};
/* The occurrences of rule ("FREQ=WEEKLY;BYDAY=SU") that starts on
 * start_day at minute (of the local day) in zone name, whose local day
 * falls within [from, to], earliest first, into out (at most max). The
 * expansion runs in local time, so each keeps its wall-clock time across
 * daylight-saving changes. Returns how many, or -1 when rule is not a
 * recurrence or a day is not a date. */
int tz_recur(const char *name, const char *rule, const char *start_day, int minute,
             const char *from, const char *to, struct tz_occurrence *out, int max);
/* The moment day at minute (local, in zone name) starts, or INT64_MIN when
 * day is not a date. */
int64_t tz_local_ms(const char *name, const char *day, int minute);
/* The zone's VTIMEZONE as iCalendar text, TZID the zone's name, with the
 * rules in force from since_ms on (malloc'd; the caller frees), or NULL
 * for UTC or an unknown zone. */
char *tz_vtimezone(const char *name, int64_t since_ms);

enum { TZ_DAY_WORDS = 40 };
/* Writes a day "YYYY-MM-DD" in words, "Sunday 29 November", into out; with
 * the year ("Sunday 29 November 2025") when it is not the year of today
 * (also "YYYY-MM-DD"; NULL: always). Returns 0, or -1 (out empty) when day
 * is not a date. */
int tz_day_words(const char *day, const char *today, char out[TZ_DAY_WORDS]);

#endif
