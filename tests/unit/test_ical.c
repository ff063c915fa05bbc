/* The calendar feed (src/practices/time/feed.c) read back by libical's own
 * parser: valid iCalendar whose weekly ritual, expanded across the spring
 * change in Paris, stays at 09:00 local time; a moved occurrence is an
 * exception, a skipped one an EXDATE; text is escaped. */
#include <libical/ical.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/tz.h"
#include "practices/time/internal.h"

static void the_feed_parses_and_expands_at_local_time(void **state)
{
    (void)state;
    tz_init();
    json_t *rituals = json_pack(
        "[{s:s, s:s, s:s, s:s, s:i, s:i, s:b, s:s, s:[{s:s, s:s, s:n, s:n},"
        " {s:s, s:s, s:s, s:i}]}]",
        "id", "42", "title", "Sunday walk; slow, together", "rule", "FREQ=WEEKLY;BYDAY=SU",
        "start_day", "2027-01-03", "minute", 9 * 60, "minutes", 60, "phones_away", 1, "notes",
        "Bring the flask\nand the dog", "logs", "day", "2027-02-07", "state", "skipped",
        "moved_day", "moved_minute", "day", "2027-02-14", "state", "moved", "moved_day",
        "2027-02-13", "moved_minute", 10 * 60 + 30);
    json_object_set_new(json_array_get(rituals, 0), "updated_at", json_integer(1800000000000));
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(time_feed_render("Europe/Paris", "hearth.example", rituals, &b), 0);
    json_decref(rituals);

    icalcomponent *cal = icalparser_parse_string(b.data);
    assert_non_null(cal);
    assert_int_equal(icalcomponent_isa(cal), ICAL_VCALENDAR_COMPONENT);
    assert_int_equal(icalcomponent_count_errors(cal), 0);
    assert_non_null(icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT));
    int events = 0, exceptions = 0;
    for (icalcomponent *e = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
         e != NULL; e = icalcomponent_get_next_component(cal, ICAL_VEVENT_COMPONENT)) {
        events++;
        assert_string_equal(icalcomponent_get_uid(e), "ritual-42@hearth.example");
        assert_string_equal(icalcomponent_get_summary(e), "Sunday walk; slow, together");
        if (icalcomponent_get_first_property(e, ICAL_RECURRENCEID_PROPERTY) != NULL) {
            exceptions++;
            struct icaltimetype moved = icalcomponent_get_dtstart(e);
            assert_int_equal(moved.day, 13);
            assert_int_equal(moved.hour, 10);
            continue;
        }
        assert_string_equal(icalcomponent_get_description(e),
                            "Phones away. Bring the flask\nand the dog");
        icalproperty *exdate = icalcomponent_get_first_property(e, ICAL_EXDATE_PROPERTY);
        assert_non_null(exdate);
        assert_int_equal(icalproperty_get_exdate(exdate).day, 7);
        /* expand the rule from its DTSTART, as a calendar app does */
        struct icaltimetype start = icalcomponent_get_dtstart(e);
        icalproperty *rrule = icalcomponent_get_first_property(e, ICAL_RRULE_PROPERTY);
        icalrecur_iterator *it = icalrecur_iterator_new(icalproperty_get_rrule(rrule), start);
        time_t before = 0;
        int seen = 0;
        for (struct icaltimetype t = icalrecur_iterator_next(it); !icaltime_is_null_time(t);
             t = icalrecur_iterator_next(it)) {
            if (t.month > 4)
                break;
            if (t.month < 3 || (t.month == 3 && t.day < 21))
                continue;
            assert_int_equal(t.hour, 9);
            assert_int_equal(t.minute, 0);
            time_t at = icaltime_as_timet_with_zone(t, (icaltimezone *)t.zone);
            if (before != 0 && t.month == 3 && t.day == 28)
                assert_int_equal(at - before, 7 * 86400 - 3600); /* the clocks went forward */
            before = at;
            seen++;
        }
        icalrecur_iterator_free(it);
        assert_true(seen >= 4);
    }
    assert_int_equal(events, 2);
    assert_int_equal(exceptions, 1);
    icalcomponent_free(cal);
    buf_free(&b);
    tz_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_feed_parses_and_expands_at_local_time),
    };
    return cmocka_run_group_tests_name("ical", tests, NULL, NULL);
}
