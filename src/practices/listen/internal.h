/* internal.h: what the files of Listen (src/practices/listen/) share.
 *
 *   listen.c    the practice: descriptor, routes, page, card, export, erase
 *   sessions.c  a session: starting, its turns, steps, swap, end; history
 *               and the measure
 *   content.c   the topics and cues (content/listen/) */
#ifndef HEARTH_LISTEN_INTERNAL_H
#define HEARTH_LISTEN_INTERNAL_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "practices/listen/listen.h"

void listen_title(struct res *res, const char *title);

/* ---- sessions.c ---- */
extern const char *const listen_modes[];    /* together, writing */
extern const char *const listen_verdicts[]; /* yes, understood, partly, not-yet */
int listen_start_session(struct req *req, struct res *res);
int listen_session_page(struct req *req, struct res *res);
int listen_piece(struct req *req, struct res *res);
int listen_reflection(struct req *req, struct res *res);
int listen_verdict(struct req *req, struct res *res);
int listen_swap(struct req *req, struct res *res);
int listen_end(struct req *req, struct res *res);
/* The open session ("open": {id, topic, mode, turn words, mine}) or null,
 * past sessions and the measure in words, into m. */
int listen_sessions_model(struct req *req, json_t *m);
/* The open session when it is the person's turn, for the card: into m,
 * returns 1; 0 when there is none. -1 on failure. */
int listen_your_turn(struct req *req, json_t *m);

/* ---- content.c ---- */
int listen_content_start(void);
void listen_content_stop(void);
/* [{name, label, topics: [...]}] by level, owned by the content. */
json_t *listen_topics(void);
/* The entries of a section of the cues, or an empty array (owned). */
json_t *listen_cues(const char *section);

#endif
