/* share.c: Share. A couple's questions live in share_items: one "daily" item
 * per day in the couple's time zone (drawn when either partner first opens
 * the day) and "ask" items a partner wrote. Each partner answers privately;
 * the partner's text appears only once revealed_at is set, which happens in
 * the same transaction as the second answer. Reactions and comments are
 * refused before that. Every query is scoped by the session's couple. */
#include "practices/share.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/accounts.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/http.h"
#include "practices/questions.h"
#include "store/db.h"

static const char *const reactions[] = {"thanks", "me-too", "tell-me-more", "love", NULL};
static const char *const reaction_labels[] = {"Thank you for sharing", "Me too", "Tell me more",
                                              "Love this"};

static const char *reaction_label(const char *r)
{
    for (int i = 0; r != NULL && reactions[i] != NULL; i++)
        if (strcmp(reactions[i], r) == 0)
            return reaction_labels[i];
    return "";
}
static const char *const modes[] = {"together", "writing", NULL};

/* ---- small helpers ---- */

static const char *couple_tz(struct req *req)
{
    return json_string_value(json_object_get(req->user, "couple_time_zone"));
}

static const char *partner_name(struct req *req)
{
    const char *n = json_string_value(json_object_get(req->user, "partner_name"));
    return n ? n : "Your partner";
}

static void today(struct req *req, char out[11])
{
    tz_date(couple_tz(req), clock_now_ms(), out);
}

static void set_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

static void conflict(struct res *res, const char *why)
{
    res->status = 409;
    res->detail = why;
}

/* ---- settings ---- */

struct settings {
    int depth;
    json_t *categories; /* array of slugs */
};

static int load_settings(struct req *req, struct settings *s)
{
    json_t *row;
    s->depth = 1;
    s->categories = json_array();
    int rc = db_row(&row, "SELECT depth, categories FROM share_settings WHERE couple_id = $1",
                    "i:ss", req->couple_id);
    if (rc == DB_ERROR) {
        json_decref(s->categories);
        return -1;
    }
    if (rc == DB_OK) {
        s->depth = questions_depth(json_string_value(json_object_get(row, "depth")));
        questions_parse_categories(json_string_value(json_object_get(row, "categories")),
                                   s->categories);
        json_decref(row);
    }
    if (s->depth < 0)
        s->depth = 1;
    if (json_array_size(s->categories) == 0)
        for (const char *const *c = questions_categories(); *c; c++)
            json_array_append_new(s->categories, json_string(*c));
    return 0;
}

static bool wants_category(const struct settings *s, const char *slug)
{
    size_t i;
    json_t *c;
    json_array_foreach (s->categories, i, c)
        if (strcmp(json_string_value(c), slug) == 0)
            return true;
    return false;
}

/* ---- drawing the daily question ---- */

/* Picks a bank question the couple has not had, within their depth and
 * categories; when all of those were used, the cycle starts again, never with
 * exclude (the question being swapped, or the last day's). */
static int draw(struct req *req, const char *exclude, const struct question **out)
{
    struct settings s;
    if (load_settings(req, &s) != 0)
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
    for (int pass = 0; pass < 2 && fresh == 0; pass++) {
        eligible = fresh = 0;
        for (i = 0; i < n; i++) {
            if (bank[i].depth > s.depth || !wants_category(&s, bank[i].category))
                continue;
            eligible++;
            bool again = pass == 1 && (exclude == NULL || strcmp(exclude, bank[i].key) != 0);
            if (again || (pass == 0 && json_object_get(seen, bank[i].key) == NULL))
                pool[fresh++] = &bank[i];
        }
        if (fresh == 0 && eligible > 0 && pass == 0 &&
            db_exec("DELETE FROM share_seen WHERE couple_id = $1", "i", req->couple_id) < 0)
            break;
    }
    /* a pool of one question that is excluded still has to give a question */
    const struct question *only = questions_find(exclude);
    *out = fresh > 0 ? pool[randombytes_uniform((uint32_t)fresh)] : only ? only : &bank[0];
    free(pool);
    json_decref(seen);
    json_decref(s.categories);
    return 0;
}

static int mark_seen(struct req *req, const struct question *q)
{
    return db_exec("INSERT INTO share_seen (couple_id, question_key, seen_at) VALUES ($1, $2, $3)"
                   " ON CONFLICT (couple_id, question_key) DO NOTHING",
                   "isi", req->couple_id, q->key, clock_now_ms());
}

