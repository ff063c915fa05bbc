/* feed.c: each person's secret calendar address, and the iCalendar feed
 * calendar apps read from it.
 *
 * The address is /time/calendar/TOKEN.ics: no session, so an app can
 * subscribe. Only a hash of the token is kept (like session tokens), so
 * the address is shown once, when it is made; making a new one revokes
 * the old. Leaving the couple or deleting the account revokes it too.
 *
 * The feed is one VEVENT per ritual with its RRULE, at its local time in
 * the couple's zone (DTSTART;TZID=, with the zone's VTIMEZONE from
 * libical), moved occurrences as exceptions (RECURRENCE-ID) and skipped
 * ones as EXDATE. Text goes through the template engine's iCalendar
 * escaper, and the whole is folded into content lines at the end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/session.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "practices/time/internal.h"
#include "store/db.h"
#include "view/template.h"
#include "view/view.h"

enum { FEED_MAX = 1024 * 1024, TOKEN_SUFFIX = 4 /* ".ics" */ };

int time_feed_model(struct req *req, json_t *m)
{
    int64_t n = 0;
    if (db_int(&n, "SELECT count(*) FROM time_feeds WHERE user_id = $1", "i", req->user_id) !=
        DB_OK)
        return -1;
    json_object_set_new(m, "has_calendar", json_boolean(n > 0));
    return 0;
}

int time_calendar_rotate(struct req *req, struct res *res)
{
    char token[SESSION_TOKEN_TEXT], hash[65];
    session_new_token(token);
    session_hash_token(token, hash);
    if (db_exec("DELETE FROM time_feeds WHERE user_id = $1", "i", req->user_id) < 0 ||
        db_exec("INSERT INTO time_feeds (token_hash, user_id, couple_id, created_at)"
                " VALUES ($1, $2, $3, $4)",
                "siii", hash, req->user_id, req->couple_id, clock_now_ms()) < 0)
        return -1;
    /* shown once, on this answer: nothing keeps the token itself */
    const char *base = json_string_value(json_object_get(view_site(), "base_url"));
    const char *url = arena_printf(req->arena, "%s/time/calendar/%s.ics", base ? base : "", token);
    json_t *m = res_model(res);
    if (req->api) {
        json_object_set_new(m, "calendar_url", json_string(url));
        return 0;
    }
    if (time_page(req, res) != 0)
        return -1;
    json_object_set_new(m, "calendar_url", json_string(url));
    json_object_set_new(m, "webcal_url",
                        json_string(arena_printf(req->arena, "webcal%s", strchr(url, ':'))));
    return 0;
}

/* Appends "NAME:" and text escaped, and a line end. */
static void text_line(struct buf *b, const char *name, const char *text)
{
    buf_printf(b, "%s:", name);
    ical_escape(b, text, strlen(text));
    buf_printf(b, "\n");
}

/* "DTSTART;TZID=Europe/Paris:20261130T090000" (or UTC with a Z). */
static void time_line(struct buf *b, const char *name, const char *zone, const char *day,
                      int minute)
{
    bool utc = zone == NULL || !strcmp(zone, "UTC");
    if (utc)
        buf_printf(b, "%s:", name);
    else
        buf_printf(b, "%s;TZID=%s:", name, zone);
    buf_printf(b, "%.4s%.2s%.2sT%02d%02d00%s\n", day, day + 5, day + 8, minute / 60, minute % 60,
               utc ? "Z" : "");
}

static void stamp_line(struct buf *b, int64_t ms)
{
    char day[11];
    tz_date("UTC", ms, day);
    int64_t s = (ms / 1000) % 86400;
    buf_printf(b, "DTSTAMP:%.4s%.2s%.2sT%02lld%02lld%02lldZ\n", day, day + 5, day + 8,
               (long long)(s / 3600), (long long)(s / 60 % 60), (long long)(s % 60));
}

