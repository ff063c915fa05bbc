/* accounts.h: sign-up, log-in, log-out, the account page and its settings,
 * sessions, export and deletion. */
#ifndef HEARTH_ACCOUNTS_H
#define HEARTH_ACCOUNTS_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"

extern const struct route accounts_routes[];
extern const size_t accounts_nroutes;

enum {
    NAME_MAX_CHARS = 80,
    EMAIL_MAX_CHARS = 254,
    /* Logins: a network (an IPv4 address, an IPv6 /64) that fails too often
     * waits; a browser that logged in before counts on its own. Failures
     * from everywhere else never refuse an account's owner: they only delay
     * logins to it from new browsers, LOGIN_DELAY_STEP_MS for each failure
     * past LOGIN_DELAY_AFTER, up to LOGIN_DELAY_MAX_MS. */
    LOGIN_FAILS_PER_ACCOUNT_ADDRESS = 5, /* per window, from one network to one account */
    LOGIN_FAILS_PER_ADDRESS = 50,        /* per window, from one network to any account */
    LOGIN_FAILS_PER_DEVICE = 10,         /* per window, from a browser that logged in before */
    LOGIN_DELAY_AFTER = 10,
    LOGIN_DELAY_STEP_MS = 50,
    LOGIN_DELAY_MAX_MS = 3000,
    LOGIN_WINDOW_MS = 15 * 60 * 1000,
    CONFIRM_FAILS_PER_ACCOUNT = 5, /* wrong passwords to confirm an action, per window */
    SIGNUP_WINDOW_MS = 60 * 60 * 1000,
};

/* Something that adds the user's own writing to their export under key. */
typedef int (*export_fn)(int64_t user_id, json_t *out);
void accounts_add_export(const char *key, export_fn fn);
/* Something that removes a deleted person's writing that the database does
 * not delete with the account row. Runs before the row is deleted. */
typedef int (*erase_fn)(int64_t user_id);
void accounts_add_erase(erase_fn fn);

/* signups_per_hour: sign-ups allowed from one network (IPv4 address, IPv6
 * /64) in an hour. */
int accounts_init(int signups_per_hour);
void accounts_shutdown(void);
/* Checks the request's field against the signed-in user's password, as the
 * confirmation of a serious action. Returns 1 when it matches; otherwise sets
 * an error on field (and 429 after repeated failures) and returns 0. */
int accounts_confirm_password(struct req *req, struct res *res, const char *field);
/* The admit of slow routes confirmed with the "password" field: answers 429
 * before any hashing when the person has failed too often. */
int accounts_admit_confirm(struct req *req, struct res *res);
/* The delay before a login from a new browser to an account that has seen
 * failures failures in the window (see LOGIN_DELAY_*). */
int64_t accounts_login_delay_ms(int failures);

#endif