static int find_daily(struct req *req, const char *day, json_t **item)
{
    static const char sql[] = "SELECT id, kind, day, question_key, text, depth, category,"
                              " author_id, swaps, created_at, revealed_at FROM share_items"
                              " WHERE couple_id = $1 AND kind = 'daily' AND day = $2";
    return db_row(item, sql, "is:dssssssdiii", req->couple_id, day);
}

/* The daily item of day; today's is drawn when missing. */
static int daily_item(struct req *req, const char *day, json_t **item)
{
    char now[11];
    today(req, now);
    int rc = find_daily(req, day, item);
    if (rc != DB_NOT_FOUND || strcmp(day, now) != 0)
        return rc;
    /* the draw holds the couple, so both partners opening the day at once
     * get one question */
    if (db_lock_couple(req->couple_id) != DB_OK)
        return DB_ERROR;
    rc = find_daily(req, day, item); /* the partner may have drawn it meanwhile */
    if (rc == DB_NOT_FOUND) {
        const struct question *q;
        json_t *last = NULL;
        rc = db_row(&last,
                    "SELECT question_key FROM share_items WHERE couple_id = $1 AND kind = 'daily'"
                    " ORDER BY created_at DESC LIMIT 1",
                    "i:s", req->couple_id);
        if (rc != DB_OK && rc != DB_NOT_FOUND)
            return rc;
        rc = draw(req, json_string_value(json_object_get(last, "question_key")), &q) == 0 &&
                     db_exec("INSERT INTO share_items (couple_id, id, kind, day, question_key,"
                             " text, depth, category, created_at)"
                             " VALUES ($1, $2, 'daily', $3, $4, $5, $6, $7, $8)",
                             "iisssssi", req->couple_id, id_new(), day, q->key, q->text,
                             question_depths[q->depth], q->category, clock_now_ms()) >= 0 &&
                     mark_seen(req, q) >= 0
                 ? DB_OK
                 : DB_ERROR;
        json_decref(last);
        if (rc == DB_OK)
            rc = find_daily(req, day, item);
    }
    return rc;
}

static int ask_item(struct req *req, json_t **item)
{
    static const char sql[] = "SELECT id, kind, day, question_key, text, depth, category,"
                              " author_id, swaps, created_at, revealed_at FROM share_items"
                              " WHERE couple_id = $1 AND kind = 'ask' AND id = $2";
    return db_row(item, sql, "ii:dssssssdiii", req->couple_id,
                  id_from(json_object_get(req->params, "id")));
}

/* ---- the model of one item ---- */

/* Builds what a person may see of item: their own answer, whether the
 * partner answered, and the partner's answer, reactions and comments only
 * once revealed. */
