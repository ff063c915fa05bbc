/* dreams.h: Dreams, shared goals, dreams and values (see
 * ../shared/product.md): personal dreams, private until their author
 * shares them, with the partner's "how I can support this"; goals of both
 * with milestones; and values each ranks privately, side by side once both
 * have. */
#ifndef HEARTH_DREAMS_H
#define HEARTH_DREAMS_H

#include "practices/practice.h"

enum {
    DREAMS_TITLE_MAX = 120,    /* characters of a dream's or goal's title */
    DREAMS_TEXT_MAX = 2000,    /* of a dream, of why a goal matters */
    DREAMS_SUPPORT_MAX = 1000, /* of a support answer */
    DREAMS_MILESTONE_MAX = 120,
    DREAMS_PER_PERSON = 100,       /* dreams a person keeps */
    DREAMS_GOALS = 50,             /* open goals per couple */
    DREAMS_MILESTONES = 30,        /* per goal */
    DREAMS_TOP = 10,               /* values ranked */
    DREAMS_VALUES_MAX = 64,        /* values offered, at most */
    DREAMS_SUPPORT_PER_DREAM = 50, /* support answers on one dream */
    DREAMS_NEW_DAYS = 7,           /* a support answer counts as new this long */
    DREAMS_BODY = FORM_BODY_FOR(DREAMS_TEXT_MAX + DREAMS_TITLE_MAX),
};

extern const struct practice dreams_practice;

#endif
