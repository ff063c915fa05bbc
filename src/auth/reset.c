/* reset.c: one-time links to set a new password. A link is
 * BASE/reset?token=TOKEN: the token travels in the query (the access log
 * prints route patterns only, so it never sees it) and only its hash is
 * stored, in password_resets, for RESET_VALID_MS. Using a link sets the
 * password with the sign-up's rules, deletes the account's links, ends
 * every session of the account and starts a new one in the browser that
 * used it. Links that cannot be used all get one message, and count against
 * the network that tried them, like wrong invite codes. */
#include "auth/reset.h"

#include <stdio.h>
#include <string.h>

#include "auth/password.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/net.h"
#include "core/util.h"
#include "http/http.h"
#include "store/db.h"

enum { FORM_BODY = 16 * 1024 };

static struct throttle *wrong_links;

void reset_init(void)
{
    wrong_links = throttle_new(RESET_FAILS_PER_NETWORK, RESET_WINDOW_MS);
}

void reset_shutdown(void)
{
    throttle_free(wrong_links);
    wrong_links = NULL;
}

/* ---- issuing (the command line) ---- */

struct issue {
    int64_t user_id;
    const char *hash;
};

static int store_link(void *arg)
{
    const struct issue *is = arg;
    int64_t now = clock_now_ms();
    /* a newer link replaces the account's older ones; anyone's expired
     * links go at the same time */
    if (db_exec("DELETE FROM password_resets WHERE user_id = $1 OR expires_at <= $2", "ii",
                is->user_id, now) < 0)
        return DB_ERROR;
    return db_exec("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)"
                   " VALUES ($1, $2, $3, $4)",
                   "siii", is->hash, is->user_id, now, now + RESET_VALID_MS);
}

int reset_issue(const char *email, char token[SESSION_TOKEN_TEXT])
{
    char hash[65];
    struct issue is = {.hash = hash};
    int rc = db_int(&is.user_id, "SELECT user_id FROM user_emails WHERE email = $1", "s", email);
    if (rc != DB_OK)
        return rc;
    session_new_token(token);
    session_hash_token(token, hash);
    rc = db_tx(store_link, &is);
    return rc < 0 ? rc : DB_OK;
}

int reset_forget(int64_t user_id)
{
    return db_exec("DELETE FROM password_resets WHERE user_id = $1", "i", user_id);
}

/* ---- the link's page ---- */

/* The account a usable link opens, found from its token. */
struct reset_link {
    char hash[65];
    int64_t user_id;
    const char *email, *name; /* arena-owned */
};

/* Finds the link with token (NULL, malformed, unknown and expired alike are
 * DB_NOT_FOUND) and its account. */
static int find_link(struct req *req, const char *token, struct reset_link *link)
{
    if (!session_token_shape(token))
        return DB_NOT_FOUND;
    session_hash_token(token, link->hash);
    json_t *row;
    int rc = db_row(&row,
                    "SELECT u.id, u.email, u.name FROM password_resets r"
                    " JOIN users u ON u.id = r.user_id WHERE r.token_hash = $1"
                    " AND r.expires_at > $2",
                    "si:dss", link->hash, clock_now_ms());
    if (rc != DB_OK)
        return rc;
    link->user_id = id_from(json_object_get(row, "id"));
    link->email = arena_strdup(req->arena, json_string_value(json_object_get(row, "email")));
    link->name = arena_strdup(req->arena, json_string_value(json_object_get(row, "name")));
    json_decref(row);
    return DB_OK;
}

static void network_key(struct req *req, char key[NET_ADDRESS_MAX])
{
    net_prefix(req->client_ip, 32, 64, key);
}

/* Fills the page that says a link cannot be used, answered with status. */
static int refuse(struct res *res, int status, const char *message)
{
    json_t *m = res_model(res);
    res->status = status;
    res->detail = message;
    json_object_set_new(m, "title", json_string("This link cannot be used"));
    json_object_set_new(m, "problem", json_string(message));
    return 0;
}

/* Refuses a network that tried too many links that cannot be used: returns
 * 1 after filling a 429, else 0. */
