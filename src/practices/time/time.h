/* time.h: Time together, quality time and rituals (see ../shared/product.md):
 * rituals on a real calendar (recurrences expanded by libical, at the same
 * wall-clock time across daylight-saving changes), a log of how each went,
 * a secret calendar address per person, time together now, and date ideas. */
#ifndef HEARTH_TIME_H
#define HEARTH_TIME_H

#include "practices/practice.h"

enum {
    TIME_TITLE_MAX = 80,                 /* characters of a ritual's title */
    TIME_NOTES_MAX = 500,                /* of its notes */
    TIME_NOTE_MAX = 280,                 /* of an occurrence's note */
    TIME_IDEA_MAX = 200,                 /* of a date idea */
    TIME_RITUALS = 30,                   /* rituals per couple */
    TIME_IDEAS = 500,                    /* ideas per couple */
    TIME_UPCOMING_DAYS = 14,             /* what "coming up" covers */
    TIME_LATELY_DAYS = 7,                /* past occurrences offered to log */
    TIME_OCCURRENCES = 200,              /* listed at most */
    TIME_TOGETHER_MAX_MINUTES = 12 * 60, /* one stretch of time together counts up to this */
    TIME_BODY = FORM_BODY_FOR(TIME_NOTES_MAX + TIME_TITLE_MAX),
};

extern const struct practice time_practice;

#endif
