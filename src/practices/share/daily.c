/* daily.c: the question of the day. One per couple and day (the day counted
 * in the couple's time zone), drawn from the bank when either partner first
 * opens it (items.c), answered privately and revealed when both answered
 * (the reveal rule, practices/reveal.h); before any answer it can be
 * swapped twice; after the reveal, reactions and a conversation. */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/share/internal.h"
#include "store/db.h"

/* ---- drawing ---- */

/* Picks a bank question the couple has not had, within their depth and
 * categories; when all of those were used, the cycle starts again, never with
 * exclude (the question being swapped, or the last day's). */
int share_draw(struct req *req, const char *exclude, const struct question **out)
{
    struct share_settings s;
    if (share_load_settings(req, &s) != 0)
        return -1;
    json_t *rows;
    if (db_query(&rows, "SELECT question_key FROM share_seen WHERE couple_id = $1 LIMIT 5000",
                 "i:s", req->couple_id) != DB_OK) {
        json_decref(s.categories);
        return -1;
    }
    json_t *seen = json_object();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_object_set(seen, json_string_value(json_object_get(row, "question_key")), json_true());
    json_decref(rows);

    size_t n;
    const struct question *bank = questions_daily(&n);
    const struct question **pool = xmalloc(n * sizeof(*pool));
    size_t eligible = 0, fresh = 0;
    int rc = 0;
    for (int pass = 0; pass < 2 && fresh == 0; pass++) {
        eligible = fresh = 0;
        for (i = 0; i < n; i++) {
            if (bank[i].depth > s.depth || !share_wants_category(&s, bank[i].category))
                continue;
            eligible++;
            bool again = pass == 1 && (exclude == NULL || strcmp(exclude, bank[i].key) != 0);
            if (again || (pass == 0 && json_object_get(seen, bank[i].key) == NULL))
                pool[fresh++] = &bank[i];
        }
        if (fresh == 0 && eligible > 0 && pass == 0 &&
            db_exec("DELETE FROM share_seen WHERE couple_id = $1", "i", req->couple_id) < 0) {
            rc = -1;
            break;
        }
    }
    /* a pool of one question that is excluded still has to give a question */
    const struct question *only = questions_find(exclude);
    *out = fresh > 0 ? pool[randombytes_uniform((uint32_t)fresh)] : only ? only : &bank[0];
    free(pool);
    json_decref(seen);
    json_decref(s.categories);
    return rc;
}

/* ---- pages ---- */

int share_page(struct req *req, struct res *res)
{
    json_t *item;
    if (share_daily_item(req, req->couple->today, &item) != DB_OK)
        return -1;
    int rc = share_show_item(req, res, item);
    json_t *m = res_model(res);
    int64_t swaps = json_integer_value(json_object_get(item, "swaps"));
    bool untouched = json_is_null(json_object_get(m, "mine")) &&
                     !json_is_true(json_object_get(json_object_get(m, "partner"), "answered"));
    json_object_set_new(m, "swaps_left", json_integer(untouched ? SHARE_SWAPS_PER_DAY - swaps : 0));
    json_object_set_new(m, "today", json_true());
    json_decref(item);
    share_set_title(res, "Today's question");
    return rc == 0 ? share_open_asks(req, m) : -1;
}

static bool is_future(struct req *req, const char *day)
{
    return strcmp(day, req->couple->today) > 0;
}

int share_day_page(struct req *req, struct res *res)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    if (strcmp(day, req->couple->today) == 0)
        return share_page(req, res);
    json_t *item;
    int rc = is_future(req, day) ? DB_NOT_FOUND : share_find_daily(req, day, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    rc = share_show_item(req, res, item);
    json_decref(item);
    share_set_title(res, arena_printf(req->arena, "The question of %s", day));
    return rc;
}

/* ---- answering ---- */

/* The form handler behind a failed answer: the page it came from. */
int share_answer_form(struct req *req, struct res *res)
{
    return json_object_get(req->params, "day") ? share_day_page(req, res) : share_page(req, res);
}

int share_too_late(struct req *req, struct res *res, int page_rc)
{
    res->status = 409;
    res->detail = "You have both answered, so the answers no longer change. What you wrote is "
                  "in the comment box below, if you would like to add it to the conversation.";
    json_t *m = res_model(res);
    json_object_set_new(m, "notice", json_string(res->detail));
    json_object_set(m, "input", req->typed);
    return page_rc;
}

int share_answered(struct req *req, json_t *item, int result)
{
    int64_t id = id_from(json_object_get(item, "id"));
    if (result == REVEAL_CHANGED) /* a change of one's own answer tells the partner nothing */
        return 0;
    const char *type = result == REVEAL_OPENED ? "share.revealed" : "share.answered";
    return events_emit(req->couple_id, 0, type, id) < 0 ? -1 : 0;
}

int share_answer(struct req *req, struct res *res)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    json_t *item;
    int rc = day != NULL && is_future(req, day)
                 ? DB_NOT_FOUND
                 : share_daily_item(req, day ? day : req->couple->today, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    rc = reveal_submit(&share_reveal, req->couple_id, id_from(json_object_get(item, "id")),
                       req->user_id, req_str(req, "text"));
    if (rc == REVEAL_CLOSED) {
        json_decref(item);
        return share_too_late(req, res, share_answer_form(req, res));
    }
    if (rc < 0 || share_answered(req, item, rc) != 0) {
        json_decref(item);
        return -1;
    }
    const char *page = day && strcmp(day, req->couple->today) != 0
                           ? arena_printf(req->arena, "/share/%s", day)
                           : "/share";
    if (res_redirect(req, res, page)) {
        json_decref(item);
        return 0;
    }
    json_t *fresh;
    rc = share_find_daily(req, json_string_value(json_object_get(item, "day")), &fresh);
    json_decref(item);
    if (rc != DB_OK)
        return -1;
    rc = share_show_item(req, res, fresh);
    json_decref(fresh);
    return rc;
}

