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
    LOGIN_FAILS_PER_ACCOUNT_ADDRESS = 5, /* per window, from one address to one account */
    LOGIN_FAILS_PER_ADDRESS = 50,        /* per window, from one address to any account */
    LOGIN_FAILS_PER_ACCOUNT = 30,        /* per window, to one account from anywhere new */
    LOGIN_FAILS_PER_DEVICE = 10,         /* per window, from a browser that logged in before */
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

#endif
