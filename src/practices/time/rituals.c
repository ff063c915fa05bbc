/* rituals.c: rituals with a recurrence, and the calendar of their
 * occurrences.
 *
 * The form's choices (every day; weekly on chosen days; monthly on a day
 * of the month or on a weekday of the month) become an RFC 5545 RRULE that
 * Hearth writes itself ("FREQ=WEEKLY;BYDAY=MO,TH"); libical expands it
 * (core/tz.h) in the couple's zone, from the first day at the ritual's
 * local time, so an occurrence stays at 09:00 when the clocks change. Each
 * occurrence is known by the day it was due; its log says it happened, was
 * skipped or moved (to another day and time), with a note and how
 * connected it felt. Counts only grow: "together 12 times". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/time/internal.h"
#include "store/db.h"

const char *const time_repeats[] = {"daily", "weekly", "monthly-day", "monthly-weekday", NULL};
const char *const time_weekdays[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU", NULL};
const char *const time_weeks[] = {"1", "2", "3", "4", "-1", NULL};
const char *const time_states[] = {"happened", "skipped", "moved", NULL};

static const char *const DAY_NAMES[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                        "Friday", "Saturday", "Sunday"};
static const char *const WEEK_NAMES[] = {"first", "second", "third", "fourth"};

enum { RULE_MAX = 64, SUGGESTIONS_MAX = 64 };

void time_clock(int minute, char out[6])
{
    unsigned m = (unsigned)minute % (24 * 60);
    snprintf(out, 6, "%02u:%02u", m / 60, m % 60);
}

/* "HH:MM" as a minute of the day, or -1. */
static int minute_of(const char *hhmm)
{
    unsigned h, m;
    char end;
    if (hhmm == NULL || strlen(hhmm) != 5 || sscanf(hhmm, "%2u:%2u%c", &h, &m, &end) != 2 ||
        h > 23 || m > 59)
        return -1;
    return (int)(h * 60 + m);
}

/* The small whole number at the start of s ("-1FR": -1, "25": 25), or 0. */
static int number_at(const char *s)
{
    int sign = *s == '-' ? -1 : 1, n = 0;
    for (s += *s == '-'; *s >= '0' && *s <= '9' && n < 1000; s++)
        n = n * 10 + (*s - '0');
    return sign * n;
}

static int weekday_index(const char *code)
{
    for (int i = 0; time_weekdays[i] != NULL; i++)
        if (strncmp(code, time_weekdays[i], 2) == 0)
            return i;
    return -1;
}

/* The rule in words: "Every day", "Mondays and Thursdays", "On the 15th of
 * each month", "On the last Friday of each month". */
static const char *rule_words(struct req *req, const char *rule)
{
    if (!strcmp(rule, "FREQ=DAILY"))
        return "Every day";
    const char *byday = strstr(rule, "BYDAY="), *bymonthday = strstr(rule, "BYMONTHDAY=");
    if (!strncmp(rule, "FREQ=WEEKLY", 11) && byday != NULL) {
        const char *list = byday + 6;
        if (!strcmp(list, "MO,TU,WE,TH,FR"))
            return "Weekdays";
        if (!strcmp(list, "SA,SU"))
            return "Weekends";
        char *words = "";
        size_t n = (strlen(list) + 1) / 3;
        for (size_t k = 0; k < n; k++) {
            int d = weekday_index(list + k * 3);
            words = arena_printf(req->arena, "%s%s%ss", words,
                                 k == 0 ? "" : (k + 1 == n ? " and " : ", "),
                                 d >= 0 ? DAY_NAMES[d] : "?");
        }
        return words;
    }
    if (bymonthday != NULL) {
        int day = number_at(bymonthday + 11);
        const char *suffix = (day % 10 == 1 && day != 11)   ? "st"
                             : (day % 10 == 2 && day != 12) ? "nd"
                             : (day % 10 == 3 && day != 13) ? "rd"
                                                            : "th";
        return arena_printf(req->arena, "On the %d%s of each month", day, suffix);
    }
    if (byday != NULL) {
        int week = number_at(byday + 6);
        const char *code = byday + 6 + (week < 0 ? 2 : 1);
        int d = weekday_index(code);
        return arena_printf(req->arena, "On the %s %s of each month",
                            week >= 1 && week <= 4 ? WEEK_NAMES[week - 1] : "last",
                            d >= 0 ? DAY_NAMES[d] : "?");
    }
    return "Repeats";
}

