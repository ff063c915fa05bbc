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
    LOGIN_FAILS_PER_DEVICE = 10,         /* per window, from a browser that logged in before */
    LOGIN_WINDOW_MS = 15 * 60 * 1000,
};

/* Something that adds the user's own writing to their export under key. */
typedef int (*export_fn)(int64_t user_id, json_t *out);
void accounts_add_export(const char *key, export_fn fn);

int accounts_init(void);
void accounts_shutdown(void);
/* Checks password against the user's stored hash; true when it matches. */
int accounts_check_password(int64_t user_id, const char *password);

#endif
