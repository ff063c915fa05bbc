/* accounts.c: everything a person does with their own account. Pairing and
 * leaving live in pairing.c; sessions and CSRF in session.c. */
#include "auth/accounts.h"

#include <stdio.h>
#include <string.h>

#include "auth/pairing.h"
#include "auth/password.h"
#include "auth/reset.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/net.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/http.h"
#include "store/db.h"

enum { MAX_EXPORTERS = 16, FORM_BODY = 16 * 1024, SESSIONS_SHOWN = 100 };

static struct throttle *per_account_address, *per_address, *per_account, *per_device;
static struct throttle *confirms, *signups;
static struct {
    const char *key;
    export_fn fn;
} exporters[MAX_EXPORTERS];
static int nexporters;

static erase_fn erasers[MAX_EXPORTERS];
static int nerasers;

void accounts_add_erase(erase_fn fn)
{
    if (nerasers == MAX_EXPORTERS)
        fatal("too many erasers");
    erasers[nerasers++] = fn;
}

void accounts_add_export(const char *key, export_fn fn)
{
    if (nexporters == MAX_EXPORTERS)
        fatal("too many exporters");
    exporters[nexporters].key = key;
    exporters[nexporters].fn = fn;
    nexporters++;
}

int accounts_init(int signups_per_hour)
{
    per_account_address = throttle_new(LOGIN_FAILS_PER_ACCOUNT_ADDRESS, LOGIN_WINDOW_MS);
    per_address = throttle_new(LOGIN_FAILS_PER_ADDRESS, LOGIN_WINDOW_MS);
    /* counts failures only (never refuses), for the delay; an account is
     * held in the table once its delay is at its longest */
    per_account =
        throttle_new(LOGIN_DELAY_AFTER + LOGIN_DELAY_MAX_MS / LOGIN_DELAY_STEP_MS, LOGIN_WINDOW_MS);
    per_device = throttle_new(LOGIN_FAILS_PER_DEVICE, LOGIN_WINDOW_MS);
    confirms = throttle_new(CONFIRM_FAILS_PER_ACCOUNT, LOGIN_WINDOW_MS);
    signups = throttle_new(signups_per_hour, SIGNUP_WINDOW_MS);
    return 0;
}

void accounts_shutdown(void)
{
    throttle_free(per_account_address);
    throttle_free(per_address);
    throttle_free(per_account);
    throttle_free(per_device);
    throttle_free(confirms);
    throttle_free(signups);
}

static void set_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

/* The one list of time zones the forms offer (tz_names), each {name}, with
 * "selected" on the zone called selected: a new array for the model. */
static json_t *zone_choices(const char *selected)
{
    json_t *zones = json_array();
    size_t i;
    json_t *z;
    json_array_foreach (tz_names(), i, z) {
        json_t *o = json_object();
        json_object_set(o, "name", z);
        if (selected != NULL && strcmp(selected, json_string_value(z)) == 0)
            json_object_set_new(o, "selected", json_true());
        json_array_append_new(zones, o);
    }
    return zones;
}

/* Where a successful log-in goes: a safe local "next", else /us or /pair. */
static const char *landing_for(struct req *req, const char *next)
{
    if (next != NULL && next[0] == '/' && next[1] != '/' && next[1] != '\\' &&
        strpbrk(next, "\r\n") == NULL)
        return next;
    return req->couple_id != 0 ? "/us" : "/pair";
}

/* The signed-in person as the API shows them. */
static json_t *me_json(struct req *req)
{
    json_t *me = json_object();
    json_object_set(me, "id", json_object_get(req->user, "id"));
    json_object_set(me, "name", json_object_get(req->user, "name"));
    json_object_set(me, "email", json_object_get(req->user, "email"));
    json_object_set(me, "time_zone", json_object_get(req->user, "time_zone"));
    json_object_set_new(me, "paired", json_boolean(req->couple_id != 0));
    return me;
}

/* Sets 429 with Retry-After and a message saying how long to wait. */
static void too_many(struct req *req, struct res *res, int wait)
{
    char secs[16];
    snprintf(secs, sizeof(secs), "%d", wait);
    res_header(req, res, "Retry-After", secs);
    res->status = 429;
    int minutes = (wait + 59) / 60;
    res->detail =
        arena_printf(req->arena, "Too many attempts. Please wait %d minute%s and try again.",
                     minutes, minutes == 1 ? "" : "s");
}

