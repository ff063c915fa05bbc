/* together.c: time together now. Either starts it from their own phone;
 * the partner's open page shows it live and can join; either stops it.
 * The screen is calm on purpose: the time, a line about phones, and a way
 * to stop. Minutes are counted when it stops (at most twelve hours for one
 * stretch, so a forgotten one does not count a night), and shown per
 * week, as a count that grows. */
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/time/internal.h"
#include "store/db.h"

static int open_stretch(struct req *req, json_t **row)
{
    return db_row(row,
                  "SELECT id, started_by, joined_at, started_at FROM time_together"
                  " WHERE couple_id = $1 AND ended_at IS NULL LIMIT 1",
                  "i:ddii", req->couple_id);
}

int time_together_model(struct req *req, json_t *m)
{
    json_t *row;
    int rc = open_stretch(req, &row);
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_OK) {
        int64_t started = json_integer_value(json_object_get(row, "started_at"));
        bool mine = id_from(json_object_get(row, "started_by")) == req->user_id;
        bool joined = !json_is_null(json_object_get(row, "joined_at"));
        char clock[32];
        tz_format(req->couple->time_zone, started, clock);
        json_object_set_new(m, "together",
                            json_pack("{s:I, s:s, s:b, s:b, s:s}", "started_at",
                                      (json_int_t)started, "since", clock + strlen(clock) - 5,
                                      "with_you", mine || joined, "joined", joined, "started_by",
                                      mine ? "You" : req->couple->partner_name));
        json_decref(row);
    } else {
        json_object_set_new(m, "together", json_null());
    }
    /* this week (from Monday, in the couple's zone) */
    int64_t today = tz_day_number(req->couple->today);
    char monday[11];
    tz_day_of(today - ((today % 7) + 7 + 3) % 7, monday);
    int64_t minutes = 0;
    if (db_int(&minutes,
               "SELECT coalesce(sum(minutes), 0) FROM time_together WHERE couple_id = $1"
               " AND started_at >= $2 AND ended_at IS NOT NULL",
               "ii", req->couple_id, tz_day_start(req->couple->time_zone, monday)) != DB_OK)
        return -1;
    json_object_set_new(m, "week_minutes", json_integer(minutes));
    json_object_set_new(
        m, "week_words",
        json_string(
            minutes == 0 ? "No time together logged this week yet."
            : minutes < 60
                ? arena_printf(req->arena, "%lld minutes together this week.", (long long)minutes)
                : arena_printf(req->arena, "%lld h %02lld min together this week.",
                               (long long)(minutes / 60), (long long)(minutes % 60))));
    return 0;
}

int time_together_page(struct req *req, struct res *res)
{
    time_title(res, "Together now");
    json_object_set_new(res_model(res), "partner_name", json_string(req->couple->partner_name));
    return time_together_model(req, res_model(res));
}

static int done(struct req *req, struct res *res, int64_t id)
{
    if (events_emit(req->couple_id, 0, "time.together", id) < 0)
        return -1;
    if (res_redirect(req, res, "/time/together"))
        return 0;
    return time_together_page(req, res);
}

int time_together_start(struct req *req, struct res *res)
{
    json_t *row;
    if (db_lock_couple(req->couple_id) != DB_OK)
        return -1;
    int rc = open_stretch(req, &row);
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_NOT_FOUND) {
        int64_t id = id_new();
        if (db_exec("INSERT INTO time_together (couple_id, id, started_by, started_at)"
                    " VALUES ($1, $2, $3, $4)",
                    "iiii", req->couple_id, id, req->user_id, clock_now_ms()) < 0)
            return -1;
        return done(req, res, id);
    }
    /* open already: the partner joins; the one who started is there */
    int64_t id = id_from(json_object_get(row, "id"));
    bool theirs = id_from(json_object_get(row, "started_by")) != req->user_id;
    json_decref(row);
    if (theirs && db_exec("UPDATE time_together SET joined_at = $3 WHERE couple_id = $1"
                          " AND id = $2 AND joined_at IS NULL",
                          "iii", req->couple_id, id, clock_now_ms()) < 0)
        return -1;
    return done(req, res, id);
}

int time_together_stop(struct req *req, struct res *res)
{
    json_t *row;
    if (db_lock_couple(req->couple_id) != DB_OK)
        return -1;
    int rc = open_stretch(req, &row);
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_NOT_FOUND) {
        res->status = 409;
        res->detail = "You are not together here right now: there is nothing to stop.";
        return 1;
    }
    int64_t id = id_from(json_object_get(row, "id")), now = clock_now_ms();
    int64_t minutes = (now - json_integer_value(json_object_get(row, "started_at"))) / 60000;
    json_decref(row);
    if (minutes > TIME_TOGETHER_MAX_MINUTES)
        minutes = TIME_TOGETHER_MAX_MINUTES;
    if (db_exec("UPDATE time_together SET ended_at = $3, minutes = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iiii", req->couple_id, id, now, minutes) < 0)
        return -1;
    return done(req, res, id);
}
