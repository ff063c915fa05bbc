/* reset.h: one-time links to set a new password, for a person who forgot
 * theirs. The operator issues one from the server's shell (hearth admin
 * reset-link EMAIL) and hands it over; the link's page sets the password. */
#ifndef HEARTH_RESET_H
#define HEARTH_RESET_H
#include <stddef.h>
#include <stdint.h>

#include "auth/session.h"
#include "http/route.h"

enum {
    RESET_VALID_MS = 60 * 60 * 1000, /* a link works this long after it was issued */
    RESET_FAILS_PER_NETWORK = 10,    /* unknown, used or expired links per window */
    RESET_WINDOW_MS = 15 * 60 * 1000,
    RESET_TOKEN_FIELD_MAX = 128, /* characters of the token field (a token has 43) */
};

/* What every link that cannot be used is told (unknown, used, expired or
 * mistyped alike), so none reveals which it was. */
#define RESET_UNUSABLE                                                                             \
    "This link cannot be used: it is unknown, was used already or is more than an hour old. "      \
    "Ask the person who runs this Hearth for a new one."

extern const struct route reset_routes[];
extern const size_t reset_nroutes;

void reset_init(void);
void reset_shutdown(void);
/* Issues a link for the account with email (trimmed and lower-cased by the
 * caller): a new token in token, of which only the hash is stored, valid for
 * RESET_VALID_MS. The account's older links stop working. Returns DB_OK,
 * DB_NOT_FOUND when no account has the email, or another negative DB_ code. */
int reset_issue(const char *email, char token[SESSION_TOKEN_TEXT]);
/* Deletes every link of user_id (the account is deleted, or its password
 * changed). Returns >= 0 or a negative DB_ code. */
int reset_forget(int64_t user_id);

#endif