static void user_key(struct req *req, char key[32])
{
    snprintf(key, 32, "%lld", (long long)req->user_id);
}

/* Refuses a confirmation before hashing when the person failed too often:
 * sets the 429 and the field's message and returns 1, else 0. */
static int confirm_wait(struct req *req, struct res *res, const char *field)
{
    char key[32];
    user_key(req, key);
    int wait = throttle_wait(confirms, key, clock_now_ms());
    if (wait == 0)
        return 0;
    too_many(req, res, wait);
    req_error(req, field, res->detail);
    return 1;
}

int accounts_admit_confirm(struct req *req, struct res *res)
{
    return confirm_wait(req, res, "password");
}

static int admit_current_password(struct req *req, struct res *res)
{
    return confirm_wait(req, res, "current_password");
}

int accounts_confirm_password(struct req *req, struct res *res, const char *field)
{
    char key[32];
    user_key(req, key);
    if (confirm_wait(req, res, field))
        return 0;
    json_t *row;
    int rc = db_row(&row, "SELECT password_hash FROM users WHERE id = $1", "i:s", req->user_id);
    if (rc != DB_OK) {
        res->status = 500; /* nothing may go on unconfirmed */
        req_error(req, field, "The server could not check your password. Please try again.");
        return 0;
    }
    bool ok = password_verify(json_string_value(json_object_get(row, "password_hash")),
                              req_str(req, field));
    json_decref(row);
    if (ok) {
        throttle_clear(confirms, key);
        return 1;
    }
    throttle_fail(confirms, key, clock_now_ms());
    req_error(req, field,
              strcmp(field, "password") == 0 ? "This is not your password."
                                             : "This is not your current password.");
    return 0;
}

int64_t accounts_login_delay_ms(int failures)
{
    if (failures <= LOGIN_DELAY_AFTER)
        return 0;
    int64_t ms = (int64_t)(failures - LOGIN_DELAY_AFTER) * LOGIN_DELAY_STEP_MS;
    return ms < LOGIN_DELAY_MAX_MS ? ms : LOGIN_DELAY_MAX_MS;
}

/* ---- finding and changing emails ---- */

/* The account with email: {id, password_hash}, or DB_NOT_FOUND. */
static int find_by_email(const char *email, json_t **user)
{
    int64_t id = 0;
    int rc = db_int(&id, "SELECT user_id FROM user_emails WHERE email = $1", "s", email);
    if (rc != DB_OK)
        return rc;
    return db_row(user, "SELECT id, password_hash FROM users WHERE id = $1", "i:ds", id);
}

/* Moves user_id's lookup row from one email to another; DB_CONFLICT when the
 * new one is taken. */
static int change_email(int64_t user_id, const char *old, const char *fresh)
{
    int rc =
        db_exec("INSERT INTO user_emails (email, user_id) VALUES ($1, $2)", "si", fresh, user_id);
    if (rc < 0)
        return rc;
    return db_exec("DELETE FROM user_emails WHERE email = $1 AND user_id = $2", "si", old, user_id);
}

/* ---- sign up ---- */

/* Puts a safe local "next" (where to go after signing up or logging in: an
 * invite link) in the model, as is and encoded for a link. */
static void keep_next(struct req *req, struct res *res)
{
    const char *next = req_str(req, "next");
    if (next == NULL || strcmp(landing_for(req, next), next) != 0)
        return;
    json_t *m = res_model(res);
    json_object_set_new(m, "next", json_string(next));
    json_object_set_new(m, "next_url", json_string(arena_url_encode(req->arena, next)));
    json_object_set_new(m, "invited", json_boolean(str_starts(next, "/pair/join")));
}

/* The sign-up form offers every zone, UTC chosen until the person (or the
 * page's script, from the browser's zone) picks another. */
static int signup_page(struct req *req, struct res *res)
{
    set_title(res, "Sign up");
    keep_next(req, res);
    const char *tz = json_string_value(json_object_get(req->typed, "time_zone"));
    json_object_set_new(res_model(res), "time_zones", zone_choices(tz_valid(tz) ? tz : "UTC"));
    return 0;
}

/* Counts an attempt that may tell whether an email has an account (a sign-up,
 * an email change) against the client's network; sets 429 on field when the
 * network has made too many. Returns 1 when refused. */
