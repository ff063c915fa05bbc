/* pages.c: the landing page and GET /healthz. */
#include "pages/pages.h"

#include "core/util.h"
#include "http/http.h"
#include "store/db.h"

/* Where quick exit goes: an everyday page that says nothing about Hearth. */
static const char QUICK_EXIT_URL[] = "https://www.wikipedia.org/";

static json_t *practices; /* [{name, label, summary}] of the registered ones */

void pages_set_practices(const struct practice *const *list)
{
    json_decref(practices);
    practices = list ? json_array() : NULL;
    for (size_t i = 0; list != NULL && list[i] != NULL; i++)
        json_array_append_new(practices,
                              json_pack("{s:s, s:s, s:s}", "name", list[i]->name, "label",
                                        list[i]->label, "summary", list[i]->summary));
}

/* The landing page: what Hearth is, for a couple deciding whether to try it. */
static int landing(struct req *req, struct res *res)
{
    (void)req;
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string("Hearth: grow closer, a little every day"));
    json_object_set(m, "deleted", json_object_get(req->input, "deleted"));
    json_object_set(m, "practices", practices);
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
    return 0;
}

const struct route pages_routes[] = {
    {.method = "GET",
     .pattern = "/",
     .handler = landing,
     .view = "landing",
     .fields = {{.name = "deleted", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "GET", .pattern = "/healthz", .handler = health},
    {.method = "GET", .pattern = "/safety", .handler = safety, .view = "safety"},
};
const size_t pages_nroutes = ARRAY_LEN(pages_routes);
