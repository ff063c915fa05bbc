/* week.c: the weekly State of Us. Each week (an ISO week in the couple's
 * zone) each partner privately writes appreciations (at least three), what
 * went well, one topic as "I feel ... about ... I need ...", and what would
 * make them feel loved this week; both read both only when both have
 * written (the reveal rule, practices/reveal.h). Then the page becomes a
 * guided meeting for one screen: the appreciations in turn, what went well,
 * each topic with cues for the one speaking and the one listening, and the
 * wishes, each of which the other can make a promise in one tap. Earlier
 * weeks stay readable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/utf8.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/trust/internal.h"
#include "store/db.h"

struct reveal trust_reveal = {.items = "trust_weeks", .answers = "trust_week_notes"};

static const char *const PARTS[] = {"went_well", "feel", "about", "need", "loved"};

/* The couple's item for week, made when missing (holding the couple, so
 * both opening it at once get one). */
static int week_item(struct req *req, const char *week, bool make, json_t **item)
{
    static const char sql[] = "SELECT id, week, revealed_at FROM trust_weeks"
                              " WHERE couple_id = $1 AND week = $2";
    int rc = db_row(item, sql, "is:dsi", req->couple_id, week);
    if (rc != DB_NOT_FOUND || !make)
        return rc;
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_exec("INSERT INTO trust_weeks (couple_id, id, week, created_at) VALUES ($1, $2, $3, $4)"
                " ON CONFLICT (couple_id, week) DO NOTHING",
                "iisi", req->couple_id, id_new(), week, clock_now_ms()) < 0)
        return DB_ERROR;
    return db_row(item, sql, "is:dsi", req->couple_id, week);
}

static void this_week(struct req *req, char week[9])
{
    tz_iso_week(req->couple->today, week);
}

/* The Monday of week "YYYY-Www", in words. */
static const char *week_words(struct req *req, const char *week)
{
    char jan4[11], monday[11], words[TZ_DAY_WORDS];
    snprintf(jan4, sizeof(jan4), "%.4s-01-04", week);
    int64_t n = tz_day_number(jan4);
    int64_t weekday = ((n % 7) + 7 + 3) % 7; /* 0 Monday */
    int64_t w = 0;
    parse_int64(week + 6, strlen(week + 6), &w);
    tz_day_of(n - weekday + (w - 1) * 7, monday);
    tz_day_words(monday, req->couple->today, words);
    return arena_printf(req->arena, "the week of %s", words);
}

/* One person's notes (JSON text) as a model. */
static json_t *notes_of(const char *text)
{
    json_t *notes = text ? json_loads(text, 0, NULL) : NULL;
    return notes ? notes : json_object();
}

/* The page's model of one week: who has written, and once both have, the
 * meeting: both notes side by side, with the guidance. */
