/* app.h: wires Hearth's modules into the server: their routes, and what they
 * set up once the database is open and the base URL known. */
#ifndef HEARTH_APP_H
#define HEARTH_APP_H
#include <stdint.h>

struct app_config {
    const char *base_url; /* without a trailing slash */
    unsigned threads;     /* CPUs: how many password hashes may run at once */
    int64_t session_idle_ms, session_absolute_ms;
    int signups_per_hour; /* from one network */
};

/* The modules that keep tables, in the order their migrations apply
 * (migrations/MODULE/): the core ones, then each registered practice.
 * NULL-terminated. */
const char *const *app_modules(void);

/* Registers every module's route table with the router. */
void app_register_routes(void);
/* Prints every route as JSON (hearth routes), for tests that walk them all. */
void app_print_routes(void);
/* Runs after the database is open, before the server listens: every
 * module's start-up, the practices' hooks and jobs, the events hub and the
 * scheduler. 0 or -1. */
int app_start(const struct app_config *cfg);
/* Releases what app_start set up. */
void app_stop(void);

#endif
