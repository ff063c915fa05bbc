/* asks.c: questions of your own. Either partner asks the other something,
 * for both to answer (the answers open when both have: the reveal rule) or
 * for the partner alone (their answer opens at once). At most
 * SHARE_OPEN_ASKS are open at once. Once open, the same reactions and
 * conversation as the question of the day (daily.c). */
#include <stdbool.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "http/events.h"
#include "practices/share/internal.h"
#include "store/db.h"

int share_open_asks(struct req *req, json_t *model)
{
    json_t *rows, *answers, *asks = json_array();
    json_object_set_new(model, "asks", asks);
    /* the open asks, and all their answers in one more query; both start
     * from the few open items (share_items_open), not from a year of them */
    if (db_query(&rows,
                 "SELECT " ITEM_COLUMNS " FROM share_items"
                 " WHERE couple_id = $1 AND kind = 'ask' AND revealed_at IS NULL"
                 " ORDER BY created_at DESC LIMIT 20",
                 "i:" ITEM_TYPES, req->couple_id) != DB_OK)
        return -1;
    if (db_query(&answers,
                 "SELECT a.item_id, a.user_id, a.text, a.updated_at FROM share_answers a"
                 " WHERE a.couple_id = $1 AND a.item_id IN (SELECT i.id FROM share_items i"
                 " WHERE i.couple_id = $1 AND i.kind = 'ask' AND i.revealed_at IS NULL)"
                 " LIMIT 100",
                 "i:ddsi", req->couple_id) != DB_OK) {
        json_decref(rows);
        return -1;
    }
    int rc = share_item_models(req, rows, answers, asks);
    json_decref(rows);
    json_decref(answers);
    return rc;
}

const char *const share_ask_modes[] = {"both", "partner", NULL};

int share_ask(struct req *req, struct res *res)
{
    int64_t open = 0;
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&open,
               "SELECT count(*) FROM share_items WHERE couple_id = $1 AND kind = 'ask'"
               " AND revealed_at IS NULL",
               "i", req->couple_id) != DB_OK)
        return -1;
    if (open >= SHARE_OPEN_ASKS) {
        req_error(req, "question", "You have 20 open questions; answer some before asking more.");
        return 0;
    }
    int64_t id = id_new();
    const char *mode = req_str(req, "mode");
    if (db_exec("INSERT INTO share_items (couple_id, id, kind, text, author_id, created_at,"
                " ask_mode) VALUES ($1, $2, 'ask', $3, $4, $5, $6)",
                "iisiis", req->couple_id, id, req_str(req, "question"), req->user_id,
                clock_now_ms(), mode != NULL && *mode != '\0' ? mode : "both") < 0 ||
        events_emit(req->couple_id, 0, "share.asked", id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, "/share#asked"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

int share_ask_page(struct req *req, struct res *res)
{
    json_t *item;
    int rc = res_found(res, share_ask_item(req, &item));
    if (rc != 0)
        return rc;
    rc = share_show_item(req, res, item);
    bool mine = id_from(json_object_get(item, "author_id")) == req->user_id;
    json_decref(item);
    share_set_title(
        res, mine ? "Your question"
                  : arena_printf(req->arena, "A question from %s", req->couple->partner_name));
    return rc;
}

int share_answer_ask(struct req *req, struct res *res)
{
    json_t *item;
    int rc = res_found(res, share_ask_item(req, &item));
    if (rc != 0)
        return rc;
    const char *mode = json_string_value(json_object_get(item, "ask_mode"));
    bool one_answers = mode != NULL && strcmp(mode, "partner") == 0;
    int64_t item_id = id_from(json_object_get(item, "id"));
    if (one_answers && id_from(json_object_get(item, "author_id")) == req->user_id) {
        json_decref(item);
        share_conflict(res, arena_printf(req->arena, "You asked this for %s to answer.",
                                         req->couple->partner_name));
        json_object_set_new(res_model(res), "notice", json_string(res->detail));
        return share_ask_page(req, res);
    }
    rc = one_answers ? reveal_submit_one(&share_reveal, req->couple_id, item_id, req->user_id,
                                         req_str(req, "text"))
                     : reveal_submit(&share_reveal, req->couple_id, item_id, req->user_id,
                                     req_str(req, "text"));
    if (rc == REVEAL_CLOSED) {
        json_decref(item);
        return share_too_late(req, res, share_ask_page(req, res));
    }
    rc = rc < 0 ? -1 : share_answered(req, item, rc);
    json_decref(item);
    if (rc != 0)
        return -1;
    if (res_redirect(req, res,
                     arena_printf(req->arena, "/share/ask/%s",
                                  json_string_value(json_object_get(req->params, "id")))))
        return 0;
    if (share_ask_item(req, &item) != DB_OK)
        return -1;
    rc = share_show_item(req, res, item);
    json_decref(item);
    return rc;
}
