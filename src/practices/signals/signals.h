/* signals.h: Signals, nonverbal closeness (see ../shared/product.md):
 * gestures sent with one tap that reach the partner's open page at once,
 * check-ins on how one is arriving, what each loves most, and a prompt of
 * the day for reading each other. Signals, never presence: nothing tells
 * either partner when the other was online or saw anything. */
#ifndef HEARTH_SIGNALS_H
#define HEARTH_SIGNALS_H

#include "practices/practice.h"

enum {
    SIGNALS_NOTE_MAX = 140,                         /* characters of a gesture's note */
    SIGNALS_WORD_MAX = 40,                          /* characters of a check-in's word */
    SIGNALS_GESTURES_PER_HOUR = 30,                 /* per person */
    SIGNALS_FEED_DAYS = 30,                         /* how far back the feed and the chart go */
    SIGNALS_FEED_MAX = 200,                         /* gestures listed at most */
    SIGNALS_CHECKIN_FRESH_MS = 24 * 60 * 60 * 1000, /* older is shown as older */
    SIGNALS_BODY = FORM_BODY_FOR(SIGNALS_NOTE_MAX + SIGNALS_WORD_MAX),
};

extern const struct practice signals_practice;

#endif
