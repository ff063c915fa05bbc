/* dive.c: the deep-dive evening: 36 questions in three sets of rising
 * depth.
 *
 * Together (in person): one shared place in the questions; the two take
 * turns at answering first aloud, and either moves on with "next".
 * In writing (apart): each moves through the questions at their own pace,
 * by answering; a pair of answers opens when both have answered that
 * question (the reveal rule: nobody sees the other's words before writing
 * their own, and nobody moves the other on). The evening starts at the
 * shared place, so switching from together to writing carries on from
 * there; switching back takes the earlier of the two places, so nobody's
 * question is skipped. Either can pause, switch or end the evening at any
 * point; ended evenings stay readable. Every change is an event, so both
 * phones follow along. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "http/events.h"
#include "practices/share/internal.h"
#include "store/db.h"

const char *const share_dive_modes[] = {"together", "writing", NULL};

enum { DIVE_PAIRS_OPEN = 3 }; /* pairs shown unfolded under the question */

#define DIVE_COLUMNS "id, mode, first_user_id, position, paused, created_at, finished_at"
#define DIVE_TYPES "dsdibii"

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
                  "SELECT " DIVE_COLUMNS " FROM share_dives"
                  " WHERE couple_id = $1 AND finished_at IS NULL ORDER BY created_at DESC",
                  "i:" DIVE_TYPES, req->couple_id);
}

/* An evening's answers, by question: who answered which. */
struct answered {
    const char *mine[DIVE_QUESTIONS], *partner[DIVE_QUESTIONS];
    json_t *rows; /* owns the texts */
};