static int week_model(struct req *req, json_t *item, json_t *m, bool current)
{
    json_t *rows;
    int64_t id = id_from(json_object_get(item, "id"));
    bool revealed = !json_is_null(json_object_get(item, "revealed_at"));
    if (reveal_answers(&trust_reveal, req->couple_id, id, &rows) != DB_OK)
        return -1;
    json_t *view = reveal_view_of(rows, req->user_id, revealed, req->couple->partner_name);
    json_decref(rows);
    const char *week = json_string_value(json_object_get(item, "week"));
    json_object_set_new(m, "week", json_string(week));
    json_object_set_new(m, "week_label",
                        json_string(current ? "This week" : week_words(req, week)));
    json_object_set_new(m, "current", json_boolean(current));
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_t *mine = json_object_get(view, "mine");
    json_object_set_new(m, "mine_written", json_boolean(!json_is_null(mine)));
    json_object_set(m, "partner_written",
                    json_object_get(json_object_get(view, "partner"), "answered"));
    json_object_set_new(m, "revealed", json_boolean(revealed));
    json_t *my_notes = notes_of(json_string_value(json_object_get(mine, "text")));
    json_object_set_new(m, "my_notes", my_notes);
    if (revealed) {
        json_t *theirs =
            notes_of(json_string_value(json_object_get(json_object_get(view, "partner"), "text")));
        json_object_set_new(m, "partner_notes", theirs);
        /* appreciations read in turn: yours, theirs, yours ... */
        json_t *turns = json_array();
        json_t *a = json_object_get(my_notes, "appreciations");
        json_t *b = json_object_get(theirs, "appreciations");
        for (size_t k = 0; k < TRUST_APPRECIATIONS; k++) {
            if (json_array_get(a, k))
                json_array_append_new(
                    turns, json_pack("{s:s, s:O}", "who", "You", "text", json_array_get(a, k)));
            if (json_array_get(b, k))
                json_array_append_new(turns,
                                      json_pack("{s:s, s:O}", "who", req->couple->partner_name,
                                                "text", json_array_get(b, k)));
        }
        json_object_set_new(m, "turns", turns);
        /* the partner's wish, as a promise you can make: by the week's end */
        const char *wish = json_string_value(json_object_get(theirs, "loved"));
        char sunday[11];
        tz_day_of(tz_day_number(req->couple->today) +
                      (6 - ((tz_day_number(req->couple->today) % 7) + 7 + 3) % 7),
                  sunday);
        static const char lead[] = "I will make this happen for you this week: ";
        if (current && wish != NULL && *wish) {
            int room = (int)utf8_prefix(wish, strlen(wish),
                                        TRUST_PROMISE_MAX - utf8_length(lead, sizeof(lead) - 1));
            json_object_set_new(m, "wish_promise",
                                json_pack("{s:s, s:s}", "text",
                                          arena_printf(req->arena, "%s%.*s", lead, room, wish),
                                          "due", sunday));
        }
    }
    static const char *const sections[] = {
        "before", "appreciations", "went-well", "topic-speaker", "topic-listener",
        "switch", "wishes",        "closing",   "feel-examples", "appreciation-examples"};
    json_t *guide = json_object();
    for (size_t k = 0; k < ARRAY_LEN(sections); k++) {
        char key[32];
        snprintf(key, sizeof(key), "%s", sections[k]);
        for (char *p = key; *p; p++)
            if (*p == '-')
                *p = '_';
        json_object_set(guide, key, trust_guide(sections[k]));
    }
    json_object_set_new(m, "guide", guide);
    json_decref(view);
    return 0;
}

/* The earlier weeks, newest first. */
static int earlier(struct req *req, json_t *m, const char *except)
{
    json_t *rows, *list = json_array();
    json_object_set_new(m, "earlier", list);
    if (db_query(&rows,
                 "SELECT week, revealed_at FROM trust_weeks WHERE couple_id = $1 AND week <> $2"
                 " ORDER BY week DESC LIMIT $3",
                 "isi:si", req->couple_id, except, (int64_t)TRUST_WEEKS_SHOWN) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *week = json_string_value(json_object_get(row, "week"));
        char path[9];
        snprintf(path, sizeof(path), "%s", week);
        path[5] = 'w';
        json_array_append_new(list, json_pack("{s:s, s:s, s:s, s:b}", "week", week, "path", path,
                                              "label", week_words(req, week), "revealed",
                                              !json_is_null(json_object_get(row, "revealed_at"))));
    }
    json_decref(rows);
    return 0;
}

int trust_week_page(struct req *req, struct res *res)
{
    char week[9];
    this_week(req, week);
    json_t *item;
    if (week_item(req, week, true, &item) != DB_OK)
        return -1;
    trust_title(res, "State of Us");
    int rc = week_model(req, item, res_model(res), true);
    json_decref(item);
    return rc == 0 ? earlier(req, res_model(res), week) : -1;
}

