/* sessions.c: a speaker-listener session. One partner holds the floor (the
 * speaker), the other listens; only one session is open per couple.
 *
 * In writing, the turns go piece (the speaker) -> reflection (the listener,
 * with feeling words) -> verdict (the speaker: understood, partly or not
 * yet, with a clarification the listener then reflects on) -> the next
 * piece ...; the floor passes on request when nothing waits for the
 * listener. The turn is read from the steps since the last swap, so
 * nobody can write out of turn and the listener never has a second piece
 * before reflecting on the first. Together, on one phone, the words are
 * spoken: the page keeps the floor, the cues and the timer, and records
 * each answer to "did you feel understood?".
 *
 * A verdict is a round's first try when no "partly" or "not yet" came
 * before it in the same round (since the last understood or swap): the
 * measure counts how many first tries were understood. Every step is
 * written holding the couple, so two phones cannot take one turn twice. */
#include <stdio.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/feelings.h"
#include "practices/listen/internal.h"
#include "store/db.h"

const char *const listen_modes[] = {"together", "writing", NULL};
const char *const listen_verdicts[] = {"yes", "understood", "partly", "not-yet", NULL};

enum turn { TURN_PIECE, TURN_REFLECTION, TURN_VERDICT };

static const char SESSION_SQL[] =
    "SELECT id, topic, mode, speaker_id, steps, created_at, ended_at FROM listen_sessions"
    " WHERE couple_id = $1 AND id = $2";
static const char SESSION_TYPES[] = "ii:dssdiii";

static int64_t id_of(json_t *row, const char *key)
{
    return id_from(json_object_get(row, key));
}

static const char *str_of(json_t *row, const char *key)
{
    return json_string_value(json_object_get(row, key));
}

static bool writing(json_t *session)
{
    return strcmp(str_of(session, "mode"), "writing") == 0;
}

static int load_steps(struct req *req, int64_t session_id, json_t **steps)
{
    return db_query(steps,
                    "SELECT seq, kind, user_id, text, feelings, verdict, first_try, created_at"
                    " FROM listen_steps WHERE couple_id = $1 AND session_id = $2 ORDER BY seq"
                    " LIMIT 400",
                    "ii:isdsssbi", req->couple_id, session_id);
}

/* Where a session stands: whose turn it is, and whether the next verdict
 * is a round's first try. */
struct stand {
    enum turn turn;
    bool first_try;
    const char *last_verdict; /* since the last swap, or NULL */
};

static struct stand stand_of(json_t *session, json_t *steps)
{
    struct stand s = {writing(session) ? TURN_PIECE : TURN_VERDICT, true, NULL};
    size_t i;
    json_t *step;
    json_array_foreach (steps, i, step) {
        const char *kind = str_of(step, "kind");
        const char *text = str_of(step, "text");
        if (!strcmp(kind, "swap")) {
            s = (struct stand){writing(session) ? TURN_PIECE : TURN_VERDICT, true, NULL};
        } else if (!strcmp(kind, "piece")) {
            s.turn = TURN_REFLECTION;
        } else if (!strcmp(kind, "reflection")) {
            s.turn = TURN_VERDICT;
        } else { /* a verdict */
            s.last_verdict = str_of(step, "verdict");
            s.first_try = !strcmp(s.last_verdict, "understood");
            if (writing(session))
                s.turn = text != NULL && *text ? TURN_REFLECTION : TURN_PIECE;
        }
    }
    return s;
}

/* The session of the request's {id}, with its steps, holding the couple
 * when lock is set. Answers 404 for another couple's. Returns 0 (go on), 1
 * (answered) or -1. */
static int load(struct req *req, struct res *res, bool lock, json_t **session, json_t **steps)
{
    if (lock && db_lock_couple(req->couple_id) != DB_OK)
        return -1;
    int rc = res_found(res, db_row(session, SESSION_SQL, SESSION_TYPES, req->couple_id,
                                   id_from(json_object_get(req->params, "id"))));
    if (rc != 0)
        return rc;
    if (load_steps(req, id_of(*session, "id"), steps) != DB_OK) {
        json_decref(*session);
        return -1;
    }
    return 0;
}

static const char *name_of(struct req *req, int64_t user_id)
{
    return user_id == req->user_id ? "You" : req->couple->partner_name;
}

