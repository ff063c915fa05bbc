/* home.c: GET /us, the couple's home: both names, since when, and today from
 * each practice (the daily question's state first). */
#include "pages/home.h"

#include "auth/pairing.h"
#include "core/util.h"
#include "http/http.h"
#include "practices/share.h"

static int us_page(struct req *req, struct res *res)
{
    json_t *couple = NULL, *today = NULL;
    if (pairing_couple(req, &couple) != 0)
        return -1;
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string("Us"));
    json_object_set(m, "my_name", json_object_get(req->user, "name"));
    json_object_set_new(m, "couple", couple);
    if (share_today(req, &today) != 0)
        return -1;
    /* the state of today's question: answer it, waiting, or revealed */
    const char *state = json_is_true(json_object_get(today, "revealed")) ? "revealed"
                        : json_is_null(json_object_get(today, "mine"))   ? "answer"
                                                                         : "waiting";
    json_object_set_new(today, "state", json_string(state));
    json_object_set_new(today, state, json_true());
    json_object_set_new(m, "share", today);
    return 0;
}

const struct route home_routes[] = {
    {.method = "GET", .pattern = "/us", .handler = us_page, .view = "us", .auth = AUTH_COUPLE},
};
const size_t home_nroutes = ARRAY_LEN(home_routes);