/* ---- swapping ---- */

int share_swap(struct req *req, struct res *res)
{
    json_t *item;
    if (share_daily_item(req, req->couple->today, &item) != DB_OK)
        return -1;
    const char *shown = req_str(req, "day");
    if (shown != NULL && strcmp(shown, req->couple->today) != 0) {
        json_decref(item);
        share_conflict(res, "A new day has begun since that page was shown: here is today's "
                            "question.");
        return 0;
    }
    int64_t item_id = id_from(json_object_get(item, "id")), answers = 0;
    json_decref(item);
    /* held couple, then a conditional write: neither an answer nor another
     * swap at the same moment gets past the rules */
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_row(&item,
               "SELECT question_key, swaps FROM share_items WHERE couple_id = $1 AND id = $2",
               "ii:si", req->couple_id, item_id) != DB_OK)
        return -1;
    char current[QUESTION_KEY] = "";
    snprintf(current, sizeof(current), "%s",
             json_string_value(json_object_get(item, "question_key")));
    int64_t swaps = json_integer_value(json_object_get(item, "swaps"));
    json_decref(item);
    if (db_int(&answers, "SELECT count(*) FROM share_answers WHERE couple_id = $1 AND item_id = $2",
               "ii", req->couple_id, item_id) != DB_OK)
        return -1;
    if (answers > 0 || swaps >= SHARE_SWAPS_PER_DAY) {
        share_conflict(res, answers > 0
                                ? "Today's question can be swapped only before either of you "
                                  "answers."
                                : "You have swapped twice today. Pass on this one if it does not "
                                  "fit; tomorrow brings a new question.");
        return 0;
    }
    const struct question *q;
    if (share_draw(req, current, &q) != 0)
        return -1;
    int changed = db_exec("UPDATE share_items SET question_key = $3, text = $4, depth = $5,"
                          " category = $6, swaps = swaps + 1 WHERE couple_id = $1 AND id = $2"
                          " AND swaps < $7 AND NOT EXISTS (SELECT 1 FROM share_answers a"
                          " WHERE a.couple_id = $1 AND a.item_id = $2)",
                          "iissssi", req->couple_id, item_id, q->key, q->text,
                          question_depths[q->depth], q->category, (int64_t)SHARE_SWAPS_PER_DAY);
    if (changed < 0 ||
        (changed == 1 &&
         db_exec("INSERT INTO share_seen (couple_id, question_key, seen_at) VALUES ($1, $2, $3)"
                 " ON CONFLICT (couple_id, question_key) DO NOTHING",
                 "isi", req->couple_id, q->key, clock_now_ms()) < 0))
        return -1;
    if (changed == 0) {
        share_conflict(res, "Today's question changed meanwhile: here it is.");
        return 0;
    }
    if (events_emit(req->couple_id, 0, "share.swapped", item_id) < 0)
        return -1;
    if (res_redirect(req, res, "/share"))
        return 0;
    return share_page(req, res);
}

/* ---- talking about it ---- */

/* The revealed daily item of the {day} parameter, or a status. */
static int revealed_day(struct req *req, struct res *res, json_t **item)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    int rc = is_future(req, day) ? DB_NOT_FOUND : share_find_daily(req, day, item);
    if (rc == DB_NOT_FOUND) {
        res->status = 404;
        return 1;
    }
    if (rc != DB_OK)
        return -1;
    if (json_is_null(json_object_get(*item, "revealed_at"))) {
        json_decref(*item);
        share_conflict(res, "Reactions and comments open once you have both answered.");
        return 1;
    }
    return 0;
}

static const char *talk_page(struct req *req)
{
    return arena_printf(req->arena, "/share/%s#talk",
                        json_string_value(json_object_get(req->params, "day")));
}

int share_react(struct req *req, struct res *res)
{
    json_t *item;
    int rc = revealed_day(req, res, &item);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t item_id = id_from(json_object_get(item, "id"));
    json_decref(item);
    if (db_exec("INSERT INTO share_reactions (couple_id, item_id, user_id, reaction, created_at)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (couple_id, item_id, user_id)"
                " DO UPDATE SET reaction = excluded.reaction, created_at = excluded.created_at",
                "iiisi", req->couple_id, item_id, req->user_id, req_str(req, "reaction"),
                clock_now_ms()) < 0 ||
        events_emit(req->couple_id, 0, "share.talked", item_id) < 0)
        return -1;
    if (res_redirect(req, res, talk_page(req)))
        return 0;
    json_object_set(res_model(res), "reaction", json_object_get(req->input, "reaction"));
    return 0;
}

int share_comment(struct req *req, struct res *res)
{
    json_t *item;
    int rc = revealed_day(req, res, &item);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int64_t item_id = id_from(json_object_get(item, "id")), count = 0;
    json_decref(item);
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&count, "SELECT count(*) FROM share_comments WHERE couple_id = $1 AND item_id = $2",
               "ii", req->couple_id, item_id) != DB_OK)
        return -1;
    if (count >= SHARE_COMMENTS_PER_ITEM) {
        req_error(req, "text", "This conversation has reached its 200 comments.");
        return 0;
    }
    int64_t id = id_new();
    if (db_exec("INSERT INTO share_comments (couple_id, item_id, id, user_id, text, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                "iiiisi", req->couple_id, item_id, id, req->user_id, req_str(req, "text"),
                clock_now_ms()) < 0 ||
        events_emit(req->couple_id, 0, "share.talked", item_id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, talk_page(req)))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}