/* ---- the page of a session ---- */

static const char *verdict_label(const char *v)
{
    return v == NULL                  ? ""
           : !strcmp(v, "understood") ? "Understood"
           : !strcmp(v, "partly")     ? "Partly"
                                      : "Not yet";
}

/* The steps as the page shows them. */
static json_t *steps_view(struct req *req, json_t *steps)
{
    json_t *out = json_array();
    size_t i;
    json_t *step;
    json_array_foreach (steps, i, step) {
        const char *kind = str_of(step, "kind");
        int64_t who = id_of(step, "user_id");
        json_t *v = json_pack("{s:s, s:s, s:O, s:b, s:b, s:b, s:b}", "kind", kind, "who",
                              name_of(req, who), "text", json_object_get(step, "text"), "piece",
                              !strcmp(kind, "piece"), "reflection", !strcmp(kind, "reflection"),
                              "verdict", !strcmp(kind, "verdict"), "swap", !strcmp(kind, "swap"));
        json_t *feelings = json_array();
        const char *list = str_of(step, "feelings");
        for (const char *p = list; p != NULL && *p;) {
            const char *comma = strchr(p, ',');
            size_t n = comma ? (size_t)(comma - p) : strlen(p);
            json_array_append_new(feelings, json_stringn(p, n));
            p = comma ? comma + 1 : NULL;
        }
        json_object_set_new(v, "feelings", feelings);
        json_object_set_new(v, "verdict_label",
                            json_string(verdict_label(str_of(step, "verdict"))));
        json_object_set_new(v, "to",
                            json_string(who == req->user_id ? "you" : req->couple->partner_name));
        json_array_append_new(out, v);
    }
    return out;
}

static void set_cues(json_t *m, const char *const *sections, size_t n)
{
    json_t *cues = json_object();
    for (size_t k = 0; k < n; k++) {
        char key[32];
        snprintf(key, sizeof(key), "%s", sections[k]);
        for (char *c = key; *c; c++)
            if (*c == '-')
                *c = '_';
        json_object_set(cues, key, listen_cues(sections[k]));
    }
    json_object_set_new(m, "cues", cues);
}

/* What the turn asks, in words, for the person looking. */
static const char *turn_words(struct req *req, json_t *session, struct stand st, bool i_speak)
{
    const char *speaker = i_speak ? "you" : req->couple->partner_name;
    const char *listener = i_speak ? req->couple->partner_name : "you";
    if (!writing(session))
        return arena_printf(req->arena, "%s %s the floor.", i_speak ? "You" : speaker,
                            i_speak ? "hold" : "holds");
    switch (st.turn) {
    case TURN_PIECE:
        return i_speak ? "Your turn: write what is on your mind."
                       : arena_printf(req->arena, "%s is writing. You will see it here.", speaker);
    case TURN_REFLECTION:
        return i_speak ? arena_printf(req->arena, "%s is reflecting on what you wrote.", listener)
                       : "Your turn: tell back what you hear.";
    default:
        return i_speak ? "Your turn: did you feel understood?"
                       : arena_printf(req->arena, "%s is reading your reflection.", speaker);
    }
}

/* The vocabulary as checkboxes, with what the person picked kept when the
 * form comes back. */
static json_t *feelings_to_pick(struct req *req)
{
    json_t *picked = json_object_get(req->input, "feelings"), *out = json_array();
    size_t g, i, k, n = 0;
    json_t *group, *word, *p;
    json_array_foreach (feelings_groups(), g, group) {
        json_t *words = json_array();
        json_array_foreach (json_object_get(group, "words"), i, word) {
            bool checked = false;
            json_array_foreach (picked, k, p)
                checked = checked || json_equal(p, word);
            json_array_append_new(words, json_pack("{s:O, s:b, s:I}", "word", word, "checked",
                                                   checked, "n", (json_int_t)n++));
        }
        json_array_append_new(
            out, json_pack("{s:O, s:o}", "label", json_object_get(group, "label"), "words", words));
    }
    return out;
}

