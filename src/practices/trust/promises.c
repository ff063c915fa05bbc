/* promises.c: "I will ..." by a day. Both partners see every promise of the
 * couple; only its maker changes it (edit or withdraw before its day; mark
 * it kept, renegotiate it with a new day and a reason, or say it was not
 * kept), and only the partner acknowledges the outcome with a thank-you.
 * A job marks a promise due at the start of its day in the couple's zone;
 * pages also show it due from that day on, job or not. The follow-through
 * over TRUST_FOLLOW_DAYS is told in words, never as a score. */
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/trust/internal.h"
#include "store/db.h"

enum { DAY_MS = 24 * 60 * 60 * 1000, CLOSED_SHOWN = 20 };

#define PROMISE_COLUMNS                                                                            \
    "id, user_id, text, due, state, renegotiations, in_time, reason, note, thanks,"                \
    " acknowledged_at, created_at, closed_at"
#define PROMISE_TYPES "ddsssiisssiii"

/* ---- the job: a promise's day has come ---- */

static int mark_due(const char *key, const char *payload)
{
    int64_t id = 0, couple = 0;
    if (parse_int64(key, strlen(key), &id) != 0 ||
        parse_int64(payload, strlen(payload), &couple) != 0)
        return 0; /* not ours to run again */
    int changed = db_exec("UPDATE trust_promises SET state = 'due', updated_at = $3"
                          " WHERE couple_id = $1 AND id = $2 AND state = 'open'",
                          "iii", couple, id, clock_now_ms());
    if (changed < 0)
        return -1;
    return changed == 0 || events_emit(couple, 0, "trust.due", id) >= 0 ? 0 : -1;
}

const struct job_kind trust_due_job = {"trust-due", mark_due, 0};

