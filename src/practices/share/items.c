/* items.c: Share's items (a day's question, or a question of your own) and
 * the model of one for a person. Every path that shows an item goes
 * through share_item_model, whose answers part is the reveal rule's
 * (reveal_view_of): the partner's words, reactions and comments show only
 * once both have answered. */
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "practices/share/internal.h"
#include "store/db.h"

struct reveal share_reveal = {.items = "share_items", .answers = "share_answers"};

int share_find_daily(struct req *req, const char *day, json_t **item)
{
    return db_row(item,
                  "SELECT " ITEM_COLUMNS " FROM share_items"
                  " WHERE couple_id = $1 AND kind = 'daily' AND day = $2",
                  "is:" ITEM_TYPES, req->couple_id, day);
}

/* Draws today's question for the couple, holding it, so both partners
 * opening the day at once get the same one. */
static int draw_today(struct req *req, const char *day, json_t **item)
{
    if (db_lock_couple(req->couple_id) != DB_OK)
        return DB_ERROR;
    int rc = share_find_daily(req, day, item); /* the partner may have drawn it meanwhile */
    if (rc != DB_NOT_FOUND)
        return rc;
    json_t *last = NULL;
    rc = db_row(&last,
                "SELECT question_key FROM share_items WHERE couple_id = $1 AND kind = 'daily'"
                " ORDER BY created_at DESC LIMIT 1",
                "i:s", req->couple_id);
    if (rc != DB_OK && rc != DB_NOT_FOUND)
        return rc;
    const struct question *q;
    rc = share_draw(req, json_string_value(json_object_get(last, "question_key")), &q) == 0 &&
                 db_exec("INSERT INTO share_items (couple_id, id, kind, day, question_key,"
                         " text, depth, category, created_at)"
                         " VALUES ($1, $2, 'daily', $3, $4, $5, $6, $7, $8)",
                         "iisssssi", req->couple_id, id_new(), day, q->key, q->text,
                         question_depths[q->depth], q->category, clock_now_ms()) >= 0 &&
                 db_exec("INSERT INTO share_seen (couple_id, question_key, seen_at)"
                         " VALUES ($1, $2, $3) ON CONFLICT (couple_id, question_key) DO NOTHING",
                         "isi", req->couple_id, q->key, clock_now_ms()) >= 0
             ? DB_OK
             : DB_ERROR;
    json_decref(last);
    return rc == DB_OK ? share_find_daily(req, day, item) : rc;
}

int share_daily_item(struct req *req, const char *day, json_t **item)
{
    int rc = share_find_daily(req, day, item);
    if (rc != DB_NOT_FOUND || strcmp(day, req->couple->today) != 0)
        return rc;
    return draw_today(req, day, item);
}

int share_ask_item(struct req *req, json_t **item)
{
    return db_row(item,
                  "SELECT " ITEM_COLUMNS " FROM share_items"
                  " WHERE couple_id = $1 AND kind = 'ask' AND id = $2",
                  "ii:" ITEM_TYPES, req->couple_id, id_from(json_object_get(req->params, "id")));
}

/* Reactions and comments of a revealed item, into m, with the reactions
 * to offer (yours pressed). */
static int talk(struct req *req, int64_t item_id, json_t *m)
{
    const char *partner = req->couple->partner_name;
    json_t *rows, *reacts = json_array(), *comments = json_array(), *choices = json_array();
    json_object_set_new(m, "reactions", reacts);
    json_object_set_new(m, "comments", comments);
    json_object_set_new(m, "reaction_choices", choices);
    if (db_query(&rows,
                 "SELECT user_id, reaction FROM share_reactions"
                 " WHERE couple_id = $1 AND item_id = $2 LIMIT 2",
                 "ii:ds", req->couple_id, item_id) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        bool me = id_from(json_object_get(row, "user_id")) == req->user_id;
        const char *r = json_string_value(json_object_get(row, "reaction"));
        json_array_append_new(reacts, json_pack("{s:s, s:s, s:s, s:b}", "name",
                                                me ? "You" : partner, "reaction", r, "label",
                                                share_reaction_label(r), "mine", me));
        if (me)
            json_object_set_new(m, "my_reaction", json_string(r));
    }
    json_decref(rows);
    const char *mine = json_string_value(json_object_get(m, "my_reaction"));
    for (const char *const *r = share_reactions; *r != NULL; r++)
        json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "value", *r, "label",
                                                 share_reaction_label(*r), "pressed",
                                                 mine != NULL && strcmp(mine, *r) == 0));
    if (db_query(&rows,
                 "SELECT id, user_id, text, created_at FROM share_comments"
                 " WHERE couple_id = $1 AND item_id = $2 ORDER BY id LIMIT 200",
                 "ii:ddsi", req->couple_id, item_id) != DB_OK)
        return -1;
    json_array_foreach (rows, i, row) {
        bool me = id_from(json_object_get(row, "user_id")) == req->user_id;
        char when[32];
        tz_format(req->couple->time_zone, json_integer_value(json_object_get(row, "created_at")),
                  when);
        json_array_append_new(
            comments, json_pack("{s:O, s:s, s:O, s:s, s:b}", "id", json_object_get(row, "id"),
                                "name", me ? "You" : partner, "text", json_object_get(row, "text"),
                                "when", when, "mine", me));
    }
    json_decref(rows);
    return 0;
}

