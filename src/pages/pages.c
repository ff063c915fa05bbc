/* pages.c: the landing page, GET /healthz and the safety page, and the
 * quick-exit address every private page links to. */
#include "pages/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/util.h"
#include "http/http.h"
#include "http/static.h"
#include "store/db.h"
#include "view/view.h"

/* Where quick exit goes: an everyday page that says nothing about Hearth. */
static const char QUICK_EXIT_URL[] = "https://www.wikipedia.org/";

void pages_init(void)
{
    /* the layout's quick-exit button and the safety page read it from here */
    json_object_set_new(view_site(), "quick_exit_url", json_string(QUICK_EXIT_URL));
}

/* What the landing page says of the registered practices, made once:
 * {practices [{name, label, summary}], moments [{when, text}] in the order
 * of the day, everyday "a, b and c"}. */
static json_t *registered;

static int by_hour(const void *a, const void *b)
{
    const struct practice_moment *x = *(const struct practice_moment *const *)a;
    const struct practice_moment *y = *(const struct practice_moment *const *)b;
    return x->hour - y->hour;
}

void pages_set_practices(const struct practice *const *list)
{
    enum { MOMENTS_MAX = 32 };
    json_decref(registered);
    registered = NULL;
    if (list == NULL)
        return;
    json_t *cards = json_array(), *moments = json_array();
    const struct practice_moment *day[MOMENTS_MAX] = {NULL};
    size_t n = 0, count = 0;
    char everyday[512] = "";
    for (size_t i = 0; list[i] != NULL; i++) {
        const struct practice *p = list[i];
        json_array_append_new(cards, json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "name", p->name,
                                               "label", p->label, "summary", p->summary, "sees",
                                               p->partner_sees, "never", p->partner_never));
        for (size_t k = 0; k < p->nmoments && n < MOMENTS_MAX; k++)
            day[n++] = &p->moments[k];
        if (p->everyday != NULL)
            count++;
    }
    qsort(day, n, sizeof(day[0]), by_hour);
    for (size_t k = 0; k < n; k++)
        json_array_append_new(moments,
                              json_pack("{s:s, s:s}", "when", day[k]->when, "text", day[k]->text));
    /* "a", "a and b", "a, b and c", with a capital first letter */
    size_t seen = 0;
    for (size_t i = 0; list[i] != NULL; i++) {
        if (list[i]->everyday == NULL)
            continue;
        size_t len = strlen(everyday);
        snprintf(everyday + len, sizeof(everyday) - len, "%s%s",
                 seen == 0           ? ""
                 : seen + 1 == count ? " and "
                                     : ", ",
                 list[i]->everyday);
        seen++;
    }
    if (everyday[0] >= 'a' && everyday[0] <= 'z')
        everyday[0] = (char)(everyday[0] - 'a' + 'A');
    registered =
        json_pack("{s:o, s:o, s:s}", "practices", cards, "moments", moments, "everyday", everyday);
}

/* The landing page: what Hearth is, for a couple deciding whether to try it. */
static int landing(struct req *req, struct res *res)
{
    (void)req;
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string("Hearth: grow closer, a little every day"));
    json_object_set(m, "deleted", json_object_get(req->input, "deleted"));
    json_object_update(m, registered);
    return 0;
}

/* Health: a real query, so a broken database answers 503. */
static int health(struct req *req, struct res *res)
{
    (void)req;
    int64_t versions = 0;
    json_t *m = res_model(res);
    if (db_int(&versions, "SELECT count(*) AS n FROM schema_migrations", "") != DB_OK) {
        res->status = 503;
        json_object_set_new(m, "status", json_string("unavailable"));
        return 0;
    }
    json_object_set_new(m, "status", json_string("ok"));
    return 0;
}

/* Safety: what the partner can and cannot see, how to leave, quick exit. */
static int safety(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string("Safety and privacy"));
    json_object_set_new(m, "signed_in", json_boolean(req->user_id != 0));
    json_object_set_new(m, "paired", json_boolean(req->couple_id != 0));
    json_object_set_new(m, "quick_exit_url", json_string(QUICK_EXIT_URL));
    json_object_set(m, "practices", json_object_get(registered, "practices"));
    return 0;
}

/* The web app manifest (static/manifest.webmanifest), served at the root
 * where browsers look for an installable site's: name, start page (/us),
 * standalone display, the palette's background colour and the icons. */
static int manifest(struct req *req, struct res *res)
{
    (void)req;
    struct static_file f;
    if (static_find("/static/manifest.webmanifest", NULL, &f) != 0)
        return -1;
    res->body = xmalloc(f.size);
    memcpy(res->body, f.data, f.size);
    res->body_len = f.size;
    if (f.owned)
        free((void *)f.data);
    res->content_type = "application/manifest+json";
    res->cache_control = "public, max-age=3600";
    return 0;
}

const struct route pages_routes[] = {
    {.method = "GET",
     .pattern = "/",
     .handler = landing,
     .view = "landing",
     .fields = {{.name = "deleted", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "GET", .pattern = "/healthz", .handler = health, .sessionless = true},
    {.method = "GET",
     .pattern = "/manifest.webmanifest",
     .handler = manifest,
     .no_api = true,
     .sessionless = true},
    {.method = "GET", .pattern = "/safety", .handler = safety, .view = "safety"},
};
const size_t pages_nroutes = ARRAY_LEN(pages_routes);