static int load_answers(struct req *req, int64_t dive_id, struct answered *a)
{
    memset(a, 0, sizeof(*a));
    if (db_query(&a->rows,
                 "SELECT position, user_id, text FROM share_dive_answers WHERE couple_id = $1"
                 " AND dive_id = $2 ORDER BY position LIMIT 100",
                 "ii:ids", req->couple_id, dive_id) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (a->rows, i, row) {
        int64_t pos = json_integer_value(json_object_get(row, "position"));
        if (pos < 0 || pos >= DIVE_QUESTIONS)
            continue;
        const char *text = json_string_value(json_object_get(row, "text"));
        if (id_from(json_object_get(row, "user_id")) == req->user_id)
            a->mine[pos] = text;
        else
            a->partner[pos] = text;
    }
    return 0;
}

/* In writing, where a person is: the first question from start on that they
 * have not answered (DIVE_QUESTIONS when they answered them all). */
static int writing_place(const char *const answers[DIVE_QUESTIONS], int start)
{
    int pos = start;
    while (pos < DIVE_QUESTIONS && answers[pos] != NULL)
        pos++;
    return pos;
}

/* The pairs both answered, in order. */
static json_t *pairs_of(struct req *req, const struct answered *a)
{
    json_t *pairs = json_array();
    for (int at = 0; at < DIVE_QUESTIONS; at++)
        if (a->mine[at] != NULL && a->partner[at] != NULL)
            json_array_append_new(pairs, json_pack("{s:i, s:s, s:s, s:s, s:s}", "number", at + 1,
                                                   "question", questions_dive(at), "mine",
                                                   a->mine[at], "partner", a->partner[at],
                                                   "partner_name", req->couple->partner_name));
    return pairs;
}

/* What a person sees of an evening under way: the question they are on,
 * who answers first (together only), and the pairs of answers both wrote. */
static int dive_model(struct req *req, json_t *dive, json_t **out)
{
    int64_t id = id_from(json_object_get(dive, "id"));
    int shared = (int)json_integer_value(json_object_get(dive, "position"));
    bool writing = !strcmp(json_string_value(json_object_get(dive, "mode")), "writing");
    struct answered a;
    if (load_answers(req, id, &a) != 0)
        return -1;
    int pos = writing ? writing_place(a.mine, shared) : shared;
    bool done = pos >= DIVE_QUESTIONS;
    json_t *m = json_object();
    json_object_set(m, "id", json_object_get(dive, "id"));
    json_object_set(m, "mode", json_object_get(dive, "mode"));
    json_object_set_new(m, "writing", json_boolean(writing));
    json_object_set(m, "paused", json_object_get(dive, "paused"));
    json_object_set_new(m, "done", json_boolean(done));
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    if (!done) {
        json_object_set_new(m, "number", json_integer(pos + 1));
        json_object_set_new(m, "set", json_integer(pos / DIVE_SET + 1));
        json_object_set_new(m, "question", json_string(questions_dive(pos)));
        json_object_set_new(m, "last", json_boolean(pos == DIVE_QUESTIONS - 1));
        json_object_set_new(m, "mine", a.mine[pos] ? json_string(a.mine[pos]) : json_null());
        json_object_set_new(m, "partner_answered", json_boolean(a.partner[pos] != NULL));
    }
    if (!writing && !done) { /* turns are for talking, face to face */
        bool me_first =
            (id_from(json_object_get(dive, "first_user_id")) == req->user_id) == (pos % 2 == 0);
        json_object_set_new(m, "you_first", json_boolean(me_first));
        json_object_set_new(m, "first_name",
                            json_string(me_first ? "You" : req->couple->partner_name));
    }
    json_t *pairs = pairs_of(req, &a);
    /* a long list folds away, so the question at hand stays in view */
    json_object_set_new(m, "pairs_open", json_boolean(json_array_size(pairs) <= DIVE_PAIRS_OPEN));
    json_object_set_new(m, "pairs_count", json_integer((json_int_t)json_array_size(pairs)));
    json_object_set_new(m, "pairs", pairs);
    json_decref(a.rows);
    *out = m;
    return 0;
}

/* The evenings that ended, newest first, for the page and the archive. */
int share_dive_history(struct req *req, json_t *model)
{
    json_t *rows, *list = json_array();
    json_object_set_new(model, "evenings", list);
    if (db_query(&rows,
                 "SELECT d.id, d.mode, d.position, d.created_at, (SELECT count(*)"
                 " FROM share_dive_answers a WHERE a.couple_id = d.couple_id AND a.dive_id = d.id"
                 " AND a.user_id = $2 AND EXISTS (SELECT 1 FROM share_dive_answers b"
                 " WHERE b.couple_id = a.couple_id AND b.dive_id = a.dive_id"
                 " AND b.position = a.position AND b.user_id <> a.user_id)) AS pairs"
                 " FROM share_dives d WHERE d.couple_id = $1 AND d.finished_at IS NOT NULL"
                 " ORDER BY d.created_at DESC LIMIT $3",
                 "iii:dsiii", req->couple_id, req->user_id, (int64_t)SHARE_EVENINGS_SHOWN) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        char day[11], words[TZ_DAY_WORDS];
        tz_date(req->couple->time_zone, json_integer_value(json_object_get(row, "created_at")),
                day);
        tz_day_words(day, req->couple->today, words);
        bool writing = !strcmp(json_string_value(json_object_get(row, "mode")), "writing");
        int64_t n = json_integer_value(json_object_get(row, writing ? "pairs" : "position"));
        json_array_append_new(
            list, json_pack("{s:O, s:s, s:b, s:I}", "id", json_object_get(row, "id"), "when", words,
                            "writing", writing, writing ? "pairs" : "questions", (json_int_t)n));
    }
    json_decref(rows);
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
    return share_dive_history(req, m);
}

/* GET /share/deep-dive/{id}: an evening that ended, to read again. */
int share_dive_evening(struct req *req, struct res *res)
{
    json_t *dive;
    int rc = res_found(res, db_row(&dive,
                                   "SELECT " DIVE_COLUMNS " FROM share_dives WHERE couple_id = $1"
                                   " AND id = $2 AND finished_at IS NOT NULL",
                                   "ii:" DIVE_TYPES, req->couple_id,
                                   id_from(json_object_get(req->params, "id"))));
    if (rc != 0)
        return rc;
    struct answered a;
    if (load_answers(req, id_from(json_object_get(dive, "id")), &a) != 0) {
        json_decref(dive);
        return -1;
    }
    char day[11], words[TZ_DAY_WORDS];
    tz_date(req->couple->time_zone, json_integer_value(json_object_get(dive, "created_at")), day);
    tz_day_words(day, req->couple->today, words);
    bool writing = !strcmp(json_string_value(json_object_get(dive, "mode")), "writing");
    int talked = (int)json_integer_value(json_object_get(dive, "position"));
    json_t *m = res_model(res), *questions = json_array();
    for (int at = 0; !writing && at < talked && at < DIVE_QUESTIONS; at++)
        json_array_append_new(
            questions, json_pack("{s:i, s:s}", "number", at + 1, "question", questions_dive(at)));
    json_object_set_new(m, "evening",
                        json_pack("{s:O, s:s, s:b, s:o, s:o}", "id", json_object_get(dive, "id"),
                                  "when", words, "writing", writing, "pairs", pairs_of(req, &a),
                                  "questions", questions));
    json_decref(a.rows);
    json_decref(dive);
    share_set_title(res, arena_printf(req->arena, "The deep-dive evening of %s", words));
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
        req_error(req, "mode",
                  "An evening is already under way: carry on with it or end it first.");
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

/* Holds the couple and loads the evening under way into st, or answers 409
 * (none, or paused when running is needed). Returns 0, 1 when answered, or
 * -1. */
static int running_dive(struct req *req, struct res *res, struct dive_state *st, bool running)
{
    json_t *dive;
    if (db_lock_couple(req->couple_id) != DB_OK)
        return -1;
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

static int finish(struct req *req, const struct dive_state *st)
{
    return db_exec("UPDATE share_dives SET finished_at = $3, updated_at = $3 WHERE couple_id = $1"
                   " AND id = $2 AND finished_at IS NULL",
                   "iii", req->couple_id, st->id, clock_now_ms()) < 0
               ? -1
               : 0;
}

int share_dive_next(struct req *req, struct res *res)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, true);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (st.writing) {
        share_conflict(res, "In writing, each of you moves on by answering.");
        return 0;
    }
    int next = st.pos + 1;
    if (db_exec("UPDATE share_dives SET position = $3, updated_at = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iiii", req->couple_id, st.id, (int64_t)next, clock_now_ms()) < 0 ||
        (next >= DIVE_QUESTIONS && finish(req, &st) != 0))
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

int share_dive_end(struct req *req, struct res *res)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, false);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (finish(req, &st) != 0)
        return -1;
    return changed(req, res, "/share/deep-dive?finished=1");
}

