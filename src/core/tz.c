/* tz.c: libical's builtin zones, loaded once. libical's lookups share a cache
 * without locks, so every call goes through one mutex; none is on a hot path
 * that runs more than once per request. */
#include "core/tz.h"

#include <libical/ical.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/arena.h"
#include <time.h>

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static json_t *names;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void tz_init(void)
{
    pthread_mutex_lock(&tz_lock);
    if (names == NULL) {
        icalarray *zones = icaltimezone_get_builtin_timezones();
        size_t n = zones ? zones->num_elements : 0;
        const char **list = calloc(n + 1, sizeof(*list));
        size_t k = 0;
        for (size_t i = 0; i < n && list != NULL; i++) {
            icaltimezone *z = icalarray_element_at(zones, i);
            const char *loc = icaltimezone_get_location(z);
            if (loc != NULL && strchr(loc, '/') != NULL)
                list[k++] = loc;
        }
        if (list != NULL)
            qsort(list, k, sizeof(*list), cmp_str);
        names = json_array();
        json_array_append_new(names, json_string("UTC"));
        for (size_t i = 0; i < k; i++)
            json_array_append_new(names, json_string(list[i]));
        free(list);
    }
    pthread_mutex_unlock(&tz_lock);
}

void tz_shutdown(void)
{
    pthread_mutex_lock(&tz_lock);
    json_decref(names);
    names = NULL;
    icaltimezone_free_builtin_timezones();
    pthread_mutex_unlock(&tz_lock);
}

/* Only the names of the list: libical would also take a path to any file
 * that parses as a zone ("../../etc/localtime", "Europe/./Paris"), read it
 * (blocking on a pipe) and keep it for good. */
bool tz_valid(const char *name)
{
    if (name == NULL || names == NULL)
        return false;
    if (strcmp(name, "UTC") == 0)
        return true;
    size_t lo = 1, hi = json_array_size(names); /* the zones, sorted, after "UTC" */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(name, json_string_value(json_array_get(names, mid)));
        if (c == 0)
            return true;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return false;
}

json_t *tz_names(void)
{
    return names;
}

static struct icaltimetype local_time(const char *name, int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    pthread_mutex_lock(&tz_lock);
    icaltimezone *zone = NULL;
    if (name != NULL && strcmp(name, "UTC") != 0 && tz_valid(name))
        zone = icaltimezone_get_builtin_timezone(name);
    if (zone == NULL)
        zone = icaltimezone_get_utc_timezone();
    struct icaltimetype t = icaltime_from_timet_with_zone(secs, 0, zone);
    pthread_mutex_unlock(&tz_lock);
    return t;
}

void tz_date(const char *name, int64_t ms, char out[11])
{
    struct icaltimetype t = local_time(name, ms);
    unsigned y = (unsigned)t.year % 10000, m = (unsigned)t.month % 13, d = (unsigned)t.day % 32;
    snprintf(out, 11, "%04u-%02u-%02u", y, m, d);
}

int64_t tz_midnight(const char *name, int64_t ms)
{
    struct icaltimetype t = local_time(name, ms);
    int64_t into = ((int64_t)t.hour * 3600 + t.minute * 60 + t.second) * 1000 + ms % 1000;
    return ms - into;
}

void tz_format(const char *name, int64_t ms, char out[32])
{
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    struct icaltimetype t = local_time(name, ms);
    int m = t.month >= 1 && t.month <= 12 ? t.month - 1 : 0;
    snprintf(out, 32, "%u %s %04u, %02u:%02u", (unsigned)t.day % 32, months[m],
             (unsigned)t.year % 10000, (unsigned)t.hour % 24, (unsigned)t.minute % 60);
}

int tz_day_words(const char *day, const char *today, char out[TZ_DAY_WORDS])
{
    static const char *const months[] = {"January",   "February", "March",    "April",
                                         "May",       "June",     "July",     "August",
                                         "September", "October",  "November", "December"};
    static const char *const weekdays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                           "Thursday", "Friday", "Saturday"};
    unsigned y, m, d;
    char rest;
    out[0] = '\0';
    if (day == NULL || strlen(day) != 10 || sscanf(day, "%4u-%2u-%2u%c", &y, &m, &d, &rest) != 3 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return -1;
    /* the weekday by Zeller's congruence, counted from Sunday */
    unsigned yy = m < 3 ? y - 1 : y, mm = m < 3 ? m + 12 : m;
    unsigned h = (d + 13 * (mm + 1) / 5 + yy + yy / 4 - yy / 100 + yy / 400) % 7; /* 0 Saturday */
    const char *weekday = weekdays[(h + 6) % 7];
    if (today != NULL && strncmp(day, today, 4) == 0)
        snprintf(out, TZ_DAY_WORDS, "%s %u %s", weekday, d, months[m - 1]);
    else
        snprintf(out, TZ_DAY_WORDS, "%s %u %s %u", weekday, d, months[m - 1], y);
    return 0;
}

