/* reveal.h: mutual reveal, the rule behind every practice where partners
 * write privately: "each writes on their own; both see both only when both
 * have written; after that nothing changes".
 *
 * A practice keeps the things to answer (items: couple_id, id, revealed_at)
 * and the answers (couple_id, item_id, user_id, text, created_at,
 * updated_at) in tables of its own; a struct reveal names them, and these
 * functions hold the rule for all: the write (under the couple's lock, so
 * two partners writing at the same moment reveal exactly once) and what a
 * person may see (reveal_view_of, which every path that shows answers goes
 * through, a page of many items as well as one). */
#ifndef HEARTH_REVEAL_H
#define HEARTH_REVEAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum { REVEAL_SQL = 320 };

struct reveal {
    const char *items;   /* the items' table */
    const char *answers; /* the answers' table */
    /* built by reveal_init from the names, once */
    char state[REVEAL_SQL], upsert[REVEAL_SQL], open[REVEAL_SQL], answers_of[REVEAL_SQL];
};

enum reveal_result {
    REVEAL_WAITING = 0, /* a first answer, saved; the partner has not written yet */
    REVEAL_CHANGED = 1, /* an answer changed; the partner has not written yet */
    REVEAL_OPENED = 2,  /* saved, and with it both have written: now both see both */
    REVEAL_CLOSED = 3,  /* both had written already: nothing changed */
};

/* Builds r's statements from its table names. Call once at start-up. */
void reveal_init(struct reveal *r);
/* Saves (or changes) user_id's text for item_id of couple_id, holding the
 * couple, inside the current transaction; the write that makes two answers
 * sets revealed_at. Returns an enum reveal_result, or a negative DB_ code
 * (DB_NOT_FOUND: no such item). */
int reveal_submit(const struct reveal *r, int64_t couple_id, int64_t item_id, int64_t user_id,
                  const char *text);
/* For an item only user_id answers (a question asked of them): saves the
 * answer and opens the item to both at once, holding the couple. Returns
 * REVEAL_OPENED, REVEAL_CLOSED (answered already: nothing changed), or a
 * negative DB_ code (DB_NOT_FOUND: no such item). */
int reveal_submit_one(const struct reveal *r, int64_t couple_id, int64_t item_id, int64_t user_id,
                      const char *text);
/* What user_id may see of one item, given its answers' rows ({user_id (an
 * id), text, updated_at}, at most two) and whether it is revealed: a new
 * object {mine: {text} or null, partner: {answered, text only when
 * revealed}, revealed}. partner_name names the partner in it. */
json_t *reveal_view_of(json_t *answers, int64_t user_id, bool revealed, const char *partner_name);
/* The answers' rows of one item, as reveal_view_of takes them (new array). */
int reveal_answers(const struct reveal *r, int64_t couple_id, int64_t item_id, json_t **rows);

#endif
