/* own.c: personal dreams. A dream is its author's alone until they share
 * it; the partner then sees it and can answer "how I can support this".
 * Unsharing hides it again (with the answers it had). Every query that
 * shows a dream to the partner asks for shared = 1, and a private dream
 * sends no event. The prompts (content/dreams/prompts.txt) help start. */
#include <string.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/dreams/internal.h"
#include "store/db.h"

static json_t *prompts;

static int prompt_line(char *line, void *ctx)
{
    (void)ctx;
    json_array_append_new(prompts, json_string(line));
    return 0;
}

int dreams_prompts_start(void)
{
    prompts = json_array();
    return assets_lines("content/dreams/prompts.txt", prompt_line, NULL) == 0 &&
                   json_array_size(prompts) > 0
               ? 0
               : -1;
}

void dreams_prompts_stop(void)
{
    json_decref(prompts);
    prompts = NULL;
}

/* Tells the pages that a dream changed: the couple's when it is shared,
 * only its author's when it is private. */
static int tell(struct req *req, int64_t id, bool shared)
{
    return shared ? events_emit(req->couple_id, 0, "dreams.dream", id)
                  : events_emit(0, req->user_id, "dreams.dream", id);
}

static int changed(struct req *req, struct res *res, int64_t id, bool shared)
{
    if (tell(req, id, shared) < 0)
        return -1;
    if (res_redirect(req, res, "/dreams#dreams"))
        return 0;
    return dreams_page(req, res);
}

