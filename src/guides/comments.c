/* comments.c: the comment form, its rules, threading and display, the
 * comments feed, and the operator's moderation pages. Emails are read only by
 * the moderation queries; no public query selects them. */
#include "guides/comments.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "auth/session.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/net.h"
#include "core/util.h"
#include "guides/cache.h"
#include "guides/guides.h"
#include "guides/text.h"
#include "http/http.h"
#include "store/db.h"
#include "view/view.h"

static unsigned char form_key[32];
static const char COMMENTER_COOKIE[] = "hearth_commenter";
static const char SITE_NAME[] = "Hearth";

int comments_init(void)
{
    return session_instance_key("comment_form_key", form_key);
}

void comments_truncate_address(const char *ip, char out[64])
{
    net_prefix(ip, 24, 48, out);
}

/* ---- form timing: "MS.MAC", signed for one guide when the form is served ---- */

void comments_sign_time(int64_t ms, int64_t guide_id, char out[COMMENT_TIME_TOKEN])
{
    char payload[48], hex[2 * crypto_auth_BYTES + 1];
    unsigned char mac[crypto_auth_BYTES];
    /* the guide is signed, not shown: a token serves its own form only */
    snprintf(payload, sizeof(payload), "%lld.%lld", (long long)ms, (long long)guide_id);
    crypto_auth(mac, (const unsigned char *)payload, strlen(payload), form_key);
    sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
    snprintf(out, COMMENT_TIME_TOKEN, "%lld.%s", (long long)ms, hex);
}

int64_t comments_served_at(const char *token, int64_t guide_id)
{
    if (token == NULL || strlen(token) >= COMMENT_TIME_TOKEN)
        return -1;
    const char *dot = strchr(token, '.');
    int64_t ms;
    if (dot == NULL || parse_int64(token, (size_t)(dot - token), &ms) != 0 || ms < 0)
        return -1;
    char expect[COMMENT_TIME_TOKEN];
    comments_sign_time(ms, guide_id, expect);
    if (strlen(expect) != strlen(token) || sodium_memcmp(expect, token, strlen(token)) != 0)
        return -1;
    return ms;
}

/* ---- the commenter cookie: lets a browser see its own held comments ---- */

static const char *commenter_token(struct req *req)
{
    const char *c = req_cookie(req, COMMENTER_COOKIE);
    if (c == NULL || strlen(c) != 43)
        return NULL;
    char hash[65];
    session_hash_token(c, hash);
    return arena_strdup(req->arena, hash);
}

static const char *ensure_commenter(struct req *req, struct res *res)
{
    const char *known = commenter_token(req);
    if (known != NULL)
        return known;
    unsigned char raw[32];
    char token[44], hash[65], cookie[160];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(cookie, sizeof(cookie), "%s=%s; Path=/guides; HttpOnly; SameSite=Lax; Max-Age=%d%s",
             COMMENTER_COOKIE, token, 180 * 24 * 3600,
             str_starts(guides_base_url(), "https://") ? "; Secure" : "");
    res_header(req, res, "Set-Cookie", cookie);
    session_hash_token(token, hash);
    return arena_strdup(req->arena, hash);
}

/* ---- display ---- */

static json_t *comment_view(json_t *row)
{
    struct buf html;
    buf_init(&html, 4 * COMMENT_TEXT_MAX * 6);
    text_to_html(json_string_value(json_object_get(row, "body")), &html);
    char date[32];
    guides_date(json_integer_value(json_object_get(row, "created_at")), date);
    json_t *c = json_pack(
        "{s:O, s:O, s:O, s:O, s:s, s:s+, s:b, s:b}", "id", json_object_get(row, "id"), "parent_id",
        json_object_get(row, "parent_id"), "name", json_object_get(row, "name"), "depth",
        json_object_get(row, "depth"), "date", date, "anchor", "comment-",
        json_string_value(json_object_get(row, "id")), "pending",
        strcmp(json_string_value(json_object_get(row, "status")), "approved") != 0, "by_site",
        json_is_true(json_object_get(row, "by_site")));
    json_object_set_new(c, "body_html", view_html(&html));
    buf_free(&html);
    return c;
}

