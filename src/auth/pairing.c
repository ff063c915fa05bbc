/* pairing.c: a person makes an invite (a code, a link and a QR code), the
 * partner joins with it, and the two share a couple until either leaves.
 * Leaving is one-sided and silent: no message, no notification. */
#include "auth/pairing.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/session.h"
#include "auth/throttle.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/net.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "http/http.h"
#include "store/db.h"
#include "view/qr.h"

enum { FORM_BODY = 8 * 1024 };

/* No 0/O, 1/I/L: codes are read aloud and typed from another screen. */
static const char CODE_ALPHABET[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
static char base[512];
static struct throttle *join_people, *join_networks;

void pairing_init(const char *base_url)
{
    snprintf(base, sizeof(base), "%s", base_url);
    join_people = throttle_new(JOIN_FAILS, JOIN_WINDOW_MS);
    join_networks = throttle_new(JOIN_FAILS, JOIN_WINDOW_MS);
}

void pairing_shutdown(void)
{
    throttle_free(join_people);
    throttle_free(join_networks);
    join_people = join_networks = NULL;
}

int pairing_normalise_code(const char *typed, char out[INVITE_CODE_LEN + 1])
{
    size_t n = 0;
    for (const char *p = typed; p && *p; p++) {
        if (*p == ' ' || *p == '-')
            continue;
        char c = (char)toupper((unsigned char)*p);
        if (n == INVITE_CODE_LEN || strchr(CODE_ALPHABET, c) == NULL || c == '\0')
            return -1;
        out[n++] = c;
    }
    out[n] = '\0';
    return n == INVITE_CODE_LEN ? 0 : -1;
}

int pairing_couple(struct req *req, json_t **out)
{
    json_t *row;
    int rc = db_row(&row,
                    "SELECT c.id, c.time_zone, c.created_at, p.name AS partner_name"
                    " FROM couples c JOIN memberships m ON m.couple_id = c.id AND m.user_id <> $2"
                    " AND m.left_at IS NULL JOIN users p ON p.id = m.user_id WHERE c.id = $1",
                    "ii:dsis", req->couple_id, req->user_id);
    if (rc != DB_OK)
        return rc;
    char since[32];
    tz_format(json_string_value(json_object_get(row, "time_zone")),
              json_integer_value(json_object_get(row, "created_at")), since);
    since[strcspn(since, ",")] = '\0';
    json_object_set_new(row, "since", json_string(since));
    *out = row;
    return DB_OK;
}

enum { ENDED_HOOKS_MAX = 16 };
static int (*ended_hooks[ENDED_HOOKS_MAX])(int64_t couple_id);
static int nended_hooks;

void pairing_add_ended(int (*fn)(int64_t couple_id))
{
    if (nended_hooks == ENDED_HOOKS_MAX)
        fatal("too many couple-ended hooks");
    ended_hooks[nended_hooks++] = fn;
}

struct leaving {
    int64_t couple_id, leaver_id;
};

static int leave_tx(void *arg)
{
    const struct leaving *l = arg;
    int64_t now = clock_now_ms();
    for (int i = 0; i < nended_hooks; i++)
        if (ended_hooks[i](l->couple_id) != 0)
            return DB_ERROR;
    if (db_exec("UPDATE couples SET ended_at = $2 WHERE id = $1 AND ended_at IS NULL", "ii",
                l->couple_id, now) < 0 ||
        /* the one left behind is told, neutrally, on /pair */
        db_exec("UPDATE users SET couple_id = NULL, space_closed = CASE WHEN id = $2 THEN 0"
                " ELSE 1 END WHERE id IN (SELECT user_id FROM memberships WHERE couple_id = $1)"
                " AND couple_id = $1",
                "ii", l->couple_id, l->leaver_id) < 0 ||
        db_exec("UPDATE memberships SET left_at = $2 WHERE couple_id = $1 AND left_at IS NULL",
                "ii", l->couple_id, now) < 0)
        return DB_ERROR;
    return DB_OK;
}

int pairing_leave(int64_t couple_id, int64_t leaver_id)
{
    struct leaving l = {couple_id, leaver_id};
    return db_tx(leave_tx, &l) < 0 ? DB_ERROR : DB_OK;
}

/* ---- /pair: make or show an invite ---- */

struct new_code {
    int64_t user_id;
    char code[INVITE_CODE_LEN + 1];
};

/* Takes a code in the lookup of codes; DB_CONFLICT when it is taken. */
static int claim_code(void *arg)
{
    const struct new_code *nc = arg;
    return db_exec("INSERT INTO invite_codes (code, user_id) VALUES ($1, $2)", "si", nc->code,
                   nc->user_id);
}

static void title(struct res *res, const char *t)
{
    json_object_set_new(res_model(res), "title", json_string(t));
}

static int pair_page(struct req *req, struct res *res)
{
    if (req->couple_id != 0 && res_redirect(req, res, "/us"))
        return 0;
    title(res, "Pair with your partner");
    json_t *m = res_model(res);
    json_object_set_new(m, "paired", json_boolean(req->couple_id != 0));
    json_object_set(m, "left", json_object_get(req->input, "left"));
    int64_t closed = 0;
    if (db_int(&closed, "SELECT space_closed FROM users WHERE id = $1", "i", req->user_id) != DB_OK)
        return -1;
    json_object_set_new(m, "closed", json_boolean(closed != 0 && req->couple_id == 0));
    json_t *inv;
    int rc = db_row(&inv,
                    "SELECT code, expires_at FROM invites WHERE user_id = $1 AND used_at IS NULL"
                    " AND expires_at > $2",
                    "ii:si", req->user_id, clock_now_ms());
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_OK) {
        const char *code = json_string_value(json_object_get(inv, "code"));
        char *link = arena_printf(req->arena, "%s/pair/join?code=%s", base, code);
        char until[32];
        tz_format(json_string_value(json_object_get(req->user, "time_zone")),
                  json_integer_value(json_object_get(inv, "expires_at")), until);
        json_object_set_new(inv, "link", json_string(link));
        json_object_set_new(inv, "valid_until", json_string(until));
        char *svg = qr_svg(link, "QR code of the invite link");
        if (svg != NULL && !req->api)
            json_object_set_new(inv, "qr_svg_html", json_string(svg));
        free(svg);
        json_object_set_new(m, "invite", inv);
    }
    return 0;
}

