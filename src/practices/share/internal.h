/* internal.h: what the files of Share (src/practices/share/) share with one
 * another, and nothing else sees.
 *
 *   share.c     the practice: descriptor, routes, card, export, erase
 *   items.c     a question's model for a person (through the reveal rule)
 *   daily.c     the question of the day: draw, answer, swap
 *   talk.c      reactions and conversation once an item is open
 *   asks.c      questions of your own
 *   archive.c   past answers, and searching them
 *   dive.c      the deep-dive evening
 *   keepsake.c  what both opened, for the couple's keepsake
 *   settings.c  depth and categories, and the bank's page
 *   questions.c the question bank (content/questions) */
#ifndef HEARTH_SHARE_INTERNAL_H
#define HEARTH_SHARE_INTERNAL_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "practices/reveal.h"
#include "practices/share/questions.h"
#include "practices/share/share.h"

/* The columns of an item row, in the order ITEM_COLUMNS selects them. */
#define ITEM_COLUMNS                                                                               \
    "id, kind, day, question_key, text, depth, category, author_id, swaps, created_at,"            \
    " revealed_at, ask_mode"
#define ITEM_TYPES "dssssssdiiis"

extern struct reveal share_reveal; /* share_items and share_answers */

/* ---- items.c ---- */
/* Loads today's or day's daily item (today's is drawn when missing), or an
 * ask by the {id} parameter; DB_NOT_FOUND when there is none. */
int share_daily_item(struct req *req, const char *day, json_t **item);
int share_find_daily(struct req *req, const char *day, json_t **item);
int share_ask_item(struct req *req, json_t **item);
/* The model of one item for the request's person: the question, their own
 * answer, whether the partner answered, and the partner's answer, reactions
 * and comments only once revealed (reveal_view_of). answers may be given (a
 * list of items loads them all at once, and leaves the conversations to each
 * item's page) or NULL (loaded here, with the conversation). */
int share_item_model(struct req *req, json_t *item, json_t *answers, json_t **out);
/* The models of a list of items, appended to out; answers holds the answer
 * rows of all of them (with item_id), loaded in one query. */
int share_item_models(struct req *req, json_t *items, json_t *answers, json_t *out);
/* Copies item's model into res's model. */
int share_show_item(struct req *req, struct res *res, json_t *item);

/* ---- daily.c ---- */
int share_page(struct req *req, struct res *res);
int share_day_page(struct req *req, struct res *res);
int share_answer(struct req *req, struct res *res);
int share_answer_form(struct req *req, struct res *res);
int share_swap(struct req *req, struct res *res);
/* Picks a bank question for the couple (see daily.c). */
int share_draw(struct req *req, const char *exclude, const struct question **out);
/* An answer that came after the reveal: 409, its text kept for the page. */
int share_too_late(struct req *req, struct res *res, int page_rc);
/* Emits the events of an answer that was saved (see events.h). */
int share_answered(struct req *req, json_t *item, int result);

/* ---- talk.c ---- */
int share_react(struct req *req, struct res *res);
int share_comment(struct req *req, struct res *res);
/* The form page behind a reaction or comment: the day's or the ask's. */
int share_talk_form(struct req *req, struct res *res);

/* ---- asks.c ---- */
extern const char *const share_ask_modes[];
int share_open_asks(struct req *req, json_t *model);
int share_ask(struct req *req, struct res *res);
int share_ask_page(struct req *req, struct res *res);
int share_answer_ask(struct req *req, struct res *res);

/* ---- archive.c ---- */
int share_archive(struct req *req, struct res *res);

/* ---- settings.c ---- */
struct share_settings {
    int depth;
    json_t *categories; /* array of slugs (owned) */
};
int share_load_settings(struct req *req, struct share_settings *s);
bool share_wants_category(const struct share_settings *s, const char *slug);
int share_settings_page(struct req *req, struct res *res);
int share_save_settings(struct req *req, struct res *res);
int share_bank_page(struct req *req, struct res *res);

/* ---- dive.c ---- */
extern const char *const share_dive_modes[];
int share_dive_page(struct req *req, struct res *res);
int share_dive_start(struct req *req, struct res *res);
int share_dive_next(struct req *req, struct res *res);
int share_dive_pause(struct req *req, struct res *res);
int share_dive_resume(struct req *req, struct res *res);
int share_dive_answer(struct req *req, struct res *res);
int share_dive_end(struct req *req, struct res *res);
int share_dive_mode(struct req *req, struct res *res);
int share_dive_evening(struct req *req, struct res *res);
/* The evenings that ended ("evenings" in model), for the page and the
 * archive. */
int share_dive_history(struct req *req, json_t *model);
/* The evening's answers the partner wrote and the person has not matched
 * yet, for /us (see share.c's waiting). */
int share_dive_waiting(struct req *req, json_t *list);

/* ---- keepsake.c ---- */
int share_keepsake(struct req *req, json_t *list);

/* ---- share.c ---- */
extern const char *const share_reactions[];
const char *share_reaction_label(const char *reaction);
void share_set_title(struct res *res, const char *title);
/* Answers 409 with why. */
void share_conflict(struct res *res, const char *why);

#endif