int dreams_new(struct req *req, struct res *res)
{
    int64_t n = 0, id = id_new(), now = clock_now_ms();
    bool shared = json_is_true(json_object_get(req->input, "shared"));
    if (db_int(&n, "SELECT count(*) FROM dreams_dreams WHERE couple_id = $1 AND user_id = $2", "ii",
               req->couple_id, req->user_id) != DB_OK)
        return -1;
    if (n >= DREAMS_PER_PERSON) {
        req_error(req, "title", "You keep 100 dreams here already. Let one go first.");
        return 0;
    }
    const char *text = req_str(req, "text");
    if (db_exec("INSERT INTO dreams_dreams (couple_id, id, user_id, title, text, shared,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                "iiissbi", req->couple_id, id, req->user_id, req_str(req, "title"),
                text ? text : "", (int)shared, now) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (tell(req, id, shared) < 0)
        return -1;
    if (res_redirect(req, res, "/dreams#dreams"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

/* The request's dream when it is the person's own (else 404: the partner's
 * private dreams do not exist for them); its shared flag into *shared. */
static int own(struct req *req, struct res *res, int64_t *id, bool *shared)
{
    json_t *row;
    int rc = res_found(res, db_row(&row,
                                   "SELECT id, shared FROM dreams_dreams WHERE couple_id = $1"
                                   " AND id = $2 AND user_id = $3",
                                   "iii:db", req->couple_id,
                                   id_from(json_object_get(req->params, "id")), req->user_id));
    if (rc != 0)
        return rc;
    *id = id_from(json_object_get(row, "id"));
    *shared = json_is_true(json_object_get(row, "shared"));
    json_decref(row);
    return 0;
}

int dreams_edit(struct req *req, struct res *res)
{
    int64_t id;
    bool shared;
    int rc = own(req, res, &id, &shared);
    if (rc != 0)
        return rc;
    const char *text = req_str(req, "text");
    if (db_exec("UPDATE dreams_dreams SET title = $3, text = $4, updated_at = $5"
                " WHERE couple_id = $1 AND id = $2",
                "iissi", req->couple_id, id, req_str(req, "title"), text ? text : "",
                clock_now_ms()) < 0)
        return -1;
    return changed(req, res, id, shared);
}

static int set_shared(struct req *req, struct res *res, bool on)
{
    int64_t id;
    bool shared;
    int rc = own(req, res, &id, &shared);
    if (rc != 0)
        return rc;
    if (db_exec("UPDATE dreams_dreams SET shared = $3, updated_at = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iibi", req->couple_id, id, (int)on, clock_now_ms()) < 0)
        return -1;
    /* unsharing tells the partner's pages too, so they drop it */
    return changed(req, res, id, on || shared);
}

int dreams_share(struct req *req, struct res *res)
{
    return set_shared(req, res, true);
}

int dreams_unshare(struct req *req, struct res *res)
{
    return set_shared(req, res, false);
}

int dreams_delete(struct req *req, struct res *res)
{
    int64_t id;
    bool shared;
    int rc = own(req, res, &id, &shared);
    if (rc != 0)
        return rc;
    if (db_exec("DELETE FROM dreams_support WHERE couple_id = $1 AND dream_id = $2", "ii",
                req->couple_id, id) < 0 ||
        db_exec("DELETE FROM dreams_dreams WHERE couple_id = $1 AND id = $2", "ii", req->couple_id,
                id) < 0)
        return -1;
    return changed(req, res, id, shared);
}

int dreams_support(struct req *req, struct res *res)
{
    json_t *row;
    /* only the partner's shared dreams take support */
    int rc = res_found(res, db_row(&row,
                                   "SELECT id FROM dreams_dreams WHERE couple_id = $1 AND id = $2"
                                   " AND user_id <> $3 AND shared = 1",
                                   "iii:d", req->couple_id,
                                   id_from(json_object_get(req->params, "id")), req->user_id));
    if (rc != 0)
        return rc;
    int64_t dream = id_from(json_object_get(row, "id")), n = 0;
    json_decref(row);
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&n, "SELECT count(*) FROM dreams_support WHERE couple_id = $1 AND dream_id = $2",
               "ii", req->couple_id, dream) != DB_OK)
        return -1;
    if (n >= DREAMS_SUPPORT_PER_DREAM) {
        req_error(req, "support", "This dream holds 50 answers already: plenty of support.");
        return 0;
    }
    if (db_exec("INSERT INTO dreams_support (couple_id, id, dream_id, user_id, text, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                "iiiisi", req->couple_id, id_new(), dream, req->user_id, req_str(req, "support"),
                clock_now_ms()) < 0)
        return -1;
    return changed(req, res, dream, true);
}

/* The support answers of the dreams listed, each under its dream. */
static int attach_support(struct req *req, json_t *dreams)
{
    json_t *rows;
    if (db_query(&rows,
                 "SELECT s.dream_id, s.user_id, s.text, s.created_at FROM dreams_support s"
                 " JOIN dreams_dreams d ON d.couple_id = s.couple_id AND d.id = s.dream_id"
                 " WHERE s.couple_id = $1 AND d.shared = 1 ORDER BY s.created_at LIMIT 2000",
                 "i:ddsi", req->couple_id) != DB_OK)
        return -1;
    size_t i, k;
    json_t *d, *s;
    json_array_foreach (dreams, i, d) {
        json_t *list = json_array();
        json_array_foreach (rows, k, s)
            if (json_equal(json_object_get(s, "dream_id"), json_object_get(d, "id")))
                json_array_append_new(
                    list, json_pack("{s:s, s:O}", "who",
                                    id_from(json_object_get(s, "user_id")) == req->user_id
                                        ? "You"
                                        : req->couple->partner_name,
                                    "text", json_object_get(s, "text")));
        json_object_set_new(d, "support", list);
    }
    json_decref(rows);
    return 0;
}

int dreams_model(struct req *req, json_t *m)
{
    json_t *mine, *theirs;
    if (db_query(&mine,
                 "SELECT id, title, text, shared, updated_at FROM dreams_dreams"
                 " WHERE couple_id = $1 AND user_id = $2 ORDER BY created_at DESC LIMIT 100",
                 "ii:dssbi", req->couple_id, req->user_id) != DB_OK)
        return -1;
    if (db_query(&theirs,
                 "SELECT id, title, text, updated_at FROM dreams_dreams WHERE couple_id = $1"
                 " AND user_id <> $2 AND shared = 1 ORDER BY created_at DESC LIMIT 100",
                 "ii:dssi", req->couple_id, req->user_id) != DB_OK) {
        json_decref(mine);
        return -1;
    }
    if (attach_support(req, mine) != 0 || attach_support(req, theirs) != 0) {
        json_decref(mine);
        json_decref(theirs);
        return -1;
    }
    json_object_set_new(m, "my_dreams", mine);
    json_object_set_new(m, "their_dreams", theirs);
    json_object_set(m, "prompts", prompts);
    /* three prompts a day to start from, the same for both */
    json_t *today = json_array();
    size_t n = json_array_size(prompts);
    int64_t day = tz_day_number(req->couple->today);
    for (size_t k = 0; k < 3 && n > 0; k++)
        json_array_append(today, json_array_get(prompts, (size_t)(day * 3 + (int64_t)k) % n));
    json_object_set_new(m, "prompts_today", today);
    return 0;
}

int dreams_new_support(struct req *req, json_t *m)
{
    json_t *rows;
    if (db_query(&rows,
                 "SELECT d.id, d.title, s.text FROM dreams_support s JOIN dreams_dreams d"
                 " ON d.couple_id = s.couple_id AND d.id = s.dream_id WHERE s.couple_id = $1"
                 " AND d.user_id = $2 AND d.shared = 1 AND s.created_at >= $3"
                 " ORDER BY s.created_at DESC LIMIT 1",
                 "iii:dss", req->couple_id, req->user_id,
                 clock_now_ms() - (int64_t)DREAMS_NEW_DAYS * 86400000) != DB_OK)
        return -1;
    json_object_set(m, "new_support",
                    json_array_get(rows, 0) ? json_array_get(rows, 0) : json_null());
    json_decref(rows);
    return 0;
}