static int email_probe_wait(struct req *req, struct res *res, const char *field)
{
    char net[NET_ADDRESS_MAX];
    int64_t now = clock_now_ms();
    net_prefix(req->client_ip, 32, 64, net);
    int wait = throttle_wait(signups, net, now);
    if (wait > 0) {
        too_many(req, res, wait);
        req_error(req, field, res->detail);
        return 1;
    }
    throttle_fail(signups, net, now);
    return 0;
}

/* hashing is costly: a flood of sign-ups from one network waits, unhashed */
static int signup_admit(struct req *req, struct res *res)
{
    return email_probe_wait(req, res, "email");
}

/* The API's answer to a sign-up or login: who, and the tokens to keep. */
static void signed_in(struct req *req, struct res *res, const char *token, const char *device)
{
    json_t *m = res_model(res);
    json_object_set_new(m, "user", me_json(req));
    json_object_set_new(m, "token", json_string(token));
    json_object_set_new(m, "device_token", json_string(device));
}

static int signup(struct req *req, struct res *res)
{
    const char *name = req_str(req, "name"), *email = req_str(req, "email");
    const char *password = req_str(req, "password"), *tz = req_str(req, "time_zone");
    const char *weak = password_check(password, name, email);
    if (weak != NULL) {
        req_error(req, "password", weak);
        return 0;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(password, hash) != 0)
        return -1;
    int64_t id = id_new();
    /* the email's lookup row first: it is what makes an email taken */
    int rc = db_exec("INSERT INTO user_emails (email, user_id) VALUES ($1, $2)", "si", email, id);
    if (rc >= 0)
        rc = db_exec("INSERT INTO users (id, email, name, password_hash, time_zone, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6)",
                     "issssi", id, email, name, hash, tz_valid(tz) ? tz : "UTC", clock_now_ms());
    if (rc == DB_CONFLICT) {
        req_error(req, "email", "An account with this email already exists. Log in instead?");
        return 0;
    }
    if (rc < 0)
        return -1;
    const char *device = NULL;
    const char *token = session_start(req, res, id, &device);
    if (token == NULL)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, landing_for(req, req_str(req, "next"))))
        return 0;
    signed_in(req, res, token, device);
    return 0;
}

/* ---- log in and out ---- */

static int login_page(struct req *req, struct res *res)
{
    set_title(res, "Log in");
    keep_next(req, res);
    return 0;
}

static void refuse_login(struct req *req, struct res *res, int status, const char *message)
{
    res->status = status;
    res->detail = message;
    login_page(req, res);
    req_error(req, "email", message);
}

/* What a login's admit found, for its handler on the worker. */
struct login_plan {
    int64_t uid;
    const char *hash;           /* the account's password hash; NULL when none */
    struct throttle *limits[2]; /* refusing throttles and their keys */
    const char *keys[2];
    int nkeys;
    const char *account; /* the delay's key; NULL for a known browser */
};

/* Runs before a login queues for hashing: finds the account, refuses a
 * throttled browser or network at once (unhashed), and places the login in
 * the queue: a browser that logged in to this account before goes first;
 * a new browser waits the account's delay, which grows with failures from
 * anywhere (they can slow the owner down, never refuse them). */
static int login_admit(struct req *req, struct res *res)
{
    const char *email = req_str(req, "email");
    int64_t now = clock_now_ms();
    struct login_plan *plan = arena_alloc(req->arena, sizeof(*plan));
    json_t *user = NULL;
    int rc = find_by_email(email, &user);
    if (rc != DB_OK && rc != DB_NOT_FOUND)
        return -1;
    if (user != NULL) {
        plan->uid = id_from(json_object_get(user, "id"));
        plan->hash =
            arena_strdup(req->arena, json_string_value(json_object_get(user, "password_hash")));
        json_decref(user);
    }
    const char *device = NULL;
    bool known = plan->uid != 0 && session_device(req, plan->uid, &device);
    char net[NET_ADDRESS_MAX];
    net_prefix(req->client_ip, 32, 64, net);
    if (known) {
        plan->limits[0] = per_device;
        plan->keys[0] = arena_printf(req->arena, "device:%s", device);
        plan->nkeys = 1;
    } else {
        plan->limits[0] = per_account_address;
        plan->keys[0] = arena_printf(req->arena, "account:%s|%s", email, net);
        plan->limits[1] = per_address;
        plan->keys[1] = arena_printf(req->arena, "address:%s", net);
        plan->nkeys = 2;
        plan->account = arena_printf(req->arena, "account:%s", email);
    }
    int wait = 0;
    for (int k = 0; k < plan->nkeys && wait == 0; k++)
        wait = throttle_wait(plan->limits[k], plan->keys[k], now);
    if (wait > 0) {
        if (plan->account != NULL) /* pressure on the account all the same */
            throttle_fail(per_account, plan->account, now);
        too_many(req, res, wait);
        refuse_login(req, res, 429, res->detail);
        return 1;
    }
    req->queue_known = known;
    if (known)
        req->queue_bucket = arena_printf(req->arena, "user:%lld", (long long)plan->uid);
    else
        req->queue_delay_ms =
            accounts_login_delay_ms(throttle_count(per_account, plan->account, now));
    req->state = plan;
    return 0;
}

