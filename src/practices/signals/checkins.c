/* checkins.c: how a person is arriving: mood and energy from 1 to 5, what
 * they need now, and a word if they like. The partner sees the latest, with
 * how long ago; one older than a day is shown as older, never as current.
 * Each sees their own of the last SIGNALS_FEED_DAYS as a small chart. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "http/events.h"
#include "practices/signals/internal.h"
#include "store/db.h"

enum { DAY_MS = 24 * 60 * 60 * 1000, CHART_W = 300, CHART_H = 100, CHART_POINTS = 400 };

static const char *const moods[] = {"low", "a bit flat", "okay", "good", "bright"};
static const char *const energies[] = {"running on empty", "tired", "steady", "lively",
                                       "full of beans"};

int signals_checkin(struct req *req, struct res *res)
{
    const char *word = req_str(req, "word");
    json_t *in = req->input;
    if (db_exec("INSERT INTO signals_checkins (couple_id, id, user_id, mood, energy, need, word,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                "iiiiissi", req->couple_id, id_new(), req->user_id,
                (int64_t)json_integer_value(json_object_get(in, "mood")),
                (int64_t)json_integer_value(json_object_get(in, "energy")), req_str(req, "need"),
                word != NULL && *word != '\0' ? word : NULL, clock_now_ms()) < 0 ||
        events_emit(req->couple_id, 0, "signals.checkin", 0) < 0)
        return -1;
    if (res_redirect(req, res, "/signals#checkin"))
        return 0;
    return signals_page(req, res);
}

int signals_partner_checkin(struct req *req, json_t *m)
{
    json_t *row;
    /* named, not "not me", so the index (couple_id, user_id, created_at)
     * finds the latest at once, however many came before */
    int rc = db_row(&row,
                    "SELECT mood, energy, need, word, created_at FROM signals_checkins"
                    " WHERE couple_id = $1 AND user_id = $2 ORDER BY created_at DESC LIMIT 1",
                    "ii:iissi", req->couple_id, req->couple->partner_id);
    if (rc == DB_NOT_FOUND)
        return 0;
    if (rc != DB_OK)
        return -1;
    int64_t mood = json_integer_value(json_object_get(row, "mood"));
    int64_t energy = json_integer_value(json_object_get(row, "energy"));
    int64_t at = json_integer_value(json_object_get(row, "created_at"));
    const struct signals_choice *need =
        signals_find(signals_needs, json_string_value(json_object_get(row, "need")));
    json_object_set_new(m, "partner_checkin",
                        json_pack("{s:I, s:I, s:s, s:s, s:s, s:O, s:s, s:b}", "mood",
                                  (json_int_t)mood, "energy", (json_int_t)energy, "mood_words",
                                  moods[(mood - 1) % 5], "energy_words", energies[(energy - 1) % 5],
                                  "need", need ? need->words : "", "word",
                                  json_object_get(row, "word"), "when", signals_ago(req, at),
                                  "older", clock_now_ms() - at > SIGNALS_CHECKIN_FRESH_MS));
    json_decref(row);
    return 0;
}

int signals_my_checkins(struct req *req, json_t *m)
{
    json_t *rows;
    int64_t now = clock_now_ms(), from = now - SIGNALS_FEED_DAYS * (int64_t)DAY_MS;
    if (db_query(&rows,
                 "SELECT mood, energy, created_at FROM signals_checkins WHERE couple_id = $1"
                 " AND user_id = $2 AND created_at > $3 ORDER BY created_at LIMIT $4",
                 "iiii:iii", req->couple_id, req->user_id, from, (int64_t)CHART_POINTS) != DB_OK)
        return -1;
    /* two lines over the days: x by time, y by the value (5 at the top) */
    char mood[CHART_POINTS * 16] = "", energy[CHART_POINTS * 16] = "";
    size_t mn = 0, en = 0, i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        double x = (double)(json_integer_value(json_object_get(row, "created_at")) - from) *
                   CHART_W / (double)(now - from);
        int64_t mv = json_integer_value(json_object_get(row, "mood"));
        int64_t ev = json_integer_value(json_object_get(row, "energy"));
        mn += (size_t)snprintf(mood + mn, sizeof(mood) - mn, "%s%.1f,%.1f", mn ? " " : "", x,
                               (double)(5 - mv) * (CHART_H - 10) / 4 + 5);
        en += (size_t)snprintf(energy + en, sizeof(energy) - en, "%s%.1f,%.1f", en ? " " : "", x,
                               (double)(5 - ev) * (CHART_H - 10) / 4 + 5);
    }
    size_t n = json_array_size(rows);
    if (n == 1) { /* a line of one point: drawn as a dot (its round cap) */
        memmove(mood + mn + 1, mood, mn + 1);
        mood[mn] = ' ';
        memmove(energy + en + 1, energy, en + 1);
        energy[en] = ' ';
    }
    json_t *last = n > 0 ? json_array_get(rows, n - 1) : NULL;
    json_object_set_new(m, "my_chart",
                        json_pack("{s:s, s:s, s:I}", "mood_points", mood, "energy_points", energy,
                                  "count", (json_int_t)n));
    if (last != NULL)
        json_object_set_new(
            m, "my_last",
            json_pack("{s:s, s:s}", "mood_words",
                      moods[(json_integer_value(json_object_get(last, "mood")) - 1) % 5], "when",
                      signals_ago(req, json_integer_value(json_object_get(last, "created_at")))));
    json_decref(rows);
    /* a form that came back keeps what was chosen: {mood_3: true, ...} */
    json_t *picked = json_object();
    const char *need = NULL;
    if (json_object_size(req->errors) > 0) {
        static const char *const SCALES[] = {"mood", "energy"};
        for (size_t k = 0; k < 2; k++) {
            const char *v = json_string_value(json_object_get(req->typed, SCALES[k]));
            if (v != NULL && strlen(v) == 1 && v[0] >= '1' && v[0] <= '5')
                json_object_set_new(picked, arena_printf(req->arena, "%s_%s", SCALES[k], v),
                                    json_true());
        }
        need = json_string_value(json_object_get(req->typed, "need"));
    }
    json_object_set_new(m, "picked", picked);
    json_t *needs = json_array();
    for (const struct signals_choice *c = signals_needs; c->name != NULL; c++)
        json_array_append_new(needs,
                              json_pack("{s:s, s:s, s:b}", "name", c->name, "label", c->label,
                                        "picked", need != NULL && !strcmp(need, c->name)));
    json_object_set_new(m, "needs", needs);
    return 0;
}