/* Where an item stands for the person, in words that fit: state is "both",
 * "you" (waiting for your answer), "partner" (waiting for theirs) or
 * "none". */
static void set_state(struct req *req, json_t *m, bool one_answers, int64_t author)
{
    const char *partner = req->couple->partner_name;
    bool revealed = json_is_true(json_object_get(m, "revealed"));
    bool mine = !json_is_null(json_object_get(m, "mine"));
    bool theirs = json_is_true(json_object_get(json_object_get(m, "partner"), "answered"));
    const char *state, *label;
    if (revealed) {
        state = "both";
        label = one_answers ? "Answered" : "You have both answered";
    } else if (one_answers) {
        bool mine_to_answer = author != req->user_id;
        state = mine_to_answer ? "you" : "partner";
        label = mine_to_answer ? "Yours to answer"
                               : arena_printf(req->arena, "Waiting for %s's answer", partner);
    } else if (mine) {
        state = "partner";
        label = arena_printf(req->arena, "Waiting for %s", partner);
    } else if (theirs) {
        state = "you";
        label = arena_printf(req->arena, "%s has answered: waiting for you", partner);
    } else {
        state = "none";
        label = "Neither of you has answered yet";
    }
    json_object_set_new(m, "state", json_string(state));
    json_object_set_new(m, "state_label", json_string(label));
}

int share_item_model(struct req *req, json_t *item, json_t *answers, json_t **out)
{
    int64_t item_id = id_from(json_object_get(item, "id"));
    bool revealed = !json_is_null(json_object_get(item, "revealed_at"));
    json_t *own = NULL;
    if (answers == NULL && reveal_answers(&share_reveal, req->couple_id, item_id, &own) != DB_OK)
        return -1;
    json_t *m =
        reveal_view_of(answers ? answers : own, req->user_id, revealed, req->couple->partner_name);
    json_decref(own);
    json_t *q = json_object();
    json_object_set(m, "id", json_object_get(item, "id"));
    json_object_set(m, "kind", json_object_get(item, "kind"));
    json_object_set(m, "day", json_object_get(item, "day"));
    const char *day = json_string_value(json_object_get(item, "day"));
    json_object_set_new(
        m, "talk_path",
        json_string(day ? arena_printf(req->arena, "/share/%s", day)
                        : arena_printf(req->arena, "/share/ask/%s",
                                       json_string_value(json_object_get(item, "id")))));
    char words[TZ_DAY_WORDS];
    if (tz_day_words(json_string_value(json_object_get(item, "day")), req->couple->today, words) ==
        0)
        json_object_set_new(m, "day_label", json_string(words));
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
        json_object_set_new(
            m, "asked_by", json_string(author == req->user_id ? "you" : req->couple->partner_name));
    /* a question for the partner alone: only the one asked answers */
    const char *mode = json_string_value(json_object_get(item, "ask_mode"));
    bool one_answers = mode != NULL && strcmp(mode, "partner") == 0;
    json_object_set_new(m, "for_one", json_boolean(one_answers));
    json_object_set_new(m, "you_answer", json_boolean(!one_answers || author != req->user_id));
    set_state(req, m, one_answers, author);
    /* a list of items leaves their conversations to each item's page */
    if (answers == NULL && !revealed) {
        json_object_set_new(m, "reactions", json_array());
        json_object_set_new(m, "comments", json_array());
    } else if (answers == NULL && talk(req, item_id, m) != 0) {
        json_decref(m);
        return -1;
    }
    *out = m;
    return 0;
}

int share_item_models(struct req *req, json_t *items, json_t *answers, json_t *out)
{
    size_t i, k;
    json_t *item, *answer, *m;
    json_array_foreach (items, i, item) {
        json_t *own = json_array();
        json_array_foreach (answers, k, answer)
            if (json_equal(json_object_get(answer, "item_id"), json_object_get(item, "id")))
                json_array_append(own, answer);
        int rc = share_item_model(req, item, own, &m);
        json_decref(own);
        if (rc != 0)
            return -1;
        json_array_append_new(out, m);
    }
    return 0;
}

int share_show_item(struct req *req, struct res *res, json_t *item)
{
    json_t *m;
    if (share_item_model(req, item, NULL, &m) != 0)
        return -1;
    json_object_update(res_model(res), m);
    json_decref(m);
    return 0;
}