static int make_invite(struct req *req, struct res *res)
{
    if (req->couple_id != 0) {
        res->status = 409;
        res->detail = "You are already paired. Leave your couple first to pair with someone else.";
        return 0;
    }
    int64_t now = clock_now_ms();
    struct new_code nc = {.user_id = req->user_id};
    int rc = DB_CONFLICT;
    if (db_exec("DELETE FROM invite_codes WHERE code IN (SELECT code FROM invites"
                " WHERE user_id = $1 AND used_at IS NULL)",
                "i", req->user_id) < 0 ||
        db_exec("DELETE FROM invites WHERE user_id = $1 AND used_at IS NULL", "i", req->user_id) <
            0)
        return -1;
    /* a code already taken (by chance) is drawn again, in a savepoint of its own */
    for (int attempt = 0; attempt < 5 && rc == DB_CONFLICT; attempt++) {
        for (int i = 0; i < INVITE_CODE_LEN; i++)
            nc.code[i] = CODE_ALPHABET[randombytes_uniform(sizeof(CODE_ALPHABET) - 1)];
        nc.code[INVITE_CODE_LEN] = '\0';
        rc = db_tx(claim_code, &nc);
    }
    if (rc < 0 || db_exec("INSERT INTO invites (user_id, code, created_at, expires_at)"
                          " VALUES ($1, $2, $3, $4)",
                          "isii", req->user_id, nc.code, now, now + INVITE_VALID_MS) < 0)
        return -1;
    const char *code = nc.code;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, "/pair"))
        return 0;
    json_t *m = res_model(res);
    json_object_set_new(m, "code", json_string(code));
    json_object_set_new(m, "link",
                        json_string(arena_printf(req->arena, "%s/pair/join?code=%s", base, code)));
    json_object_set_new(m, "expires_at", json_integer(now + INVITE_VALID_MS));
    return 0;
}

/* ---- joining ---- */

static int join_wait(struct req *req, struct res *res);
static void join_refused(struct req *req, const char *message);

/* The name of the person whose open invite code is, or NULL (the code is
 * checked again when joining). */
static int inviter_of(const char *code, json_t **row)
{
    return db_row(row,
                  "SELECT u.name FROM invite_codes c JOIN invites i ON i.user_id = c.user_id"
                  " AND i.code = c.code JOIN users u ON u.id = i.user_id WHERE c.code = $1"
                  " AND i.used_at IS NULL AND i.expires_at > $2 AND u.couple_id IS NULL",
                  "si:s", code, clock_now_ms());
}

/* GET /pair/join: the page an invite link opens. A visitor (the usual case:
 * no account yet) is sent to sign up with the link kept, and comes back
 * here; with a code the page says who invited them, and one tap joins. A
 * code that does not work counts like a wrong one typed. */
