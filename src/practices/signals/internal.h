/* internal.h: what the files of Signals (src/practices/signals/) share.
 *
 *   signals.c   the practice: descriptor, routes, page, card, export, erase
 *   gestures.c  sending a gesture, the feed, one gesture for its recipient
 *   checkins.c  check-ins: saving, the partner's latest, your own chart
 *   prefs.c     what each loves most
 *   prompts.c   the attunement prompt of the day (content/signals) */
#ifndef HEARTH_SIGNALS_INTERNAL_H
#define HEARTH_SIGNALS_INTERNAL_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "practices/signals/signals.h"

/* A named choice with its words. */
struct signals_choice {
    const char *name;  /* "hold-hand" */
    const char *label; /* "Hand to hold": buttons, lists */
    const char *words; /* "a hand to hold": "Ana sent you a hand to hold" */
};

enum { SIGNALS_KINDS = 8 }; /* gesture kinds */

extern const struct signals_choice signals_gestures[]; /* NULL-terminated by name */
extern const char *const signals_gesture_names[];      /* for the route's choices */
extern const char *const signals_love_names[];         /* gestures and kinds of touch */
extern const char *const signals_need_names[];

/* The choice called name in list, or NULL. */
const struct signals_choice *signals_find(const struct signals_choice *list, const char *name);
/* The inline SVG of a gesture kind (loaded once at start-up), or "". */
const char *signals_icon(const char *kind);
/* "just now", "12 minutes ago", "yesterday", "4 days ago". */
const char *signals_ago(struct req *req, int64_t then);
void signals_title(struct res *res, const char *title);

/* ---- gestures.c ---- */
int signals_send(struct req *req, struct res *res);
int signals_gesture_page(struct req *req, struct res *res);
/* The kinds to send (with icons) and the feeds received and sent, into m. */
int signals_gestures_model(struct req *req, json_t *m);
/* Gestures received today, for the card. */
int signals_received_today(struct req *req, json_t *m);
int signals_icons_start(void);
void signals_icons_stop(void);

/* ---- checkins.c ---- */
int signals_checkin(struct req *req, struct res *res);
/* The partner's latest check-in ("partner_checkin", or nothing) into m. */
int signals_partner_checkin(struct req *req, json_t *m);
/* Your own check-ins of the last SIGNALS_FEED_DAYS as a chart, into m. */
int signals_my_checkins(struct req *req, json_t *m);
extern const struct signals_choice signals_needs[];

/* ---- prefs.c ---- */
int signals_save_preferences(struct req *req, struct res *res);
/* Both partners' loves ("my_loves" as choices, "partner_loves" in words). */
int signals_preferences_model(struct req *req, json_t *m);
extern const struct signals_choice signals_loves[];

/* ---- prompts.c ---- */
int signals_prompts_start(void);
void signals_prompts_stop(void);
/* The couple's prompt for today: the same for both, none repeated within a
 * cycle of the whole list. */
const char *signals_prompt_today(struct req *req);

/* ---- signals.c ---- */
int signals_page(struct req *req, struct res *res);

#endif