/* A comment is shown when it is approved, or held and written by this
 * browser ($2); the comments it replies to must be shown too, so the replies
 * to a comment the operator hid are hidden with it. Replies nest at most
 * COMMENT_DEPTH_MAX (2) deep: a comment, its parent and its grandparent. */
#define SHOWN(t)                                                                                   \
    "(" t ".status = 'approved' OR (" t ".author_token = $2 AND " t ".status <> 'approved'))"
#define THREADS                                                                                    \
    " FROM comments c LEFT JOIN comments p ON p.id = c.parent_id"                                  \
    " LEFT JOIN comments gp ON gp.id = p.parent_id WHERE c.guide_id = $1 AND " SHOWN(              \
        "c") " AND (p.id IS NULL OR " SHOWN("p") ") AND (gp.id IS NULL OR " SHOWN("gp") ")"

/* One page of a guide's comments in thread order, read as one page in SQL:
 * threads oldest first, each comment followed by its replies (oldest
 * first), which are ordered by their top comment, then by the reply at the
 * first level, then by their own time. */
static int thread_page(json_t **rows, int64_t gid, const char *mine, int64_t offset)
{
    return db_query(rows,
                    "SELECT c.id, c.parent_id, c.depth, c.name, c.body, c.status, c.by_site,"
                    " c.created_at" THREADS
                    " ORDER BY COALESCE(gp.created_at, p.created_at, c.created_at),"
                    " COALESCE(gp.id, p.id, c.id),"
                    " CASE WHEN gp.id IS NOT NULL THEN p.created_at"
                    " WHEN p.id IS NOT NULL THEN c.created_at ELSE 0 END,"
                    " CASE WHEN gp.id IS NOT NULL THEN p.id WHEN p.id IS NOT NULL THEN c.id"
                    " ELSE 0 END,"
                    " CASE WHEN gp.id IS NOT NULL THEN c.created_at ELSE 0 END,"
                    " CASE WHEN gp.id IS NOT NULL THEN c.id ELSE 0 END"
                    " LIMIT $3 OFFSET $4",
                    "isii:ddisssbi", gid, mine, (int64_t)COMMENTS_PER_PAGE, offset);
}

int comments_held_here(struct req *req, int64_t guide_id)
{
    const char *mine = commenter_token(req);
    if (mine == NULL)
        return 0;
    int64_t one;
    int rc = db_int(&one,
                    "SELECT 1 FROM comments WHERE guide_id = $1 AND author_token = $2"
                    " AND status <> 'approved' LIMIT 1",
                    "is", guide_id, mine);
    return rc == DB_OK ? 1 : rc == DB_NOT_FOUND ? 0 : -1;
}

int comments_page(struct req *req, json_t *guide, int64_t page, json_t *model)
{
    int64_t gid = id_from(json_object_get(guide, "id")), count;
    const char *mine = commenter_token(req);
    if (mine == NULL)
        mine = "-";
    json_t *rows;
    if (db_int(&count, "SELECT count(*)" THREADS, "is", gid, mine) != DB_OK)
        return -1;
    int64_t pages = (count + COMMENTS_PER_PAGE - 1) / COMMENTS_PER_PAGE;
    if (page <= 0 || page > pages)
        page = pages ? pages : 1;
    if (thread_page(&rows, gid, mine, (page - 1) * COMMENTS_PER_PAGE) != DB_OK)
        return -1;
    json_t *shown = json_array();
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append_new(shown, comment_view(row));
    json_decref(rows);
    json_t *nav = json_array();
    for (int64_t p = 1; pages > 1 && p <= pages; p++)
        json_array_append_new(
            nav, json_pack("{s:I, s:b}", "number", (json_int_t)p, "current", p == page));
    json_object_set_new(model, "comments", shown);
    json_object_set_new(model, "comment_count", json_integer(count));
    json_object_set_new(model, "comment_pages", nav);
    return 0;
}

void comments_form_time(struct req *req, json_t *model, int64_t guide_id)
{
    /* a form that comes back with errors keeps its first timestamp */
    const char *typed = json_string_value(json_object_get(req->typed, "t"));
    char t[COMMENT_TIME_TOKEN];
    comments_sign_time(clock_now_ms(), guide_id, t);
    int64_t at = comments_served_at(typed, guide_id);
    bool keep = at > 0 && clock_now_ms() - at < COMMENT_FORM_MAX_AGE_MS;
    json_object_set_new(model, "form_time", json_string(keep ? typed : t));
}

