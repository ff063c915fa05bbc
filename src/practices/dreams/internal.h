/* internal.h: what the files of Dreams (src/practices/dreams/) share.
 *
 *   dreams.c   the practice: descriptor, routes, page, card, export, erase
 *   own.c      dreams: write, share and unshare, the partner's support
 *   goals.c    shared goals and their milestones
 *   values.c   the values (content/dreams), rankings, the reveal, the
 *              comparison and its alignment figure */
#ifndef HEARTH_DREAMS_INTERNAL_H
#define HEARTH_DREAMS_INTERNAL_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "practices/dreams/dreams.h"
#include "practices/reveal.h"

void dreams_title(struct res *res, const char *title);
int dreams_page(struct req *req, struct res *res);

/* ---- own.c ---- */
int dreams_new(struct req *req, struct res *res);
int dreams_edit(struct req *req, struct res *res);
int dreams_share(struct req *req, struct res *res);
int dreams_unshare(struct req *req, struct res *res);
int dreams_delete(struct req *req, struct res *res);
int dreams_support(struct req *req, struct res *res);
/* Your dreams, the partner's shared ones with the support answers, and
 * the prompts, into m. */
int dreams_model(struct req *req, json_t *m);
/* Support answers to your shared dreams from the last days, for the card. */
int dreams_new_support(struct req *req, json_t *m);
int dreams_prompts_start(void);
void dreams_prompts_stop(void);

/* ---- goals.c ---- */
int dreams_goal_new(struct req *req, struct res *res);
int dreams_goal_page(struct req *req, struct res *res);
int dreams_goal_edit(struct req *req, struct res *res);
int dreams_goal_finish(struct req *req, struct res *res);
int dreams_goal_reopen(struct req *req, struct res *res);
int dreams_milestone_new(struct req *req, struct res *res);
int dreams_milestone_done(struct req *req, struct res *res);
int dreams_milestone_up(struct req *req, struct res *res);
int dreams_milestone_down(struct req *req, struct res *res);
/* The goals with their progress (open first, then finished), into m. */
int dreams_goals_model(struct req *req, json_t *m);
/* The next milestone of the goal changed last, for the card. */
int dreams_next_milestone(struct req *req, json_t *m);

/* ---- values.c ---- */
extern struct reveal dreams_reveal;
extern const char *dreams_value_names[]; /* NULL-terminated: the route's choices */
int dreams_values_start(void);
void dreams_values_stop(void);
int dreams_values_page(struct req *req, struct res *res);
int dreams_values_submit(struct req *req, struct res *res);
int dreams_values_earlier(struct req *req, struct res *res);
/* Whether the comparison waits for the person, into m. */
int dreams_values_status(struct req *req, json_t *m);
/* The rank-aware overlap of two top-ten lists, 0-100: each value both
 * chose weighs (11 - its rank) for each, multiplied; the sum is divided by
 * what two identical lists give. */
int dreams_alignment(json_t *a, json_t *b);

#endif
