/* guides.c: articles. The Markdown files in content/guides seed the database
 * once per slug; after that the database is the truth and operators edit
 * articles at /admin/guides. HTML is rendered when an article is saved, never
 * per request. */
#include "guides/guides.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/util.h"
#include "guides/cache.h"
#include "guides/comments.h"
#include "guides/text.h"
#include "http/compress.h"
#include "http/http.h"
#include "http/input.h"
#include "store/db.h"
#include "view/view.h"

enum {
    FEED_ENTRIES = 50,
    GUIDE_HTML_MAX = 1024 * 1024,
    ADMIN_BODY = FORM_BODY_FOR(GUIDE_BODY_MAX + GUIDE_SUMMARY_MAX)
};

/* The topics a guide can have: "introduction" and the registered practices
 * (guides_set_practices); the route's choice list points here. */
enum { TOPICS_MAX = 16 };
static const char *topics[TOPICS_MAX + 1] = {"introduction", NULL};
static const char *topic_labels[TOPICS_MAX] = {"Introduction"};
static const struct practice *const *registered; /* for "How Hearth helps" */

void guides_set_practices(const struct practice *const *list)
{
    registered = list;
    int n = 1;
    for (size_t i = 0; list != NULL && list[i] != NULL && n < TOPICS_MAX; i++, n++) {
        topics[n] = list[i]->name;
        topic_labels[n] = list[i]->label;
    }
    topics[n] = NULL;
}

static const char *const posted_states[] = {"approved", "pending", NULL};
static char base[512];
static char tag[GUIDES_TAG_MAX]; /* "tag:example.org,2026-11-29:" */

const char *guides_base_url(void)
{
    return base;
}

const char *guides_tag(void)
{
    return tag;
}

/* RFC 4151's DNSname: labels of letters and digits, with dashes inside. */
static bool dns_name_ok(const char *s)
{
    size_t label = 0;
    for (const char *p = s;; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (alnum) {
            label++;
        } else if (*p == '-' && label > 0) {
            label++;
        } else if (*p == '.' || *p == '\0') {
            if (label == 0 || p[-1] == '-')
                return false;
            if (*p == '\0')
                return true;
            label = 0;
        } else {
            return false;
        }
    }
}

bool guides_tag_entity_ok(const char *s)
{
    const char *comma = strrchr(s, ',');
    if (comma == NULL || (size_t)(comma - s) >= GUIDES_TAG_MAX - 32 ||
        !input_is_date(comma + 1, strlen(comma + 1)))
        return false;
    char host[GUIDES_TAG_MAX];
    memcpy(host, s, (size_t)(comma - s));
    host[comma - s] = '\0';
    return dns_name_ok(host);
}

void guides_tag_entity(const char *base_url, int64_t now_ms, char *out, size_t size)
{
    const char *host = strstr(base_url, "://");
    host = host != NULL ? host + 3 : base_url;
    char name[GUIDES_TAG_MAX - 32];
    size_t n = strcspn(host, ":/?#");
    if (n >= sizeof(name))
        n = 0; /* too long for a name: falls back below */
    for (size_t i = 0; i < n; i++)
        name[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] - 'A' + 'a' : host[i]);
    name[n] = '\0';
    if (n > 0 && name[n - 1] == '.') /* "example.org." */
        name[n - 1] = '\0';
    /* an IPv6 literal or anything else that is no DNS name */
    if (!dns_name_ok(name))
        snprintf(name, sizeof(name), "localhost");
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    char day[16];
    strftime(day, sizeof(day), "%Y-%m-%d", &tm);
    snprintf(out, size, "%s,%s", name, day);
}

/* The feeds' tagging entity, chosen at the first start (the base URL's host
 * and that day) and kept in instance_settings, so that entry ids stay the
 * same when the site moves to another address. */
static int load_tag(const char *base_url)
{
    json_t *row;
    int rc = db_row(&row, "SELECT value FROM instance_settings WHERE key = 'tag_authority'", ":s");
    if (rc == DB_NOT_FOUND) {
        char entity[GUIDES_TAG_MAX];
        guides_tag_entity(base_url, clock_now_ms(), entity, sizeof(entity));
        /* two servers starting at once: the first one's value stays */
        if (db_exec("INSERT INTO instance_settings (key, value, updated_at)"
                    " VALUES ('tag_authority', $1, $2) ON CONFLICT (key) DO NOTHING",
                    "si", entity, clock_now_ms()) < 0)
            return -1;
        rc = db_row(&row, "SELECT value FROM instance_settings WHERE key = 'tag_authority'", ":s");
    }
    if (rc != DB_OK)
        return -1;
    const char *entity = json_string_value(json_object_get(row, "value"));
    if (entity == NULL || !guides_tag_entity_ok(entity)) {
        log_error("guides: the stored tag_authority is not HOST,YYYY-MM-DD");
        json_decref(row);
        return -1;
    }
    snprintf(tag, sizeof(tag), "tag:%s:", entity);
    json_decref(row);
    return 0;
}