static int login(struct req *req, struct res *res)
{
    const struct login_plan *plan = req->state;
    const char *password = req_str(req, "password");
    int64_t now = clock_now_ms();
    if (!password_verify(plan->hash, password)) {
        for (int k = 0; k < plan->nkeys; k++)
            throttle_fail(plan->limits[k], plan->keys[k], now);
        if (plan->account != NULL)
            throttle_fail(per_account, plan->account, now);
        refuse_login(req, res, 401, "The email or the password is not right.");
        return 0;
    }
    throttle_clear(plan->limits[0], plan->keys[0]);
    if (password_needs_rehash(plan->hash)) {
        char fresh[PASSWORD_HASH_MAX];
        if (password_hash(password, fresh) != 0 ||
            db_exec("UPDATE users SET password_hash = $2 WHERE id = $1", "is", plan->uid, fresh) <
                0)
            return -1;
    }
    const char *device = NULL;
    const char *token = session_start(req, res, plan->uid, &device);
    if (token == NULL)
        return -1;
    if (res_redirect(req, res, landing_for(req, req_str(req, "next"))))
        return 0;
    signed_in(req, res, token, device);
    return 0;
}

static int logout(struct req *req, struct res *res)
{
    if (session_end(req, res) != DB_OK)
        return -1;
    res_redirect(req, res, "/");
    return 0;
}

/* ---- the account page and settings ---- */

static int account_page(struct req *req, struct res *res)
{
    set_title(res, "Your account");
    json_t *m = res_model(res);
    json_object_set_new(m, "account", me_json(req));
    json_object_set_new(m, "time_zones",
                        zone_choices(json_string_value(json_object_get(req->user, "time_zone"))));
    json_t *couple = NULL;
    if (req->couple_id != 0 && pairing_couple(req, &couple) == DB_OK)
        json_object_set_new(m, "couple", couple);
    const char *done = req_str(req, "done");
    if (done != NULL) {
        json_object_set_new(m, "done", json_string(done));
        json_object_set_new(m, "done_message",
                            json_string(strcmp(done, "reset") == 0
                                            ? "Your new password is set, and every other "
                                              "session of your account has ended."
                                            : "Saved."));
    }
    return 0;
}

/* A new login email needs the password, and counts like a sign-up (it tells
 * whether an address has an account); cheap checks come before hashing. */
static int settings_admit(struct req *req, struct res *res)
{
    const char *email = req_str(req, "email");
    if (strcmp(email, json_string_value(json_object_get(req->user, "email"))) == 0)
        return 0;
    if (req_str(req, "confirm_password") == NULL) {
        req_error(req, "confirm_password", "Enter your password to change your email.");
        return 1;
    }
    return confirm_wait(req, res, "confirm_password") || email_probe_wait(req, res, "email");
}

static int account_settings(struct req *req, struct res *res)
{
    const char *tz = req_str(req, "time_zone");
    if (!tz_valid(tz)) {
        req_error(req, "time_zone", "Choose a time zone from the list.");
        return 0;
    }
    bool new_email =
        strcmp(req_str(req, "email"), json_string_value(json_object_get(req->user, "email"))) != 0;
    if (new_email && !accounts_confirm_password(req, res, "confirm_password"))
        return 0;
    const char *email = req_str(req, "email");
    int rc = new_email ? change_email(req->user_id,
                                      json_string_value(json_object_get(req->user, "email")), email)
                       : DB_OK;
    if (rc == DB_CONFLICT) {
        req_error(req, "email", "Another account already uses this email.");
        return 0;
    }
    if (rc < 0 ||
        db_exec("UPDATE users SET name = $2, email = $3, time_zone = $4 WHERE id = $1", "isss",
                req->user_id, req_str(req, "name"), email, tz) < 0 ||
        session_reload_user(req) != DB_OK)
        return -1;
    if (res_redirect(req, res, "/account?done=settings"))
        return 0;
    json_object_set_new(res_model(res), "account", me_json(req));
    return 0;
}