int trust_week_earlier(struct req *req, struct res *res)
{
    /* addresses are lower case ("2026-w48"); weeks are stored as ISO writes them */
    char week[9] = {0};
    snprintf(week, sizeof(week), "%s", json_string_value(json_object_get(req->params, "week")));
    if (week[5] == 'w')
        week[5] = 'W';
    char current[9];
    this_week(req, current);
    json_t *item;
    int rc = strlen(week) != 8 || week[4] != '-' || week[5] != 'W'
                 ? DB_NOT_FOUND
                 : week_item(req, week, false, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    trust_title(res, arena_printf(req->arena, "State of Us, %s", week_words(req, week)));
    rc = week_model(req, item, res_model(res), strcmp(week, current) == 0);
    json_decref(item);
    return rc;
}

int trust_week_submit(struct req *req, struct res *res)
{
    /* at least three appreciations, kept in order, blanks dropped */
    json_t *notes = json_object(), *apps = json_array();
    json_object_set_new(notes, "appreciations", apps);
    for (int k = 1; k <= TRUST_APPRECIATIONS; k++) {
        char field[32];
        snprintf(field, sizeof(field), "appreciation_%d", k);
        const char *a = req_str(req, field);
        if (a != NULL && *a)
            json_array_append_new(apps, json_string(a));
    }
    if (json_array_size(apps) < TRUST_APPRECIATIONS_MIN) {
        json_decref(notes);
        req_error(req, "appreciation_1", "Write at least three appreciations.");
        return 0;
    }
    for (size_t k = 0; k < ARRAY_LEN(PARTS); k++) {
        const char *v = req_str(req, PARTS[k]);
        json_object_set_new(notes, PARTS[k], json_string(v ? v : ""));
    }
    char week[9];
    this_week(req, week);
    json_t *item;
    char *text = json_dumps(notes, JSON_COMPACT);
    json_decref(notes);
    int rc = week_item(req, week, true, &item);
    if (rc == DB_OK) {
        int64_t id = id_from(json_object_get(item, "id"));
        json_decref(item);
        rc = reveal_submit(&trust_reveal, req->couple_id, id, req->user_id, text);
        if (rc == REVEAL_CLOSED) {
            free(text);
            res->status = 409;
            res->detail = "You have both written this week, so the notes no longer change.";
            json_object_set_new(res_model(res), "notice", json_string(res->detail));
            return trust_week_page(req, res);
        }
        if (rc >= 0 && rc != REVEAL_CHANGED &&
            events_emit(req->couple_id, 0, rc == REVEAL_OPENED ? "trust.revealed" : "trust.written",
                        id) < 0)
            rc = DB_ERROR;
    }
    free(text);
    if (rc < 0)
        return -1;
    if (res_redirect(req, res, "/trust/state-of-us"))
        return 0;
    return trust_week_page(req, res);
}

int trust_week_status(struct req *req, json_t *m)
{
    char week[9];
    this_week(req, week);
    json_t *item, *rows;
    int rc = week_item(req, week, false, &item);
    if (rc == DB_ERROR)
        return -1;
    bool mine = false, theirs = false, revealed = false;
    if (rc == DB_OK) {
        revealed = !json_is_null(json_object_get(item, "revealed_at"));
        if (reveal_answers(&trust_reveal, req->couple_id, id_from(json_object_get(item, "id")),
                           &rows) != DB_OK) {
            json_decref(item);
            return -1;
        }
        size_t i;
        json_t *row;
        json_array_foreach (rows, i, row) {
            bool me = id_from(json_object_get(row, "user_id")) == req->user_id;
            mine |= me;
            theirs |= !me;
        }
        json_decref(rows);
        json_decref(item);
    }
    const char *state =
        revealed ? "Both written: read it together."
        : mine   ? arena_printf(req->arena, "Written. It opens when %s writes too.",
                                req->couple->partner_name)
        : theirs ? arena_printf(req->arena, "%s has written: your turn.", req->couple->partner_name)
                 : "Waiting for you both to write.";
    json_object_set_new(m, "week_state", json_string(state));
    json_object_set_new(m, "week_waits", json_boolean(!mine && !revealed));
    return 0;
}