static int too_many(struct req *req, struct res *res)
{
    char key[NET_ADDRESS_MAX];
    network_key(req, key);
    int wait = throttle_wait(wrong_links, key, clock_now_ms());
    if (wait == 0)
        return 0;
    char secs[16];
    snprintf(secs, sizeof(secs), "%d", wait);
    res_header(req, res, "Retry-After", secs);
    int minutes = (wait + 59) / 60;
    refuse(res, 429,
           arena_printf(req->arena, "Too many links were tried. Please wait %d minute%s.", minutes,
                        minutes == 1 ? "" : "s"));
    return 1;
}

/* Refuses a link that cannot be used and counts it against the network. */
static int unusable(struct req *req, struct res *res)
{
    char key[NET_ADDRESS_MAX];
    network_key(req, key);
    throttle_fail(wrong_links, key, clock_now_ms());
    return refuse(res, 410, RESET_UNUSABLE);
}

/* Checks the request's link: 0 with link filled when it can be used; 1 when
 * the answer is filled (429, or 410 for a link that cannot be used: not
 * 404, which would hide the page that says why); -1 on a database
 * failure. */
static int check_link(struct req *req, struct res *res, struct reset_link *link)
{
    if (too_many(req, res))
        return 1;
    int rc = find_link(req, req_str(req, "token"), link);
    if (rc == DB_NOT_FOUND)
        return unusable(req, res) + 1;
    return rc == DB_OK ? 0 : -1;
}

static int reset_page(struct req *req, struct res *res)
{
    struct reset_link link;
    int rc = check_link(req, res, &link);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string("Set a new password"));
    json_object_set_new(m, "token", json_string(req_str(req, "token")));
    json_object_set_new(m, "email", json_string(link.email));
    return 0;
}

/* Runs before the new password is queued for hashing: a throttled network
 * or a link that cannot be used is answered at once, unhashed. */
static int reset_admit(struct req *req, struct res *res)
{
    struct reset_link *link = arena_alloc(req->arena, sizeof(*link));
    int rc = check_link(req, res, link);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    req->state = link;
    return 0;
}

static int reset_password(struct req *req, struct res *res)
{
    const struct reset_link *link = req->state;
    const char *fresh = req_str(req, "password");
    const char *weak = password_check(fresh, link->name, link->email);
    if (weak != NULL) {
        req_error(req, "password", weak);
        return 0;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(fresh, hash) != 0)
        return -1;
    /* the rule: a link is used once, even by two requests at once */
    int used = db_exec("DELETE FROM password_resets WHERE token_hash = $1 AND expires_at > $2",
                       "si", link->hash, clock_now_ms());
    if (used < 0)
        return -1;
    if (used == 0)
        return unusable(req, res);
    if (db_exec("UPDATE users SET password_hash = $2 WHERE id = $1", "is", link->user_id, hash) <
            0 ||
        reset_forget(link->user_id) < 0 || session_end_others(link->user_id, 0) < 0)
        return -1;
    const char *device = NULL;
    const char *token = session_start(req, res, link->user_id, &device);
    if (token == NULL)
        return -1;
    if (res_redirect(req, res, "/account?done=reset"))
        return 0;
    json_t *m = res_model(res);
    json_object_set_new(m, "token", json_string(token));
    json_object_set_new(m, "device_token", json_string(device));
    return 0;
}

#define F_TOKEN                                                                                    \
    {                                                                                              \
        .name = "token", .label = "Link", .type = FIELD_STRING, .max = RESET_TOKEN_FIELD_MAX,      \
        .hidden = true                                                                             \
    }

const struct route reset_routes[] = {
    {.method = "GET",
     .pattern = "/reset",
     .handler = reset_page,
     .view = "reset",
     .fields = {F_TOKEN}},
    {.method = "POST",
     .pattern = "/reset",
     .handler = reset_password,
     .slow = true,
     .admit = reset_admit,
     .view = "reset",
     .form = reset_page,
     .body_max = FORM_BODY,
     .fields = {F_TOKEN,
                {.name = "password",
                 .label = "New password",
                 .type = FIELD_SECRET,
                 .required = true,
                 .min = PASSWORD_MIN,
                 .max = PASSWORD_MAX}}},
};
const size_t reset_nroutes = ARRAY_LEN(reset_routes);