/* The RRULE of the form's choices, into out; false (with an error on the
 * field) when they do not make one. */
static bool rule_of_form(struct req *req, char out[RULE_MAX])
{
    const char *repeat = req_str(req, "repeat");
    if (!strcmp(repeat, "daily")) {
        snprintf(out, RULE_MAX, "FREQ=DAILY");
        return true;
    }
    if (!strcmp(repeat, "weekly")) {
        json_t *days = json_object_get(req->input, "days");
        char list[32] = "";
        /* in the week's order, whatever order they came in */
        for (int i = 0; time_weekdays[i] != NULL; i++) {
            size_t k;
            json_t *d;
            json_array_foreach (days, k, d)
                if (!strcmp(json_string_value(d), time_weekdays[i])) {
                    size_t len = strlen(list);
                    snprintf(list + len, sizeof(list) - len, "%s%s", len ? "," : "",
                             time_weekdays[i]);
                    break;
                }
        }
        if (list[0] == '\0') {
            req_error(req, "days", "Pick at least one day of the week.");
            return false;
        }
        snprintf(out, RULE_MAX, "FREQ=WEEKLY;BYDAY=%s", list);
        return true;
    }
    if (!strcmp(repeat, "monthly-day")) {
        json_t *day = json_object_get(req->input, "month_day");
        if (!json_is_integer(day)) {
            req_error(req, "month_day", "Pick the day of the month.");
            return false;
        }
        snprintf(out, RULE_MAX, "FREQ=MONTHLY;BYMONTHDAY=%lld", (long long)json_integer_value(day));
        return true;
    }
    const char *week = req_str(req, "week"), *weekday = req_str(req, "weekday");
    if (week == NULL || weekday == NULL || !*week || !*weekday) {
        req_error(req, week == NULL || !*week ? "week" : "weekday",
                  "Pick which week of the month and which day.");
        return false;
    }
    snprintf(out, RULE_MAX, "FREQ=MONTHLY;BYDAY=%s%s", week, weekday);
    return true;
}

/* ---- suggestions (content/time/suggestions.txt) ---- */

struct suggestion {
    char *title, *rule, *notes;
    int minute, minutes;
    bool phones_away;
};
static struct suggestion suggestions[SUGGESTIONS_MAX];
static size_t nsuggestions;
static json_t *suggestions_json, *suggestions_html;

/* "weekly:MO,TU" as the RRULE it stands for, into out; false when it is
 * none of the forms. */
static bool rule_of_short(const char *s, char out[RULE_MAX])
{
    if (!strcmp(s, "daily"))
        return snprintf(out, RULE_MAX, "FREQ=DAILY") > 0;
    if (!strncmp(s, "weekly:", 7))
        return snprintf(out, RULE_MAX, "FREQ=WEEKLY;BYDAY=%s", s + 7) > 0;
    if (!strncmp(s, "monthly:", 8)) {
        const char *v = s + 8;
        bool digits = strspn(v, "0123456789") == strlen(v);
        return snprintf(out, RULE_MAX,
                        digits ? "FREQ=MONTHLY;BYMONTHDAY=%s" : "FREQ=MONTHLY;BYDAY=%s", v) > 0;
    }
    return false;
}

static int suggestion_line(char *line, void *ctx)
{
    (void)ctx;
    char *f[6], full[RULE_MAX];
    struct tz_occurrence probe;
    if (assets_fields(line, f, 6) != 6 || nsuggestions == SUGGESTIONS_MAX ||
        !rule_of_short(f[1], full))
        return -1;
    int minute = minute_of(f[2]), length = number_at(f[3]);
    /* a rule libical expands, at a time of day, of a sensible length */
    if (minute < 0 || length < 5 || length > 600 ||
        tz_recur("UTC", full, "2026-01-01", minute, "2026-01-01", "2026-12-31", &probe, 1) != 1)
        return -1;
    struct suggestion *s = &suggestions[nsuggestions++];
    *s = (struct suggestion){xstrdup(f[0]), xstrdup(full), xstrdup(f[5]),
                             minute,        length,        !strcmp(f[4], "yes")};
    char clock[6];
    time_clock(minute, clock);
    json_array_append_new(suggestions_json,
                          json_pack("{s:I, s:s, s:s, s:s, s:i, s:b, s:s}", "n",
                                    (json_int_t)nsuggestions, "title", s->title, "rule", s->rule,
                                    "time", clock, "minutes", length, "phones_away", s->phones_away,
                                    "notes", s->notes));
    return 0;
}

