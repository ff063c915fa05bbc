/* internal.h: what the files of Time together (src/practices/time/) share.
 *
 *   time.c      the practice: descriptor, routes, page, card, export, erase
 *   rituals.c   rituals: the form and its rule, suggestions, the calendar
 *               of occurrences, their log and counts
 *   feed.c      each person's secret calendar address and the iCalendar feed
 *   together.c  time together now
 *   ideas.c     date ideas: the couple's and ours, and a random pick */
#ifndef HEARTH_TIME_INTERNAL_H
#define HEARTH_TIME_INTERNAL_H
#include <jansson.h>
#include <stdint.h>

#include "http/http.h"
#include "practices/time/time.h"

void time_title(struct res *res, const char *title);
int time_page(struct req *req, struct res *res);

/* Renders template name with model once (at start-up): a JSON string
 * for pages to hold by reference, or NULL. */
json_t *time_render_once(const char *name, json_t *model);

/* ---- rituals.c ---- */
extern const char *const time_repeats[];  /* daily, weekly, monthly-day, monthly-weekday */
extern const char *const time_weekdays[]; /* MO ... SU */
extern const char *const time_weeks[];    /* 1 2 3 4 -1 */
extern const char *const time_states[];   /* happened, skipped, moved */
int time_suggestions_start(void);
void time_suggestions_stop(void);
int time_ritual_new(struct req *req, struct res *res);
int time_ritual_suggested(struct req *req, struct res *res);
int time_ritual_page(struct req *req, struct res *res);
int time_ritual_edit(struct req *req, struct res *res);
int time_ritual_delete(struct req *req, struct res *res);
int time_occurrence_log(struct req *req, struct res *res);
/* One occurrence and the form that logs or moves it. */
int time_occurrence_page(struct req *req, struct res *res);
/* Rituals, what is coming up and what was lately (with their logs), and
 * the suggestions, into m. */
int time_rituals_model(struct req *req, json_t *m);
/* The next occurrence (or nothing), for the card, into m. */
int time_next(struct req *req, json_t *m);
/* The rituals of a couple for its calendar feed: rows with their logs
 * ({id, title, rule, start_day, minute, minutes, phones_away, notes,
 * updated_at, logs: [{day, state, moved_day, moved_minute}]}). */
int time_rituals_for_feed(int64_t couple_id, json_t **rows);
/* The ritual form's values (what was typed when it came back with errors,
 * else ritual's, else a new one's), as templates/time/fields.html reads
 * them (new). */
json_t *time_form(struct req *req, json_t *ritual);
/* "HH:MM" of a minute of the day, into out[6]. */
void time_clock(int minute, char out[6]);

/* ---- feed.c ---- */
struct buf;
/* The iCalendar text of rituals (as time_rituals_for_feed gives them) in
 * zone, with UIDs at host, appended to out. 0 or -1. */
int time_feed_render(const char *zone, const char *host, json_t *rituals, struct buf *b);
int time_calendar(struct req *req, struct res *res);
int time_calendar_rotate(struct req *req, struct res *res);
/* Whether the person has a calendar address, into m. */
int time_feed_model(struct req *req, json_t *m);

/* ---- together.c ---- */
int time_together_page(struct req *req, struct res *res);
int time_together_start(struct req *req, struct res *res);
int time_together_stop(struct req *req, struct res *res);
/* Whether the couple is together now, and the minutes of this week, into m. */
int time_together_model(struct req *req, json_t *m);

/* ---- ideas.c ---- */
extern const char *const time_categories[]; /* at-home, out, free, far-apart */
int time_ideas_start(void);
void time_ideas_stop(void);
int time_idea_new(struct req *req, struct res *res);
int time_idea_delete(struct req *req, struct res *res);
int time_idea_pick(struct req *req, struct res *res);
/* The couple's ideas and ours, by category, into m. */
int time_ideas_model(struct req *req, json_t *m);

#endif