/* ---- posting ---- */

bool comments_blocked(const char *list, const char *text)
{
    if (list == NULL || text == NULL)
        return false;
    char *copy = xstrdup(list);
    bool hit = false;
    char *save = NULL;
    for (char *w = strtok_r(copy, "\n", &save); w && !hit; w = strtok_r(NULL, "\n", &save)) {
        while (isspace((unsigned char)*w))
            w++;
        size_t n = strlen(w);
        while (n > 0 && isspace((unsigned char)w[n - 1]))
            w[--n] = '\0';
        hit = n > 0 && strcasestr(text, w) != NULL;
    }
    free(copy);
    return hit;
}

/* 1 when the comment or its name holds a word of the operator's list, 0
 * when not, -1 when the list cannot be read. */
static int has_blocked_word(struct req *req)
{
    json_t *row;
    int rc = db_row(&row, "SELECT value FROM instance_settings WHERE key = 'blocked_words'", ":s");
    if (rc == DB_NOT_FOUND)
        return 0;
    if (rc != DB_OK)
        return -1;
    const char *list = json_string_value(json_object_get(row, "value"));
    bool hit = comments_blocked(list, req_str(req, "comment")) ||
               comments_blocked(list, req_str(req, "name"));
    json_decref(row);
    return hit;
}

/* One comment per truncated address every COMMENT_FLOOD_SECONDS; rows older
 * than that are deleted, so addresses are not kept longer than needed. */
static int flood_wait(struct req *req, int64_t now)
{
    char addr[64];
    comments_truncate_address(req->client_ip, addr);
    int64_t window = COMMENT_FLOOD_SECONDS * 1000, last = 0;
    if (db_exec("DELETE FROM comment_floods WHERE last_at <= $1", "i", now - window) < 0)
        return -1;
    int rc = db_int(&last, "SELECT last_at FROM comment_floods WHERE address = $1", "s", addr);
    if (rc == DB_OK)
        return (int)((last + window - now + 999) / 1000);
    if (rc != DB_NOT_FOUND)
        return -1;
    return db_exec("INSERT INTO comment_floods (address, last_at) VALUES ($1, $2)"
                   " ON CONFLICT (address) DO UPDATE SET last_at = excluded.last_at",
                   "si", addr, now) < 0
               ? -1
               : 0;
}

/* Decides the status of a new comment and why it was held (NULL when the
 * database fails). Only a browser that had a comment approved before, under
 * the same name and email, is published at once: knowing someone's email is
 * not enough. */
static const char *judge(struct req *req, int64_t gid, int64_t now, const char **reason)
{
    const char *honeypot = req_str(req, "website");
    int64_t served = comments_served_at(req_str(req, "t"), gid);
    if (honeypot != NULL && *honeypot != '\0') {
        *reason = "the hidden field was filled";
        return "spam";
    }
    if (served < 0 || now - served < COMMENT_MIN_SECONDS * 1000) {
        *reason = served < 0 ? "the form token was missing or forged" : "sent too fast";
        return "spam";
    }
    const char *text = req_str(req, "comment");
    int blocked = has_blocked_word(req);
    if (blocked < 0)
        return NULL;
    if (blocked) {
        *reason = "a blocked word";
        return "pending";
    }
    if (text_count_links(text) >= COMMENT_LINKS_HELD) {
        *reason = "two or more links";
        return "pending";
    }
    int64_t approved = 0;
    const char *browser = commenter_token(req);
    if (browser != NULL &&
        db_int(&approved,
               "SELECT count(*) FROM comments WHERE email = $1 AND name = $2"
               " AND author_token = $3 AND status = 'approved'",
               "sss", req_str(req, "email"), req_str(req, "name"), browser) != DB_OK)
        return NULL;
    if (approved == 0) {
        *reason = "a first comment";
        return "pending";
    }
    *reason = NULL;
    return "approved";
}