/* A topic's label; "" for one not registered (the guide shows no tag). */
static const char *practice_label(const char *p)
{
    for (int i = 0; p != NULL && topics[i] != NULL; i++)
        if (strcmp(topics[i], p) == 0)
            return topic_labels[i];
    return "";
}

void guides_date(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%e %B %Y", &tm);
    if (out[0] == ' ')
        memmove(out, out + 1, strlen(out));
}

void guides_rfc3339(int64_t ms, char out[32])
{
    time_t t = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Milliseconds at 00:00 UTC of a YYYY-MM-DD day. */
static int64_t day_ms(const char *day)
{
    struct tm tm = {0};
    tm.tm_year = (int)strtol(day, NULL, 10) - 1900;
    tm.tm_mon = (int)strtol(day + 5, NULL, 10) - 1;
    tm.tm_mday = (int)strtol(day + 8, NULL, 10);
    return (int64_t)timegm(&tm) * 1000;
}

static int render_markdown(const char *md, char **html)
{
    struct buf out;
    buf_init(&out, GUIDE_HTML_MAX);
    if (text_markdown(md, strlen(md), &out) != 0) {
        buf_free(&out);
        return -1;
    }
    *html = buf_take(&out, NULL);
    return 0;
}

/* Adds display fields to a guide row: date, practice label, URL. */
static void decorate(json_t *g)
{
    char date[32];
    guides_date(json_integer_value(json_object_get(g, "published_at")), date);
    json_object_set_new(g, "date", json_string(date));
    json_object_set_new(
        g, "practice_label",
        json_string(practice_label(json_string_value(json_object_get(g, "practice")))));
    json_object_set_new(g, "url",
                        json_sprintf("/guides/%s", json_string_value(json_object_get(g, "slug"))));
}

/* ---- seeding from content/guides ---- */

int guides_front_matter(char *src, struct guide_front *f)
{
    memset(f, 0, sizeof(*f));
    if (strncmp(src, "---\n", 4) != 0)
        return -1;
    char *p = src + 4;
    for (;;) {
        char *nl = strchr(p, '\n');
        if (nl == NULL)
            return -1;
        *nl = '\0';
        if (strcmp(p, "---") == 0) {
            f->body = nl + 1;
            break;
        }
        char *colon = strchr(p, ':');
        if (colon == NULL)
            return -1;
        *colon = '\0';
        char *v = colon + 1;
        while (*v == ' ')
            v++;
        if (!strcmp(p, "title"))
            f->title = v;
        else if (!strcmp(p, "slug"))
            f->slug = v;
        else if (!strcmp(p, "summary"))
            f->summary = v;
        else if (!strcmp(p, "practice"))
            f->practice = v;
        else if (!strcmp(p, "date"))
            f->date = v;
        p = nl + 1;
    }
    return f->title && f->slug && f->summary && f->practice && f->date &&
                   input_is_date(f->date, strlen(f->date))
               ? 0
               : -1;
}

static int seed_one(const char *name, const char *data, size_t size, void *ctx)
{
    (void)ctx;
    if (!str_ends(name, ".md"))
        return 0;
    char *src = xmalloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    struct guide_front f;
    char *html = NULL;
    int rc = -1;
    if (guides_front_matter(src, &f) != 0) {
        log_error("guides: %s: front matter needs title, slug, summary, practice and date", name);
        goto out;
    }
    if (render_markdown(f.body, &html) != 0 || text_html_check(html) != NULL) {
        log_error("guides: %s: the article cannot be rendered safely", name);
        goto out;
    }
    int64_t now = clock_now_ms();
    /* seeded once per file: an edit, a new address or an unpublished state
     * survives every restart */
    if (db_exec("INSERT INTO guides (id, slug, title, summary, practice, body, body_html,"
                " published, published_at, created_at, updated_at, seed_file)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $9, $9, $10)"
                " ON CONFLICT DO NOTHING",
                "issssssiis", id_new(), f.slug, f.title, f.summary, f.practice, f.body, html,
                day_ms(f.date), now, name) < 0)
        goto out;
    rc = 0;
out:
    free(html);
    free(src);
    return rc;
}

int guides_init(const char *base_url)
{
    snprintf(base, sizeof(base), "%s", base_url);
    if (load_tag(base_url) != 0 || guide_cache_init() != 0)
        return -1;
    return assets_each("content/guides/", seed_one, NULL);
}

/* ---- public pages ---- */

/* Fills res's model with the guides sql lists (newest first) and a title. */
static int list_guides(struct res *res, const char *sql, const char *types, const char *title)
{
    json_t *rows;
    if (db_query(&rows, sql, types) != DB_OK)
        return -1;
    size_t i;
    json_t *g;
    json_array_foreach (rows, i, g)
        decorate(g);
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string(title));
    json_object_set_new(m, "guides", rows);
    return 0;
}

