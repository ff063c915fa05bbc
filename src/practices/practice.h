/* practice.h: what a practice is to the rest of Hearth. Each of the six
 * practices is one module (src/practices/NAME/, templates/NAME/,
 * migrations/NAME/, tests/http/NAME.test.mjs) that describes itself in one
 * struct practice; app.c lists the registered ones, and everything that
 * spans practices (the routes, /us, the landing page, the guides' topics,
 * exports, deleting an account, leaving a couple, scheduled jobs) iterates
 * that list. A practice that is not registered shows nowhere.
 * docs/internals/practice.md tells how to add one. */
#ifndef HEARTH_PRACTICE_H
#define HEARTH_PRACTICE_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"
#include "store/jobs.h"

/* A moment of an ordinary day with a practice, for the landing page. */
struct practice_moment {
    int hour;         /* when in the day (0-23), to put moments in order */
    const char *when; /* "Lunchtime" */
    const char *text; /* what happens then */
};

struct practice {
    const char *name;     /* "share": its module, templates, migrations and routes */
    const char *label;    /* "Share" */
    const char *path;     /* "/share": where its card on /us and the landing page lead */
    const char *summary;  /* what it is, in a sentence or two: landing page, guides */
    const char *everyday; /* what it asks of a day, "answer the day's question" */
    /* For the safety page, a sentence each: what the partner sees of what
     * you do here, and what they never see. */
    const char *partner_sees;
    const char *partner_never;
    const struct practice_moment *moments; /* an ordinary day with it, for the landing page */
    size_t nmoments;
    const struct route *routes;
    size_t nroutes;
    /* After the database is open, before the server listens; 0 or -1. */
    int (*start)(void);
    void (*stop)(void);
    /* The card /us shows for the request's couple today: a new JSON object
     * rendered with templates/NAME/card.html, or NULL for nothing today.
     * Returns 0 or -1. */
    int (*today)(struct req *req, json_t **card);
    /* What waits for the request's person and would otherwise go unseen (a
     * day the partner answered and they did not, a question asked of them):
     * appends {text, href} objects to list, most recent first. Returns 0 or
     * -1. */
    int (*waiting)(struct req *req, json_t *list);
    /* What the couple opened to each other here, for their keepsake (one
     * readable file of all they shared): appends entries {sort (ms, for
     * the order), when (the day in words), title, note, parts [{who,
     * text}], comments [{who, text}]} to list. Returns 0 or -1. */
    int (*keepsake)(struct req *req, json_t *list);
    /* Adds what user_id wrote in this practice to their export (out is the
     * practice's own object). Returns 0 or -1. */
    int (*export_person)(int64_t user_id, json_t *out);
    /* Erases what a deleted account wrote here, in the deletion's
     * transaction. Returns 0 or -1. */
    int (*erase_person)(int64_t user_id);
    /* Ends what belongs to couple_id when the couple ends (a partner left or
     * deleted their account), in the same transaction. Returns 0 or -1. */
    int (*couple_ended)(int64_t couple_id);
    /* Scheduled work (src/store/jobs.h), registered at start-up. */
    const struct job_kind *jobs;
    size_t njobs;
};

/* One part of a person's export: the rows of sql (with $1 the person's id
 * and result types types, as db.h takes them) under key. */
struct practice_export {
    const char *key, *sql, *types;
};
/* Sets each of the n parts in out. Returns 0 or -1. */
int practice_export_rows(int64_t user_id, json_t *out, const struct practice_export *parts,
                         size_t n);
/* Runs each of the n statements with $1 = id (a person's or a couple's, for
 * erase_person and couple_ended). Returns 0 or -1. */
int practice_exec_each(int64_t id, const char *const *sql, size_t n);

#endif