static int item_model(struct req *req, json_t *item, json_t **out)
{
    int64_t item_id = id_from(json_object_get(item, "id"));
    bool revealed = !json_is_null(json_object_get(item, "revealed_at"));
    json_t *m = json_object(), *q = json_object(), *rows;
    json_object_set(m, "id", json_object_get(item, "id"));
    json_object_set(m, "kind", json_object_get(item, "kind"));
    json_object_set(m, "day", json_object_get(item, "day"));
    const char *key = json_string_value(json_object_get(item, "question_key"));
    json_object_set_new(q, "id", key ? json_string(key) : json_incref(json_object_get(item, "id")));
    json_object_set(q, "text", json_object_get(item, "text"));
    json_object_set(q, "depth", json_object_get(item, "depth"));
    const char *cat = json_string_value(json_object_get(item, "category"));
    json_object_set(q, "category", json_object_get(item, "category"));
    if (cat != NULL)
        json_object_set_new(q, "category_label", json_string(questions_category_label(cat)));
    json_object_set_new(m, "question", q);
    int64_t author = id_from(json_object_get(item, "author_id"));
    if (author != 0)
        json_object_set_new(m, "asked_by",
                            json_string(author == req->user_id ? "you" : partner_name(req)));

    if (db_query(&rows,
                 "SELECT user_id, text, updated_at FROM share_answers"
                 " WHERE couple_id = $1 AND item_id = $2 LIMIT 2",
                 "ii:dsi", req->couple_id, item_id) != DB_OK) {
        json_decref(m);
        return -1;
    }
    json_t *mine = json_null(), *partner = json_object();
    json_object_set_new(partner, "name", json_string(partner_name(req)));
    json_object_set_new(partner, "answered", json_false());
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        if (id_from(json_object_get(row, "user_id")) == req->user_id) {
            json_decref(mine);
            mine = json_pack("{s:O}", "text", json_object_get(row, "text"));
        } else {
            json_object_set_new(partner, "answered", json_true());
            if (revealed)
                json_object_set(partner, "text", json_object_get(row, "text"));
        }
    }
    json_decref(rows);
    json_object_set_new(m, "mine", mine);
    json_object_set_new(m, "partner", partner);
    json_object_set_new(m, "revealed", json_boolean(revealed));

    json_t *reacts = json_array(), *comments = json_array();
    json_object_set_new(m, "reactions", reacts);
    json_object_set_new(m, "comments", comments);
    if (revealed) {
        if (db_query(&rows,
                     "SELECT user_id, reaction FROM share_reactions"
                     " WHERE couple_id = $1 AND item_id = $2 LIMIT 2",
                     "ii:ds", req->couple_id, item_id) != DB_OK) {
            json_decref(m);
            return -1;
        }
        json_array_foreach (rows, i, row) {
            bool me = id_from(json_object_get(row, "user_id")) == req->user_id;
            const char *r = json_string_value(json_object_get(row, "reaction"));
            json_array_append_new(reacts, json_pack("{s:s, s:s, s:s, s:b}", "name",
                                                    me ? "You" : partner_name(req), "reaction", r,
                                                    "label", reaction_label(r), "mine", me));
        }
        json_decref(rows);
        if (db_query(&rows,
                     "SELECT id, user_id, text, created_at FROM share_comments"
                     " WHERE couple_id = $1 AND item_id = $2 ORDER BY id LIMIT 200",
                     "ii:ddsi", req->couple_id, item_id) != DB_OK) {
            json_decref(m);
            return -1;
        }
        json_array_foreach (rows, i, row) {
            bool me = id_from(json_object_get(row, "user_id")) == req->user_id;
            char when[32];
            tz_format(couple_tz(req), json_integer_value(json_object_get(row, "created_at")), when);
            json_array_append_new(
                comments, json_pack("{s:O, s:s, s:O, s:s, s:b}", "id", json_object_get(row, "id"),
                                    "name", me ? "You" : partner_name(req), "text",
                                    json_object_get(row, "text"), "when", when, "mine", me));
        }
        json_decref(rows);
    }
    *out = m;
    return 0;
}

/* Copies item's model into res's model (the shape of GET /share). */
static int show_item(struct req *req, struct res *res, json_t *item)
{
    json_t *m;
    if (item_model(req, item, &m) != 0)
        return -1;
    json_object_update(res_model(res), m);
    json_decref(m);
    return 0;
}

int share_today(struct req *req, json_t **out)
{
    char day[11];
    today(req, day);
    json_t *item;
    if (daily_item(req, day, &item) != DB_OK)
        return -1;
    int rc = item_model(req, item, out);
    json_decref(item);
    return rc;
}

/* ---- pages ---- */

static int open_asks(struct req *req, json_t *model)
{
    json_t *rows, *asks = json_array();
    static const char sql[] = "SELECT id, kind, day, question_key, text, depth, category,"
                              " author_id, swaps, created_at, revealed_at FROM share_items"
                              " WHERE couple_id = $1 AND kind = 'ask' AND revealed_at IS NULL"
                              " ORDER BY created_at DESC LIMIT 20";
    if (db_query(&rows, sql, "i:dssssssdiii", req->couple_id) != DB_OK) {
        json_decref(asks);
        return -1;
    }
    size_t i;
    json_t *row, *m;
    json_array_foreach (rows, i, row)
        if (item_model(req, row, &m) == 0)
            json_array_append_new(asks, m);
    json_decref(rows);
    json_object_set_new(model, "asks", asks);
    return 0;
}

static int share_page(struct req *req, struct res *res)
{
    char day[11];
    today(req, day);
    json_t *item;
    if (daily_item(req, day, &item) != DB_OK)
        return -1;
    int rc = show_item(req, res, item);
    json_t *m = res_model(res);
    int64_t swaps = json_integer_value(json_object_get(item, "swaps"));
    bool untouched = json_is_null(json_object_get(m, "mine")) &&
                     !json_is_true(json_object_get(json_object_get(m, "partner"), "answered"));
    json_object_set_new(m, "swaps_left", json_integer(untouched ? SHARE_SWAPS_PER_DAY - swaps : 0));
    json_object_set_new(m, "today", json_true());
    json_decref(item);
    set_title(res, "Today's question");
    return rc == 0 ? open_asks(req, m) : -1;
}

static bool is_future(struct req *req, const char *day)
{
    char now[11];
    today(req, now);
    return strcmp(day, now) > 0;
}

