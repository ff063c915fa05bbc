/* dive.c: the deep-dive evening: 36 questions in three sets of rising
 * depth, taking turns at who answers first; together (talk, then next) or in
 * writing (each pair of answers opens when both are in); paused and resumed
 * at will. Every change is an event, so both phones follow along. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "http/events.h"
#include "practices/share/internal.h"
#include "store/db.h"

const char *const share_dive_modes[] = {"together", "writing", NULL};

/* After a change: tells the couple's open pages, then answers with the page
 * (for the API) or a redirect to location. */
static int changed(struct req *req, struct res *res, const char *location)
{
    if (events_emit(req->couple_id, 0, "share.dive", 0) < 0)
        return -1;
    if (res_redirect(req, res, location))
        return 0;
    return share_dive_page(req, res);
}

static int current_dive(struct req *req, json_t **dive)
{
    return db_row(dive,
                  "SELECT id, mode, first_user_id, position, paused, created_at FROM share_dives"
                  " WHERE couple_id = $1 AND finished_at IS NULL ORDER BY created_at DESC",
                  "i:dsdibi", req->couple_id);
}

/* What both see of the dive: the question, who answers first, and in
 * writing mode the answers (the partner's only once both are in). */
static int dive_model(struct req *req, json_t *dive, json_t **out)
{
    int64_t id = id_from(json_object_get(dive, "id"));
    int pos = (int)json_integer_value(json_object_get(dive, "position"));
    bool me_first =
        (id_from(json_object_get(dive, "first_user_id")) == req->user_id) == (pos % 2 == 0);
    json_t *m = json_object();
    json_object_set(m, "id", json_object_get(dive, "id"));
    json_object_set(m, "mode", json_object_get(dive, "mode"));
    json_object_set_new(
        m, "writing",
        json_boolean(!strcmp(json_string_value(json_object_get(dive, "mode")), "writing")));
    json_object_set(m, "paused", json_object_get(dive, "paused"));
    json_object_set_new(m, "number", json_integer(pos + 1));
    json_object_set_new(m, "set", json_integer(pos / DIVE_SET + 1));
    json_object_set_new(m, "question", json_string(questions_dive(pos)));
    json_object_set_new(m, "you_first", json_boolean(me_first));
    json_object_set_new(m, "first_name", json_string(me_first ? "You" : req->couple->partner_name));
    json_object_set_new(m, "last", json_boolean(pos == DIVE_QUESTIONS - 1));

    json_t *rows;
    if (db_query(&rows,
                 "SELECT position, user_id, text FROM share_dive_answers WHERE couple_id = $1"
                 " AND dive_id = $2 ORDER BY position LIMIT 100",
                 "ii:ids", req->couple_id, id) != DB_OK) {
        json_decref(m);
        return -1;
    }
    /* pairs[position] = {mine, partner}; shown once both are in */
    json_t *by_pos = json_object();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        char key[24];
        snprintf(key, sizeof(key), "%lld",
                 (long long)json_integer_value(json_object_get(row, "position")));
        json_t *pair = json_object_get(by_pos, key);
        if (pair == NULL) {
            pair = json_object();
            json_object_set_new(by_pos, key, pair);
        }
        bool mine = id_from(json_object_get(row, "user_id")) == req->user_id;
        json_object_set(pair, mine ? "mine" : "partner", json_object_get(row, "text"));
    }
    json_decref(rows);
    char key[24];
    snprintf(key, sizeof(key), "%d", pos);
    json_t *current = json_object_get(by_pos, key), *pairs = json_array();
    json_t *mine = current ? json_object_get(current, "mine") : NULL;
    json_object_set_new(m, "mine", mine ? json_incref(mine) : json_null());
    json_object_set_new(m, "partner_answered",
                        json_boolean(current && json_object_get(current, "partner")));
    for (int at = 0; at <= pos && at < DIVE_QUESTIONS; at++) {
        snprintf(key, sizeof(key), "%d", at);
        json_t *pair = json_object_get(by_pos, key);
        if (pair == NULL || !json_object_get(pair, "mine") || !json_object_get(pair, "partner"))
            continue;
        json_array_append_new(pairs,
                              json_pack("{s:i, s:s, s:O, s:O, s:s}", "number", at + 1, "question",
                                        questions_dive(at), "mine", json_object_get(pair, "mine"),
                                        "partner", json_object_get(pair, "partner"), "partner_name",
                                        req->couple->partner_name));
    }
    json_decref(by_pos);
    json_object_set_new(m, "pairs", pairs);
    *out = m;
    return 0;
}