static int index_page(struct req *req, struct res *res)
{
    (void)req;
    return list_guides(res,
                       "SELECT slug, title, summary, practice, published_at FROM guides"
                       " WHERE published = 1 ORDER BY published_at DESC LIMIT 200",
                       ":ssssi", "Guides");
}

int guides_find(struct req *req, json_t **out)
{
    return db_row(out,
                  "SELECT id, slug, title, summary, practice, body_html, published_at,"
                  " updated_at FROM guides WHERE slug = $1 AND published = 1",
                  "s:dsssssii", json_string_value(json_object_get(req->params, "slug")));
}

/* The "How Hearth helps" box under a guide about topic: the registered
 * practice of that topic, or for the introduction every registered one, so
 * a guide names only what this Hearth offers and the box grows as practices
 * are added. NULL (no box) when the topic's practice is not registered. The
 * box links a couple to each practice and tells others how to start. */
static json_t *helps_model(const struct req *req, const char *topic)
{
    bool intro = strcmp(topic, "introduction") == 0;
    json_t *list = json_array();
    for (size_t i = 0; registered != NULL && registered[i] != NULL; i++) {
        const struct practice *p = registered[i];
        if (intro || strcmp(p->name, topic) == 0)
            json_array_append_new(list,
                                  json_pack("{s:s, s:s, s:s, s:s}", "name", p->name, "label",
                                            p->label, "summary", p->summary, "path", p->path));
    }
    if (json_array_size(list) == 0) {
        json_decref(list);
        return json_null();
    }
    return json_pack("{s:o, s:b, s:b, s:b}", "practices", list, "introduction", intro, "signed_in",
                     req->user_id != 0, "paired", req->couple_id != 0);
}

/* The parts of the guide's page that are the same for every reader: the
 * guide and a page of its comments (*section: the comments' HTML, or for
 * the API their model), cached for readers who have no held comment here. */
static int shared_parts(struct req *req, const char *slug, int64_t page, json_t **guide,
                        json_t **section)
{
    if (!req->api && guide_cache_get(slug, page, guide, section)) {
        int held = comments_held_here(req, id_from(json_object_get(*guide, "id")));
        if (held == 0)
            return 0;
        json_decref(*guide);
        json_decref(*section);
        if (held < 0)
            return -1;
    }
    uint64_t gen = guide_cache_generation();
    int rc = guides_find(req, guide);
    if (rc != DB_OK)
        return rc;
    decorate(*guide);
    json_t *comments = json_object();
    json_object_set_new(comments, "comments_feed", json_sprintf("/guides/%s/comments.atom", slug));
    int held = req->api ? 1 : comments_held_here(req, id_from(json_object_get(*guide, "id")));
    if (held < 0 || comments_page(req, *guide, page, comments) != 0) {
        json_decref(comments);
        json_decref(*guide);
        return DB_ERROR;
    }
    if (req->api) {
        *section = comments;
        return DB_OK;
    }
    struct buf html;
    buf_init(&html, VIEW_MAX_PAGE);
    rc = view_plain("partials/comments", comments, &html);
    json_decref(comments);
    *section = rc == 0 ? view_html(&html) : NULL;
    buf_free(&html);
    if (*section == NULL) {
        json_decref(*guide);
        return DB_ERROR;
    }
    if (held == 0)
        guide_cache_put(slug, page, gen, *guide, *section);
    return DB_OK;
}

