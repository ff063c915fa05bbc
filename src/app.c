/* app.c: the list of Hearth's modules. Adding a module means adding its
 * routes and its start-up here. */
#include "app.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>

#include "auth/accounts.h"
#include "auth/pairing.h"
#include "auth/password.h"
#include "auth/session.h"
#include "core/tz.h"
#include "core/util.h"
#include "guides/comments.h"
#include "guides/guides.h"
#include "http/router.h"
#include "pages/home.h"
#include "pages/pages.h"
#include "practices/share.h"

const char *const app_modules[] = {"core", "auth", "guides", "share", NULL};

void app_register_routes(void)
{
    router_add(pages_routes, pages_nroutes);
    router_add(accounts_routes, accounts_nroutes);
    router_add(pairing_routes, pairing_nroutes);
    router_add(share_routes, share_nroutes);
    router_add(home_routes, home_nroutes);
    router_add(guides_routes, guides_nroutes);
    router_add(comments_routes, comments_nroutes);
}

static void print_route(const struct route *r, void *ctx)
{
    static const char *const auth[] = {"none", "user", "couple", "operator"};
    static const char *const types[] = {"string", "text",    "secret", "email", "int", "bool",
                                        "choice", "choices", "date",   "id",    "name"};
    json_t *fields = json_array();
    for (size_t i = 0; i < ROUTE_MAX_FIELDS && r->fields[i].name != NULL; i++) {
        const struct field *f = &r->fields[i];
        json_t *choices = json_array();
        for (const char *const *c = f->choices; c && *c; c++)
            json_array_append_new(choices, json_string(*c));
        json_array_append_new(fields, json_pack("{s:s, s:s, s:b, s:I, s:I, s:o}", "name", f->name,
                                                "type", types[f->type], "required", f->required,
                                                "min", (json_int_t)f->min, "max",
                                                (json_int_t)f->max, "choices", choices));
    }
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:b, s:o}", "method", r->method,
                                         "pattern", r->pattern, "auth", auth[r->auth], "api",
                                         !r->no_api, "fields", fields));
}

void app_print_routes(void)
{
    json_t *list = json_array();
    router_each(print_route, list);
    char *text = json_dumps(list, JSON_INDENT(1));
    puts(text);
    free(text);
    json_decref(list);
}

int app_start(const struct app_config *cfg)
{
    tz_init();
    password_init(cfg->threads);
    struct session_config sc = {
        .base_url = cfg->base_url,
        .idle_ms = cfg->session_idle_ms,
        .absolute_ms = cfg->session_absolute_ms,
    };
    if (session_init(&sc) != 0 || accounts_init(cfg->signups_per_hour) != 0 || share_init() != 0 ||
        guides_init(cfg->base_url) != 0 || comments_init() != 0)
        return -1;
    pairing_init(cfg->base_url);
    return 0;
}

void app_stop(void)
{
    share_shutdown();
    pairing_shutdown();
    accounts_shutdown();
    session_shutdown();
    tz_shutdown();
}
