/* share.h: Share, reciprocal vulnerability: the daily question, questions a
 * partner asks, the archive, and the deep-dive evening. */
#ifndef HEARTH_SHARE_H
#define HEARTH_SHARE_H
#include <jansson.h>
#include <stddef.h>

#include "http/route.h"

enum {
    SHARE_ANSWER_MAX = 4000,  /* characters */
    SHARE_COMMENT_MAX = 2000, /* characters */
    SHARE_ASK_MAX = 300,      /* characters of a question of your own */
    SHARE_SWAPS_PER_DAY = 2,
    SHARE_COMMENTS_PER_ITEM = 200,
    SHARE_OPEN_ASKS = 20, /* open questions of your own at once */
    SHARE_ARCHIVE_PAGE = 20,
    SHARE_BODY = FORM_BODY_FOR(SHARE_ANSWER_MAX),
};

extern const struct route share_routes[];
extern const size_t share_nroutes;

/* Loads the question bank and registers the export. Returns 0 or -1. */
int share_init(void);
void share_shutdown(void);
/* Today's daily question for the request's couple, in the model shape of
 * GET /share (drawn when missing). *out is new (caller decrefs). */
int share_today(struct req *req, json_t **out);

#endif