static int join_page(struct req *req, struct res *res)
{
    char code[INVITE_CODE_LEN + 1];
    const char *typed = req_str(req, "code");
    bool shaped = typed != NULL && pairing_normalise_code(typed, code) == 0;
    if (req->user_id == 0) {
        if (req->api) {
            res->status = 401;
            return 0;
        }
        const char *back =
            shaped ? arena_printf(req->arena, "/pair/join?code=%s", code) : "/pair/join";
        res_redirect(
            req, res,
            arena_printf(req->arena, "/signup?next=%s", arena_url_encode(req->arena, back)));
        return 0;
    }
    title(res, "Join your partner");
    json_t *m = res_model(res);
    json_object_set_new(m, "paired", json_boolean(req->couple_id != 0));
    if (typed != NULL && json_object_get(req->typed, "code") != NULL)
        json_object_set_new(m, "input", json_pack("{s:s}", "code", typed));
    if (typed == NULL || req->couple_id != 0 || json_object_size(req->errors) > 0)
        return 0;
    if (join_wait(req, res))
        return 0;
    json_t *row = NULL;
    int rc = shaped ? inviter_of(code, &row) : DB_NOT_FOUND;
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_NOT_FOUND) {
        join_refused(req, JOIN_WRONG_CODE);
        return 0;
    }
    json_object_set_new(
        m, "invite",
        json_pack("{s:s, s:O}", "code", code, "inviter", json_object_get(row, "name")));
    json_decref(row);
    return 0;
}

/* Checks the invite inside the transaction; returns a message for the
 * person, or NULL when the invite may be used. *inviter gets its author.
 * Unknown, used, expired and taken codes all get JOIN_WRONG_CODE. */
static const char *check_invite(struct req *req, const char *code, int64_t now, int64_t *inviter)
{
    json_t *inv;
    int rc = db_int(inviter, "SELECT user_id FROM invite_codes WHERE code = $1", "s", code);
    if (rc == DB_OK)
        rc = db_row(&inv,
                    "SELECT i.expires_at, i.used_at, u.couple_id FROM invites i"
                    " JOIN users u ON u.id = i.user_id WHERE i.user_id = $1 AND i.code = $2",
                    "is:iid", *inviter, code);
    if (rc == DB_NOT_FOUND)
        return JOIN_WRONG_CODE;
    if (rc != DB_OK)
        return "";
    bool used = !json_is_null(json_object_get(inv, "used_at"));
    bool expired = json_integer_value(json_object_get(inv, "expires_at")) <= now;
    bool taken = !json_is_null(json_object_get(inv, "couple_id"));
    json_decref(inv);
    if (*inviter == req->user_id)
        return "This is your own code. Send it to your partner, and they join with it.";
    if (used || taken || expired)
        return JOIN_WRONG_CODE;
    return NULL;
}

/* Throttle keys of a joining person and their network. */
static void join_keys(struct req *req, char person[32], char network[NET_ADDRESS_MAX])
{
    snprintf(person, 32, "%lld", (long long)req->user_id);
    net_prefix(req->client_ip, 32, 64, network);
}

/* Refuses a person or network that tried too many wrong codes (429). */
static int join_wait(struct req *req, struct res *res)
{
    char person[32], network[NET_ADDRESS_MAX];
    join_keys(req, person, network);
    int64_t now = clock_now_ms();
    int wait = throttle_wait(join_people, person, now);
    if (wait == 0)
        wait = throttle_wait(join_networks, network, now);
    if (wait == 0)
        return 0;
    char secs[16];
    snprintf(secs, sizeof(secs), "%d", wait);
    res_header(req, res, "Retry-After", secs);
    res->status = 429;
    int minutes = (wait + 59) / 60;
    res->detail = arena_printf(req->arena, "Too many codes tried. Please wait %d minute%s.",
                               minutes, minutes == 1 ? "" : "s");
    req_error(req, "code", res->detail);
    return 1;
}

/* Tells why a code cannot be used; a wrong code counts against the person
 * and their network (their own code does not: it guesses nothing). */
static void join_refused(struct req *req, const char *message)
{
    req_error(req, "code", message);
    if (strcmp(message, JOIN_WRONG_CODE) != 0)
        return;
    char person[32], network[NET_ADDRESS_MAX];
    join_keys(req, person, network);
    int64_t now = clock_now_ms();
    throttle_fail(join_people, person, now);
    throttle_fail(join_networks, network, now);
}

