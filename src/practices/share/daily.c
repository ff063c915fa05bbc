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
#include "core/tz.h"
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

static bool is_future(struct req *req, const char *day)
{
    return strcmp(day, req->couple->today) > 0;
}

/* The days before and after day that have a question (previous_day and
 * next_day in m, with their words), for a past day's page. */
static int day_links(struct req *req, const char *day, json_t *m)
{
    json_t *row;
    int rc = db_row(&row,
                    "SELECT (SELECT max(day) FROM share_items WHERE couple_id = $1"
                    " AND kind = 'daily' AND day < $2) AS previous_day,"
                    " (SELECT min(day) FROM share_items WHERE couple_id = $1 AND kind = 'daily'"
                    " AND day > $2 AND day <= $3) AS next_day",
                    "iss:ss", req->couple_id, day, req->couple->today);
    if (rc != DB_OK)
        return -1;
    static const char *const keys[] = {"previous_day", "next_day"};
    bool any = false;
    for (size_t i = 0; i < ARRAY_LEN(keys); i++) {
        const char *d = json_string_value(json_object_get(row, keys[i]));
        char words[TZ_DAY_WORDS];
        if (d == NULL || tz_day_words(d, req->couple->today, words) != 0)
            continue;
        json_object_set_new(m, keys[i],
                            json_pack("{s:s, s:s, s:b}", "day", d, "label", words, "today",
                                      strcmp(d, req->couple->today) == 0));
        any = true;
    }
    json_object_set_new(m, "day_nav", json_boolean(any));
    json_decref(row);
    return 0;
}

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
    const char *mode = json_string_value(json_object_get(req->typed, "mode"));
    json_object_set_new(m, "ask_for_one", json_boolean(mode != NULL && !strcmp(mode, "partner")));
    json_decref(item);
    share_set_title(res, "Today's question");
    return rc == 0 && day_links(req, req->couple->today, m) == 0 ? share_open_asks(req, m) : -1;
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
    char words[TZ_DAY_WORDS];
    tz_day_words(day, req->couple->today, words);
    share_set_title(res, arena_printf(req->arena, "The question of %s", words));
    return rc == 0 ? day_links(req, day, res_model(res)) : rc;
}

/* ---- answering ---- */

/* The form handler behind a failed answer: the page it came from. */
int share_answer_form(struct req *req, struct res *res)
{
    return json_object_get(req->params, "day") ? share_day_page(req, res) : share_page(req, res);
}

/* Answers 409 with the page (page_rc is its filler's result) and a notice,
 * keeping what was typed. */
static int refused_answer(struct req *req, struct res *res, const char *notice, int page_rc)
{
    res->status = 409;
    res->detail = notice;
    json_t *m = res_model(res);
    json_object_set_new(m, "notice", json_string(notice));
    json_object_set(m, "input", req->typed);
    return page_rc;
}

int share_too_late(struct req *req, struct res *res, int page_rc)
{
    return refused_answer(req, res,
                          "You have both answered, so the answers no longer change. What you "
                          "wrote is in the comment box below, if you would like to add it to the "
                          "conversation.",
                          page_rc);
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
    /* the answer names the question it answers: a swap meanwhile (checked
     * holding the couple, as swaps are made) sends it back unsaved */
    const char *asked = req_str(req, "question_key");
    if (asked != NULL) {
        json_t *now;
        if (db_lock_couple(req->couple_id) != DB_OK ||
            share_find_daily(req, json_string_value(json_object_get(item, "day")), &now) != DB_OK) {
            json_decref(item);
            return -1;
        }
        bool swapped = strcmp(asked, json_string_value(json_object_get(now, "question_key"))) != 0;
        json_decref(now);
        if (swapped) {
            json_decref(item);
            return refused_answer(req, res,
                                  "The question was swapped while you were writing: here is the "
                                  "new one. Your words are kept below; nothing was saved.",
                                  share_answer_form(req, res));
        }
    }
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