int guides_article(struct req *req, struct res *res)
{
    const char *slug = json_string_value(json_object_get(req->params, "slug"));
    json_t *pagev = json_object_get(req->input, "page"), *g, *section;
    int rc = shared_parts(req, slug, pagev ? json_integer_value(pagev) : 0, &g, &section);
    rc = res_found(res, rc);
    if (rc != 0)
        return rc;
    json_t *m = res_model(res);
    json_object_set(m, "title", json_object_get(g, "title"));
    /* the layout links it as the page's feed */
    json_object_set_new(m, "comments_feed", json_sprintf("/guides/%s/comments.atom", slug));
    json_object_set_new(m, "helps",
                        helps_model(req, json_string_value(json_object_get(g, "practice"))));
    if (req->api)
        json_object_update(m, section);
    else
        json_object_set(m, "comments_html", section);
    json_decref(section);
    const char *posted = req_str(req, "posted");
    if (posted != NULL)
        json_object_set_new(m, !strcmp(posted, "approved") ? "posted_approved" : "posted_pending",
                            json_true());
    json_object_set(m, "reply_to", json_object_get(req->input, "reply"));
    comments_form_time(req, m, id_from(json_object_get(g, "id")));
    json_object_set_new(m, "guide", g);
    return 0;
}

static void atom_answer(struct res *res)
{
    res->content_type = "application/atom+xml; charset=utf-8";
    res->cache_control = "public, max-age=300";
}

/* Renders an Atom template into res->body. */
int guides_atom(struct res *res, const char *view, json_t *model)
{
    struct buf out;
    buf_init(&out, VIEW_MAX_PAGE);
    if (view_plain(view, model, &out) != 0) {
        buf_free(&out);
        return -1;
    }
    res->body = buf_take(&out, &res->body_len);
    atom_answer(res);
    return 0;
}

/* Answers with the feed kept in coding (under GUIDE_CACHE_FEED - coding);
 * false when none is current. */
static bool feed_from_cache(struct req *req, struct res *res, enum compress_coding coding)
{
    json_t *none, *kept;
    if (!guide_cache_get(req->path, GUIDE_CACHE_FEED - (int64_t)coding, &none, &kept))
        return false;
    res->body_len = json_string_length(kept);
    res->body = xmalloc(res->body_len + 1);
    memcpy(res->body, json_string_value(kept), res->body_len + 1);
    res->coding = compress_name(coding);
    atom_answer(res);
    json_decref(none);
    json_decref(kept);
    return true;
}

static void feed_keep(const char *path, enum compress_coding coding, uint64_t gen, const char *body,
                      size_t len)
{
    json_t *kept = json_stringn_nocheck(body, len);
    guide_cache_put(path, GUIDE_CACHE_FEED - (int64_t)coding, gen, json_null(), kept);
    json_decref(kept);
}

int guides_feed_kept(struct req *req, struct res *res, handler_fn fill)
{
    enum compress_coding want =
        compress_choose(req_header(req, "Accept-Encoding"), COMPRESS_OFFER_ALL);
    if (feed_from_cache(req, res, want))
        return 0;
    uint64_t gen = guide_cache_generation();
    if (!feed_from_cache(req, res, COMPRESS_IDENTITY)) {
        int rc = fill(req, res);
        if (rc != 0 || res->status != 0 || res->body == NULL)
            return rc;
        feed_keep(req->path, COMPRESS_IDENTITY, gen, res->body, res->body_len);
    }
    /* compressed once a coding and a change, not once a reader */
    char *coded;
    size_t coded_len;
    if (want != COMPRESS_IDENTITY && res->body_len >= COMPRESS_MIN &&
        compress_body(want, res->body, res->body_len, &coded, &coded_len) == 0) {
        feed_keep(req->path, want, gen, coded, coded_len);
        free(res->body);
        res->body = coded;
        res->body_len = coded_len;
        res->coding = compress_name(want);
    }
    return 0;
}

static int render_feed(struct req *req, struct res *res)
{
    (void)req;
    json_t *rows;
    if (db_query(&rows,
                 "SELECT id, slug, title, summary, practice, body_html, published_at, updated_at"
                 " FROM guides WHERE published = 1 ORDER BY published_at DESC LIMIT 50",
                 ":dsssssii") != DB_OK)
        return -1;
    int64_t updated = 0;
    size_t i;
    json_t *g;
    json_array_foreach (rows, i, g) {
        char t[32];
        int64_t u = json_integer_value(json_object_get(g, "updated_at"));
        guides_rfc3339(json_integer_value(json_object_get(g, "published_at")), t);
        json_object_set_new(g, "published", json_string(t));
        guides_rfc3339(u, t);
        json_object_set_new(g, "updated", json_string(t));
        updated = u > updated ? u : updated;
    }
    char t[32];
    guides_rfc3339(updated, t);
    json_t *model =
        json_pack("{s:s, s:s, s:s, s:o}", "base", base, "tag", tag, "updated", t, "entries", rows);
    int rc = guides_atom(res, "feed-guides", model);
    json_decref(model);
    return rc;
}