/* Finds the parent comment; replies to the deepest level attach beside it. */
static int parent_of(struct req *req, int64_t gid, int64_t *parent, int64_t *depth)
{
    const char *p = req_str(req, "parent");
    *parent = 0;
    *depth = 0;
    if (p == NULL)
        return 0;
    json_t *row;
    int rc = db_row(&row,
                    "SELECT id, parent_id, depth FROM comments WHERE id = $1 AND guide_id = $2"
                    " AND status = 'approved'",
                    "ii:ddi", id_from(json_object_get(req->input, "parent")), gid);
    if (rc == DB_NOT_FOUND) {
        req_error(req, "comment", "The comment you replied to is not there any more.");
        return 1;
    }
    if (rc != DB_OK)
        return -1;
    int64_t d = json_integer_value(json_object_get(row, "depth"));
    if (d >= COMMENT_DEPTH_MAX) {
        *parent = id_from(json_object_get(row, "parent_id"));
        *depth = d;
    } else {
        *parent = id_from(json_object_get(row, "id"));
        *depth = d + 1;
    }
    json_decref(row);
    return 0;
}

static int post_comment(struct req *req, struct res *res)
{
    json_t *g;
    int rc = guides_find(req, &g);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    int64_t gid = id_from(json_object_get(g, "id")), parent, depth, now = clock_now_ms();
    json_decref(g);
    rc = parent_of(req, gid, &parent, &depth);
    if (rc != 0)
        return rc < 0 ? -1 : 0;
    int wait = flood_wait(req, now);
    if (wait < 0)
        return -1;
    if (wait > 0) {
        char secs[16];
        snprintf(secs, sizeof(secs), "%d", wait);
        res_header(req, res, "Retry-After", secs);
        res->status = 429;
        res->detail = "One comment every 15 seconds, please.";
        req_error(req, "comment",
                  arena_printf(req->arena,
                               "You can send this comment in %d "
                               "second%s. Your text is kept below.",
                               wait, wait == 1 ? "" : "s"));
        return 0;
    }
    int64_t served = comments_served_at(req_str(req, "t"), gid);
    if (served > 0 && now - served >= COMMENT_FORM_MAX_AGE_MS) {
        req_error(req, "comment",
                  "This page was open for a long time. Please send your comment "
                  "again; it is kept below.");
        return 0;
    }
    const char *reason;
    const char *status = judge(req, gid, now, &reason);
    if (status == NULL)
        return -1;
    int64_t id = id_new();
    if (db_exec("INSERT INTO comments (id, guide_id, parent_id, depth, name, email, body, status,"
                " reason, author_token, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                "iiiissssssi", id, gid, parent ? parent : (int64_t)0, depth, req_str(req, "name"),
                req_str(req, "email"), req_str(req, "comment"), status, reason,
                ensure_commenter(req, res), now) < 0 ||
        guide_cache_changed() != 0)
        return -1;
    /* spam is not announced: the sender sees it as awaiting moderation */
    bool shown = strcmp(status, "approved") == 0;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res,
                     arena_printf(req->arena, "/guides/%s?posted=%s#comment-%lld",
                                  json_string_value(json_object_get(req->params, "slug")),
                                  shown ? "approved" : "pending", (long long)id)))
        return 0;
    json_t *m = res_model(res);
    json_object_set_new(m, "id", json_sprintf("%lld", (long long)id));
    json_object_set_new(m, "status", json_string(shown ? "approved" : "pending"));
    return 0;
}

/* ---- the comments feed ---- */

static int render_comments_feed(struct req *req, struct res *res)
{
    json_t *g, *rows;
    int rc = guides_find(req, &g);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    if (db_query(&rows,
                 "SELECT id, name, body, created_at FROM comments WHERE guide_id = $1"
                 " AND status = 'approved' ORDER BY created_at DESC LIMIT 50",
                 "i:dssi", id_from(json_object_get(g, "id"))) != DB_OK) {
        json_decref(g);
        return -1;
    }
    int64_t updated = json_integer_value(json_object_get(g, "updated_at"));
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        char t[32];
        int64_t at = json_integer_value(json_object_get(row, "created_at"));
        guides_rfc3339(at, t);
        json_object_set_new(row, "updated", json_string(t));
        updated = at > updated ? at : updated;
        struct buf html;
        buf_init(&html, 6 * COMMENT_TEXT_MAX * 4);
        text_to_html(json_string_value(json_object_get(row, "body")), &html);
        json_object_set_new(row, "body_html", view_html(&html));
        buf_free(&html);
    }
    char t[32];
    guides_rfc3339(updated, t);
    json_t *model = json_pack("{s:s, s:s, s:s, s:o, s:o}", "base", guides_base_url(), "tag",
                              guides_tag(), "updated", t, "guide", g, "entries", rows);
    rc = guides_atom(res, "feed-comments", model);
    json_decref(model);
    return rc;
}

