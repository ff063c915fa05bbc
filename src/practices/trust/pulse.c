/* pulse.c: how close and how understood one feels, 0 to 10, as often as one
 * likes. Private by default: the partner sees a pulse only when its author
 * ticked "share with my partner". Each sees their own trend over
 * TRUST_PULSE_WEEKS as a small chart, and the partner's shared points. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "http/events.h"
#include "practices/trust/internal.h"
#include "store/db.h"

enum {
    WEEK_MS = 7 * 24 * 60 * 60 * 1000,
    CHART_W = 300,
    CHART_H = 100,
    POINTS = 300,
    POINTS_TEXT = POINTS * 16,
};

int trust_pulse(struct req *req, struct res *res)
{
    bool shared = json_is_true(json_object_get(req->input, "share"));
    if (db_exec("INSERT INTO trust_pulses (couple_id, id, user_id, close, understood, shared,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                "iiiiibi", req->couple_id, id_new(), req->user_id,
                (int64_t)json_integer_value(json_object_get(req->input, "close")),
                (int64_t)json_integer_value(json_object_get(req->input, "understood")), shared,
                clock_now_ms()) < 0 ||
        /* a private pulse is nobody's news */
        (shared && events_emit(req->couple_id, 0, "trust.pulse", 0) < 0))
        return -1;
    if (res_redirect(req, res, "/trust#pulse"))
        return 0;
    return trust_page(req, res);
}

/* "x,y x,y ..." of one value over the weeks, 10 at the top. */
static void points(json_t *rows, const char *key, int64_t from, int64_t span, char *out,
                   size_t size)
{
    size_t n = 0, i;
    json_t *row;
    out[0] = '\0';
    json_array_foreach (rows, i, row) {
        double x = (double)(json_integer_value(json_object_get(row, "created_at")) - from) *
                   CHART_W / (double)span;
        double y =
            (double)(10 - json_integer_value(json_object_get(row, key))) * (CHART_H - 10) / 10 + 5;
        int w = snprintf(out + n, size - n, "%s%.1f,%.1f", n ? " " : "", x, y);
        if (w < 0 || (size_t)w >= size - n)
            break;
        n += (size_t)w;
    }
    if (json_array_size(rows) == 1 && n * 2 + 2 < size) { /* one point: a dot */
        memmove(out + n + 1, out, n + 1);
        out[n] = ' ';
    }
}

int trust_pulse_model(struct req *req, json_t *m)
{
    int64_t now = clock_now_ms(), span = TRUST_PULSE_WEEKS * (int64_t)WEEK_MS, from = now - span;
    json_t *rows;
    /* yours, all of them; the partner's, only what they shared */
    if (db_query(&rows,
                 "SELECT user_id, close, understood, shared, created_at FROM trust_pulses"
                 " WHERE couple_id = $1 AND created_at > $2 AND (user_id = $3 OR shared = 1)"
                 " ORDER BY created_at LIMIT $4",
                 "iiii:diibi", req->couple_id, from, req->user_id, (int64_t)POINTS * 2) != DB_OK)
        return -1;
    json_t *mine = json_array(), *theirs = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append(id_from(json_object_get(row, "user_id")) == req->user_id ? mine : theirs,
                          row);
    json_decref(rows);
    char *cp = arena_alloc(req->arena, POINTS_TEXT), *up = arena_alloc(req->arena, POINTS_TEXT);
    points(mine, "close", from, span, cp, POINTS_TEXT);
    points(mine, "understood", from, span, up, POINTS_TEXT);
    json_object_set_new(m, "my_pulse",
                        json_pack("{s:s, s:s, s:I}", "close_points", cp, "understood_points", up,
                                  "count", (json_int_t)json_array_size(mine)));
    json_t *shared = json_array();
    json_array_foreach (theirs, i, row)
        json_array_insert_new(
            shared, 0,
            json_pack(
                "{s:O, s:O, s:s}", "close", json_object_get(row, "close"), "understood",
                json_object_get(row, "understood"), "when",
                tz_ago(req->arena, now, json_integer_value(json_object_get(row, "created_at")))));
    json_object_set_new(m, "partner_pulses", shared);
    json_decref(mine);
    json_decref(theirs);
    return 0;
}