static int feed(struct req *req, struct res *res)
{
    return guides_feed_kept(req, res, render_feed);
}

/* ---- operators: write and publish ---- */

static int admin_list(struct req *req, struct res *res)
{
    (void)req;
    return list_guides(res,
                       "SELECT id, slug, title, practice, published, published_at, updated_at"
                       " FROM guides ORDER BY published_at DESC LIMIT 200",
                       ":dsssbii", "Guides: write and publish");
}

static int edit_page(struct req *req, struct res *res)
{
    int64_t gid = id_from(json_object_get(req->params, "id"));
    json_t *g = NULL;
    if (gid != 0) {
        int rc = res_found(res, db_row(&g,
                                       "SELECT id, slug, title, summary, practice, body,"
                                       " published, published_at FROM guides WHERE id = $1",
                                       "i:dsssssbi", gid));
        if (rc != 0)
            return rc;
        char day[32];
        time_t t = (time_t)(json_integer_value(json_object_get(g, "published_at")) / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(day, sizeof(day), "%Y-%m-%d", &tm);
        json_object_set_new(g, "date", json_string(day));
    }
    json_t *m = res_model(res), *choices = json_array();
    const char *current = g ? json_string_value(json_object_get(g, "practice")) : NULL;
    const char *typed = json_string_value(json_object_get(req->typed, "practice"));
    for (int k = 0; topics[k] != NULL; k++) {
        const char *want = typed ? typed : current;
        json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "name", topics[k], "label",
                                                 topic_labels[k], "selected",
                                                 want && !strcmp(want, topics[k])));
    }
    json_object_set_new(m, "practices", choices);
    json_object_set_new(m, "title", json_string(g ? "Edit a guide" : "A new guide"));
    json_object_set(m, "saved", json_object_get(req->input, "saved"));
    if (g != NULL)
        json_object_set_new(m, "guide", g);
    return 0;
}

/* Saves (or, with preview, only renders) the article from the form. */
static int save_guide(struct req *req, struct res *res)
{
    const char *body = req_str(req, "body"), *slug = req_str(req, "slug");
    if (strspn(slug, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(slug) || slug[0] == '-') {
        req_error(req, "slug", "Use lower-case letters, digits and dashes, like my-new-guide.");
        return 0;
    }
    char *html;
    if (render_markdown(body, &html) != 0)
        return -1;
    const char *problem = text_html_check(html);
    if (problem != NULL) {
        free(html);
        req_error(req, "body", problem);
        return 0;
    }
    if (json_is_true(json_object_get(req->input, "preview"))) {
        edit_page(req, res);
        json_object_set_new(res_model(res), "preview_html", json_string(html));
        json_object_set(res_model(res), "input", req->typed);
        free(html);
        return 0;
    }
    const char *date = req_str(req, "date");
    int64_t gid = id_from(json_object_get(req->params, "id")), now = clock_now_ms();
    int64_t when = date ? day_ms(date) : now;
    bool create = gid == 0;
    int rc;
    if (create) {
        gid = id_new();
        rc = db_exec("INSERT INTO guides (id, slug, title, summary, practice, body, body_html,"
                     " published, published_at, created_at, updated_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $9)",
                     "issssssii", gid, req_str(req, "slug"), req_str(req, "title"),
                     req_str(req, "summary"), req_str(req, "practice"), body, html, when, now);
    } else {
        rc = db_exec("UPDATE guides SET slug = $2, title = $3, summary = $4, practice = $5,"
                     " body = $6, body_html = $7, published_at = $8, updated_at = $9"
                     " WHERE id = $1",
                     "issssssii", gid, req_str(req, "slug"), req_str(req, "title"),
                     req_str(req, "summary"), req_str(req, "practice"), body, html, when, now);
        if (rc == 0) {
            free(html);
            res->status = 404;
            return 0;
        }
    }
    free(html);
    if (rc == DB_CONFLICT) {
        req_error(req, "slug", "Another guide already has this address.");
        return 0;
    }
    if (rc < 0 || guide_cache_changed() != 0)
        return -1;
    res->status = req->api && create ? 201 : 0;
    if (res_redirect(req, res,
                     arena_printf(req->arena, "/admin/guides/%lld?saved=1", (long long)gid)))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)gid));
    return 0;
}