static int comments_feed(struct req *req, struct res *res)
{
    return guides_feed_kept(req, res, render_comments_feed);
}

/* ---- moderation ---- */

static int moderation_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    /* a reply that came back with an error: its comment's box opens again */
    int64_t replying =
        json_object_size(req->errors) > 0 ? id_from(json_object_get(req->params, "id")) : 0;
    json_object_set_new(m, "title", json_string("Comments"));
    static const char *const statuses[] = {"pending", "spam", "approved"};
    for (int k = 0; k < 3; k++) {
        json_t *rows;
        if (db_query(&rows,
                     "SELECT c.id, c.name, c.email, c.body, c.status, c.reason, c.by_site,"
                     " c.created_at, g.title AS guide_title, g.slug AS guide_slug"
                     " FROM comments c JOIN guides g ON g.id = c.guide_id WHERE c.status = $1"
                     " ORDER BY c.created_at DESC LIMIT 200",
                     "s:dsssssbiss", statuses[k]) != DB_OK)
            return -1;
        size_t i;
        json_t *row;
        json_array_foreach (rows, i, row) {
            char date[32];
            guides_date(json_integer_value(json_object_get(row, "created_at")), date);
            json_object_set_new(row, "date", json_string(date));
            json_object_set_new(
                row, "replying",
                json_boolean(replying != 0 && id_from(json_object_get(row, "id")) == replying));
        }
        json_object_set_new(m, statuses[k], rows);
    }
    return 0;
}

static int moderate(struct req *req, struct res *res, const char *status)
{
    int64_t id = id_from(json_object_get(req->params, "id"));
    /* deleting a comment deletes its replies too, so none is left orphaned */
    int rc = status ? db_exec("UPDATE comments SET status = $2 WHERE id = $1", "is", id, status)
                    : db_exec("DELETE FROM comments WHERE id IN (WITH RECURSIVE thread (id) AS"
                              " (SELECT $1 UNION ALL SELECT c.id FROM comments c"
                              " JOIN thread t ON c.parent_id = t.id) SELECT id FROM thread)",
                              "i", id);
    if (rc < 0 || (rc > 0 && guide_cache_changed() != 0))
        return -1;
    if (rc == 0) {
        res->status = 404;
        return 0;
    }
    if (res_redirect(req, res, "/admin/comments"))
        return 0;
    json_object_set_new(res_model(res), "status", json_string(status ? status : "deleted"));
    return 0;
}

static int approve(struct req *req, struct res *res)
{
    return moderate(req, res, "approved");
}

static int mark_spam(struct req *req, struct res *res)
{
    return moderate(req, res, "spam");
}

static int delete_comment(struct req *req, struct res *res)
{
    return moderate(req, res, NULL);
}