static int session_model(struct req *req, json_t *session, json_t *steps, json_t *m)
{
    int64_t speaker = id_of(session, "speaker_id");
    bool i_speak = speaker == req->user_id,
         open = json_is_null(json_object_get(session, "ended_at"));
    bool in_writing = writing(session);
    struct stand st = stand_of(session, steps);
    char day[11], words[TZ_DAY_WORDS];
    tz_date(req->couple->time_zone, json_integer_value(json_object_get(session, "created_at")),
            day);
    tz_day_words(day, req->couple->today, words);
    json_object_set_new(
        m, "session",
        json_pack("{s:O, s:O, s:s, s:b, s:b, s:b, s:s}", "id", json_object_get(session, "id"),
                  "topic", json_object_get(session, "topic"), "mode", str_of(session, "mode"),
                  "writing", in_writing, "together", !in_writing, "open", open, "when", words));
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set_new(m, "speaker_name",
                        json_string(i_speak ? "You" : req->couple->partner_name));
    json_object_set_new(m, "listener_name",
                        json_string(i_speak ? req->couple->partner_name : "You"));
    json_object_set_new(m, "i_speak", json_boolean(i_speak));
    json_object_set_new(m, "steps", steps_view(req, steps));
    bool mine = in_writing ? (st.turn == TURN_REFLECTION) != i_speak : true;
    json_object_set_new(m, "turn",
                        json_pack("{s:s, s:b}", "words", turn_words(req, session, st, i_speak),
                                  "mine", open && mine));
    json_object_set_new(m, "can_piece",
                        json_boolean(open && in_writing && i_speak && st.turn == TURN_PIECE));
    json_object_set_new(m, "can_reflect",
                        json_boolean(open && in_writing && !i_speak && st.turn == TURN_REFLECTION));
    json_object_set_new(m, "can_verdict",
                        json_boolean(open && st.turn == TURN_VERDICT && (i_speak || !in_writing)));
    json_object_set_new(
        m, "can_swap",
        json_boolean(open && st.turn != TURN_REFLECTION && (!in_writing || st.turn == TURN_PIECE)));
    bool clarify = st.last_verdict != NULL && strcmp(st.last_verdict, "understood") != 0;
    json_object_set_new(m, "clarify", json_boolean(open && clarify));
    json_object_set_new(m, "last_verdict", json_string(verdict_label(st.last_verdict)));
    json_object_set_new(m, "timer_seconds", json_integer(LISTEN_TOGETHER_SECONDS));
    json_object_set_new(m, "timer_minutes", json_integer(LISTEN_TOGETHER_SECONDS / 60));
    json_object_set_new(m, "piece_max", json_integer(LISTEN_PIECE_MAX));
    static const char *const sections[] = {"speaker",    "listener", "timer",
                                           "understood", "clarify",  "reflect-starters",
                                           "piece-help", "swap",     "closing"};
    set_cues(m, sections, ARRAY_LEN(sections));
    if (open && in_writing && !i_speak && st.turn == TURN_REFLECTION)
        json_object_set_new(m, "feelings", feelings_to_pick(req));
    return 0;
}

int listen_session_page(struct req *req, struct res *res)
{
    json_t *session, *steps;
    int rc = load(req, res, false, &session, &steps);
    if (rc != 0)
        return rc;
    listen_title(res, arena_printf(req->arena, "Listen: %s", str_of(session, "topic")));
    rc = session_model(req, session, steps, res_model(res));
    json_decref(session);
    json_decref(steps);
    return rc;
}

/* ---- steps ---- */

/* After a step: tells the couple's pages, then back to the session. */
static int stepped(struct req *req, struct res *res, int64_t session_id)
{
    if (events_emit(req->couple_id, 0, "listen.step", session_id) < 0)
        return -1;
    if (res_redirect(req, res,
                     arena_printf(req->arena, "/listen/sessions/%lld#now", (long long)session_id)))
        return 0;
    return listen_session_page(req, res);
}

static int refuse(struct res *res, int status, const char *detail)
{
    res->status = status;
    res->detail = detail;
    return 1;
}

