/* pages.c: the landing page and GET /healthz. */
#include "pages/pages.h"

#include "core/util.h"
#include "http/http.h"
#include "store/db.h"

/* The landing page: what Hearth is, for a couple deciding whether to try it. */
static int landing(struct req *req, struct res *res)
{
    (void)req;
    json_object_set_new(res_model(res), "title", json_string("Hearth: grow closer, a little every day"));
    return 0;
}

/* Health: a real query, so a broken database answers 503. */
static int health(struct req *req, struct res *res)
{
    (void)req;
    int64_t versions = 0;
    json_t *m = res_model(res);
    if (db_int(&versions, "SELECT count(*) AS n FROM schema_version", "") != DB_OK) {
        res->status = 503;
        json_object_set_new(m, "status", json_string("unavailable"));
        return 0;
    }
    json_object_set_new(m, "status", json_string("ok"));
    return 0;
}

const struct route pages_routes[] = {
    {.method = "GET", .pattern = "/", .handler = landing, .view = "landing"},
    {.method = "GET", .pattern = "/healthz", .handler = health},
};
const size_t pages_nroutes = ARRAY_LEN(pages_routes);