int64_t tz_day_number(const char *day)
{
    unsigned y, m, d;
    char rest;
    if (day == NULL || strlen(day) != 10 || sscanf(day, "%4u-%2u-%2u%c", &y, &m, &d, &rest) != 3 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return INT64_MIN;
    /* days from the civil calendar (eras of 400 years) */
    int64_t yy = (int64_t)y - (m <= 2);
    int64_t era = (yy >= 0 ? yy : yy - 399) / 400;
    int64_t yoe = yy - era * 400;
    int64_t doy = (153 * ((int64_t)m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void tz_day_of(int64_t number, char out[11])
{
    int64_t z = number + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(y % 10000), (unsigned)m, (unsigned)d);
}

int tz_iso_week(const char *day, char out[9])
{
    int64_t n = tz_day_number(day);
    if (n == INT64_MIN)
        return -1;
    int64_t weekday = ((n % 7) + 7 + 3) % 7; /* 0 Monday: 1970-01-01 was a Thursday */
    int64_t thursday = n - weekday + 3;
    char th[11];
    tz_day_of(thursday, th);
    char jan1[11];
    snprintf(jan1, sizeof(jan1), "%.4s-01-01", th);
    int64_t week = (thursday - tz_day_number(jan1)) / 7 + 1;
    snprintf(out, 9, "%.4s-W%02u", th, (unsigned)(week % 100));
    return 0;
}

int64_t tz_day_start(const char *name, const char *day)
{
    int64_t n = tz_day_number(day);
    if (n == INT64_MIN)
        return INT64_MIN;
    unsigned y = 0, m = 0, d = 0;
    sscanf(day, "%4u-%2u-%2u", &y, &m, &d); /* checked by tz_day_number */
    struct icaltimetype t = icaltime_null_time();
    t.year = (int)y;
    t.month = (int)m;
    t.day = (int)d;
    pthread_mutex_lock(&tz_lock);
    icaltimezone *zone = NULL;
    if (name != NULL && strcmp(name, "UTC") != 0 && tz_valid(name))
        zone = icaltimezone_get_builtin_timezone(name);
    if (zone == NULL)
        zone = icaltimezone_get_utc_timezone();
    time_t secs = icaltime_as_timet_with_zone(t, zone);
    pthread_mutex_unlock(&tz_lock);
    return (int64_t)secs * 1000;
}

const char *tz_ago(struct arena *a, int64_t now, int64_t then)
{
    int64_t minutes = (now - then) / 60000;
    if (minutes < 1)
        return "just now";
    if (minutes < 60)
        return arena_printf(a, "%lld minute%s ago", (long long)minutes, minutes == 1 ? "" : "s");
    int64_t hours = minutes / 60;
    if (hours < 24)
        return arena_printf(a, "%lld hour%s ago", (long long)hours, hours == 1 ? "" : "s");
    int64_t days = hours / 24;
    return days == 1 ? "yesterday" : arena_printf(a, "%lld days ago", (long long)days);
}

enum { TZ_RECUR_STEPS = 100000 };

/* The zone called name (held under tz_lock), UTC for UTC or an unknown one. */
static icaltimezone *zone_locked(const char *name)
{
    icaltimezone *zone = NULL;
    if (name != NULL && strcmp(name, "UTC") != 0 && tz_valid(name))
        zone = icaltimezone_get_builtin_timezone(name);
    return zone != NULL ? zone : icaltimezone_get_utc_timezone();
}

static bool day_parts(const char *day, int *y, int *m, int *d)
{
    unsigned uy, um, ud;
    if (tz_day_number(day) == INT64_MIN || sscanf(day, "%4u-%2u-%2u", &uy, &um, &ud) != 3)
        return false;
    *y = (int)uy;
    *m = (int)um;
    *d = (int)ud;
    return true;
}

static struct icaltimetype local_at(const char *day, int minute, icaltimezone *zone)
{
    struct icaltimetype t = icaltime_null_time();
    day_parts(day, &t.year, &t.month, &t.day);
    t.hour = minute / 60;
    t.minute = minute % 60;
    t.is_date = 0;
    return icaltime_set_timezone(&t, zone);
}

int64_t tz_local_ms(const char *name, const char *day, int minute)
{
    int y, m, d;
    if (!day_parts(day, &y, &m, &d))
        return INT64_MIN;
    pthread_mutex_lock(&tz_lock);
    icaltimezone *zone = zone_locked(name);
    time_t secs = icaltime_as_timet_with_zone(local_at(day, minute, zone), zone);
    pthread_mutex_unlock(&tz_lock);
    return (int64_t)secs * 1000;
}

int tz_recur(const char *name, const char *rule, const char *start_day, int minute,
             const char *from, const char *to, struct tz_occurrence *out, int max)
{
    int y, m, d;
    if (!day_parts(start_day, &y, &m, &d) || !day_parts(from, &y, &m, &d) ||
        !day_parts(to, &y, &m, &d) || minute < 0 || minute >= 24 * 60)
        return -1;
    struct icalrecurrencetype r = icalrecurrencetype_from_string(rule);
    icalerror_clear_errno();
    if (r.freq == ICAL_NO_RECURRENCE)
        return -1;
    pthread_mutex_lock(&tz_lock);
    icaltimezone *zone = zone_locked(name);
    icalrecur_iterator *it = icalrecur_iterator_new(r, local_at(start_day, minute, zone));
    int n = 0;
    if (it != NULL) {
        /* jump to from when the rule allows it (a rule without COUNT does) */
        if (strcmp(from, start_day) > 0)
            icalrecur_iterator_set_start(it, local_at(from, 0, zone));
        int steps = 0; /* a bound, when the rule cannot jump to from */
        for (struct icaltimetype t = icalrecur_iterator_next(it);
             !icaltime_is_null_time(t) && n < max && steps++ < TZ_RECUR_STEPS;
             t = icalrecur_iterator_next(it)) {
            char day[11];
            snprintf(day, sizeof(day), "%04u-%02u-%02u", (unsigned)t.year % 10000,
                     (unsigned)t.month % 13, (unsigned)t.day % 32);
            if (strcmp(day, to) > 0)
                break;
            if (strcmp(day, from) < 0)
                continue;
            memcpy(out[n].day, day, sizeof(day));
            out[n].ms = (int64_t)icaltime_as_timet_with_zone(t, zone) * 1000;
            n++;
        }
        icalrecur_iterator_free(it);
    }
    pthread_mutex_unlock(&tz_lock);
    return it != NULL ? n : -1;
}

/* libical's zone data ends its rules in 2037 and starts the same rules
 * again after: one rule that goes on reads better, and some readers (such
 * as Python's icalendar 4) fail on an UNTIL in a VTIMEZONE. Merges each
 * observance whose rule ends into the one that carries the same rule on. */
static void merge_split_rules(icalcomponent *vtz)
{
    icalcomponent *later[16];
    int n = 0;
    for (icalcomponent *c = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); c && n < 16;
         c = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT))
        later[n++] = c;
    for (int i = 0; i < n; i++) {
        icalproperty *pi =
            later[i] ? icalcomponent_get_first_property(later[i], ICAL_RRULE_PROPERTY) : NULL;
        if (pi == NULL)
            continue;
        struct icalrecurrencetype ri = icalproperty_get_rrule(pi);
        if (icaltime_is_null_time(ri.until))
            continue;
        for (int j = 0; j < n; j++) {
            icalproperty *pj = j != i && later[j]
                                   ? icalcomponent_get_first_property(later[j], ICAL_RRULE_PROPERTY)
                                   : NULL;
            if (pj == NULL || icalcomponent_isa(later[j]) != icalcomponent_isa(later[i]))
                continue;
            struct icalrecurrencetype rj = icalproperty_get_rrule(pj), open = ri;
            open.until = icaltime_null_time();
            char *a = icalrecurrencetype_as_string_r(&open),
                 *b = icalrecurrencetype_as_string_r(&rj);
            bool same = !strcmp(a, b) &&
                        icalproperty_get_tzoffsetto(
                            icalcomponent_get_first_property(later[i], ICAL_TZOFFSETTO_PROPERTY)) ==
                            icalproperty_get_tzoffsetto(icalcomponent_get_first_property(
                                later[j], ICAL_TZOFFSETTO_PROPERTY));
            free(a);
            free(b);
            if (same) {
                icalproperty_set_rrule(pi, open);
                icalcomponent_remove_component(vtz, later[j]);
                icalcomponent_free(later[j]);
                later[j] = NULL;
                break;
            }
        }
    }
}

char *tz_vtimezone(const char *name, int64_t since_ms)
{
    if (name == NULL || strcmp(name, "UTC") == 0 || !tz_valid(name))
        return NULL;
    pthread_mutex_lock(&tz_lock);
    icaltimezone *zone = icaltimezone_get_builtin_timezone(name);
    icalcomponent *c = zone ? icalcomponent_new_clone(icaltimezone_get_component(zone)) : NULL;
    char *text = NULL;
    if (c != NULL) {
        /* the rules from since on (not the zone's whole history), under the
         * zone's own name, as events refer to it */
        struct icaltimetype since =
            icaltime_from_timet_with_zone((time_t)(since_ms / 1000), 0, NULL);
        since = icaltime_set_timezone(&since, icaltimezone_get_utc_timezone());
        icaltimezone_truncate_vtimezone(c, since, icaltime_null_time(), 0);
        merge_split_rules(c);
        icalproperty *tzid = icalcomponent_get_first_property(c, ICAL_TZID_PROPERTY);
        if (tzid != NULL)
            icalproperty_set_tzid(tzid, name);
        text = icalcomponent_as_ical_string_r(c);
        icalcomponent_free(c);
    }
    pthread_mutex_unlock(&tz_lock);
    return text;
}