/* Adds a step of kind to the session, as the next in order. */
static int add_step(struct req *req, json_t *session, const char *kind, int64_t user_id,
                    const char *text, const char *feelings, const char *verdict, bool first_try)
{
    int64_t id = id_of(session, "id"), seq = json_integer_value(json_object_get(session, "steps"));
    int64_t now = clock_now_ms();
    if (db_exec("INSERT INTO listen_steps (couple_id, session_id, seq, kind, user_id, text,"
                " feelings, verdict, first_try, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                "iiisisssbi", req->couple_id, id, seq + 1, kind, user_id, text, feelings, verdict,
                (int)first_try, now) < 0 ||
        db_exec("UPDATE listen_sessions SET steps = $3, updated_at = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iiii", req->couple_id, id, seq + 1, now) < 0)
        return -1;
    return 0;
}

enum actor { SPEAKER, LISTENER, EITHER };

/* Loads the session for a step by actor when the turn is turn (ANY_TURN:
 * whatever it is): answers and returns 1 when the session has ended, is
 * full, is the wrong mode, is not the person's to act in, or waits for
 * something else. */
enum { ANY_TURN = -1 };
static int take_turn(struct req *req, struct res *res, enum actor actor, int turn, bool in_writing,
                     json_t **session, struct stand *st)
{
    json_t *steps;
    int rc = load(req, res, true, session, &steps);
    if (rc != 0)
        return rc;
    *st = stand_of(*session, steps);
    json_decref(steps);
    bool i_speak = id_of(*session, "speaker_id") == req->user_id;
    rc = 1;
    if (!json_is_null(json_object_get(*session, "ended_at")))
        refuse(res, 409, "This conversation has ended. Its words stay readable here.");
    else if (in_writing && !writing(*session))
        refuse(res, 409, "In person, you say it aloud: there is nothing to write here.");
    else if (json_integer_value(json_object_get(*session, "steps")) >= LISTEN_STEPS_MAX)
        refuse(res, 409, "This conversation is as long as one can be. End it and start another.");
    else if ((actor == SPEAKER && !i_speak) || (actor == LISTENER && i_speak))
        refuse(res, 403,
               actor == SPEAKER ? "Only the one who holds the floor writes this."
                                : "The one who holds the floor does not reflect on themselves.");
    else if (turn != ANY_TURN && (int)st->turn != turn)
        refuse(res, 409, "Not yet: it is another step's turn. The page shows whose.");
    else
        rc = 0;
    if (rc != 0)
        json_decref(*session);
    return rc;
}

int listen_piece(struct req *req, struct res *res)
{
    json_t *session;
    struct stand st;
    int rc = take_turn(req, res, SPEAKER, TURN_PIECE, true, &session, &st);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t id = id_of(session, "id");
    rc = add_step(req, session, "piece", req->user_id, req_str(req, "text"), NULL, NULL, false);
    json_decref(session);
    return rc < 0 ? -1 : stepped(req, res, id);
}

int listen_reflection(struct req *req, struct res *res)
{
    json_t *chosen = json_object_get(req->input, "feelings");
    json_t *session;
    struct stand st;
    int rc = take_turn(req, res, LISTENER, TURN_REFLECTION, true, &session, &st);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (json_array_size(chosen) > LISTEN_FEELINGS_PICK) {
        json_decref(session);
        req_error(req, "feelings", "Pick up to six feelings: the ones you hear most.");
        return 0;
    }
    struct buf list;
    buf_init(&list, LISTEN_FEELINGS_PICK * FEELING_MAX);
    size_t i;
    json_t *word;
    json_array_foreach (chosen, i, word)
        buf_printf(&list, "%s%s", i ? "," : "", json_string_value(word));
    int64_t id = id_of(session, "id");
    rc = add_step(req, session, "reflection", req->user_id, req_str(req, "text"),
                  list.data && *list.data ? list.data : NULL, NULL, false);
    buf_free(&list);
    json_decref(session);
    return rc < 0 ? -1 : stepped(req, res, id);
}