static int day_page(struct req *req, struct res *res)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    char now[11];
    today(req, now);
    if (strcmp(day, now) == 0)
        return share_page(req, res);
    json_t *item;
    int rc = is_future(req, day) ? DB_NOT_FOUND : find_daily(req, day, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    rc = show_item(req, res, item);
    json_decref(item);
    set_title(res, arena_printf(req->arena, "The question of %s", day));
    return rc;
}

/* Saves the person's answer to item; reveals when the partner answered too.
 * Returns 0, 1 when the item was revealed already (answers no longer
 * change), or -1. */
static int save_answer(struct req *req, json_t *item)
{
    int64_t item_id = id_from(json_object_get(item, "id")), both = 0;
    json_t *state;
    /* held couple: a partner answering at the same moment waits, so the
     * reveal happens exactly once and no change slips in after it */
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_row(&state, "SELECT revealed_at FROM share_items WHERE couple_id = $1 AND id = $2",
               "ii:i", req->couple_id, item_id) != DB_OK)
        return -1;
    int64_t now = clock_now_ms(); /* read holding the couple: times follow the order of writes */
    bool revealed = !json_is_null(json_object_get(state, "revealed_at"));
    json_decref(state);
    if (revealed)
        return 1;
    if (db_exec("INSERT INTO share_answers (couple_id, item_id, user_id, text, created_at,"
                " updated_at) VALUES ($1, $2, $3, $4, $5, $5)"
                " ON CONFLICT (couple_id, item_id, user_id)"
                " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
                "iiisi", req->couple_id, item_id, req->user_id, req_str(req, "text"), now) < 0 ||
        db_int(&both, "SELECT count(*) FROM share_answers WHERE couple_id = $1 AND item_id = $2",
               "ii", req->couple_id, item_id) != DB_OK)
        return -1;
    if (both == 2 && db_exec("UPDATE share_items SET revealed_at = $3 WHERE couple_id = $1"
                             " AND id = $2 AND revealed_at IS NULL",
                             "iii", req->couple_id, item_id, now) < 0)
        return -1;
    return 0;
}

/* The form handler behind a failed answer: the page it came from. */
static int answer_form(struct req *req, struct res *res)
{
    return json_object_get(req->params, "day") ? day_page(req, res) : share_page(req, res);
}

/* An answer sent after both answered: 409, and on the page the text comes
 * back in the comment box, so nothing typed is lost. */
static int too_late(struct req *req, struct res *res, int page_rc)
{
    res->status = 409;
    res->detail = "You have both answered, so the answers no longer change. What you wrote is "
                  "in the comment box below, if you would like to add it to the conversation.";
    json_t *m = res_model(res);
    json_object_set_new(m, "notice", json_string(res->detail));
    json_object_set(m, "input", req->typed);
    return page_rc;
}

static int answer(struct req *req, struct res *res)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    char now[11];
    today(req, now);
    json_t *item;
    int rc =
        day != NULL && is_future(req, day) ? DB_NOT_FOUND : daily_item(req, day ? day : now, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    rc = save_answer(req, item);
    if (rc == 1) {
        json_decref(item);
        return too_late(req, res, answer_form(req, res));
    }
    if (rc == 0) {
        json_t *fresh;
        if (find_daily(req, json_string_value(json_object_get(item, "day")), &fresh) != DB_OK) {
            json_decref(item);
            return -1;
        }
        rc = show_item(req, res, fresh);
        json_decref(fresh);
        res_redirect(res, day && strcmp(day, now) != 0 ? arena_printf(req->arena, "/share/%s", day)
                                                       : "/share");
    }
    json_decref(item);
    return rc;
}

static int swap(struct req *req, struct res *res)
{
    char day[11];
    today(req, day);
    json_t *item;
    if (daily_item(req, day, &item) != DB_OK)
        return -1;
    const char *shown = req_str(req, "day");
    if (shown != NULL && strcmp(shown, day) != 0) {
        json_decref(item);
        conflict(res, "A new day has begun since that page was shown: here is today's question.");
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
        conflict(res, answers > 0
                          ? "Today's question can be swapped only before either of you answers."
                          : "You have swapped twice today. Pass on this one if it does not fit; "
                            "tomorrow brings a new question.");
        return 0;
    }
    const struct question *q;
    if (draw(req, current, &q) != 0)
        return -1;
    int changed = db_exec("UPDATE share_items SET question_key = $3, text = $4, depth = $5,"
                          " category = $6, swaps = swaps + 1 WHERE couple_id = $1 AND id = $2"
                          " AND swaps < $7 AND NOT EXISTS (SELECT 1 FROM share_answers a"
                          " WHERE a.couple_id = $1 AND a.item_id = $2)",
                          "iissssi", req->couple_id, item_id, q->key, q->text,
                          question_depths[q->depth], q->category, (int64_t)SHARE_SWAPS_PER_DAY);
    if (changed < 0 || (changed == 1 && mark_seen(req, q) < 0))
        return -1;
    if (changed == 0) {
        conflict(res, "Today's question changed meanwhile: here it is.");
        return 0;
    }
    res_redirect(res, "/share");
    return share_page(req, res);
}

