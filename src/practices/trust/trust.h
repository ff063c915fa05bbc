/* trust.h: Trust, honesty and follow-through (see ../shared/product.md):
 * promises made and kept, with a follow-through told in kind words; the
 * weekly State of Us, written privately and read together; and a pulse of
 * how close and how understood one feels, private unless shared. */
#ifndef HEARTH_TRUST_H
#define HEARTH_TRUST_H

#include "practices/practice.h"

enum {
    TRUST_PROMISE_MAX = 280, /* characters of a promise */
    TRUST_REASON_MAX = 280,  /* of a renegotiation's reason, a not-kept note */
    TRUST_THANKS_MAX = 140,  /* of an acknowledgement */
    TRUST_NOTE_MAX = 1000,   /* of each part of a week's notes */
    TRUST_APPRECIATIONS = 5, /* at most, of which at least TRUST_APPRECIATIONS_MIN */
    TRUST_APPRECIATIONS_MIN = 3,
    TRUST_OPEN_PROMISES = 50, /* open at once, per person */
    TRUST_FOLLOW_DAYS = 90,   /* the follow-through looks this far back */
    TRUST_PULSE_WEEKS = 12,   /* the pulse's trend */
    TRUST_WEEKS_SHOWN = 26,   /* earlier weeks listed */
    TRUST_BODY = FORM_BODY_FOR(TRUST_NOTE_MAX * 6 + TRUST_APPRECIATIONS * TRUST_NOTE_MAX),
};

extern const struct practice trust_practice;

#endif