static int reply_as_site(struct req *req, struct res *res)
{
    json_t *row;
    int rc = db_row(&row, "SELECT id, guide_id, parent_id, depth FROM comments WHERE id = $1",
                    "i:dddi", id_from(json_object_get(req->params, "id")));
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    int64_t d = json_integer_value(json_object_get(row, "depth"));
    int64_t parent = d >= COMMENT_DEPTH_MAX ? id_from(json_object_get(row, "parent_id"))
                                            : id_from(json_object_get(row, "id"));
    int64_t id = id_new();
    /* answering a comment as the site accepts it, wherever it was held */
    rc = db_exec("UPDATE comments SET status = 'approved' WHERE id = $1", "i",
                 id_from(json_object_get(row, "id")));
    if (rc >= 0)
        rc = db_exec("INSERT INTO comments (id, guide_id, parent_id, depth, name, email, body,"
                     " status, by_site, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, '', $6, 'approved', 1, $7)",
                     "iiiissi", id, id_from(json_object_get(row, "guide_id")), parent,
                     d >= COMMENT_DEPTH_MAX ? d : d + 1, SITE_NAME, req_str(req, "comment"),
                     clock_now_ms());
    json_decref(row);
    if (rc < 0 || guide_cache_changed() != 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, "/admin/comments"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

static int settings_page(struct req *req, struct res *res)
{
    (void)req;
    json_t *row, *m = res_model(res);
    json_object_set_new(m, "title", json_string("Comment settings"));
    json_object_set(m, "saved", json_object_get(req->input, "saved"));
    int rc = db_row(&row, "SELECT value FROM instance_settings WHERE key = 'blocked_words'", ":s");
    if (rc != DB_OK && rc != DB_NOT_FOUND)
        return -1;
    json_object_set_new(
        m, "blocked_words",
        json_string(rc == DB_OK ? json_string_value(json_object_get(row, "value")) : ""));
    if (rc == DB_OK)
        json_decref(row);
    return 0;
}

static int save_settings(struct req *req, struct res *res)
{
    const char *words = req_str(req, "blocked_words");
    if (db_exec("INSERT INTO instance_settings (key, value, updated_at)"
                " VALUES ('blocked_words', $1, $2) ON CONFLICT (key) DO UPDATE SET"
                " value = excluded.value, updated_at = excluded.updated_at",
                "si", words ? words : "", clock_now_ms()) < 0)
        return -1;
    if (res_redirect(req, res, "/admin/settings?saved=1"))
        return 0;
    json_object_set_new(res_model(res), "blocked_words", json_string(words ? words : ""));
    return 0;
}

const struct route comments_routes[] = {
    {.method = "POST",
     .pattern = "/guides/{slug}/comments",
     .handler = post_comment,
     .view = "guide",
     .form = guides_article,
     .body_max = COMMENT_FORM_BODY,
     .fields =
         {{.name = "name",
           .label = "Name",
           .type = FIELD_NAME,
           .required = true,
           .max = COMMENT_NAME_MAX},
          {.name = "email", .label = "Email", .type = FIELD_EMAIL, .required = true, .max = 254},
          {.name = "comment",
           .label = "Comment",
           .type = FIELD_TEXT,
           .required = true,
           .max = COMMENT_TEXT_MAX},
          {.name = "parent", .label = "Reply to", .type = FIELD_ID, .hidden = true},
          {.name = "website", .type = FIELD_STRING, .max = 500, .hidden = true},
          {.name = "t", .type = FIELD_STRING, .max = 200, .hidden = true}}},
    {.method = "GET",
     .pattern = "/guides/{slug}/comments.atom",
     .handler = comments_feed,
     .no_api = true,
     .sessionless = true},
    {.method = "GET",
     .pattern = "/admin/comments",
     .handler = moderation_page,
     .view = "admin-comments",
     .auth = AUTH_OPERATOR},
    {.method = "POST",
     .pattern = "/admin/comments/{id:id}/approve",
     .handler = approve,
     .auth = AUTH_OPERATOR,
     .body_max = ACTION_BODY},
    {.method = "POST",
     .pattern = "/admin/comments/{id:id}/spam",
     .handler = mark_spam,
     .auth = AUTH_OPERATOR,
     .body_max = ACTION_BODY},
    {.method = "POST",
     .pattern = "/admin/comments/{id:id}/delete",
     .handler = delete_comment,
     .auth = AUTH_OPERATOR,
     .body_max = ACTION_BODY},
    {.method = "POST",
     .pattern = "/admin/comments/{id:id}/reply",
     .handler = reply_as_site,
     .view = "admin-comments",
     .form = moderation_page,
     .auth = AUTH_OPERATOR,
     .body_max = COMMENT_FORM_BODY,
     .fields = {{.name = "comment",
                 .label = "Reply",
                 .type = FIELD_TEXT,
                 .required = true,
                 .max = COMMENT_TEXT_MAX}}},
    {.method = "GET",
     .pattern = "/admin/settings",
     .handler = settings_page,
     .view = "admin-settings",
     .auth = AUTH_OPERATOR,
     .fields = {{.name = "saved", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "POST",
     .pattern = "/admin/settings",
     .handler = save_settings,
     .view = "admin-settings",
     .form = settings_page,
     .auth = AUTH_OPERATOR,
     .body_max = COMMENT_SETTINGS_BODY,
     .fields = {{.name = "blocked_words",
                 .label = "Blocked words",
                 .type = FIELD_TEXT,
                 .max = BLOCKED_WORDS_MAX}}},
};
const size_t comments_nroutes = ARRAY_LEN(comments_routes);