static void event_lines(struct buf *b, json_t *r, const char *zone, const char *host)
{
    const char *id = json_string_value(json_object_get(r, "id"));
    const char *title = json_string_value(json_object_get(r, "title"));
    const char *notes = json_string_value(json_object_get(r, "notes"));
    int minute = (int)json_integer_value(json_object_get(r, "minute"));
    int64_t minutes = json_integer_value(json_object_get(r, "minutes"));
    int64_t stamp = json_integer_value(json_object_get(r, "updated_at"));
    bool phones = json_is_true(json_object_get(r, "phones_away"));
    char description[TIME_NOTES_MAX * 4 + 64];
    snprintf(description, sizeof(description), "%s%s", phones ? "Phones away. " : "",
             notes ? notes : "");
    buf_printf(b, "BEGIN:VEVENT\nUID:ritual-%s@%s\n", id, host);
    stamp_line(b, stamp);
    time_line(b, "DTSTART", zone, json_string_value(json_object_get(r, "start_day")), minute);
    buf_printf(b, "DURATION:PT%lldM\nRRULE:%s\n", (long long)minutes,
               json_string_value(json_object_get(r, "rule")));
    size_t i;
    json_t *l;
    json_array_foreach (json_object_get(r, "logs"), i, l)
        if (!strcmp(json_string_value(json_object_get(l, "state")), "skipped"))
            time_line(b, "EXDATE", zone, json_string_value(json_object_get(l, "day")), minute);
    text_line(b, "SUMMARY", title);
    if (description[0] != '\0')
        text_line(b, "DESCRIPTION", description);
    buf_printf(b, "END:VEVENT\n");
    /* each moved occurrence: the same event, at its new time */
    json_array_foreach (json_object_get(r, "logs"), i, l) {
        if (strcmp(json_string_value(json_object_get(l, "state")), "moved") != 0)
            continue;
        buf_printf(b, "BEGIN:VEVENT\nUID:ritual-%s@%s\n", id, host);
        stamp_line(b, stamp);
        time_line(b, "RECURRENCE-ID", zone, json_string_value(json_object_get(l, "day")), minute);
        time_line(b, "DTSTART", zone, json_string_value(json_object_get(l, "moved_day")),
                  (int)json_integer_value(json_object_get(l, "moved_minute")));
        buf_printf(b, "DURATION:PT%lldM\n", (long long)minutes);
        text_line(b, "SUMMARY", title);
        buf_printf(b, "END:VEVENT\n");
    }
}

int time_calendar(struct req *req, struct res *res)
{
    const char *file = json_string_value(json_object_get(req->params, "file"));
    size_t len = file ? strlen(file) : 0;
    char token[SESSION_TOKEN_TEXT] = "", hash[65];
    if (len > TOKEN_SUFFIX && !strcmp(file + len - TOKEN_SUFFIX, ".ics") &&
        len - TOKEN_SUFFIX < sizeof(token))
        memcpy(token, file, len - TOKEN_SUFFIX);
    if (!session_token_shape(token)) {
        res->status = 404;
        return 1;
    }
    session_hash_token(token, hash);
    json_t *feed, *rituals;
    /* the couple must still be the person's: leaving revokes the address */
    int rc = db_row(&feed,
                    "SELECT f.couple_id, c.time_zone FROM time_feeds f JOIN memberships m"
                    " ON m.user_id = f.user_id AND m.couple_id = f.couple_id AND m.left_at IS NULL"
                    " JOIN couples c ON c.id = f.couple_id AND c.ended_at IS NULL"
                    " WHERE f.token_hash = $1",
                    "s:ds", hash);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    int64_t couple_id = id_from(json_object_get(feed, "couple_id"));
    const char *zone = json_string_value(json_object_get(feed, "time_zone"));
    if (time_rituals_for_feed(couple_id, &rituals) != 0) {
        json_decref(feed);
        return -1;
    }
    const char *base = json_string_value(json_object_get(view_site(), "base_url"));
    const char *host = base && strstr(base, "://") ? strstr(base, "://") + 3 : "hearth";
    struct buf b;
    buf_init(&b, FEED_MAX);
    rc = time_feed_render(zone, host, rituals, &b);
    json_decref(rituals);
    json_decref(feed);
    if (rc != 0) {
        buf_free(&b);
        return -1;
    }
    res->body = buf_take(&b, &res->body_len);
    res->content_type = "text/calendar; charset=utf-8";
    res->cache_control = "private, max-age=300";
    return 0;
}

int time_feed_render(const char *zone, const char *host, json_t *rituals, struct buf *b)
{
    buf_printf(b, "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Hearth//Time together//EN\n"
                  "CALSCALE:GREGORIAN\nMETHOD:PUBLISH\nX-WR-CALNAME:Our rituals\n");
    if (zone != NULL && strcmp(zone, "UTC") != 0)
        buf_printf(b, "X-WR-TIMEZONE:%s\n", zone);
    /* the zone's rules from the first ritual's first day on */
    int64_t since = clock_now_ms();
    size_t i;
    json_t *r;
    json_array_foreach (rituals, i, r) {
        int64_t start = tz_day_start("UTC", json_string_value(json_object_get(r, "start_day")));
        if (start != INT64_MIN && start - 86400000 < since)
            since = start - 86400000;
    }
    char *vtz = tz_vtimezone(zone, since);
    bool has_zone = vtz != NULL;
    if (vtz != NULL) { /* libical's lines, as lines of ours: folded again below */
        for (char *p = vtz; *p; p++)
            if (*p != '\r')
                buf_putc(b, *p);
        free(vtz);
    }
    json_array_foreach (rituals, i, r)
        event_lines(b, r, has_zone ? zone : "UTC", host);
    buf_printf(b, "END:VCALENDAR\n");
    return b->data != NULL && ical_fold(b) == 0 ? 0 : -1;
}