/* The revealed daily item of the {day} parameter, or a status. */
static int revealed_day(struct req *req, struct res *res, json_t **item)
{
    const char *day = json_string_value(json_object_get(req->params, "day"));
    int rc = is_future(req, day) ? DB_NOT_FOUND : find_daily(req, day, item);
    if (rc == DB_NOT_FOUND) {
        res->status = 404;
        return 1;
    }
    if (rc != DB_OK)
        return -1;
    if (json_is_null(json_object_get(*item, "revealed_at"))) {
        json_decref(*item);
        conflict(res, "Reactions and comments open once you have both answered.");
        return 1;
    }
    return 0;
}

static int react(struct req *req, struct res *res)
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
                clock_now_ms()) < 0)
        return -1;
    json_object_set(res_model(res), "reaction", json_object_get(req->input, "reaction"));
    res_redirect(res, arena_printf(req->arena, "/share/%s#talk",
                                   json_string_value(json_object_get(req->params, "day"))));
    return 0;
}

static int comment(struct req *req, struct res *res)
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
                clock_now_ms()) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    res_redirect(res, arena_printf(req->arena, "/share/%s#talk",
                                   json_string_value(json_object_get(req->params, "day"))));
    return 0;
}

/* ---- questions of your own ---- */

static int ask(struct req *req, struct res *res)
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
    if (db_exec("INSERT INTO share_items (couple_id, id, kind, text, author_id, created_at)"
                " VALUES ($1, $2, 'ask', $3, $4, $5)",
                "iisii", req->couple_id, id, req_str(req, "question"), req->user_id,
                clock_now_ms()) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    res_redirect(res, "/share#asked");
    return 0;
}

