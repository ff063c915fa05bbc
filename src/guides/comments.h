/* comments.h: public comments under guides, with moderation and spam rules
 * in the spirit of WordPress's: first-time commenters and comments with two
 * or more links are held; a honeypot or a too-fast submission is spam; one
 * comment per address every 15 seconds; a blocked-words list holds. */
#ifndef HEARTH_COMMENTS_H
#define HEARTH_COMMENTS_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"

enum {
    COMMENT_NAME_MAX = 80,
    COMMENT_TEXT_MAX = 5000,
    COMMENT_LINKS_HELD = 2,     /* this many links or more: held */
    COMMENT_MIN_SECONDS = 3,    /* faster than this after the form was served: spam */
    COMMENT_FLOOD_SECONDS = 15, /* one comment per address in this time */
    COMMENT_DEPTH_MAX = 2,      /* replies nest three levels: 0, 1, 2 */
    COMMENTS_PER_PAGE = 50,
    BLOCKED_WORDS_MAX = 20000, /* characters of the blocked-words list */
    COMMENT_FORM_BODY = FORM_BODY_FOR(COMMENT_TEXT_MAX + COMMENT_NAME_MAX + 254),
    COMMENT_SETTINGS_BODY = FORM_BODY_FOR(BLOCKED_WORDS_MAX),
    COMMENT_FORM_MAX_AGE_MS = 24 * 60 * 60 * 1000, /* an older form is sent again */
    COMMENT_TIME_TOKEN = 96,                       /* bytes of a form's signed time, with its NUL */
};

extern const struct route comments_routes[];
extern const size_t comments_nroutes;

/* Loads the form-timing key. Returns 0 or -1. */
int comments_init(void);
/* Sets comments, comment_count and comment_pages in model: page (from 1;
 * 0 or past the end: the last) of the comments of guide (a row with its id),
 * approved ones threaded, and this browser's own held ones. */
int comments_page(struct req *req, json_t *guide, int64_t page, json_t *model);
/* 1 when this browser has comments held on guide_id (its view of the
 * comments is its own), 0 when not, -1 when the database fails. */
int comments_held_here(struct req *req, int64_t guide_id);
/* Sets the comment form's signed time (form_time) in model. */
void comments_form_time(struct req *req, json_t *model, int64_t guide_id);
/* Writes the signed time a comment form of guide_id was served at ms. */
void comments_sign_time(int64_t ms, int64_t guide_id, char out[COMMENT_TIME_TOKEN]);
/* The time a form's token says it was served, or -1 when the token is
 * missing, forged, or signed for another guide. */
int64_t comments_served_at(const char *token, int64_t guide_id);
/* True when text contains, in any case, a line of list (the blocked words,
 * one per line; blank lines and surrounding spaces ignored). */
bool comments_blocked(const char *list, const char *text);
/* "203.0.113.0/24" or "2001:db8:1::/48": the part of an address kept. */
void comments_truncate_address(const char *ip, char out[64]);

#endif
