/* keepsake.c: GET /keepsake says what the keepsake is; POST /keepsake, with
 * the person's password (it is everything at once), answers the file. Each
 * practice adds its entries (practice.h: keepsake); they are put in date
 * order and rendered with templates/keepsake-file.html, a standalone page
 * with its own styles. */
#include "pages/keepsake.h"

#include <stdlib.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/password.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/http.h"
#include "view/view.h"

enum { KEEPSAKE_MAX = 64 * 1024 * 1024 }; /* bytes of the file, at most */

static const struct practice *const *practices;

void keepsake_set_practices(const struct practice *const *list)
{
    practices = list;
}

static int keepsake_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    json_object_set_new(m, "title", json_string("Your keepsake"));
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    return 0;
}

static int by_time(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "sort"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "sort"));
    return (x > y) - (x < y);
}

static int keepsake_file(struct req *req, struct res *res)
{
    if (!accounts_confirm_password(req, res, "password"))
        return 0;
    json_t *list = json_array();
    for (size_t i = 0; practices != NULL && practices[i] != NULL; i++)
        if (practices[i]->keepsake != NULL && practices[i]->keepsake(req, list) != 0) {
            json_decref(list);
            return -1;
        }
    /* in date order */
    size_t n = json_array_size(list);
    json_t **sorted = xmalloc((n ? n : 1) * sizeof(*sorted));
    for (size_t i = 0; i < n; i++)
        sorted[i] = json_incref(json_array_get(list, i));
    qsort(sorted, n, sizeof(*sorted), by_time);
    json_array_clear(list);
    for (size_t i = 0; i < n; i++)
        json_array_append_new(list, sorted[i]);
    free(sorted);
    char today[TZ_DAY_WORDS];
    tz_day_words(req->couple->today, NULL, today);
    json_t *model = json_pack("{s:s, s:s, s:s, s:o}", "me",
                              json_string_value(json_object_get(req->user, "name")), "partner",
                              req->couple->partner_name, "made", today, "entries", list);
    struct buf out;
    buf_init(&out, KEEPSAKE_MAX);
    int rc = view_plain("keepsake-file", model, &out);
    json_decref(model);
    if (rc != 0) {
        buf_free(&out);
        return -1;
    }
    res->body = buf_take(&out, &res->body_len);
    res->content_type = "text/html; charset=utf-8";
    res_header(req, res, "Content-Disposition", "attachment; filename=\"hearth-keepsake.html\"");
    return 0;
}

const struct route keepsake_routes[] = {
    {.method = "GET",
     .pattern = "/keepsake",
     .handler = keepsake_page,
     .view = "keepsake",
     .auth = AUTH_COUPLE,
     .no_api = true},
    {.method = "POST",
     .pattern = "/keepsake",
     .handler = keepsake_file,
     .slow = true,
     .admit = accounts_admit_confirm,
     .view = "keepsake",
     .form = keepsake_page,
     .auth = AUTH_COUPLE,
     .no_api = true,
     .body_max = ACTION_BODY,
     .fields = {{.name = "password",
                 .label = "Password",
                 .type = FIELD_SECRET,
                 .required = true,
                 .max = PASSWORD_MAX}}},
};
const size_t keepsake_nroutes = ARRAY_LEN(keepsake_routes);