static int ask_page(struct req *req, struct res *res)
{
    json_t *item;
    int rc = ask_item(req, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    rc = show_item(req, res, item);
    json_decref(item);
    set_title(res, "A question from one of you");
    return rc;
}

static int answer_ask(struct req *req, struct res *res)
{
    json_t *item;
    int rc = ask_item(req, &item);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    rc = save_answer(req, item);
    json_decref(item);
    if (rc == 1)
        return too_late(req, res, ask_page(req, res));
    if (rc == 0) {
        if (ask_item(req, &item) != DB_OK)
            return -1;
        rc = show_item(req, res, item);
        json_decref(item);
    }
    res_redirect(res, arena_printf(req->arena, "/share/ask/%s",
                                   json_string_value(json_object_get(req->params, "id"))));
    return rc;
}

/* ---- archive ---- */

/* Percent-encodes s for a query string value. */
static char *url_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, 3 * strlen(s) + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

/* Escapes LIKE's wildcards in q and wraps it in % signs. */
static char *like_pattern(struct arena *a, const char *q)
{
    size_t n = strlen(q);
    char *out = arena_alloc(a, 2 * n + 3), *o = out;
    *o++ = '%';
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

static int archive(struct req *req, struct res *res)
{
    const char *q = req_str(req, "q");
    json_t *pagev = json_object_get(req->input, "page");
    int64_t page = pagev ? json_integer_value(pagev) : 1;
    const char *pattern = like_pattern(req->arena, q ? q : "");
    json_t *rows;
    static const char sql[] =
        "SELECT i.id, i.kind, i.day, i.question_key, i.text, i.depth, i.category, i.author_id,"
        " i.swaps, i.created_at, i.revealed_at FROM share_items i"
        " WHERE i.couple_id = $1 AND i.revealed_at IS NOT NULL"
        " AND (lower(i.text) LIKE lower($2) ESCAPE '\\' OR EXISTS (SELECT 1 FROM share_answers a"
        " WHERE a.couple_id = i.couple_id AND a.item_id = i.id"
        " AND lower(a.text) LIKE lower($2) ESCAPE '\\'))"
        " ORDER BY i.created_at DESC LIMIT $3 OFFSET $4";
    if (db_query(&rows, sql, "isii:dssssssdiii", req->couple_id, pattern,
                 (int64_t)SHARE_ARCHIVE_PAGE + 1, (page - 1) * SHARE_ARCHIVE_PAGE) != DB_OK)
        return -1;
    json_t *items = json_array();
    size_t i;
    json_t *row, *m;
    json_array_foreach (rows, i, row) {
        if (i == SHARE_ARCHIVE_PAGE)
            break;
        if (item_model(req, row, &m) == 0)
            json_array_append_new(items, m);
    }
    json_t *model = res_model(res);
    set_title(res, "Your answers, together");
    json_object_set_new(model, "items", items);
    json_object_set_new(model, "q", json_string(q ? q : ""));
    json_object_set_new(model, "q_url", json_string(url_encode(req->arena, q ? q : "")));
    json_object_set_new(model, "page", json_integer(page));
    if (json_array_size(rows) > SHARE_ARCHIVE_PAGE)
        json_object_set_new(model, "next_page", json_integer(page + 1));
    if (page > 1)
        json_object_set_new(model, "previous_page", json_integer(page - 1));
    json_decref(rows);
    return 0;
}

/* ---- settings and the bank ---- */

static int settings_page(struct req *req, struct res *res)
{
    struct settings s;
    if (load_settings(req, &s) != 0)
        return -1;
    json_t *m = res_model(res), *depths = json_array(), *cats = json_array();
    set_title(res, "Question settings");
    for (int d = 0; d < DEPTHS; d++)
        json_array_append_new(
            depths, json_pack("{s:s, s:b}", "name", question_depths[d], "selected", d == s.depth));
    for (const char *const *c = questions_categories(); *c; c++)
        json_array_append_new(cats, json_pack("{s:s, s:s, s:b}", "name", *c, "label",
                                              questions_category_label(*c), "selected",
                                              wants_category(&s, *c)));
    json_object_set_new(m, "depth", json_string(question_depths[s.depth]));
    json_object_set(m, "saved", json_object_get(req->input, "saved"));
    json_object_set_new(m, "depths", depths);
    json_object_set_new(m, "categories", cats);
    json_decref(s.categories);
    return 0;
}

static int save_settings(struct req *req, struct res *res)
{
    char list[1024] = "";
    size_t used = 0, i;
    json_t *c;
    json_array_foreach (json_object_get(req->input, "categories"), i, c) {
        int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? "," : "",
                         json_string_value(c));
        if (n > 0 && (size_t)n < sizeof(list) - used)
            used += (size_t)n;
    }
    if (db_exec("INSERT INTO share_settings (couple_id, depth, categories, updated_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (couple_id) DO UPDATE SET"
                " depth = excluded.depth, categories = excluded.categories,"
                " updated_at = excluded.updated_at",
                "issi", req->couple_id, req_str(req, "depth"), list, clock_now_ms()) < 0)
        return -1;
    res_redirect(res, "/share/settings?saved=1");
    return settings_page(req, res);
}

static int bank_page(struct req *req, struct res *res)
{
    (void)req;
    size_t n;
    const struct question *bank = questions_daily(&n);
    json_t *list = json_array();
    for (const char *const *c = questions_categories(); *c; c++) {
        int per[DEPTHS] = {0};
        for (size_t i = 0; i < n; i++)
            if (bank[i].category == *c)
                per[bank[i].depth]++;
        json_t *depths = json_array();
        for (int d = 0; d < DEPTHS; d++)
            if (per[d] > 0)
                json_array_append_new(depths, json_string(question_depths[d]));
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:o, s:i, s:{s:i, s:i, s:i}}", "name", *c,
                                        "label", questions_category_label(*c), "depths", depths,
                                        "count", per[0] + per[1] + per[2], "per_depth", "light",
                                        per[0], "deeper", per[1], "deep", per[2]));
    }
    set_title(res, "The questions");
    json_object_set_new(res_model(res), "categories", list);
    json_object_set_new(res_model(res), "total", json_integer((json_int_t)n));
    return 0;
}

/* ---- the deep-dive evening ---- */

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
    json_object_set_new(m, "first_name", json_string(me_first ? "You" : partner_name(req)));
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
        json_array_append_new(
            pairs, json_pack("{s:i, s:s, s:O, s:O, s:s}", "number", at + 1, "question",
                             questions_dive(at), "mine", json_object_get(pair, "mine"), "partner",
                             json_object_get(pair, "partner"), "partner_name", partner_name(req)));
    }
    json_decref(by_pos);
    json_object_set_new(m, "pairs", pairs);
    *out = m;
    return 0;
}

