/* jobs.h: scheduled work, in one table (jobs) and one scheduler thread per
 * server. A job is a kind and a key (unique together), a time to run at and
 * a payload. Each server's scheduler claims due jobs with a conditional
 * write (on PostgreSQL after SELECT ... FOR UPDATE SKIP LOCKED), so a job
 * runs once however many servers share the database; a job whose server
 * died mid-run is claimed again once its claim has lapsed. A job that fails
 * runs again later, waiting longer each time; after JOBS_ATTEMPTS failures
 * it is dropped and logged. Jobs live in the database, so they survive a
 * restart. A kind with every_ms runs again and again at that interval. */
#ifndef HEARTH_JOBS_H
#define HEARTH_JOBS_H
#include <stdint.h>

enum {
    JOBS_ATTEMPTS = 8,
    JOBS_CLAIM_MS = 5 * 60 * 1000, /* a claim lapses after this */
    JOBS_POLL_MS = 1000,           /* how often a scheduler looks for due jobs */
    JOBS_BACKOFF_MS = 5 * 1000,    /* the first retry's wait, doubled each time */
    JOBS_KEY_MAX = 128,
};

struct job_kind {
    const char *name;
    /* Runs one job; returns 0 when done, or -1 to be run again later. It
     * runs in a transaction of its own (its writes commit when it returns
     * 0). */
    int (*run)(const char *key, const char *payload);
    int64_t every_ms; /* > 0: a standing job, run again this long after each run */
};

/* Registers a kind (the kind must outlive the scheduler); a kind with
 * every_ms gets its standing job (key "every") on jobs_start. */
void jobs_register(const struct job_kind *kind);
/* Starts the scheduler thread. Returns 0 or -1. */
int jobs_start(void);
/* Stops it, letting a job in progress finish. */
void jobs_stop(void);
/* Schedules (or moves) the job kind/key to run at run_at with payload.
 * Inside a transaction it is part of it. Returns 0 or a negative DB_ code. */
int jobs_schedule(const char *kind, const char *key, int64_t run_at, const char *payload);
/* Cancels the job kind/key, if any. Returns 0 or a negative DB_ code. */
int jobs_cancel(const char *kind, const char *key);
/* Runs every due job now, on this thread, and returns how many ran (tests
 * and the scheduler). */
int jobs_run_due(void);

#endif