static int join(struct req *req, struct res *res)
{
    char code[INVITE_CODE_LEN + 1];
    if (req->couple_id != 0) {
        req_error(req, "code", "You are already paired. Leave your couple first to join another.");
        return 0;
    }
    if (join_wait(req, res))
        return 0;
    if (pairing_normalise_code(req_str(req, "code"), code) != 0) {
        join_refused(req, JOIN_WRONG_CODE);
        return 0;
    }
    int64_t now = clock_now_ms(), inviter = 0;
    const char *problem = check_invite(req, code, now, &inviter);
    if (problem != NULL) {
        if (*problem == '\0')
            return -1;
        join_refused(req, problem);
        return 0;
    }
    /* The checks above are a first answer; these conditional writes are the
     * rule: the code is used once, and each of the two joins one couple. */
    int used = db_exec("UPDATE invites SET used_at = $3 WHERE user_id = $1 AND code = $2"
                       " AND used_at IS NULL",
                       "isi", inviter, code, now);
    if (used < 0)
        return -1;
    if (used == 0) {
        join_refused(req, JOIN_WRONG_CODE);
        return 0;
    }
    int64_t couple = id_new();
    json_t *tz_row = NULL;
    int paired =
        db_row(&tz_row, "SELECT time_zone FROM users WHERE id = $1", "i:s", inviter) == DB_OK &&
                db_exec("INSERT INTO couples (id, time_zone, created_at) VALUES ($1, $2, $3)",
                        "isi", couple, json_string_value(json_object_get(tz_row, "time_zone")),
                        now) >= 0
            ? db_exec("UPDATE users SET couple_id = $1, space_closed = 0 WHERE id IN ($2, $3)"
                      " AND couple_id IS NULL",
                      "iii", couple, inviter, req->user_id)
            : DB_ERROR;
    json_decref(tz_row);
    if (paired < 0)
        return -1;
    if (paired != 2) { /* one of the two paired with someone else meanwhile */
        join_refused(req, JOIN_WRONG_CODE);
        return 0;
    }
    if (db_exec("INSERT INTO memberships (couple_id, user_id, joined_at)"
                " VALUES ($1, $2, $4), ($1, $3, $4)",
                "iiii", couple, inviter, req->user_id, now) < 0 ||
        db_exec("DELETE FROM invite_codes WHERE code IN (SELECT code FROM invites"
                " WHERE used_at IS NULL AND user_id IN ($1, $2))",
                "ii", inviter, req->user_id) < 0 ||
        db_exec("DELETE FROM invites WHERE used_at IS NULL AND user_id IN ($1, $2)", "ii", inviter,
                req->user_id) < 0 ||
        /* the inviter's open /pair moves on to the couple's home */
        events_emit(0, inviter, "pair.joined", couple) < 0)
        return -1;
    if (res_redirect(req, res, "/us"))
        return 0;
    json_t *c = NULL;
    if (session_reload_user(req) != DB_OK || pairing_couple(req, &c) != DB_OK)
        return -1;
    json_object_set_new(res_model(res), "couple", c);
    return 0;
}

/* ---- leaving ---- */

static int leave_page(struct req *req, struct res *res)
{
    title(res, "Leave your couple");
    json_t *c = NULL;
    if (pairing_couple(req, &c) != DB_OK)
        return -1;
    json_object_set_new(res_model(res), "couple", c);
    return 0;
}

static int leave(struct req *req, struct res *res)
{
    if (!accounts_confirm_password(req, res, "password"))
        return 0;
    if (pairing_leave(req->couple_id, req->user_id) != DB_OK)
        return -1;
    req->couple_id = 0;
    req->couple = NULL;
    if (res_redirect(req, res, "/pair?left=1"))
        return 0;
    json_object_set_new(res_model(res), "paired", json_false());
    return 0;
}

const struct route pairing_routes[] = {
    {.method = "GET",
     .pattern = "/pair",
     .handler = pair_page,
     .view = "pair",
     .auth = AUTH_USER,
     .fields = {{.name = "left", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "POST",
     .pattern = "/pair/invite",
     .handler = make_invite,
     .view = "pair",
     .form = pair_page,
     .auth = AUTH_USER,
     .body_max = FORM_BODY},
    {.method = "GET",
     .pattern = "/pair/join",
     .handler = join_page,
     .view = "join",
     .fields = {{.name = "code", .label = "Code", .type = FIELD_STRING, .max = 32}}},
    {.method = "POST",
     .pattern = "/pair/join",
     .handler = join,
     .view = "join",
     .form = join_page,
     .auth = AUTH_USER,
     .body_max = FORM_BODY,
     .fields =
         {{.name = "code", .label = "Code", .type = FIELD_STRING, .required = true, .max = 32}}},
    {.method = "GET",
     .pattern = "/couple/leave",
     .handler = leave_page,
     .view = "leave",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/couple/leave",
     .handler = leave,
     .slow = true,
     .admit = accounts_admit_confirm,
     .view = "leave",
     .form = leave_page,
     .auth = AUTH_COUPLE,
     .body_max = FORM_BODY,
     .fields = {{.name = "password",
                 .label = "Password",
                 .type = FIELD_SECRET,
                 .required = true,
                 .max = 1024}}},
};
const size_t pairing_nroutes = ARRAY_LEN(pairing_routes);