static int change_password(struct req *req, struct res *res)
{
    if (!accounts_confirm_password(req, res, "current_password"))
        return 0;
    const char *fresh = req_str(req, "password");
    const char *weak = password_check(fresh, json_string_value(json_object_get(req->user, "name")),
                                      json_string_value(json_object_get(req->user, "email")));
    if (weak != NULL) {
        req_error(req, "password", weak);
        return 0;
    }
    char hash[PASSWORD_HASH_MAX];
    if (password_hash(fresh, hash) != 0 ||
        db_exec("UPDATE users SET password_hash = $2 WHERE id = $1", "is", req->user_id, hash) < 0)
        return -1;
    int ended = session_end_others(req->user_id, req->session_id);
    if (ended < 0 || reset_forget(req->user_id) < 0) /* links for the old one are moot */
        return -1;
    if (res_redirect(req, res, "/account?done=password"))
        return 0;
    json_object_set_new(res_model(res), "sessions_ended", json_integer(ended));
    return 0;
}

static int couple_settings(struct req *req, struct res *res)
{
    const char *tz = req_str(req, "couple_time_zone");
    if (!tz_valid(tz)) {
        req_error(req, "couple_time_zone", "Choose a time zone from the list.");
        return 0;
    }
    if (db_exec("UPDATE couples SET time_zone = $2 WHERE id = $1", "is", req->couple_id, tz) < 0)
        return -1;
    if (res_redirect(req, res, "/account?done=time_zone"))
        return 0;
    json_object_set_new(res_model(res), "time_zone", json_string(tz));
    return 0;
}

/* ---- export and delete ---- */

static int export_account(int64_t user_id, json_t *out)
{
    json_t *row, *rows;
    if (db_row(&row, "SELECT id, name, email, time_zone, created_at FROM users WHERE id = $1",
               "i:dsssi", user_id) != DB_OK)
        return -1;
    json_object_set_new(out, "account", row);
    if (db_query(&rows,
                 "SELECT couple_id, joined_at, left_at FROM memberships WHERE user_id = $1"
                 " ORDER BY joined_at LIMIT 1000",
                 "i:dii", user_id) != DB_OK)
        return -1;
    json_object_set_new(out, "couples", rows);
    if (db_query(&rows,
                 "SELECT browser, created_at, last_used_at FROM sessions WHERE user_id = $1"
                 " ORDER BY created_at LIMIT 1000",
                 "i:sii", user_id) != DB_OK)
        return -1;
    json_object_set_new(out, "sessions", rows);
    return 0;
}

/* The page has two forms with a password each; the one that came back with
 * an error shows it, and its input takes the id "password" the summary links
 * to. */
static int danger_page(struct req *req, struct res *res)
{
    set_title(res, "Export or delete your account");
    json_t *m = res_model(res);
    json_object_set_new(m, "paired", json_boolean(req->couple_id != 0));
    bool back = json_object_size(req->errors) > 0;
    json_object_set_new(m, "export_back",
                        json_boolean(back && !strcmp(req->route->pattern, "/account/export")));
    json_object_set_new(m, "delete_back",
                        json_boolean(back && !strcmp(req->route->pattern, "/account/delete")));
    return 0;
}

static int export_data(struct req *req, struct res *res)
{
    if (!accounts_confirm_password(req, res, "password"))
        return 0;
    json_t *doc = json_object();
    json_object_set_new(doc, "format", json_string("hearth-export-1"));
    json_object_set_new(doc, "exported_at", json_integer(clock_now_ms()));
    int rc = export_account(req->user_id, doc);
    for (int i = 0; rc == 0 && i < nexporters; i++) {
        json_t *part = json_object();
        rc = exporters[i].fn(req->user_id, part);
        json_object_set_new(doc, exporters[i].key, part);
    }
    if (rc != 0) {
        json_decref(doc);
        return -1;
    }
    if (req->api) {
        res->model = doc;
        return 0;
    }
    res->body = json_dumps(doc, JSON_INDENT(2));
    res->body_len = strlen(res->body);
    res->content_type = "application/json; charset=utf-8";
    res_header(req, res, "Content-Disposition", "attachment; filename=\"hearth-export.json\"");
    json_decref(doc);
    return 0;
}

