/* talk.c: after the reveal, an item (a day's question or a question of
 * your own) opens to reactions (one each, changeable) and a conversation of
 * up to SHARE_COMMENTS_PER_ITEM comments. Neither exists before the reveal:
 * there is nothing to react to yet. */
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "http/events.h"
#include "practices/share/internal.h"
#include "store/db.h"

/* The open item of the request: the day's ({day}) or a question of your
 * own ({id}); or a status. */
static int revealed_item(struct req *req, struct res *res, json_t **item)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    int rc = day == NULL                           ? share_ask_item(req, item)
             : strcmp(day, req->couple->today) > 0 ? DB_NOT_FOUND
                                                   : share_find_daily(req, day, item);
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

/* Where the conversation of the request's item is. */
static const char *talk_page(struct req *req)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    if (day != NULL)
        return arena_printf(req->arena, "/share/%s#talk", day);
    return arena_printf(req->arena, "/share/ask/%s#talk",
                        json_string_value(json_object_get(req->params, "id")));
}

int share_react(struct req *req, struct res *res)
{
    json_t *item;
    int rc = revealed_item(req, res, &item);
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
    int rc = revealed_item(req, res, &item);
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
