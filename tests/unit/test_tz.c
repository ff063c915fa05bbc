/* Unit tests for time zones and dates (src/core/tz.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/tz.h"

static void days_read_in_words_with_the_year_only_when_it_differs(void **state)
{
    (void)state;
    char out[TZ_DAY_WORDS];
    assert_int_equal(tz_day_words("2026-11-29", "2026-12-01", out), 0);
    assert_string_equal(out, "Sunday 29 November");
    assert_int_equal(tz_day_words("2025-12-31", "2026-01-01", out), 0);
    assert_string_equal(out, "Wednesday 31 December 2025");
    assert_int_equal(tz_day_words("2024-02-29", NULL, out), 0);
    assert_string_equal(out, "Thursday 29 February 2024");
    assert_int_equal(tz_day_words("2000-01-01", "2000-06-01", out), 0);
    assert_string_equal(out, "Saturday 1 January");
    const char *const bad[] = {"2026-13-01", "2026-11-00", "29-11-2026", "2026-11-2x", ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(tz_day_words(bad[i], NULL, out), -1);
        assert_string_equal(out, "");
    }
}

static void only_listed_zones_are_zones(void **state)
{
    (void)state;
    tz_init();
    assert_true(tz_valid("UTC"));
    assert_true(tz_valid("Europe/Paris"));
    assert_true(tz_valid("Asia/Tokyo"));
    const char *const odd[] = {"Europe/./Paris",
                               "../../../etc/localtime",
                               "Europe//Paris",
                               "/dev/stdin",
                               "europe/paris",
                               "Mars/Olympus_Mons",
                               "",
                               "Europe"};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
        assert_false(tz_valid(odd[i]));
    assert_false(tz_valid(NULL));
    /* a day in a zone that is not one counts as UTC */
    char a[11], b[11];
    tz_date("../../../etc/localtime", 0, a);
    tz_date("UTC", 0, b);
    assert_string_equal(a, b);
    tz_shutdown();
}

static void days_count_weeks_and_start_in_their_zone(void **state)
{
    (void)state;
    tz_init();
    assert_int_equal(tz_day_number("1970-01-01"), 0);
    assert_int_equal(tz_day_number("2026-11-29"), 20786);
    assert_true(tz_day_number("2026-02-30x") == INT64_MIN);
    char day[11], week[9];
    tz_day_of(20786, day);
    assert_string_equal(day, "2026-11-29");
    tz_day_of(tz_day_number("2024-02-28") + 1, day);
    assert_string_equal(day, "2024-02-29");
    const char *const weeks[][2] = {{"2026-11-29", "2026-W48"},
                                    {"2026-11-30", "2026-W49"},
                                    {"2021-01-03", "2020-W53"},
                                    {"2024-12-30", "2025-W01"},
                                    {"2026-01-01", "2026-W01"}};
    for (size_t i = 0; i < sizeof(weeks) / sizeof(weeks[0]); i++) {
        assert_int_equal(tz_iso_week(weeks[i][0], week), 0);
        assert_string_equal(week, weeks[i][1]);
    }
    assert_int_equal(tz_iso_week("not a day", week), -1);
    /* 2026-11-29 starts at 00:00 in Tokyo (UTC+9): 15:00 UTC the day before */
    assert_int_equal(tz_day_start("Asia/Tokyo", "2026-11-29"),
                     (int64_t)20786 * 86400000 - 9 * 3600000);
    assert_int_equal(tz_day_start("UTC", "2026-11-29"), (int64_t)20786 * 86400000);
    assert_int_equal(tz_midnight("Asia/Tokyo", (int64_t)20786 * 86400000),
                     (int64_t)20786 * 86400000 - 9 * 3600000);
    tz_shutdown();
}

/* A weekly ritual at 09:00 keeps its wall-clock time when the clocks
 * change: the week across the change is an hour shorter (spring) in UTC. */
static void recurrences_keep_their_local_time_across_daylight_saving(void **state)
{
    (void)state;
    tz_init();
    struct tz_occurrence o[8];
    const int64_t week = 7 * 86400000LL, hour = 3600000;
    /* Paris: 28 March 2027, 02:00 -> 03:00 */
    int n = tz_recur("Europe/Paris", "FREQ=WEEKLY;BYDAY=SU", "2027-01-03", 9 * 60, "2027-03-21",
                     "2027-04-04", o, 8);
    assert_int_equal(n, 3);
    assert_string_equal(o[0].day, "2027-03-21");
    assert_string_equal(o[2].day, "2027-04-04");
    assert_int_equal(o[1].ms - o[0].ms, week - hour);
    assert_int_equal(o[2].ms - o[1].ms, week);
    assert_int_equal(o[0].ms, tz_local_ms("Europe/Paris", "2027-03-21", 9 * 60));
    assert_int_equal(o[0].ms % 86400000, 8 * hour); /* 09:00 CET is 08:00 UTC */
    assert_int_equal(o[1].ms % 86400000, 7 * hour); /* 09:00 CEST is 07:00 UTC */
    /* New York, the first Sunday of November 2026 (1 November): back an hour */
    n = tz_recur("America/New_York", "FREQ=DAILY", "2026-10-01", 18 * 60 + 30, "2026-10-30",
                 "2026-11-01", o, 8);
    assert_int_equal(n, 3);
    assert_int_equal(o[1].ms - o[0].ms, 86400000);
    assert_int_equal(o[2].ms - o[1].ms, 86400000 + hour);
    /* the last Friday of each month */
    n = tz_recur("UTC", "FREQ=MONTHLY;BYDAY=-1FR", "2026-01-01", 0, "2026-11-01", "2027-01-31", o,
                 8);
    assert_int_equal(n, 3);
    assert_string_equal(o[0].day, "2026-11-27");
    assert_string_equal(o[1].day, "2026-12-25");
    assert_string_equal(o[2].day, "2027-01-29");
    assert_int_equal(
        tz_recur("UTC", "not a rule", "2026-01-01", 0, "2026-01-01", "2026-02-01", o, 8), -1);
    /* the rules since 2026, under the zone's name, without 2037's split */
    char *vtz = tz_vtimezone("Europe/Paris", tz_day_start("UTC", "2026-01-01"));
    assert_non_null(vtz);
    assert_non_null(strstr(vtz, "BEGIN:VTIMEZONE"));
    assert_non_null(strstr(vtz, "TZID:Europe/Paris\r\n"));
    assert_non_null(strstr(vtz, "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"));
    assert_null(strstr(vtz, "UNTIL"));
    assert_null(strstr(vtz, "PMT")); /* nor the zone's history */
    free(vtz);
    assert_null(tz_vtimezone("UTC", 0));
    tz_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(days_read_in_words_with_the_year_only_when_it_differs),
        cmocka_unit_test(only_listed_zones_are_zones),
        cmocka_unit_test(days_count_weeks_and_start_in_their_zone),
        cmocka_unit_test(recurrences_keep_their_local_time_across_daylight_saving),
    };
    return cmocka_run_group_tests_name("tz", tests, NULL, NULL);
}