int time_suggestions_start(void)
{
    suggestions_json = json_array();
    nsuggestions = 0;
    if (assets_lines("content/time/suggestions.txt", suggestion_line, NULL) != 0)
        return -1;
    json_t *model = json_pack("{s:O}", "suggestions", suggestions_json);
    suggestions_html = time_render_once("time/suggestions", model);
    json_decref(model);
    return suggestions_html != NULL ? 0 : -1;
}

void time_suggestions_stop(void)
{
    for (size_t i = 0; i < nsuggestions; i++) {
        free(suggestions[i].title);
        free(suggestions[i].rule);
        free(suggestions[i].notes);
    }
    nsuggestions = 0;
    json_decref(suggestions_json);
    json_decref(suggestions_html);
    suggestions_json = suggestions_html = NULL;
}

/* ---- making and changing rituals ---- */

static int count_rituals(struct req *req, int64_t *n)
{
    return db_int(n, "SELECT count(*) FROM time_rituals WHERE couple_id = $1", "i", req->couple_id);
}

static int changed(struct req *req, struct res *res, int64_t id, const char *anchor)
{
    if (events_emit(req->couple_id, 0, "time.ritual", id) < 0)
        return -1;
    if (res_redirect(req, res, anchor))
        return 0;
    return time_page(req, res);
}