int share_dive_page(struct req *req, struct res *res)
{
    json_t *dive, *m = res_model(res);
    share_set_title(res, "Deep-dive evening");
    int rc = current_dive(req, &dive);
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_OK) {
        json_t *dm;
        rc = dive_model(req, dive, &dm);
        json_decref(dive);
        if (rc != 0)
            return -1;
        json_object_set_new(m, "dive", dm);
    } else {
        json_object_set_new(m, "dive", json_null());
        json_object_set(m, "finished", json_object_get(req->input, "finished"));
        /* a form that came back keeps the way chosen */
        const char *mode = json_string_value(json_object_get(req->typed, "mode"));
        json_object_set_new(m, "mode_writing", json_boolean(mode && !strcmp(mode, "writing")));
    }
    return 0;
}

int share_dive_start(struct req *req, struct res *res)
{
    json_t *dive;
    if (db_lock_couple(req->couple_id) != DB_OK)
        return -1;
    int rc = current_dive(req, &dive);
    if (rc == DB_OK) {
        json_decref(dive);
        req_error(req, "mode", "An evening is already under way: resume it or finish it first.");
        return 0;
    }
    if (rc == DB_ERROR)
        return -1;
    int64_t now = clock_now_ms();
    if (db_exec("INSERT INTO share_dives (couple_id, id, mode, first_user_id, position,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, 0, $5, $5)",
                "iisii", req->couple_id, id_new(), req_str(req, "mode"), req->user_id, now) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    return changed(req, res, "/share/deep-dive");
}

struct dive_state {
    int64_t id;
    int pos;
    bool writing, paused;
};

/* Loads the dive under way into st, or answers 409 (none, or paused when
 * running is needed). Returns 0, 1 when answered, or -1. */
static int running_dive(struct req *req, struct res *res, struct dive_state *st, bool running)
{
    json_t *dive;
    int rc = current_dive(req, &dive);
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_NOT_FOUND) {
        share_conflict(res, "There is no deep-dive evening under way. Start one first.");
        return 1;
    }
    st->id = id_from(json_object_get(dive, "id"));
    st->pos = (int)json_integer_value(json_object_get(dive, "position"));
    st->writing = !strcmp(json_string_value(json_object_get(dive, "mode")), "writing");
    st->paused = json_is_true(json_object_get(dive, "paused"));
    json_decref(dive);
    if (running && st->paused) {
        share_conflict(res, "This evening is paused. Resume it when you are both ready.");
        return 1;
    }
    return 0;
}

int share_dive_next(struct req *req, struct res *res)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, true);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t now = clock_now_ms();
    int next = st.pos + 1;
    if (db_exec("UPDATE share_dives SET position = $3, paused = 0, updated_at = $4,"
                " finished_at = CASE WHEN $3 >= $5 THEN $4 ELSE NULL END"
                " WHERE couple_id = $1 AND id = $2 AND position = $6",
                "iiiiii", req->couple_id, st.id, (int64_t)next, now, (int64_t)DIVE_QUESTIONS,
                (int64_t)st.pos) < 0)
        return -1;
    return changed(req, res,
                   next >= DIVE_QUESTIONS ? "/share/deep-dive?finished=1" : "/share/deep-dive");
}

static int pause_or_resume(struct req *req, struct res *res, int paused)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, false);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (db_exec("UPDATE share_dives SET paused = $3, updated_at = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iibi", req->couple_id, st.id, paused, clock_now_ms()) < 0)
        return -1;
    return changed(req, res, "/share/deep-dive");
}

int share_dive_pause(struct req *req, struct res *res)
{
    return pause_or_resume(req, res, 1);
}

int share_dive_resume(struct req *req, struct res *res)
{
    return pause_or_resume(req, res, 0);
}

int share_dive_answer(struct req *req, struct res *res)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, true);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (!st.writing) {
        share_conflict(res, "This evening is in person: talk, then tap next.");
        return 0;
    }
    if (db_exec("INSERT INTO share_dive_answers (couple_id, dive_id, position, user_id, text,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6)"
                " ON CONFLICT (couple_id, dive_id, position, user_id) DO NOTHING",
                "iiiisi", req->couple_id, st.id, (int64_t)st.pos, req->user_id,
                req_str(req, "text"), clock_now_ms()) < 0)
        return -1;
    return changed(req, res, "/share/deep-dive");
}
