/* session.c: the session guard (who is asking), the CSRF guard (did this
 * form come from us), the per-request template context, and device cookies.
 * Visitors without a session get a CSRF token in a cookie of its own, so the
 * log-in and sign-up forms are protected too; the cookie is sent only with a
 * page that carries a form, so reading the landing page, a guide index or a
 * feed sets no cookie. */
#include "auth/session.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/sessioncache.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/http.h"
#include "store/db.h"
#include "store/jobs.h"

enum {
    TOKEN_BYTES = 32,
    TOUCH_EVERY_MS = 60 * 1000, /* last_used_at is written at most once a minute */
    DEVICE_MAX_AGE_S = 365 * 24 * 3600,
};

static struct session_config config;
static bool secure;
static char origin[256];
static char cookie_session[40], cookie_csrf[40], cookie_device[40];
static unsigned char device_key[crypto_auth_KEYBYTES];

void session_new_token(char out[SESSION_TOKEN_TEXT])
{
    unsigned char raw[TOKEN_BYTES];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(out, SESSION_TOKEN_TEXT, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void session_hash_token(const char *token, char out[65])
{
    unsigned char h[32];
    crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, 65, h, sizeof(h));
}

enum { CSRF_LEN = SESSION_TOKEN_TEXT - 1 };
_Static_assert(SESSION_CSRF_FIELD_TEXT ==
                   sodium_base64_ENCODED_LEN(2 * CSRF_LEN,
                                             sodium_base64_VARIANT_URLSAFE_NO_PADDING),
               "a masked token is the mask and the masked token, in base64url");

void session_csrf_mask(const char *token, char out[SESSION_CSRF_FIELD_TEXT])
{
    unsigned char raw[2 * CSRF_LEN];
    if (strlen(token) != CSRF_LEN) { /* never made so; a form without it is refused */
        out[0] = '\0';
        return;
    }
    randombytes_buf(raw, CSRF_LEN);
    for (size_t i = 0; i < CSRF_LEN; i++)
        raw[CSRF_LEN + i] = (unsigned char)token[i] ^ raw[i];
    sodium_bin2base64(out, SESSION_CSRF_FIELD_TEXT, raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

bool session_csrf_matches(const char *field, const char *token)
{
    if (field == NULL || token == NULL || strlen(token) != CSRF_LEN)
        return false;
    size_t n = strlen(field);
    if (n == CSRF_LEN) /* as it is: clients that read the token from its cookie */
        return sodium_memcmp(field, token, CSRF_LEN) == 0;
    unsigned char raw[2 * CSRF_LEN];
    size_t raw_len = 0;
    if (n != SESSION_CSRF_FIELD_TEXT - 1 ||
        sodium_base642bin(raw, sizeof(raw), field, n, NULL, &raw_len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        raw_len != sizeof(raw))
        return false;
    for (size_t i = 0; i < CSRF_LEN; i++)
        raw[CSRF_LEN + i] ^= raw[i];
    return sodium_memcmp(raw + CSRF_LEN, token, CSRF_LEN) == 0;
}

bool session_token_shape(const char *t)
{
    if (t == NULL || strlen(t) != SESSION_TOKEN_TEXT - 1)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

static void set_cookie(struct req *req, struct res *res, const char *name, const char *value,
                       long max_age)
{
    char line[512];
    snprintf(line, sizeof(line), "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%ld%s", name,
             value, max_age, secure ? "; Secure" : "");
    res_header(req, res, "Set-Cookie", line);
}

/* ---- device cookies: "USERID.NONCE.MAC" ---- */

static const char *device_issue(struct req *req, struct res *res, int64_t user_id)
{
    unsigned char nonce[(SESSION_NONCE_TEXT - 1) / 2], raw[crypto_auth_BYTES];
    char nonce_hex[SESSION_NONCE_TEXT], payload[64], mac[65], value[160];
    randombytes_buf(nonce, sizeof(nonce));
    sodium_bin2hex(nonce_hex, sizeof(nonce_hex), nonce, sizeof(nonce));
    snprintf(payload, sizeof(payload), "%lld.%s", (long long)user_id, nonce_hex);
    crypto_auth(raw, (const unsigned char *)payload, strlen(payload), device_key);
    sodium_bin2hex(mac, sizeof(mac), raw, sizeof(raw));
    snprintf(value, sizeof(value), "%s.%s", payload, mac);
    set_cookie(req, res, cookie_device, value, DEVICE_MAX_AGE_S);
    return arena_strdup(req->arena, value);
}

bool session_parse_device(const char *value, const unsigned char key[32], int64_t *user_id,
                          char nonce[SESSION_NONCE_TEXT])
{
    if (value == NULL || strlen(value) > 150)
        return false;
    const char *last = strrchr(value, '.');
    if (last == NULL || strlen(last + 1) != 64)
        return false;
    char payload[128], mac[65];
    size_t plen = (size_t)(last - value);
    if (plen >= sizeof(payload))
        return false;
    memcpy(payload, value, plen);
    payload[plen] = '\0';
    unsigned char raw[crypto_auth_BYTES];
    crypto_auth(raw, (const unsigned char *)payload, plen, key);
    sodium_bin2hex(mac, sizeof(mac), raw, sizeof(raw));
    if (sodium_memcmp(mac, last + 1, 64) != 0)
        return false;
    const char *dot = strchr(payload, '.');
    if (dot == NULL || strlen(dot + 1) != SESSION_NONCE_TEXT - 1 ||
        parse_int64(payload, (size_t)(dot - payload), user_id) != 0)
        return false;
    memcpy(nonce, dot + 1, SESSION_NONCE_TEXT);
    return true;
}

bool session_device(struct req *req, int64_t user_id, const char **device)
{
    const char *v = req_cookie(req, cookie_device);
    if (v == NULL && req->api)
        v = req_str(req, "device_token");
    int64_t uid;
    char nonce[SESSION_NONCE_TEXT];
    if (!session_parse_device(v, device_key, &uid, nonce) || uid != user_id)
        return false;
    *device = arena_strdup(req->arena, nonce);
    return true;
}

/* ---- starting and ending sessions ---- */

void session_browser(const char *ua, char out[48])
{
    const char *browser = "Unknown browser", *os = "";
    if (ua != NULL) {
        browser = strstr(ua, "Edg/")       ? "Edge"
                  : strstr(ua, "Firefox/") ? "Firefox"
                  : strstr(ua, "Chrome/")  ? "Chrome"
                  : strstr(ua, "Safari/")  ? "Safari"
                  : strstr(ua, "curl/")    ? "curl"
                                           : "Other browser";
        os = strstr(ua, "Android")                        ? " on Android"
             : strstr(ua, "iPhone") || strstr(ua, "iPad") ? " on iOS"
             : strstr(ua, "Windows")                      ? " on Windows"
             : strstr(ua, "Mac OS")                       ? " on macOS"
             : strstr(ua, "Linux") || strstr(ua, "X11")   ? " on Linux"
                                                          : "";
    }
    snprintf(out, 48, "%s%s", browser, os);
}

/* Deletes sessions and their tokens: where is a condition on sessions
 * (columns user_id, id; parameters $1 and $2 as given). */
struct ending {
    int64_t a, b;
    int which;
};

static int end_sessions(void *arg)
{
    const struct ending *e = arg;
    static const char *const tokens[] = {
        /* one session */
        "DELETE FROM session_tokens WHERE user_id = $1 AND session_id = $2",
        /* every other session of a person ($2 = 0: all) */
        "DELETE FROM session_tokens WHERE user_id = $1 AND session_id <> $2",
        /* all but the person's most recent $2 */
        "DELETE FROM session_tokens WHERE user_id = $1 AND session_id NOT IN"
        " (SELECT id FROM sessions WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
        /* expired everywhere: last used before $1 or started before $2 */
        "DELETE FROM session_tokens WHERE (user_id, session_id) IN (SELECT user_id, id"
        " FROM sessions WHERE last_used_at <= $1 OR created_at <= $2)",
    };
    static const char *const rows[] = {
        "DELETE FROM sessions WHERE user_id = $1 AND id = $2",
        "DELETE FROM sessions WHERE user_id = $1 AND id <> $2",
        "DELETE FROM sessions WHERE user_id = $1 AND id NOT IN"
        " (SELECT id FROM sessions WHERE user_id = $1 ORDER BY id DESC LIMIT $2)",
        "DELETE FROM sessions WHERE last_used_at <= $1 OR created_at <= $2",
    };
    if (db_exec(tokens[e->which], "ii", e->a, e->b) < 0)
        return DB_ERROR;
    return db_exec(rows[e->which], "ii", e->a, e->b);
}

enum { END_ONE, END_OTHERS, END_OLDEST, END_EXPIRED };

static int end_where(int which, int64_t a, int64_t b)
{
    struct ending e = {a, b, which};
    return db_tx(end_sessions, &e);
}

/* A standing job (src/store/jobs.h): deletes every expired session. */
static int sweep_expired(const char *key, const char *payload)
{
    int64_t now = clock_now_ms();
    return end_where(END_EXPIRED, now - config.idle_ms, now - config.absolute_ms) < 0 ? -1 : 0;
}

static const struct job_kind sweep_kind = {"sessions-sweep", sweep_expired, SESSION_SWEEP_MS};

const char *session_start(struct req *req, struct res *res, int64_t user_id, const char **device)
{
    char token[SESSION_TOKEN_TEXT], hash[65], csrf[SESSION_TOKEN_TEXT];
    session_new_token(token);
    session_new_token(csrf);
    session_hash_token(token, hash);
    int64_t now = clock_now_ms();
    int64_t id = id_new();
    char browser[48];
    session_browser(req_header(req, "User-Agent"), browser);
    if (db_exec("INSERT INTO sessions (user_id, id, csrf, browser, created_at, last_used_at)"
                " VALUES ($1, $2, $3, $4, $5, $5)",
                "iissi", user_id, id, csrf, browser, now) < 0 ||
        db_exec("INSERT INTO session_tokens (token_hash, user_id, session_id) VALUES ($1, $2, $3)",
                "sii", hash, user_id, id) < 0 ||
        end_where(END_OLDEST, user_id, SESSIONS_PER_PERSON) < 0)
        return NULL;
    set_cookie(req, res, cookie_session, token, (long)(config.absolute_ms / 1000));
    const char *issued = device_issue(req, res, user_id);
    if (device != NULL)
        *device = issued;
    req->user_id = user_id;
    req->session_id = id;
    req->csrf_token = arena_strdup(req->arena, csrf);
    req->csrf_unsent = false; /* the session's token, never a cookie of its own */
    return session_reload_user(req) == DB_OK ? arena_strdup(req->arena, token) : NULL;
}

int session_end(struct req *req, struct res *res)
{
    if (req->session_id != 0 && end_where(END_ONE, req->user_id, req->session_id) < 0)
        return DB_ERROR;
    set_cookie(req, res, cookie_session, "", 0);
    req->session_id = req->user_id = req->couple_id = 0;
    req->couple = NULL;
    return DB_OK;
}

int session_end_others(int64_t user_id, int64_t keep_id)
{
    return end_where(END_OTHERS, user_id, keep_id);
}

int session_end_one(int64_t user_id, int64_t session_id)
{
    return end_where(END_ONE, user_id, session_id);
}

/* The user's row with the couple's time zone and the partner (the other
 * member), as req->user keeps it. */
#define USER_COLUMNS                                                                               \
    " u.id, u.name, u.email, u.time_zone, u.couple_id, u.is_operator, u.created_at,"               \
    " c.time_zone AS couple_time_zone, m.user_id AS partner_id, p.name AS partner_name"
#define USER_JOINS                                                                                 \
    " LEFT JOIN couples c ON c.id = u.couple_id"                                                   \
    " LEFT JOIN memberships m ON m.couple_id = c.id AND m.user_id <> u.id AND m.left_at IS NULL"   \
    " LEFT JOIN users p ON p.id = m.user_id"
#define USER_TYPES "dsssdbisds"

/* Makes row (taken) the request's user, and its couple the request's. */
static void take_user(struct req *req, json_t *row)
{
    static const char *const couple_only[] = {"couple_time_zone", "partner_id", "partner_name"};
    req->couple_id = id_from(json_object_get(row, "couple_id"));
    req->couple = NULL;
    if (req->couple_id != 0) {
        struct couple_ctx *c = arena_alloc(req->arena, sizeof(*c));
        const char *partner = json_string_value(json_object_get(row, "partner_name"));
        const char *tz = json_string_value(json_object_get(row, "couple_time_zone"));
        c->id = req->couple_id;
        c->partner_id = id_from(json_object_get(row, "partner_id"));
        c->partner_name = arena_strdup(req->arena, partner ? partner : "Your partner");
        c->time_zone = arena_strdup(req->arena, tz ? tz : "UTC");
        tz_date(c->time_zone, clock_now_ms(), c->today);
        req->couple = c;
    } else {
        for (size_t i = 0; i < ARRAY_LEN(couple_only); i++)
            json_object_del(row, couple_only[i]);
    }
    json_decref(req->user);
    req->user = row;
}

int session_reload_user(struct req *req)
{
    json_t *row;
    int rc = db_row(&row, "SELECT" USER_COLUMNS " FROM users u" USER_JOINS " WHERE u.id = $1",
                    "i:" USER_TYPES, req->user_id);
    if (rc == DB_OK)
        take_user(req, row);
    return rc;
}

/* ---- guards ---- */

const char *session_bearer(const char *authorization)
{
    if (authorization == NULL || strncasecmp(authorization, "Bearer ", 7) != 0)
        return NULL;
    return authorization + 7;
}

/* Finds the session for token, with its user and couple in the same
 * query (one round trip for every signed-in request), or kept from an
 * earlier request when nothing it comes from changed since (sessioncache.h);
 * fills req on success. */
static int load_session(struct req *req, const char *token)
{
    char hash[65];
    session_hash_token(token, hash);
    uint64_t mark = session_cache_mark();
    json_t *row = session_cache_get(hash, mark);
    if (row == NULL) {
        if (db_row(&row,
                   "SELECT s.id AS session_id, s.csrf, s.created_at AS session_created_at,"
                   " s.last_used_at," USER_COLUMNS " FROM session_tokens t"
                   " JOIN sessions s ON s.user_id = t.user_id AND s.id = t.session_id"
                   " JOIN users u ON u.id = t.user_id" USER_JOINS " WHERE t.token_hash = $1",
                   "s:dsii" USER_TYPES, hash) != DB_OK)
            return -1;
        session_cache_put(hash, mark, row);
    }
    int64_t session_id = id_from(json_object_get(row, "session_id"));
    int64_t user_id = id_from(json_object_get(row, "id"));
    int64_t now = clock_now_ms();
    int64_t created = json_integer_value(json_object_get(row, "session_created_at"));
    int64_t used = json_integer_value(json_object_get(row, "last_used_at"));
    if (now - used >= config.idle_ms || now - created >= config.absolute_ms) {
        end_where(END_ONE, user_id, session_id);
        json_decref(row);
        return -1;
    }
    /* written at most once a minute, and often enough for short idle limits */
    int64_t touch = config.idle_ms / 4 < TOUCH_EVERY_MS ? config.idle_ms / 4 : TOUCH_EVERY_MS;
    if (now - used >= touch)
        db_exec("UPDATE sessions SET last_used_at = $3 WHERE user_id = $1 AND id = $2", "iii",
                user_id, session_id, now);
    req->session_id = session_id;
    req->user_id = user_id;
    req->csrf_token = arena_strdup(req->arena, json_string_value(json_object_get(row, "csrf")));
    static const char *const session_only[] = {"session_id", "csrf", "session_created_at",
                                               "last_used_at"};
    for (size_t i = 0; i < ARRAY_LEN(session_only); i++)
        json_object_del(row, session_only[i]);
    take_user(req, row);
    return 0;
}

static int session_guard(struct req *req, struct res *res)
{
    if (req->route->sessionless)
        return 0;
    /* A bearer token counts (and skips the form token) only when it is valid;
     * an invalid one leaves the request anonymous, with every check. */
    const char *token = session_bearer(req_header(req, "Authorization"));
    bool from_header = token != NULL;
    if (!from_header)
        token = req_cookie(req, cookie_session);
    if (session_token_shape(token) && load_session(req, token) == 0) {
        req->bearer = from_header;
    } else if (token != NULL) {
        req->session_id = req->user_id = req->couple_id = 0;
        req->couple = NULL;
        if (!from_header) /* a stale cookie: drop it */
            set_cookie(req, res, cookie_session, "", 0);
    }
    if (req->session_id == 0 && !req->bearer) {
        const char *csrf = req_cookie(req, cookie_csrf);
        if (session_token_shape(csrf)) {
            req->csrf_token = arena_strdup(req->arena, csrf);
        } else {
            char fresh[SESSION_TOKEN_TEXT];
            session_new_token(fresh);
            req->csrf_token = arena_strdup(req->arena, fresh);
            req->csrf_unsent = true; /* the cookie follows with a form (page_sent) */
        }
    }
    if (req->route->auth == AUTH_OPERATOR) {
        bool op = json_is_true(json_object_get(req->user, "is_operator"));
        return op ? 0 : 404;
    }
    if (req->route->auth == AUTH_NONE || req->session_id != 0)
        return 0;
    if (req->api) {
        res->detail = "Log in first.";
        return 401;
    }
    const char *next = strcmp(req->method, "GET") == 0 ? req->path : "/";
    res_redirect(req, res, arena_printf(req->arena, "/login?next=%s", next));
    return 303;
}

/* Pages that need a couple send unpaired people to /pair. */
static int couple_guard(struct req *req, struct res *res)
{
    if (req->route->auth != AUTH_COUPLE || req->couple_id != 0)
        return 0;
    if (req->api) {
        res->detail = "Pair with your partner first.";
        return 403;
    }
    res_redirect(req, res, "/pair");
    return 303;
}

static int csrf_guard(struct req *req, struct res *res)
{
    if (strcmp(req->method, "POST") != 0 || req->bearer)
        return 0;
    const char *site = req_header(req, "Sec-Fetch-Site");
    const char *from = req_header(req, "Origin");
    bool cross = false;
    if (site != NULL)
        cross = strcmp(site, "same-origin") != 0 && strcmp(site, "none") != 0;
    else if (from != NULL)
        cross = strcmp(from, origin) != 0;
    if (cross) {
        res->detail = "This request came from another site and was refused.";
        return 403;
    }
    if (req->api)
        return 0; /* JSON only (the server checks), which browsers cannot send cross-site */
    if (!session_csrf_matches(req->csrf_field, req->csrf_token)) {
        res->detail = "This form has expired. Go back, reload the page and try again.";
        return 403;
    }
    return 0;
}

static void context(struct req *req, json_t *ctx)
{
    if (req->csrf_token != NULL) { /* masked afresh for every page */
        char field[SESSION_CSRF_FIELD_TEXT];
        session_csrf_mask(req->csrf_token, field);
        json_object_set_new(ctx, "csrf", json_string(field));
    }
    if (req->user != NULL) {
        json_t *me = json_object();
        json_object_set(me, "name", json_object_get(req->user, "name"));
        json_object_set_new(me, "paired", json_boolean(req->couple_id != 0));
        json_object_set(me, "operator", json_object_get(req->user, "is_operator"));
        json_object_set_new(ctx, "me", me);
    }
}

/* A visitor's new CSRF token goes out in its cookie with the first page
 * whose form carries it (the csrf partial writes name="csrf" and the token,
 * masked); pages without a form set no cookie. */
static void page_sent(struct req *req, struct res *res, const char *html, size_t len)
{
    static const char field[] = "name=\"csrf\" value=\"";
    if (!req->csrf_unsent)
        return;
    if (memmem(html, len, field, sizeof(field) - 1) != NULL) {
        set_cookie(req, res, cookie_csrf, req->csrf_token, DEVICE_MAX_AGE_S);
        req->csrf_unsent = false;
    }
}

int session_instance_key(const char *name, unsigned char key[32])
{
    json_t *row;
    int rc = db_row(&row, "SELECT value FROM instance_settings WHERE key = $1", "s:s", name);
    if (rc == DB_NOT_FOUND) {
        char hex[65];
        randombytes_buf(key, 32);
        sodium_bin2hex(hex, sizeof(hex), key, 32);
        return db_exec("INSERT INTO instance_settings (key, value, updated_at) VALUES ($1, $2, $3)"
                       " ON CONFLICT (key) DO NOTHING",
                       "ssi", name, hex, clock_now_ms()) < 0
                   ? -1
                   : session_instance_key(name, key);
    }
    if (rc != DB_OK)
        return -1;
    const char *hex = json_string_value(json_object_get(row, "value"));
    int bad = hex == NULL || sodium_hex2bin(key, 32, hex, strlen(hex), NULL, NULL, NULL) != 0;
    json_decref(row);
    if (bad)
        log_error("session: the stored key %s is malformed", name);
    return bad ? -1 : 0;
}

int session_init(const struct session_config *cfg)
{
    config = *cfg;
    secure = str_starts(cfg->base_url, "https://");
    const char *prefix = secure ? "__Host-" : "";
    snprintf(cookie_session, sizeof(cookie_session), "%shearth_session", prefix);
    snprintf(cookie_csrf, sizeof(cookie_csrf), "%shearth_csrf", prefix);
    snprintf(cookie_device, sizeof(cookie_device), "%shearth_device", prefix);
    /* the origin is scheme://host[:port] of the base URL */
    const char *host = strstr(cfg->base_url, "://") + 3;
    size_t n = (size_t)(host - cfg->base_url) + strcspn(host, "/");
    snprintf(origin, sizeof(origin), "%.*s", (int)n, cfg->base_url);

    if (session_instance_key("device_key", device_key) != 0 || session_cache_init() != 0)
        return -1;
    jobs_register(&sweep_kind);
    http_add_guard(HTTP_GUARD_HEADERS, session_guard);
    http_add_guard(HTTP_GUARD_HEADERS, couple_guard);
    http_add_guard(HTTP_GUARD_BODY, csrf_guard);
    http_set_context(context);
    http_set_page_hook(page_sent);
    return 0;
}

void session_shutdown(void)
{
    session_cache_clear();
    sodium_memzero(device_key, sizeof(device_key));
}
