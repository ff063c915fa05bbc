/* internal.h: what the files of Trust (src/practices/trust/) share.
 *
 *   trust.c     the practice: descriptor, routes, page, card, export, erase
 *   promises.c  promises: make, edit, withdraw, kept, renegotiate, not kept,
 *               acknowledge; the job that marks them due; follow-through
 *   week.c      the weekly State of Us: notes, reveal, the guided meeting
 *   pulse.c     the pulse and its trend
 *   guide.c     the meeting's guidance (content/trust/meeting.txt) */
#ifndef HEARTH_TRUST_INTERNAL_H
#define HEARTH_TRUST_INTERNAL_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "practices/reveal.h"
#include "practices/trust/trust.h"
#include "store/jobs.h"

void trust_title(struct res *res, const char *title);

/* ---- promises.c ---- */
extern const struct job_kind trust_due_job;
int trust_promise_new(struct req *req, struct res *res);
int trust_promise_edit(struct req *req, struct res *res);
int trust_promise_withdraw(struct req *req, struct res *res);
int trust_promise_kept(struct req *req, struct res *res);
int trust_promise_renegotiate(struct req *req, struct res *res);
int trust_promise_not_kept(struct req *req, struct res *res);
int trust_promise_acknowledge(struct req *req, struct res *res);
/* The couple's promises (open and due first, then the last closed) and
 * each partner's follow-through in words, into m. */
int trust_promises_model(struct req *req, json_t *m);
/* Promises due today and this week, for the card. */
int trust_promises_soon(struct req *req, json_t *m);

/* ---- week.c ---- */
extern struct reveal trust_reveal;
int trust_week_page(struct req *req, struct res *res);
int trust_week_submit(struct req *req, struct res *res);
int trust_week_earlier(struct req *req, struct res *res);
/* Whether this week's State of Us waits for the person, into m. */
int trust_week_status(struct req *req, json_t *m);

/* ---- pulse.c ---- */
int trust_pulse(struct req *req, struct res *res);
int trust_pulse_model(struct req *req, json_t *m);

/* ---- guide.c ---- */
int trust_guide_start(void);
void trust_guide_stop(void);
/* The entries of a section of the meeting's guidance (a JSON array owned by
 * the guide), or an empty array. */
json_t *trust_guide(const char *section);

/* ---- trust.c ---- */
int trust_page(struct req *req, struct res *res);

#endif
