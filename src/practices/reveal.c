/* reveal.c: the mutual-reveal rule (see reveal.h). The statements are
 * built once per practice from its table names, so they are prepared and
 * cached like any other (their addresses do not change). */
#include "practices/reveal.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "store/db.h"

void reveal_init(struct reveal *r)
{
    snprintf(r->state, sizeof(r->state),
             "SELECT revealed_at FROM %s WHERE couple_id = $1 AND id = $2", r->items);
    snprintf(r->upsert, sizeof(r->upsert),
             "INSERT INTO %s (couple_id, item_id, user_id, text, created_at, updated_at)"
             " VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (couple_id, item_id, user_id)"
             " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at",
             r->answers);
    snprintf(r->open, sizeof(r->open),
             "UPDATE %s SET revealed_at = $3 WHERE couple_id = $1 AND id = $2"
             " AND revealed_at IS NULL",
             r->items);
    snprintf(r->answers_of, sizeof(r->answers_of),
             "SELECT user_id, text, updated_at FROM %s WHERE couple_id = $1 AND item_id = $2"
             " LIMIT 2",
             r->answers);
}

/* Holds the couple and tells whether the item is open already: 1, 0, or a
 * negative DB_ code. */
static int hold_and_check(const struct reveal *r, int64_t couple_id, int64_t item_id)
{
    json_t *state;
    int rc;
    /* held couple: a partner writing at the same moment waits, so the
     * reveal happens exactly once and no change slips in after it */
    if ((rc = db_lock_couple(couple_id)) != DB_OK ||
        (rc = db_row(&state, r->state, "ii:i", couple_id, item_id)) != DB_OK)
        return rc;
    bool revealed = !json_is_null(json_object_get(state, "revealed_at"));
    json_decref(state);
    return revealed ? 1 : 0;
}

int reveal_submit(const struct reveal *r, int64_t couple_id, int64_t item_id, int64_t user_id,
                  const char *text)
{
    json_t *rows;
    int rc = hold_and_check(r, couple_id, item_id);
    if (rc != 0)
        return rc < 0 ? rc : REVEAL_CLOSED;
    if ((rc = reveal_answers(r, couple_id, item_id, &rows)) != DB_OK)
        return rc;
    bool mine = false, theirs = false;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        bool me = id_from(json_object_get(row, "user_id")) == user_id;
        mine |= me;
        theirs |= !me;
    }
    json_decref(rows);
    int64_t now = clock_now_ms(); /* read holding the couple: times follow writes */
    if (db_exec(r->upsert, "iiisi", couple_id, item_id, user_id, text, now) < 0)
        return DB_ERROR;
    if (!theirs)
        return mine ? REVEAL_CHANGED : REVEAL_WAITING;
    rc = db_exec(r->open, "iii", couple_id, item_id, now);
    return rc < 0 ? rc : REVEAL_OPENED;
}

int reveal_submit_one(const struct reveal *r, int64_t couple_id, int64_t item_id, int64_t user_id,
                      const char *text)
{
    int rc = hold_and_check(r, couple_id, item_id);
    if (rc != 0)
        return rc < 0 ? rc : REVEAL_CLOSED;
    int64_t now = clock_now_ms();
    if (db_exec(r->upsert, "iiisi", couple_id, item_id, user_id, text, now) < 0)
        return DB_ERROR;
    rc = db_exec(r->open, "iii", couple_id, item_id, now);
    return rc < 0 ? rc : REVEAL_OPENED;
}

int reveal_answers(const struct reveal *r, int64_t couple_id, int64_t item_id, json_t **rows)
{
    return db_query(rows, r->answers_of, "ii:dsi", couple_id, item_id);
}

json_t *reveal_view_of(json_t *answers, int64_t user_id, bool revealed, const char *partner_name)
{
    json_t *mine = json_null(), *partner = json_object();
    json_object_set_new(partner, "name", json_string(partner_name));
    json_object_set_new(partner, "answered", json_false());
    size_t i;
    json_t *row;
    json_array_foreach (answers, i, row) {
        if (id_from(json_object_get(row, "user_id")) == user_id) {
            json_decref(mine);
            mine = json_pack("{s:O}", "text", json_object_get(row, "text"));
        } else {
            json_object_set_new(partner, "answered", json_true());
            if (revealed) /* the rule: the partner's words only once both wrote */
                json_object_set(partner, "text", json_object_get(row, "text"));
        }
    }
    return json_pack("{s:o, s:o, s:b}", "mine", mine, "partner", partner, "revealed", revealed);
}
