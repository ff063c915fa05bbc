/* listen.h: Listen, active listening and empathy (see ../shared/product.md):
 * speaker-listener sessions on one topic, in person on one phone or apart
 * in writing, with Hearth keeping the turns and the "did you feel
 * understood?" loop; and a feelings vocabulary to find the words. */
#ifndef HEARTH_LISTEN_H
#define HEARTH_LISTEN_H

#include "practices/practice.h"

enum {
    LISTEN_TOPIC_MAX = 200,        /* characters of a topic */
    LISTEN_PIECE_MAX = 2000,       /* of a piece, a reflection, a clarification */
    LISTEN_FEELINGS_PICK = 6,      /* feeling words in one reflection, at most */
    LISTEN_STEPS_MAX = 400,        /* steps in one session */
    LISTEN_TOGETHER_SECONDS = 180, /* the gentle timer of a turn in person */
    LISTEN_HISTORY = 50,           /* past sessions listed */
    LISTEN_RECENT_DAYS = 30,       /* "lately", for the measure */
    LISTEN_BODY = FORM_BODY_FOR(LISTEN_PIECE_MAX + LISTEN_FEELINGS_PICK * 32),
};

extern const struct practice listen_practice;

#endif