int listen_verdict(struct req *req, struct res *res)
{
    const char *verdict = req_str(req, "verdict");
    if (!strcmp(verdict, "yes"))
        verdict = "understood";
    const char *clarify = req_str(req, "clarify");
    bool clarifies = clarify != NULL && *clarify;
    json_t *session;
    struct stand st;
    /* in writing only the speaker answers; in person the phone is shared */
    int rc = take_turn(req, res, EITHER, TURN_VERDICT, false, &session, &st);
    if (rc == 0 && writing(session) && id_of(session, "speaker_id") != req->user_id) {
        json_decref(session);
        rc =
            refuse(res, 403, "Only the one who holds the floor says whether they felt understood.");
    }
    if (rc == 0 && clarifies && !writing(session)) {
        json_decref(session);
        rc = refuse(res, 409, "In person, you say it aloud: there is nothing to write here.");
    }
    if (rc == 0 && clarifies && !strcmp(verdict, "understood")) {
        json_decref(session);
        req_error(req, "clarify", "A clarification goes with “partly” or “not yet”.");
        return 0;
    }
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t id = id_of(session, "id");
    rc = add_step(req, session, "verdict", id_of(session, "speaker_id"), clarifies ? clarify : NULL,
                  NULL, verdict, st.first_try);
    json_decref(session);
    return rc < 0 ? -1 : stepped(req, res, id);
}

int listen_swap(struct req *req, struct res *res)
{
    json_t *session;
    struct stand st;
    int rc = take_turn(req, res, EITHER, ANY_TURN, false, &session, &st);
    if (rc == 0 && writing(session) && st.turn != TURN_PIECE) {
        json_decref(session);
        rc = refuse(res, 409, "Finish this round first: the floor passes when nothing waits.");
    }
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t id = id_of(session, "id");
    int64_t next =
        id_of(session, "speaker_id") == req->user_id ? req->couple->partner_id : req->user_id;
    rc = add_step(req, session, "swap", next, NULL, NULL, NULL, false);
    if (rc == 0 && db_exec("UPDATE listen_sessions SET speaker_id = $3 WHERE couple_id = $1"
                           " AND id = $2",
                           "iii", req->couple_id, id, next) < 0)
        rc = -1;
    json_decref(session);
    return rc < 0 ? -1 : stepped(req, res, id);
}

int listen_end(struct req *req, struct res *res)
{
    json_t *session;
    struct stand st;
    int rc = take_turn(req, res, EITHER, ANY_TURN, false, &session, &st);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t id = id_of(session, "id");
    json_decref(session);
    if (db_exec("UPDATE listen_sessions SET ended_at = $3, updated_at = $3 WHERE couple_id = $1"
                " AND id = $2",
                "iii", req->couple_id, id, clock_now_ms()) < 0)
        return -1;
    return stepped(req, res, id);
}

/* ---- starting, the list and the measure ---- */

static int open_session(struct req *req, json_t **session)
{
    return db_row(session,
                  "SELECT id, topic, mode, speaker_id, steps, created_at, ended_at"
                  " FROM listen_sessions WHERE couple_id = $1 AND ended_at IS NULL LIMIT 1",
                  "i:dssdiii", req->couple_id);
}