/* Switches the evening to the other way of doing it. From writing to
 * together, the shared place becomes the earlier of the two partners', so
 * neither skips a question. */
int share_dive_mode(struct req *req, struct res *res)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, false);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    const char *mode = req_str(req, "mode");
    int pos = st.pos;
    if (st.writing && strcmp(mode, "together") == 0) {
        struct answered a;
        if (load_answers(req, st.id, &a) != 0)
            return -1;
        int mine = writing_place(a.mine, st.pos), theirs = writing_place(a.partner, st.pos);
        json_decref(a.rows);
        pos = mine < theirs ? mine : theirs;
    }
    if (db_exec("UPDATE share_dives SET mode = $3, position = $4, updated_at = $5"
                " WHERE couple_id = $1 AND id = $2",
                "iisii", req->couple_id, st.id, mode, (int64_t)pos, clock_now_ms()) < 0 ||
        (pos >= DIVE_QUESTIONS && finish(req, &st) != 0))
        return -1;
    return changed(req, res,
                   pos >= DIVE_QUESTIONS ? "/share/deep-dive?finished=1" : "/share/deep-dive");
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
    struct answered a;
    if (load_answers(req, st.id, &a) != 0)
        return -1;
    int pos = writing_place(a.mine, st.pos), theirs = writing_place(a.partner, st.pos);
    bool partner_done = theirs >= DIVE_QUESTIONS;
    json_decref(a.rows);
    /* the answer names its question: one sent twice, or from an older page,
     * does not land on the next */
    json_t *number = json_object_get(req->input, "number");
    if (pos >= DIVE_QUESTIONS || (number != NULL && json_integer_value(number) != pos + 1)) {
        res->status = 409;
        res->detail = "You have answered that question already: here is where you are now. "
                      "Your words are kept below; nothing was saved.";
        json_t *m = res_model(res);
        json_object_set_new(m, "notice", json_string(res->detail));
        json_object_set(m, "input", req->typed);
        return share_dive_page(req, res);
    }
    if (db_exec("INSERT INTO share_dive_answers (couple_id, dive_id, position, user_id, text,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6)"
                " ON CONFLICT (couple_id, dive_id, position, user_id) DO NOTHING",
                "iiiisi", req->couple_id, st.id, (int64_t)pos, req->user_id, req_str(req, "text"),
                clock_now_ms()) < 0)
        return -1;
    /* the last answer of both ends the evening */
    bool ended = pos == DIVE_QUESTIONS - 1 && partner_done;
    if (ended && finish(req, &st) != 0)
        return -1;
    return changed(req, res, ended ? "/share/deep-dive?finished=1" : "/share/deep-dive");
}

int share_dive_waiting(struct req *req, json_t *list)
{
    json_t *dive;
    int rc = current_dive(req, &dive);
    if (rc == DB_NOT_FOUND)
        return 0;
    if (rc != DB_OK)
        return -1;
    bool writing = !strcmp(json_string_value(json_object_get(dive, "mode")), "writing");
    struct answered a;
    rc = writing ? load_answers(req, id_from(json_object_get(dive, "id")), &a) : 0;
    if (rc == 0 && writing) {
        int pos = writing_place(a.mine, (int)json_integer_value(json_object_get(dive, "position")));
        if (pos < DIVE_QUESTIONS && a.partner[pos] != NULL)
            json_array_append_new(
                list, json_pack("{s:s, s:s}", "text",
                                arena_printf(req->arena,
                                             "%s answered question %d of your deep-dive evening",
                                             req->couple->partner_name, pos + 1),
                                "href", "/share/deep-dive"));
        json_decref(a.rows);
    }
    json_decref(dive);
    return rc;
}