static int delete_account(struct req *req, struct res *res)
{
    if (!accounts_confirm_password(req, res, "password"))
        return 0;
    /* one transaction (the request's): all of it, or nothing */
    if (req->couple_id != 0 && pairing_leave(req->couple_id, req->user_id) != DB_OK)
        return -1;
    int rc = 0;
    for (int i = 0; rc == 0 && i < nerasers; i++)
        rc = erasers[i](req->user_id);
    const char *email = json_string_value(json_object_get(req->user, "email"));
    if (rc != 0 ||
        db_exec("DELETE FROM session_tokens WHERE user_id = $1", "i", req->user_id) < 0 ||
        reset_forget(req->user_id) < 0 ||
        db_exec("DELETE FROM invite_codes WHERE code IN (SELECT code FROM invites"
                " WHERE user_id = $1)",
                "i", req->user_id) < 0 ||
        db_exec("DELETE FROM memberships WHERE user_id = $1", "i", req->user_id) < 0 ||
        db_exec("DELETE FROM user_emails WHERE email = $1", "s", email) < 0 ||
        db_exec("DELETE FROM users WHERE id = $1", "i", req->user_id) < 0 ||
        session_end(req, res) != DB_OK)
        return -1;
    res_redirect(req, res, "/?deleted=1");
    return 0;
}

/* ---- sessions ---- */

static int sessions_page(struct req *req, struct res *res)
{
    set_title(res, "Where you are logged in");
    json_t *rows;
    if (db_query(&rows,
                 "SELECT id, browser, created_at, last_used_at FROM sessions WHERE user_id = $1"
                 " ORDER BY last_used_at DESC LIMIT 100",
                 "i:dsii", req->user_id) != DB_OK)
        return -1;
    const char *tz = json_string_value(json_object_get(req->user, "time_zone"));
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        char when[32];
        tz_format(tz, json_integer_value(json_object_get(row, "created_at")), when);
        json_object_set_new(row, "started", json_string(when));
        tz_format(tz, json_integer_value(json_object_get(row, "last_used_at")), when);
        json_object_set_new(row, "last_used", json_string(when));
        int64_t id = id_from(json_object_get(row, "id"));
        json_object_set_new(row, "current", json_boolean(id == req->session_id));
    }
    json_object_set_new(res_model(res), "sessions", rows);
    return 0;
}

static int revoke_session(struct req *req, struct res *res)
{
    int64_t id = id_from(json_object_get(req->params, "id"));
    int rc = session_end_one(req->user_id, id);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        res->status = 404;
        return 0;
    }
    if (id == req->session_id) {
        if (session_end(req, res) != DB_OK)
            return -1;
        res_redirect(req, res, "/login");
        return 0;
    }
    res_redirect(req, res, "/account/sessions");
    return 0;
}

static int revoke_all(struct req *req, struct res *res)
{
    if (session_end_others(req->user_id, 0) < 0 || session_end(req, res) != DB_OK)
        return -1;
    res_redirect(req, res, "/login");
    return 0;
}

#define F_NAME                                                                                     \
    {                                                                                              \
        .name = "name", .label = "Name", .type = FIELD_NAME, .required = true,                     \
        .max = NAME_MAX_CHARS                                                                      \
    }
#define F_EMAIL                                                                                    \
    {                                                                                              \
        .name = "email", .label = "Email", .type = FIELD_EMAIL, .required = true,                  \
        .max = EMAIL_MAX_CHARS                                                                     \
    }
#define F_PASSWORD(n, l)                                                                           \
    {                                                                                              \
        .name = n, .label = l, .type = FIELD_SECRET, .required = true, .max = 1024                 \
    }
#define F_TZ                                                                                       \
    {                                                                                              \
        .name = "time_zone", .label = "Time zone", .type = FIELD_STRING, .max = 64                 \
    }

/* Where to go once signed in: a local path (an invite link), kept through
 * the forms. */
#define F_NEXT                                                                                     \
    {                                                                                              \
        .name = "next", .type = FIELD_STRING, .max = 512, .hidden = true                           \
    }