static int dive_page(struct req *req, struct res *res)
{
    json_t *dive, *m = res_model(res);
    set_title(res, "Deep-dive evening");
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
    }
    return 0;
}

static int dive_start(struct req *req, struct res *res)
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
    res_redirect(res, "/share/deep-dive");
    return dive_page(req, res);
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
        conflict(res, "There is no deep-dive evening under way. Start one first.");
        return 1;
    }
    st->id = id_from(json_object_get(dive, "id"));
    st->pos = (int)json_integer_value(json_object_get(dive, "position"));
    st->writing = !strcmp(json_string_value(json_object_get(dive, "mode")), "writing");
    st->paused = json_is_true(json_object_get(dive, "paused"));
    json_decref(dive);
    if (running && st->paused) {
        conflict(res, "This evening is paused. Resume it when you are both ready.");
        return 1;
    }
    return 0;
}

static int dive_next(struct req *req, struct res *res)
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
    res_redirect(res, next >= DIVE_QUESTIONS ? "/share/deep-dive?finished=1" : "/share/deep-dive");
    return dive_page(req, res);
}

static int dive_pause(struct req *req, struct res *res, int paused)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, false);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (db_exec("UPDATE share_dives SET paused = $3, updated_at = $4 WHERE couple_id = $1"
                " AND id = $2",
                "iibi", req->couple_id, st.id, paused, clock_now_ms()) < 0)
        return -1;
    res_redirect(res, "/share/deep-dive");
    return dive_page(req, res);
}

static int dive_pause_handler(struct req *req, struct res *res)
{
    return dive_pause(req, res, 1);
}

static int dive_resume_handler(struct req *req, struct res *res)
{
    return dive_pause(req, res, 0);
}

static int dive_answer(struct req *req, struct res *res)
{
    struct dive_state st;
    int rc = running_dive(req, res, &st, true);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    if (!st.writing) {
        conflict(res, "This evening is in person: talk, then tap next.");
        return 0;
    }
    if (db_exec("INSERT INTO share_dive_answers (couple_id, dive_id, position, user_id, text,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6)"
                " ON CONFLICT (couple_id, dive_id, position, user_id) DO NOTHING",
                "iiiisi", req->couple_id, st.id, (int64_t)st.pos, req->user_id,
                req_str(req, "text"), clock_now_ms()) < 0)
        return -1;
    res_redirect(res, "/share/deep-dive");
    return dive_page(req, res);
}

/* ---- export ---- */

/* What a person's export holds of Share: only what they wrote. */
static const struct {
    const char *key, *sql, *types;
} exports[] = {
    {"answers",
     "SELECT i.kind, i.day, i.text AS question, a.text AS answer, a.created_at,"
     " a.updated_at FROM share_answers a JOIN share_items i"
     " ON i.couple_id = a.couple_id AND i.id = a.item_id WHERE a.user_id = $1"
     " ORDER BY a.created_at LIMIT 10000",
     "i:ssssii"},
    {"comments",
     "SELECT i.day, i.text AS question, c.text AS comment, c.created_at"
     " FROM share_comments c JOIN share_items i ON i.couple_id = c.couple_id"
     " AND i.id = c.item_id WHERE c.user_id = $1 ORDER BY c.created_at LIMIT 10000",
     "i:sssi"},
    {"questions_asked",
     "SELECT text AS question, created_at FROM share_items"
     " WHERE author_id = $1 ORDER BY created_at LIMIT 10000",
     "i:si"},
    {"deep_dive_answers",
     "SELECT dive_id, position, text AS answer, created_at"
     " FROM share_dive_answers WHERE user_id = $1"
     " ORDER BY created_at LIMIT 10000",
     "i:disi"},
};

static int export_share(int64_t user_id, json_t *out)
{
    json_t *rows;
    for (size_t k = 0; k < ARRAY_LEN(exports); k++) {
        if (db_query(&rows, exports[k].sql, exports[k].types, user_id) != DB_OK)
            return -1;
        json_object_set_new(out, exports[k].key, rows);
    }
    size_t i;
    json_t *row;
    json_array_foreach (json_object_get(out, "deep_dive_answers"), i, row) {
        int position = (int)json_integer_value(json_object_get(row, "position"));
        json_object_set_new(row, "question", json_string(questions_dive(position)));
    }
    return 0;
}

/* A deleted account's own questions lose their words; the partner's answers
 * to them stay theirs (and in their export). The person's answers,
 * reactions, comments and deep-dive answers go. */
