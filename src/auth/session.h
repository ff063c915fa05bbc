/* session.h: login sessions, CSRF protection and device cookies.
 *
 * A session token is 32 random bytes in base64url, sent as a cookie
 * (HttpOnly, SameSite=Lax, Path=/, plus Secure and the __Host- prefix when
 * the site is https) or as "Authorization: Bearer TOKEN". Only its BLAKE2b
 * hash is stored. */
#ifndef HEARTH_SESSION_H
#define HEARTH_SESSION_H
#include <stdbool.h>
#include <stdint.h>

#include "http/route.h"

enum {
    DAY_MS = 24 * 60 * 60 * 1000,
    SESSIONS_PER_PERSON = 50,          /* the most recent; older ones end */
    SESSION_SWEEP_MS = 60 * 60 * 1000, /* expired sessions are deleted this often */
    SESSION_TOKEN_TEXT = 44, /* a token: base64url of 32 bytes, without padding, plus NUL */
};

struct session_config {
    const char *base_url;
    int64_t idle_ms;     /* a session unused this long ends (default 30 days) */
    int64_t absolute_ms; /* a session ends this long after login (default 90 days) */
};

/* Sets up cookie names and lifetimes, and the device-cookie key (kept in
 * instance_settings). Registers the session and CSRF guards and the template
 * context. Returns 0 or -1. */
int session_init(const struct session_config *cfg);
void session_shutdown(void);
/* Starts a session for user_id: a new token every time (no fixation), its
 * cookie on res, and a device cookie for the login throttle (its value also
 * goes to *device when device is not NULL, for API clients to keep). Keeps
 * the person's SESSIONS_PER_PERSON most recent sessions and ends the rest.
 * Returns the token (arena-owned; the API gives it to the client) or NULL on
 * error. */
const char *session_start(struct req *req, struct res *res, int64_t user_id, const char **device);
/* Ends the request's session and clears its cookie. */
int session_end(struct req *req, struct res *res);
/* Ends every session of user_id except keep_id (0 ends all). Returns the
 * count ended, or a negative DB_ code. */
int session_end_others(int64_t user_id, int64_t keep_id);
enum { SESSION_NONCE_TEXT = 25 }; /* a device cookie's nonce: 24 hex digits */

/* Checks a device cookie's value ("USERID.NONCE.MAC", the MAC made with
 * key): on success sets *user_id and nonce. */
bool session_parse_device(const char *value, const unsigned char key[32], int64_t *user_id,
                          char nonce[SESSION_NONCE_TEXT]);
/* Writes a new random token (32 bytes from libsodium, in base64url): the
 * shape of session, CSRF and password-reset tokens. */
void session_new_token(char out[SESSION_TOKEN_TEXT]);
enum { SESSION_CSRF_FIELD_TEXT = 116 }; /* a masked CSRF token: base64url of 86 bytes, plus NUL */

/* Writes token (a CSRF token, SESSION_TOKEN_TEXT - 1 characters) as a form
 * carries it: 43 fresh random bytes, then the token's characters XORed with
 * them, in base64url. The text differs on every call, so a page compressed
 * with text an attacker chose cannot reveal the token by its size (BREACH;
 * docs/architecture.md, "Compression"). A token of another length (never
 * made so) gives "", which no check accepts. */
void session_csrf_mask(const char *token, char out[SESSION_CSRF_FIELD_TEXT]);
/* True when field, as a form sent it, carries token: masked
 * (session_csrf_mask) or as it is. Compares in constant time. */
bool session_csrf_matches(const char *field, const char *token);
/* True when t has the shape of a session token (43 base64url characters). */
bool session_token_shape(const char *t);
/* The token of an "Authorization: Bearer TOKEN" header value, or NULL. */
const char *session_bearer(const char *authorization);
/* Ends session_id of user_id. Returns 1, 0 when there is no such session,
 * or a negative DB_ code. */
int session_end_one(int64_t user_id, int64_t session_id);
/* True when the request carries a device cookie (or, from an API client,
 * a "device_token" field) that a login to user_id issued; *device gets its
 * id (arena-owned). */
bool session_device(struct req *req, int64_t user_id, const char **device);
/* Writes a short browser family ("Firefox on Android") for a User-Agent;
 * only this, never the whole header, is stored. */
void session_browser(const char *user_agent, char out[48]);
/* Loads the 32-byte secret called name from instance_settings, creating it
 * on first use. Returns 0 or -1. */
int session_instance_key(const char *name, unsigned char key[32]);
/* Writes the hex BLAKE2b-256 hash of token, as stored in sessions.token_hash. */
void session_hash_token(const char *token, char out[65]);
/* Loads the request user's row afresh after a change (name, couple). */
int session_reload_user(struct req *req);

#endif