const struct route accounts_routes[] = {
    {.method = "GET",
     .pattern = "/signup",
     .handler = signup_page,
     .view = "signup",
     .fields = {F_NEXT}},
    {.method = "POST",
     .pattern = "/signup",
     .handler = signup,
     .slow = true,
     .admit = signup_admit,
     .view = "signup",
     .form = signup_page,
     .body_max = FORM_BODY,
     .fields = {F_NAME,
                F_EMAIL,
                {.name = "password",
                 .label = "Password",
                 .type = FIELD_SECRET,
                 .required = true,
                 .min = PASSWORD_MIN,
                 .max = PASSWORD_MAX},
                F_TZ,
                F_NEXT}},
    {.method = "GET",
     .pattern = "/login",
     .handler = login_page,
     .view = "login",
     .fields = {F_NEXT}},
    {.method = "POST",
     .pattern = "/login",
     .handler = login,
     .slow = true,
     .admit = login_admit,
     .view = "login",
     .form = login_page,
     .body_max = FORM_BODY,
     .fields = {F_EMAIL,
                F_PASSWORD("password", "Password"),
                F_NEXT,
                {.name = "device_token", .type = FIELD_STRING, .max = 160, .hidden = true}}},
    {.method = "POST",
     .pattern = "/logout",
     .handler = logout,
     .auth = AUTH_USER,
     .body_max = FORM_BODY},
    {.method = "GET",
     .pattern = "/account",
     .handler = account_page,
     .view = "account",
     .auth = AUTH_USER,
     .fields = {{.name = "done",
                 .type = FIELD_CHOICE,
                 .choices =
                     (const char *const[]){"settings", "password", "time_zone", "reset", NULL},
                 .hidden = true}}},
    {.method = "POST",
     .pattern = "/account/settings",
     .handler = account_settings,
     .slow = true,
     .admit = settings_admit,
     .view = "account",
     .form = account_page,
     .auth = AUTH_USER,
     .body_max = FORM_BODY,
     .fields =
         {F_NAME,
          F_EMAIL,
          {.name = "time_zone",
           .label = "Time zone",
           .type = FIELD_STRING,
           .required = true,
           .max = 64},
          /* needed only when the email changes */
          {.name = "confirm_password", .label = "Password", .type = FIELD_SECRET, .max = 1024}}},
    {.method = "POST",
     .pattern = "/account/password",
     .handler = change_password,
     .slow = true,
     .admit = admit_current_password,
     .view = "account",
     .form = account_page,
     .auth = AUTH_USER,
     .body_max = FORM_BODY,
     .fields = {F_PASSWORD("current_password", "Current password"),
                {.name = "password",
                 .label = "New password",
                 .type = FIELD_SECRET,
                 .required = true,
                 .min = PASSWORD_MIN,
                 .max = PASSWORD_MAX}}},
    {.method = "POST",
     .pattern = "/couple/settings",
     .handler = couple_settings,
     .view = "account",
     .form = account_page,
     .auth = AUTH_COUPLE,
     .body_max = FORM_BODY,
     .fields = {{.name = "couple_time_zone",
                 .label = "Time zone",
                 .type = FIELD_STRING,
                 .required = true,
                 .max = 64}}},
    {.method = "GET",
     .pattern = "/account/data",
     .handler = danger_page,
     .view = "account-data",
     .auth = AUTH_USER},
    {.method = "POST",
     .pattern = "/account/export",
     .handler = export_data,
     .slow = true,
     .admit = accounts_admit_confirm,
     .view = "account-data",
     .form = danger_page,
     .auth = AUTH_USER,
     .body_max = FORM_BODY,
     .fields = {F_PASSWORD("password", "Password")}},
    {.method = "POST",
     .pattern = "/account/delete",
     .handler = delete_account,
     .slow = true,
     .admit = accounts_admit_confirm,
     .view = "account-data",
     .form = danger_page,
     .auth = AUTH_USER,
     .body_max = FORM_BODY,
     .fields = {F_PASSWORD("password", "Password")}},
    {.method = "GET",
     .pattern = "/account/sessions",
     .handler = sessions_page,
     .view = "sessions",
     .auth = AUTH_USER},
    {.method = "POST",
     .pattern = "/account/sessions/{id:id}/revoke",
     .handler = revoke_session,
     .auth = AUTH_USER,
     .body_max = FORM_BODY},
    {.method = "POST",
     .pattern = "/account/sessions/revoke-all",
     .handler = revoke_all,
     .auth = AUTH_USER,
     .body_max = FORM_BODY},
};
const size_t accounts_nroutes = ARRAY_LEN(accounts_routes);
