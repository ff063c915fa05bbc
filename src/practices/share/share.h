/* share.h: Share, reciprocal vulnerability (see ../shared/product.md): the
 * question of the day, questions a partner asks, the archive of what both
 * answered, and the deep-dive evening. The practice's limits are named
 * here; its files are described in internal.h. */
#ifndef HEARTH_SHARE_H
#define HEARTH_SHARE_H

#include "practices/practice.h"

enum {
    SHARE_ANSWER_MAX = 4000,  /* characters */
    SHARE_COMMENT_MAX = 2000, /* characters */
    SHARE_ASK_MAX = 300,      /* characters of a question of your own */
    SHARE_SWAPS_PER_DAY = 2,
    SHARE_COMMENTS_PER_ITEM = 200,
    SHARE_OPEN_ASKS = 20, /* open questions of your own at once */
    SHARE_ARCHIVE_PAGE = 20,
    SHARE_WAITING_SHOWN = 10,  /* open questions listed on /us as waiting for you */
    SHARE_EVENINGS_SHOWN = 20, /* ended deep-dive evenings listed */
    SHARE_BODY = FORM_BODY_FOR(SHARE_ANSWER_MAX),
};

extern const struct practice share_practice;

#endif