static int set_published(struct req *req, struct res *res, int published)
{
    int64_t gid = id_from(json_object_get(req->params, "id"));
    int rc = db_exec("UPDATE guides SET published = $2, updated_at = $3 WHERE id = $1", "ibi", gid,
                     published, clock_now_ms());
    if (rc < 0 || (rc > 0 && guide_cache_changed() != 0))
        return -1;
    if (rc == 0) {
        res->status = 404;
        return 0;
    }
    if (res_redirect(req, res, "/admin/guides"))
        return 0;
    json_object_set_new(res_model(res), "published", json_boolean(published));
    return 0;
}

static int publish(struct req *req, struct res *res)
{
    return set_published(req, res, 1);
}

static int unpublish(struct req *req, struct res *res)
{
    return set_published(req, res, 0);
}

#define GUIDE_FIELDS                                                                               \
    {.name = "title",                                                                              \
     .label = "Title",                                                                             \
     .type = FIELD_STRING,                                                                         \
     .required = true,                                                                             \
     .max = GUIDE_TITLE_MAX},                                                                      \
        {.name = "slug", .label = "Address", .type = FIELD_STRING, .required = true, .max = 100},  \
        {.name = "summary",                                                                        \
         .label = "Summary",                                                                       \
         .type = FIELD_STRING,                                                                     \
         .required = true,                                                                         \
         .max = GUIDE_SUMMARY_MAX},                                                                \
        {.name = "practice",                                                                       \
         .label = "Practice",                                                                      \
         .type = FIELD_CHOICE,                                                                     \
         .required = true,                                                                         \
         .choices = topics},                                                                       \
        {.name = "date", .label = "Date", .type = FIELD_DATE},                                     \
        {.name = "body",                                                                           \
         .label = "Article",                                                                       \
         .type = FIELD_TEXT,                                                                       \
         .required = true,                                                                         \
         .max = GUIDE_BODY_MAX},                                                                   \
    {                                                                                              \
        .name = "preview", .type = FIELD_BOOL, .hidden = true                                      \
    }

const struct route guides_routes[] = {
    {.method = "GET", .pattern = "/guides", .handler = index_page, .view = "guides"},
    {.method = "GET",
     .pattern = "/guides/feed.atom",
     .handler = feed,
     .no_api = true,
     .sessionless = true},
    {.method = "GET",
     .pattern = "/guides/{slug}",
     .handler = guides_article,
     .view = "guide",
     .fields =
         {{.name = "page",
           .label = "Page",
           .type = FIELD_INT,
           .min = 1,
           .max = 1000,
           .hidden = true},
          {.name = "reply", .label = "Reply to", .type = FIELD_ID, .hidden = true},
          {.name = "posted", .type = FIELD_CHOICE, .choices = posted_states, .hidden = true}}},
    {.method = "GET",
     .pattern = "/admin/guides",
     .handler = admin_list,
     .view = "admin-guides",
     .auth = AUTH_OPERATOR},
    {.method = "GET",
     .pattern = "/admin/guides/new",
     .handler = edit_page,
     .view = "admin-guide-edit",
     .auth = AUTH_OPERATOR},
    {.method = "POST",
     .pattern = "/admin/guides",
     .handler = save_guide,
     .view = "admin-guide-edit",
     .form = edit_page,
     .auth = AUTH_OPERATOR,
     .body_max = ADMIN_BODY,
     .fields = {GUIDE_FIELDS}},
    {.method = "GET",
     .pattern = "/admin/guides/{id:id}",
     .handler = edit_page,
     .view = "admin-guide-edit",
     .auth = AUTH_OPERATOR,
     .fields = {{.name = "saved", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "POST",
     .pattern = "/admin/guides/{id:id}",
     .handler = save_guide,
     .view = "admin-guide-edit",
     .form = edit_page,
     .auth = AUTH_OPERATOR,
     .body_max = ADMIN_BODY,
     .fields = {GUIDE_FIELDS}},
    {.method = "POST",
     .pattern = "/admin/guides/{id:id}/publish",
     .handler = publish,
     .auth = AUTH_OPERATOR,
     .body_max = ACTION_BODY},
    {.method = "POST",
     .pattern = "/admin/guides/{id:id}/unpublish",
     .handler = unpublish,
     .auth = AUTH_OPERATOR,
     .body_max = ACTION_BODY},
};
const size_t guides_nroutes = ARRAY_LEN(guides_routes);