static int insert(struct req *req, struct res *res, const char *title, const char *rule,
                  const char *start, int minute, int minutes, bool phones, const char *notes)
{
    int64_t n = 0, id = id_new(), now = clock_now_ms();
    if (db_lock_couple(req->couple_id) != DB_OK || count_rituals(req, &n) != DB_OK)
        return -1;
    if (n >= TIME_RITUALS) {
        req_error(req, "title", "You have 30 rituals. Let one go before adding another.");
        return 0;
    }
    if (db_exec("INSERT INTO time_rituals (couple_id, id, title, rule, start_day, minute, minutes,"
                " phones_away, notes, created_by, created_at, updated_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)",
                "iisssiibsii", req->couple_id, id, title, rule, start, (int64_t)minute,
                (int64_t)minutes, (int)phones, notes ? notes : "", req->user_id, now) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (events_emit(req->couple_id, 0, "time.ritual", id) < 0)
        return -1;
    if (res_redirect(req, res, "/time#rituals"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

/* The form's fields, checked: false (with errors) when they do not make a
 * ritual. */
static bool ritual_form(struct req *req, char rule[RULE_MAX], int *minute)
{
    *minute = minute_of(req_str(req, "time"));
    bool ok = rule_of_form(req, rule);
    if (*minute < 0) {
        req_error(req, "time", "Give a time of day, such as 19:30.");
        ok = false;
    }
    return ok;
}

int time_ritual_new(struct req *req, struct res *res)
{
    char rule[RULE_MAX];
    int minute;
    if (!ritual_form(req, rule, &minute))
        return 0;
    json_t *minutes = json_object_get(req->input, "minutes");
    return insert(req, res, req_str(req, "title"), rule, req_str(req, "start"), minute,
                  (int)json_integer_value(minutes),
                  json_is_true(json_object_get(req->input, "phones_away")), req_str(req, "notes"));
}

int time_ritual_suggested(struct req *req, struct res *res)
{
    int64_t n = json_integer_value(json_object_get(req->input, "suggestion"));
    if (n < 1 || (size_t)n > nsuggestions) {
        req_error(req, "suggestion", "That suggestion is not on the list.");
        return 0;
    }
    const struct suggestion *s = &suggestions[n - 1];
    return insert(req, res, s->title, s->rule, req->couple->today, s->minute, s->minutes,
                  s->phones_away, s->notes);
}

static const char RITUAL_SQL[] =
    "SELECT id, title, rule, start_day, minute, minutes, phones_away, notes, updated_at"
    " FROM time_rituals WHERE couple_id = $1 AND id = $2";
static const char RITUAL_TYPES[] = "ii:dsssiibsi";

static int load_ritual(struct req *req, struct res *res, json_t **row)
{
    return res_found(res, db_row(row, RITUAL_SQL, RITUAL_TYPES, req->couple_id,
                                 id_from(json_object_get(req->params, "id"))));
}

/* The form's values: what was typed when it came back with errors, else
 * the ritual's (editing) or a new one's. */
json_t *time_form(struct req *req, json_t *ritual)
{
    static const char *const SHORT[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char *const WEEK_LABELS[] = {"first", "second", "third", "fourth", "last"};
    json_t *v = json_object();
    if (json_object_size(req->errors) > 0) {
        json_object_update(v, req->typed);
    } else if (ritual != NULL) {
        json_object_update(v, ritual);
        char clock[6];
        time_clock((int)json_integer_value(json_object_get(ritual, "minute")), clock);
        json_object_set_new(v, "time", json_string(clock));
        json_object_set_new(v, "start", json_incref(json_object_get(ritual, "start_day")));
        const char *rule = json_string_value(json_object_get(ritual, "rule"));
        const char *byday = strstr(rule, "BYDAY="), *bymonthday = strstr(rule, "BYMONTHDAY=");
        const char *repeat = !strcmp(rule, "FREQ=DAILY")         ? "daily"
                             : !strncmp(rule, "FREQ=WEEKLY", 11) ? "weekly"
                             : bymonthday != NULL                ? "monthly-day"
                                                                 : "monthly-weekday";
        json_object_set_new(v, "repeat", json_string(repeat));
        json_t *days = json_array();
        for (int i = 0; !strcmp(repeat, "weekly") && time_weekdays[i] != NULL; i++)
            if (strstr(byday, time_weekdays[i]))
                json_array_append_new(days, json_string(time_weekdays[i]));
        json_object_set_new(v, "days", days);
        if (bymonthday != NULL)
            json_object_set_new(v, "month_day", json_sprintf("%d", number_at(bymonthday + 11)));
        if (!strcmp(repeat, "monthly-weekday") && byday != NULL) {
            int week = number_at(byday + 6);
            json_object_set_new(v, "week", json_sprintf("%d", week));
            json_object_set_new(v, "weekday", json_string(byday + 6 + (week < 0 ? 2 : 1)));
        }
    } else {
        int64_t today = tz_day_number(req->couple->today);
        json_t *days = json_array();
        json_array_append_new(days, json_string(time_weekdays[((today % 7) + 7 + 3) % 7]));
        json_object_set_new(v, "repeat", json_string("weekly"));
        json_object_set_new(v, "days", days);
        json_object_set_new(v, "start", json_string(req->couple->today));
        json_object_set_new(v, "time", json_string("19:00"));
        json_object_set_new(v, "minutes", json_integer(30));
    }
    /* what the template shows: strings, and which choice is on */
    json_t *f = json_object();
    static const char *const TEXTS[] = {"title", "start", "time", "notes"};
    for (size_t k = 0; k < ARRAY_LEN(TEXTS); k++) {
        json_t *x = json_object_get(v, TEXTS[k]);
        json_object_set_new(f, TEXTS[k],
                            json_string(json_is_string(x) ? json_string_value(x) : ""));
    }
    json_t *minutes = json_object_get(v, "minutes"), *month_day = json_object_get(v, "month_day");
    json_object_set_new(
        f, "minutes",
        json_is_integer(minutes)
            ? json_sprintf("%lld", (long long)json_integer_value(minutes))
            : json_string(json_is_string(minutes) ? json_string_value(minutes) : ""));
    json_object_set_new(
        f, "month_day",
        json_string(json_is_string(month_day) ? json_string_value(month_day) : "1"));
    json_t *phones = json_object_get(v, "phones_away");
    json_object_set_new(f, "phones_away",
                        json_boolean(json_is_true(phones) ||
                                     (json_is_string(phones) && *json_string_value(phones))));
    const char *repeat = json_string_value(json_object_get(v, "repeat"));
    repeat = repeat ? repeat : "";
    json_object_set_new(f, "daily", json_boolean(!strcmp(repeat, "daily")));
    json_object_set_new(f, "weekly", json_boolean(!strcmp(repeat, "weekly")));
    json_object_set_new(f, "monthly_day", json_boolean(!strcmp(repeat, "monthly-day")));
    json_object_set_new(f, "monthly_weekday", json_boolean(!strcmp(repeat, "monthly-weekday")));
    json_t *chosen = json_object_get(v, "days"), *days = json_array(), *weekdays = json_array();
    const char *weekday = json_string_value(json_object_get(v, "weekday"));
    for (int i = 0; time_weekdays[i] != NULL; i++) {
        bool on = false;
        size_t k;
        json_t *d;
        if (json_is_string(chosen))
            on = !strcmp(json_string_value(chosen), time_weekdays[i]);
        json_array_foreach (chosen, k, d)
            on = on || (json_is_string(d) && !strcmp(json_string_value(d), time_weekdays[i]));
        json_array_append_new(days, json_pack("{s:s, s:s, s:b}", "code", time_weekdays[i], "short",
                                              SHORT[i], "on", on));
        json_array_append_new(weekdays, json_pack("{s:s, s:s, s:b}", "code", time_weekdays[i],
                                                  "name", DAY_NAMES[i], "on",
                                                  weekday && !strcmp(weekday, time_weekdays[i])));
    }
    const char *week = json_string_value(json_object_get(v, "week"));
    json_t *weeks = json_array();
    for (int i = 0; time_weeks[i] != NULL; i++)
        json_array_append_new(weeks, json_pack("{s:s, s:s, s:b}", "value", time_weeks[i], "label",
                                               WEEK_LABELS[i], "on",
                                               week && !strcmp(week, time_weeks[i])));
    json_object_set_new(f, "days", days);
    json_object_set_new(f, "weekdays", weekdays);
    json_object_set_new(f, "weeks", weeks);
    json_decref(v);
    return f;
}

int time_ritual_page(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load_ritual(req, res, &row);
    if (rc != 0)
        return rc;
    json_t *m = res_model(res);
    time_title(res, arena_printf(req->arena, "Change: %s",
                                 json_string_value(json_object_get(row, "title"))));
    json_object_set_new(m, "form", time_form(req, row));
    json_object_set_new(m, "ritual", row);
    return 0;
}

int time_ritual_edit(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load_ritual(req, res, &row);
    if (rc != 0)
        return rc;
    json_decref(row);
    char rule[RULE_MAX];
    int minute;
    if (!ritual_form(req, rule, &minute))
        return 0;
    int64_t id = id_from(json_object_get(req->params, "id"));
    if (db_exec("UPDATE time_rituals SET title = $3, rule = $4, start_day = $5, minute = $6,"
                " minutes = $7, phones_away = $8, notes = $9, updated_at = $10"
                " WHERE couple_id = $1 AND id = $2",
                "iisssiibsi", req->couple_id, id, req_str(req, "title"), rule,
                req_str(req, "start"), (int64_t)minute,
                json_integer_value(json_object_get(req->input, "minutes")),
                (int)json_is_true(json_object_get(req->input, "phones_away")),
                req_str(req, "notes") ? req_str(req, "notes") : "", clock_now_ms()) < 0)
        return -1;
    return changed(req, res, id, "/time#rituals");
}

int time_ritual_delete(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load_ritual(req, res, &row);
    if (rc != 0)
        return rc;
    json_decref(row);
    int64_t id = id_from(json_object_get(req->params, "id"));
    if (db_exec("DELETE FROM time_occurrences WHERE couple_id = $1 AND ritual_id = $2", "ii",
                req->couple_id, id) < 0 ||
        db_exec("DELETE FROM time_rituals WHERE couple_id = $1 AND id = $2", "ii", req->couple_id,
                id) < 0)
        return -1;
    return changed(req, res, id, "/time#rituals");
}

/* ---- the calendar: occurrences and their log ---- */

int time_occurrence_log(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load_ritual(req, res, &row);
    if (rc != 0)
        return rc;
    const char *day = json_string_value(json_object_get(req->params, "date"));
    struct tz_occurrence o;
    int n = tz_recur(req->couple->time_zone, json_string_value(json_object_get(row, "rule")),
                     json_string_value(json_object_get(row, "start_day")),
                     (int)json_integer_value(json_object_get(row, "minute")), day, day, &o, 1);
    json_decref(row);
    if (n != 1) {
        res->status = 404;
        return 1;
    }
    const char *state = req_str(req, "state"), *moved_day = NULL;
    int moved_minute = -1;
    if (!strcmp(state, "moved")) {
        moved_day = req_str(req, "moved_day");
        moved_minute = minute_of(req_str(req, "moved_time"));
        if (moved_day == NULL || *moved_day == '\0')
            req_error(req, "moved_day", "Say which day it moved to.");
        if (moved_minute < 0)
            req_error(req, "moved_time", "Give the time it moved to, such as 19:30.");
        if (moved_day == NULL || *moved_day == '\0' || moved_minute < 0)
            return 0;
    } else if (strcmp(day, req->couple->today) > 0) {
        req_error(req, "state", "It has not come yet: you can move it, or log it on the day.");
        return 0;
    }
    json_t *connected = json_object_get(req->input, "connected");
    const char *note = req_str(req, "note");
    int64_t id = id_from(json_object_get(req->params, "id"));
    /* connected 0: not said; moved_minute counts only when moved */
    if (db_exec("INSERT INTO time_occurrences (couple_id, ritual_id, day, state, moved_day,"
                " moved_minute, note, connected, user_id, updated_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                " ON CONFLICT (couple_id, ritual_id, day) DO UPDATE SET state = excluded.state,"
                " moved_day = excluded.moved_day, moved_minute = excluded.moved_minute,"
                " note = excluded.note, connected = excluded.connected,"
                " user_id = excluded.user_id, updated_at = excluded.updated_at",
                "iisssisiii", req->couple_id, id, day, state, moved_day,
                (int64_t)(moved_minute >= 0 ? moved_minute : 0), note && *note ? note : NULL,
                json_is_integer(connected) ? json_integer_value(connected) : 0, req->user_id,
                clock_now_ms()) < 0)
        return -1;
    return changed(req, res, id, "/time#calendar");
}

/* One occurrence as the page shows it. */
static json_t *occurrence(struct req *req, json_t *ritual, const struct tz_occurrence *o,
                          json_t *log)
{
    char words[TZ_DAY_WORDS], clock[6];
    const char *state = log ? json_string_value(json_object_get(log, "state")) : NULL;
    bool moved = state && !strcmp(state, "moved");
    const char *day = moved ? json_string_value(json_object_get(log, "moved_day")) : o->day;
    int minute = (int)json_integer_value(
        json_object_get(moved ? log : ritual, moved ? "moved_minute" : "minute"));
    tz_day_words(day, req->couple->today, words);
    time_clock(minute, clock);
    return json_pack("{s:O, s:O, s:s, s:s, s:s, s:s, s:I, s:O, s:s?, s:b, s:b, s:b, s:O, s:O}",
                     "ritual_id", json_object_get(ritual, "id"), "title",
                     json_object_get(ritual, "title"), "day", o->day, "when_day", day, "when",
                     arena_printf(req->arena, "%s%s, %s",
                                  !strcmp(day, req->couple->today) ? "Today, " : "", words, clock),
                     "time", clock, "starts_at", (json_int_t)o->ms, "phones_away",
                     json_object_get(ritual, "phones_away"), "state", state, "happened",
                     state && !strcmp(state, "happened"), "skipped",
                     state && !strcmp(state, "skipped"), "moved", moved, "note",
                     log ? json_object_get(log, "note") : json_null(), "connected",
                     log && json_integer_value(json_object_get(log, "connected")) > 0
                         ? json_object_get(log, "connected")
                         : json_null());
}

static int by_start(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "starts_at"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "starts_at"));
    return (x > y) - (x < y);
}

/* The occurrences of rituals (rows) whose day is within [from, to], each
 * with its log, in time order (a new array). */
static json_t *calendar(struct req *req, json_t *rituals, json_t *logs, const char *from,
                        const char *to)
{
    json_t *list[TIME_OCCURRENCES];
    size_t n = 0, i;
    json_t *r;
    json_array_foreach (rituals, i, r) {
        struct tz_occurrence o[64];
        int k = tz_recur(req->couple->time_zone, json_string_value(json_object_get(r, "rule")),
                         json_string_value(json_object_get(r, "start_day")),
                         (int)json_integer_value(json_object_get(r, "minute")), from, to, o, 64);
        for (int j = 0; j < k && n < TIME_OCCURRENCES; j++) {
            json_t *log = NULL, *l;
            size_t q;
            json_array_foreach (logs, q, l)
                if (json_equal(json_object_get(l, "ritual_id"), json_object_get(r, "id")) &&
                    !strcmp(json_string_value(json_object_get(l, "day")), o[j].day))
                    log = l;
            list[n++] = occurrence(req, r, &o[j], log);
        }
    }
    if (n > 1)
        qsort(list, n, sizeof(list[0]), by_start);
    json_t *out = json_array();
    for (size_t k = 0; k < n; k++)
        json_array_append_new(out, list[k]);
    return out;
}

static int load_all(struct req *req, json_t **rituals, json_t **logs, const char *from,
                    const char *to)
{
    if (db_query(rituals,
                 "SELECT id, title, rule, start_day, minute, minutes, phones_away, notes,"
                 " updated_at FROM time_rituals WHERE couple_id = $1 ORDER BY created_at LIMIT 30",
                 "i:dsssiibsi", req->couple_id) != DB_OK)
        return -1;
    if (db_query(logs,
                 "SELECT ritual_id, day, state, moved_day, moved_minute, note, connected"
                 " FROM time_occurrences WHERE couple_id = $1 AND day >= $2 AND day <= $3"
                 " LIMIT 2000",
                 "iss:dsssisi", req->couple_id, from, to) != DB_OK) {
        json_decref(*rituals);
        return -1;
    }
    return 0;
}

static void day_plus(const char *day, int days, char out[11])
{
    tz_day_of(tz_day_number(day) + days, out);
}

int time_rituals_model(struct req *req, json_t *m)
{
    char from[11], to[11], yesterday[11];
    day_plus(req->couple->today, -TIME_LATELY_DAYS, from);
    day_plus(req->couple->today, TIME_UPCOMING_DAYS - 1, to);
    day_plus(req->couple->today, -1, yesterday);
    json_t *rituals, *logs, *counts;
    if (load_all(req, &rituals, &logs, from, to) != 0)
        return -1;
    if (db_query(&counts,
                 "SELECT ritual_id, count(*) AS n FROM time_occurrences WHERE couple_id = $1"
                 " AND state = 'happened' GROUP BY ritual_id LIMIT 30",
                 "i:di", req->couple_id) != DB_OK) {
        json_decref(rituals);
        json_decref(logs);
        return -1;
    }
    size_t i, k;
    json_t *r, *c;
    json_array_foreach (rituals, i, r) {
        char clock[6];
        time_clock((int)json_integer_value(json_object_get(r, "minute")), clock);
        json_int_t n = 0;
        json_array_foreach (counts, k, c)
            if (json_equal(json_object_get(c, "ritual_id"), json_object_get(r, "id")))
                n = json_integer_value(json_object_get(c, "n"));
        json_object_set_new(r, "time", json_string(clock));
        json_object_set_new(
            r, "repeats",
            json_string(rule_words(req, json_string_value(json_object_get(r, "rule")))));
        json_object_set_new(r, "count", json_integer(n));
        json_object_set_new(r, "count_words",
                            json_string(n == 0 ? "Not yet logged"
                                        : n == 1
                                            ? "Together once so far"
                                            : arena_printf(req->arena, "Together %lld times so far",
                                                           (long long)n)));
    }
    json_t *upcoming = calendar(req, rituals, logs, req->couple->today, to);
    json_t *lately = calendar(req, rituals, logs, from, yesterday);
    json_object_set_new(m, "rituals", rituals);
    json_object_set_new(m, "upcoming", upcoming);
    json_object_set_new(m, "lately", lately);
    json_object_set(m, "suggestions", suggestions_json);
    if (!req->api)
        json_object_set(m, "suggestions_html", suggestions_html);
    json_object_set_new(m, "form", time_form(req, NULL));
    json_decref(logs);
    json_decref(counts);
    return 0;
}

int time_next(struct req *req, json_t *m)
{
    char to[11];
    day_plus(req->couple->today, TIME_UPCOMING_DAYS - 1, to);
    json_t *rituals, *logs;
    if (load_all(req, &rituals, &logs, req->couple->today, to) != 0)
        return -1;
    json_t *upcoming = calendar(req, rituals, logs, req->couple->today, to);
    int64_t now = clock_now_ms();
    size_t i;
    json_t *o;
    json_object_set_new(m, "next", json_null());
    json_array_foreach (upcoming, i, o) {
        int64_t ends = json_integer_value(json_object_get(o, "starts_at"));
        if (ends >= now - 3600000 && !json_is_true(json_object_get(o, "skipped"))) {
            json_object_set(m, "next", o);
            break;
        }
    }
    json_decref(upcoming);
    json_decref(rituals);
    json_decref(logs);
    return 0;
}

int time_rituals_for_feed(int64_t couple_id, json_t **rows)
{
    json_t *logs;
    if (db_query(rows,
                 "SELECT id, title, rule, start_day, minute, minutes, phones_away, notes,"
                 " updated_at FROM time_rituals WHERE couple_id = $1 ORDER BY created_at LIMIT 30",
                 "i:dsssiibsi", couple_id) != DB_OK)
        return -1;
    if (db_query(&logs,
                 "SELECT ritual_id, day, state, moved_day, moved_minute FROM time_occurrences"
                 " WHERE couple_id = $1 AND state IN ('skipped', 'moved') LIMIT 5000",
                 "i:dsssi", couple_id) != DB_OK) {
        json_decref(*rows);
        return -1;
    }
    size_t i, k;
    json_t *r, *l;
    json_array_foreach (*rows, i, r) {
        json_t *mine = json_array();
        json_array_foreach (logs, k, l)
            if (json_equal(json_object_get(l, "ritual_id"), json_object_get(r, "id")))
                json_array_append(mine, l);
        json_object_set_new(r, "logs", mine);
    }
    json_decref(logs);
    return 0;
}

int time_occurrence_page(struct req *req, struct res *res)
{
    json_t *row, *log = NULL;
    int rc = load_ritual(req, res, &row);
    if (rc != 0)
        return rc;
    const char *day = json_string_value(json_object_get(req->params, "date"));
    struct tz_occurrence o;
    if (tz_recur(req->couple->time_zone, json_string_value(json_object_get(row, "rule")),
                 json_string_value(json_object_get(row, "start_day")),
                 (int)json_integer_value(json_object_get(row, "minute")), day, day, &o, 1) != 1) {
        json_decref(row);
        res->status = 404;
        return 1;
    }
    rc = db_row(&log,
                "SELECT ritual_id, day, state, moved_day, moved_minute, note, connected"
                " FROM time_occurrences WHERE couple_id = $1 AND ritual_id = $2 AND day = $3",
                "iis:dsssisi", req->couple_id, id_from(json_object_get(row, "id")), day);
    if (rc == DB_ERROR) {
        json_decref(row);
        return -1;
    }
    json_t *occ = occurrence(req, row, &o, rc == DB_OK ? log : NULL);
    json_decref(log);
    json_decref(row);
    /* came back with an error: what was chosen and typed, not what was stored */
    if (json_object_size(req->errors) > 0) {
        const char *state = json_string_value(json_object_get(req->typed, "state"));
        static const char *const STATES[] = {"happened", "skipped", "moved"};
        for (size_t k = 0; k < ARRAY_LEN(STATES); k++)
            json_object_set_new(occ, STATES[k], json_boolean(state && !strcmp(state, STATES[k])));
        static const char *const TYPED[][2] = {
            {"note", "note"}, {"moved_day", "when_day"}, {"moved_time", "time"}};
        for (size_t k = 0; k < ARRAY_LEN(TYPED); k++) {
            json_t *v = json_object_get(req->typed, TYPED[k][0]);
            if (json_is_string(v))
                json_object_set(occ, TYPED[k][1], v);
        }
        json_t *c = json_object_get(req->typed, "connected");
        json_object_set_new(occ, "connected",
                            json_is_string(c) ? json_integer(number_at(json_string_value(c)))
                                              : json_null());
    }
    json_t *scale = json_array();
    json_int_t connected = json_integer_value(json_object_get(occ, "connected"));
    for (json_int_t v = 1; v <= 5; v++)
        json_array_append_new(scale, json_pack("{s:I, s:b}", "value", v, "on", v == connected));
    json_object_set_new(occ, "scale", scale);
    time_title(res, json_string_value(json_object_get(occ, "title")));
    json_object_set_new(res_model(res), "occurrence", occ);
    return 0;
}