/* (Re)schedules the job for promise id at the start of its day. */
static int schedule_due(struct req *req, int64_t id, const char *due)
{
    char key[24], payload[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    snprintf(payload, sizeof(payload), "%lld", (long long)req->couple_id);
    return jobs_schedule(trust_due_job.name, key, tz_day_start(req->couple->time_zone, due),
                         payload);
}

static int cancel_due(int64_t id)
{
    char key[24];
    snprintf(key, sizeof(key), "%lld", (long long)id);
    return jobs_cancel(trust_due_job.name, key);
}

/* ---- reading ---- */

static const char *state_label(const char *state, bool mine)
{
    if (!strcmp(state, "due"))
        return mine ? "Its day has come" : "Its day has come";
    if (!strcmp(state, "kept"))
        return "Kept";
    if (!strcmp(state, "not-kept"))
        return "Not kept";
    if (!strcmp(state, "withdrawn"))
        return "Withdrawn";
    return "Open";
}

/* A promise row as the pages show it to the request's person. */
static json_t *promise_json(struct req *req, json_t *row)
{
    bool mine = id_from(json_object_get(row, "user_id")) == req->user_id;
    const char *due = json_string_value(json_object_get(row, "due"));
    const char *state = json_string_value(json_object_get(row, "state"));
    /* its day has come, whether the job ran yet or not */
    if (!strcmp(state, "open") && strcmp(due, req->couple->today) <= 0)
        state = "due";
    bool live = !strcmp(state, "open") || !strcmp(state, "due");
    bool closed = !strcmp(state, "kept") || !strcmp(state, "not-kept");
    char words[TZ_DAY_WORDS];
    tz_day_words(due, req->couple->today, words);
    json_t *p = json_pack(
        "{s:O, s:O, s:s, s:s, s:s, s:s, s:b, s:s, s:O, s:O, s:O, s:O, s:O}", "id",
        json_object_get(row, "id"), "text", json_object_get(row, "text"), "due", due, "due_label",
        words, "state", state, "state_label", state_label(state, mine), "mine", mine, "who",
        mine ? "You" : req->couple->partner_name, "renegotiations",
        json_object_get(row, "renegotiations"), "reason", json_object_get(row, "reason"), "note",
        json_object_get(row, "note"), "thanks", json_object_get(row, "thanks"), "acknowledged",
        json_is_null(json_object_get(row, "acknowledged_at")) ? json_false() : json_true());
    json_object_set_new(
        p, "can_change",
        json_boolean(mine && !strcmp(state, "open") && strcmp(due, req->couple->today) > 0));
    json_object_set_new(p, "can_mark", json_boolean(mine && live));
    json_object_set_new(
        p, "can_acknowledge",
        json_boolean(!mine && closed && json_is_null(json_object_get(row, "acknowledged_at"))));
    json_object_set_new(p, "kept", json_boolean(!strcmp(state, "kept")));
    json_object_set_new(p, "not_kept", json_boolean(!strcmp(state, "not-kept")));
    json_object_set_new(p, "due_now", json_boolean(!strcmp(state, "due")));
    return p;
}

/* The follow-through of one person in words. */
static const char *follow_words(struct req *req, bool mine, int64_t kept, int64_t total,
                                int64_t in_time)
{
    const char *name = req->couple->partner_name;
    if (total == 0 && in_time == 0)
        return mine ? "None of your promises came to its day in the last 90 days."
                    : arena_printf(req->arena,
                                   "None of %s’s promises came to its day in the last 90 days.",
                                   name);
    const char *kept_part;
    if (total == 0)
        kept_part = mine ? "No promise of yours came to its day"
                         : arena_printf(req->arena, "No promise of %s’s came to its day", name);
    else if (total == 1 && kept == 1)
        kept_part = mine ? "You kept your one promise"
                         : arena_printf(req->arena, "%s kept their one promise", name);
    else if (total == 1)
        kept_part = mine ? "Your one promise was not kept"
                         : arena_printf(req->arena, "%s’s one promise was not kept", name);
    else if (mine)
        kept_part = arena_printf(req->arena, "You kept %lld of your %lld promises", (long long)kept,
                                 (long long)total);
    else
        kept_part = arena_printf(req->arena, "%s kept %lld of %lld promises", name, (long long)kept,
                                 (long long)total);
    if (in_time == 0)
        return arena_printf(req->arena, "%s.", kept_part);
    return arena_printf(req->arena, "%s; %lld %s renegotiated in time.", kept_part,
                        (long long)in_time, in_time == 1 ? "was" : "were");
}

int trust_promises_model(struct req *req, json_t *m)
{
    json_t *rows, *live = json_array(), *closed = json_array();
    json_object_set_new(m, "promises", live);
    json_object_set_new(m, "closed", closed);
    if (db_query(&rows,
                 "SELECT " PROMISE_COLUMNS " FROM trust_promises WHERE couple_id = $1"
                 " AND state IN ('open', 'due') ORDER BY due, created_at LIMIT $2",
                 "ii:" PROMISE_TYPES, req->couple_id, (int64_t)TRUST_OPEN_PROMISES * 2) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append_new(live, promise_json(req, row));
    json_decref(rows);
    if (db_query(&rows,
                 "SELECT " PROMISE_COLUMNS " FROM trust_promises WHERE couple_id = $1"
                 " AND state NOT IN ('open', 'due') ORDER BY closed_at DESC LIMIT $2",
                 "ii:" PROMISE_TYPES, req->couple_id, (int64_t)CLOSED_SHOWN) != DB_OK)
        return -1;
    json_array_foreach (rows, i, row)
        json_array_append_new(closed, promise_json(req, row));
    json_decref(rows);
    /* the follow-through of each, over the last 90 days */
    int64_t since = clock_now_ms() - TRUST_FOLLOW_DAYS * (int64_t)DAY_MS;
    if (db_query(&rows,
                 "SELECT user_id, sum(CASE WHEN state = 'kept' AND closed_at > $2 THEN 1 ELSE 0"
                 " END) AS kept, sum(CASE WHEN state IN ('kept', 'not-kept') AND closed_at > $2"
                 " THEN 1 ELSE 0 END) AS total, sum(CASE WHEN in_time = 1 AND updated_at > $2"
                 " THEN 1 ELSE 0 END) AS in_time FROM trust_promises WHERE couple_id = $1"
                 " GROUP BY user_id LIMIT 2",
                 "ii:diii", req->couple_id, since) != DB_OK)
        return -1;
    int64_t counts[2][3] = {{0}};
    json_array_foreach (rows, i, row) {
        int who = id_from(json_object_get(row, "user_id")) == req->user_id ? 0 : 1;
        counts[who][0] = json_integer_value(json_object_get(row, "kept"));
        counts[who][1] = json_integer_value(json_object_get(row, "total"));
        counts[who][2] = json_integer_value(json_object_get(row, "in_time"));
    }
    json_decref(rows);
    json_object_set_new(
        m, "my_follow",
        json_string(follow_words(req, true, counts[0][0], counts[0][1], counts[0][2])));
    json_object_set_new(
        m, "partner_follow",
        json_string(follow_words(req, false, counts[1][0], counts[1][1], counts[1][2])));
    json_t *kind = trust_guide("follow-through");
    size_t n = json_array_size(kind);
    if (n > 0)
        json_object_set(
            m, "follow_note",
            json_array_get(kind, (size_t)(tz_day_number(req->couple->today) % (int64_t)n)));
    return 0;
}

int trust_promises_soon(struct req *req, json_t *m)
{
    char end[11];
    tz_day_of(tz_day_number(req->couple->today) + 6, end);
    json_t *rows, *today = json_array(), *week = json_array();
    json_object_set_new(m, "due_today", today);
    json_object_set_new(m, "due_week", week);
    if (db_query(&rows,
                 "SELECT " PROMISE_COLUMNS " FROM trust_promises WHERE couple_id = $1"
                 " AND state IN ('open', 'due') AND due <= $2 ORDER BY due LIMIT 20",
                 "is:" PROMISE_TYPES, req->couple_id, end) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        bool now = strcmp(json_string_value(json_object_get(row, "due")), req->couple->today) <= 0;
        json_array_append_new(now ? today : week, promise_json(req, row));
    }
    json_decref(rows);
    return 0;
}

/* ---- writing ---- */

/* The request's promise ({id}) into *row, holding the couple; or an answer
 * (404 for none of this couple's; 403 when the person may not do this;
 * 409 when its state does not allow it). Returns 0 to go on, 1 when
 * answered, -1. */
enum who { MAKER, PARTNER };

static int load(struct req *req, struct res *res, enum who who, const char *const *states,
                json_t **row)
{
    int rc = db_lock_couple(req->couple_id) != DB_OK
                 ? DB_ERROR
                 : db_row(row,
                          "SELECT " PROMISE_COLUMNS " FROM trust_promises WHERE couple_id = $1"
                          " AND id = $2",
                          "ii:" PROMISE_TYPES, req->couple_id,
                          id_from(json_object_get(req->params, "id")));
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    bool mine = id_from(json_object_get(*row, "user_id")) == req->user_id;
    if ((who == MAKER) != mine) {
        json_decref(*row);
        res->status = 403;
        res->detail = who == MAKER ? "Only the one who made a promise changes it."
                                   : "Only your partner acknowledges your promise.";
        return 1;
    }
    const char *state = json_string_value(json_object_get(*row, "state"));
    for (const char *const *s = states; *s != NULL; s++)
        if (!strcmp(*s, state))
            return 0;
    json_decref(*row);
    res->status = 409;
    res->detail = "This promise has moved on meanwhile.";
    return 1;
}

static const char *const LIVE[] = {"open", "due", NULL};
static const char *const OPEN[] = {"open", NULL};
static const char *const CLOSED[] = {"kept", "not-kept", NULL};

/* A day the promise can be for: today or later. */
static bool due_ok(struct req *req, const char *due)
{
    if (due != NULL && strcmp(due, req->couple->today) >= 0)
        return true;
    req_error(req, "due", "Pick today or a later day.");
    return false;
}

/* After a change: tells the couple's pages, then redirects or answers. */
static int changed(struct req *req, struct res *res, int64_t id)
{
    if (events_emit(req->couple_id, 0, "trust.promise", id) < 0)
        return -1;
    if (res_redirect(req, res, "/trust#promises"))
        return 0;
    return trust_page(req, res);
}

int trust_promise_new(struct req *req, struct res *res)
{
    const char *due = req_str(req, "due");
    if (!due_ok(req, due))
        return 0;
    int64_t open = 0, now = clock_now_ms(), id = id_new();
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&open,
               "SELECT count(*) FROM trust_promises WHERE couple_id = $1 AND user_id = $2"
               " AND state IN ('open', 'due')",
               "ii", req->couple_id, req->user_id) != DB_OK)
        return -1;
    if (open >= TRUST_OPEN_PROMISES) {
        req_error(req, "text", "You have 50 open promises. Keep or close some first.");
        return 0;
    }
    if (db_exec("INSERT INTO trust_promises (couple_id, id, user_id, text, due, state,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 'open', $6, $6)",
                "iiissi", req->couple_id, id, req->user_id, req_str(req, "text"), due, now) < 0 ||
        schedule_due(req, id, due) < 0 || events_emit(req->couple_id, 0, "trust.promise", id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, "/trust#promises"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

int trust_promise_edit(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load(req, res, MAKER, OPEN, &row);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    bool before = strcmp(json_string_value(json_object_get(row, "due")), req->couple->today) > 0;
    int64_t id = id_from(json_object_get(row, "id"));
    json_decref(row);
    if (!before) {
        res->status = 409;
        res->detail = "Its day has come: mark it kept, renegotiate it, or say it was not kept.";
        return 0;
    }
    const char *due = req_str(req, "due");
    if (!due_ok(req, due))
        return 0;
    if (db_exec("UPDATE trust_promises SET text = $3, due = $4, updated_at = $5"
                " WHERE couple_id = $1 AND id = $2",
                "iissi", req->couple_id, id, req_str(req, "text"), due, clock_now_ms()) < 0 ||
        schedule_due(req, id, due) < 0)
        return -1;
    return changed(req, res, id);
}

/* Closes the request's promise with state (and an optional note). */
static int close_with(struct req *req, struct res *res, const char *state, const char *note,
                      const char *const *from)
{
    json_t *row;
    int rc = load(req, res, MAKER, from, &row);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t id = id_from(json_object_get(row, "id")), now = clock_now_ms();
    json_decref(row);
    if (db_exec("UPDATE trust_promises SET state = $3, note = $4, closed_at = $5, updated_at = $5"
                " WHERE couple_id = $1 AND id = $2",
                "iissi", req->couple_id, id, state, note, now) < 0 ||
        cancel_due(id) < 0)
        return -1;
    return changed(req, res, id);
}

int trust_promise_withdraw(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load(req, res, MAKER, OPEN, &row);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    bool before = strcmp(json_string_value(json_object_get(row, "due")), req->couple->today) > 0;
    json_decref(row);
    if (!before) {
        res->status = 409;
        res->detail = "Its day has come: mark it kept, renegotiate it, or say it was not kept.";
        return 0;
    }
    return close_with(req, res, "withdrawn", NULL, OPEN);
}

int trust_promise_kept(struct req *req, struct res *res)
{
    return close_with(req, res, "kept", NULL, LIVE);
}

int trust_promise_not_kept(struct req *req, struct res *res)
{
    const char *note = req_str(req, "note");
    return close_with(req, res, "not-kept", note && *note ? note : NULL, LIVE);
}

int trust_promise_renegotiate(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load(req, res, MAKER, LIVE, &row);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    /* asked before its day was over: that is keeping faith */
    bool in_time = strcmp(req->couple->today, json_string_value(json_object_get(row, "due"))) <= 0;
    int64_t id = id_from(json_object_get(row, "id"));
    json_decref(row);
    const char *due = req_str(req, "due");
    if (!due_ok(req, due))
        return 0;
    if (db_exec("UPDATE trust_promises SET due = $3, state = 'open', reason = $4,"
                " renegotiations = renegotiations + 1, in_time = $5, updated_at = $6,"
                " acknowledged_at = NULL, thanks = NULL WHERE couple_id = $1 AND id = $2",
                "iissbi", req->couple_id, id, due, req_str(req, "reason"), in_time,
                clock_now_ms()) < 0 ||
        schedule_due(req, id, due) < 0)
        return -1;
    return changed(req, res, id);
}

int trust_promise_acknowledge(struct req *req, struct res *res)
{
    json_t *row;
    int rc = load(req, res, PARTNER, CLOSED, &row);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t id = id_from(json_object_get(row, "id"));
    bool done = !json_is_null(json_object_get(row, "acknowledged_at"));
    json_decref(row);
    if (done) {
        res->status = 409;
        res->detail = "You have thanked them for this one already.";
        return 0;
    }
    const char *thanks = req_str(req, "thanks");
    if (db_exec("UPDATE trust_promises SET acknowledged_at = $3, thanks = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iiis", req->couple_id, id, clock_now_ms(),
                thanks != NULL && *thanks ? thanks : NULL) < 0)
        return -1;
    return changed(req, res, id);
}