int listen_start_session(struct req *req, struct res *res)
{
    json_t *open;
    if (db_lock_couple(req->couple_id) != DB_OK)
        return -1;
    int rc = open_session(req, &open);
    if (rc == DB_OK) {
        json_decref(open);
        req_error(req, "topic", "A conversation is already open: finish or end it first.");
        return 0;
    }
    if (rc != DB_NOT_FOUND)
        return -1;
    int64_t id = id_new(), now = clock_now_ms();
    if (db_exec("INSERT INTO listen_sessions (couple_id, id, topic, mode, started_by, speaker_id,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5, $6, $6)",
                "iissii", req->couple_id, id, req_str(req, "topic"), req_str(req, "mode"),
                req->user_id, now) < 0 ||
        events_emit(req->couple_id, 0, "listen.step", id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, arena_printf(req->arena, "/listen/sessions/%lld", (long long)id)))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

/* "You have held 7 conversations. 12 of 18 reflections were understood at
 * the first try; lately (30 days), 5 of 6." */
static const char *measure_words(struct req *req, int64_t held, int64_t first, int64_t got,
                                 int64_t recent_first, int64_t recent_got)
{
    if (held == 0)
        return "No conversations yet. The first one can be a light one.";
    const char *s =
        held == 1 ? "You have held one conversation."
                  : arena_printf(req->arena, "You have held %lld conversations.", (long long)held);
    if (first == 0)
        return s;
    s = arena_printf(req->arena, "%s %lld of %lld reflection%s understood at the first try", s,
                     (long long)got, (long long)first, first == 1 ? " was" : "s were");
    if (recent_first > 0 && recent_first < first)
        s = arena_printf(req->arena, "%s; in the last %d days, %lld of %lld", s, LISTEN_RECENT_DAYS,
                         (long long)recent_got, (long long)recent_first);
    return arena_printf(req->arena, "%s.", s);
}

int listen_sessions_model(struct req *req, json_t *m)
{
    json_t *open, *rows, *counts;
    int rc = open_session(req, &open);
    if (rc == DB_OK) {
        json_t *steps;
        if (load_steps(req, id_of(open, "id"), &steps) != DB_OK) {
            json_decref(open);
            return -1;
        }
        struct stand st = stand_of(open, steps);
        json_decref(steps);
        bool i_speak = id_of(open, "speaker_id") == req->user_id;
        json_object_set_new(m, "open",
                            json_pack("{s:O, s:O, s:b, s:s}", "id", json_object_get(open, "id"),
                                      "topic", json_object_get(open, "topic"), "writing",
                                      writing(open), "words", turn_words(req, open, st, i_speak)));
        json_decref(open);
    } else if (rc == DB_NOT_FOUND) {
        json_object_set_new(m, "open", json_null());
    } else {
        return -1;
    }
    int64_t since = clock_now_ms() - (int64_t)LISTEN_RECENT_DAYS * 86400000;
    if (db_query(&rows,
                 "SELECT id, topic, mode, created_at, ended_at FROM listen_sessions"
                 " WHERE couple_id = $1 AND ended_at IS NOT NULL ORDER BY created_at DESC LIMIT 50",
                 "i:dssii", req->couple_id) != DB_OK)
        return -1;
    if (db_row(&counts,
               "SELECT (SELECT count(*) FROM listen_sessions WHERE couple_id = $1 AND steps > 0)"
               " AS held, count(*) AS first, coalesce(sum(CASE WHEN verdict = 'understood' THEN 1"
               " ELSE 0 END), 0) AS got, coalesce(sum(CASE WHEN created_at >= $2 THEN 1 ELSE 0"
               " END), 0) AS recent_first, coalesce(sum(CASE WHEN created_at >= $2 AND verdict ="
               " 'understood' THEN 1 ELSE 0 END), 0) AS recent_got FROM listen_steps"
               " WHERE couple_id = $1 AND kind = 'verdict' AND first_try = 1",
               "ii:iiiii", req->couple_id, since) != DB_OK) {
        json_decref(rows);
        return -1;
    }
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        char day[11], words[TZ_DAY_WORDS];
        tz_date(req->couple->time_zone, json_integer_value(json_object_get(row, "created_at")),
                day);
        tz_day_words(day, req->couple->today, words);
        json_object_set_new(row, "when", json_string(words));
        json_object_set_new(row, "mode_label",
                            json_string(writing(row) ? "in writing" : "in person"));
    }
    json_object_set_new(m, "history", rows);
#define COUNT(k) json_integer_value(json_object_get(counts, k))
    json_object_set_new(m, "held", json_integer(COUNT("held")));
    json_object_set_new(m, "measure",
                        json_string(measure_words(req, COUNT("held"), COUNT("first"), COUNT("got"),
                                                  COUNT("recent_first"), COUNT("recent_got"))));
#undef COUNT
    json_decref(counts);
    return 0;
}

int listen_your_turn(struct req *req, json_t *m)
{
    json_t *open = NULL, *steps;
    int rc = open_session(req, &open);
    if (rc == DB_NOT_FOUND)
        return 0;
    if (rc != DB_OK || load_steps(req, id_of(open, "id"), &steps) != DB_OK) {
        json_decref(open);
        return -1;
    }
    struct stand st = stand_of(open, steps);
    json_decref(steps);
    bool i_speak = id_of(open, "speaker_id") == req->user_id;
    bool mine = !writing(open) || (st.turn == TURN_REFLECTION) != i_speak;
    if (mine) {
        json_object_set(m, "id", json_object_get(open, "id"));
        json_object_set(m, "topic", json_object_get(open, "topic"));
        json_object_set_new(m, "words", json_string(turn_words(req, open, st, i_speak)));
    }
    json_decref(open);
    return mine ? 1 : 0;
}