static int erase_share(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM share_answers WHERE user_id = $1",
        "DELETE FROM share_reactions WHERE user_id = $1",
        "DELETE FROM share_comments WHERE user_id = $1",
        "DELETE FROM share_dive_answers WHERE user_id = $1",
    };
    for (size_t k = 0; k < ARRAY_LEN(erase); k++)
        if (db_exec(erase[k], "i", user_id) < 0)
            return -1;
    return db_exec("UPDATE share_items SET text = 'A question from an account that was deleted',"
                   " author_id = NULL WHERE author_id = $1",
                   "i", user_id) < 0
               ? -1
               : 0;
}

int share_init(void)
{
    if (questions_init() != 0)
        return -1;
    accounts_add_export("share", export_share);
    accounts_add_erase(erase_share);
    return 0;
}

void share_shutdown(void)
{
    questions_shutdown();
}

#define ANSWER_FIELD                                                                               \
    {                                                                                              \
        .name = "text", .label = "Your answer", .type = FIELD_TEXT, .required = true,              \
        .max = SHARE_ANSWER_MAX                                                                    \
    }

const struct route share_routes[] = {
    {.method = "GET",
     .pattern = "/share",
     .handler = share_page,
     .view = "share",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/share/answer",
     .handler = answer,
     .view = "share",
     .form = answer_form,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD}},
    {.method = "POST",
     .pattern = "/share/swap",
     .handler = swap,
     .view = "share",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "day", .label = "Day", .type = FIELD_DATE}}},
    {.method = "POST",
     .pattern = "/share/ask",
     .handler = ask,
     .view = "share",
     .form = share_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "question",
                 .label = "Your question",
                 .type = FIELD_TEXT,
                 .required = true,
                 .max = SHARE_ASK_MAX}}},
    {.method = "GET",
     .pattern = "/share/ask/{id:id}",
     .handler = ask_page,
     .view = "share-ask",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/share/ask/{id:id}/answer",
     .handler = answer_ask,
     .view = "share-ask",
     .form = ask_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD}},
    {.method = "GET",
     .pattern = "/share/archive",
     .handler = archive,
     .view = "share-archive",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "q", .label = "Search", .type = FIELD_STRING, .max = 100},
                {.name = "page", .label = "Page", .type = FIELD_INT, .min = 1, .max = 1000}}},
    {.method = "GET",
     .pattern = "/share/settings",
     .handler = settings_page,
     .view = "share-settings",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "saved", .type = FIELD_BOOL}}},
    {.method = "POST",
     .pattern = "/share/settings",
     .handler = save_settings,
     .view = "share-settings",
     .form = settings_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "depth",
                 .label = "Depth",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = question_depths},
                {.name = "categories",
                 .label = "Categories",
                 .type = FIELD_CHOICES,
                 .required = true,
                 .choices = question_categories}}},
    {.method = "GET",
     .pattern = "/share/questions",
     .handler = bank_page,
     .view = "share-questions",
     .auth = AUTH_COUPLE},
    {.method = "GET",
     .pattern = "/share/deep-dive",
     .handler = dive_page,
     .view = "deep-dive",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "finished", .type = FIELD_BOOL}}},
    {.method = "POST",
     .pattern = "/share/deep-dive",
     .handler = dive_start,
     .view = "deep-dive",
     .form = dive_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "mode",
                 .label = "How",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = modes}}},
    {.method = "POST",
     .pattern = "/share/deep-dive/next",
     .handler = dive_next,
     .view = "deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/pause",
     .handler = dive_pause_handler,
     .view = "deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/resume",
     .handler = dive_resume_handler,
     .view = "deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/answer",
     .handler = dive_answer,
     .view = "deep-dive",
     .form = dive_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD}},
    {.method = "GET",
     .pattern = "/share/{day:date}",
     .handler = day_page,
     .view = "share",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/share/{day:date}/answer",
     .handler = answer,
     .view = "share",
     .form = answer_form,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD}},
    {.method = "POST",
     .pattern = "/share/{day:date}/react",
     .handler = react,
     .form = day_page,
     .view = "share",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "reaction",
                 .label = "Reaction",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = reactions}}},
    {.method = "POST",
     .pattern = "/share/{day:date}/comments",
     .handler = comment,
     .view = "share",
     .form = day_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "text",
                 .label = "Comment",
                 .type = FIELD_TEXT,
                 .required = true,
                 .max = SHARE_COMMENT_MAX}}},
};
const size_t share_nroutes = ARRAY_LEN(share_routes);
