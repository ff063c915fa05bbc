/* app.c: Hearth's modules in one place. The practices are a registry (the
 * list below): their routes, migrations, cards on /us, places on the landing
 * page and among the guides' topics, exports, erasures and couple endings
 * all come from it, so a practice not listed here shows nowhere. */
#include "app.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/accounts.h"
#include "auth/pairing.h"
#include "auth/reset.h"
#include "auth/password.h"
#include "auth/session.h"
#include "core/log.h"
#include "core/tz.h"
#include "core/util.h"
#include "guides/comments.h"
#include "guides/guides.h"
#include "http/events.h"
#include "http/router.h"
#include "pages/home.h"
#include "pages/keepsake.h"
#include "pages/pages.h"
#include "practices/dreams/dreams.h"
#include "practices/listen/listen.h"
#include "practices/time/time.h"
#include "practices/share/share.h"
#include "practices/signals/signals.h"
#include "practices/trust/trust.h"
#include "store/jobs.h"
#include "view/view.h"

static const struct practice *const practices[] = {&listen_practice,
                                                   &share_practice,
                                                   &time_practice,
                                                   &signals_practice,
                                                   &trust_practice,
                                                   &dreams_practice,
                                                   NULL};

/* Modules with tables before the practices, in the order they migrate. */
static const char *const core_modules[] = {"core", "auth", "guides"};

const char *const *app_modules(void)
{
    static const char *list[ARRAY_LEN(core_modules) + ARRAY_LEN(practices)];
    if (list[0] == NULL) {
        size_t n = 0;
        for (size_t i = 0; i < ARRAY_LEN(core_modules); i++)
            list[n++] = core_modules[i];
        for (size_t i = 0; practices[i] != NULL; i++)
            list[n++] = practices[i]->name;
        list[n] = NULL;
    }
    return list;
}

void app_register_routes(void)
{
    router_add(pages_routes, pages_nroutes);
    router_add(accounts_routes, accounts_nroutes);
    router_add(pairing_routes, pairing_nroutes);
    router_add(reset_routes, reset_nroutes);
    router_add(home_routes, home_nroutes);
    router_add(guides_routes, guides_nroutes);
    router_add(comments_routes, comments_nroutes);
    router_add(events_routes, events_nroutes);
    router_add(keepsake_routes, keepsake_nroutes);
    for (size_t i = 0; practices[i] != NULL; i++)
        router_add(practices[i]->routes, practices[i]->nroutes);
    /* the guides' form offers the registered practices as topics */
    guides_set_practices(practices);
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
    json_array_append_new(ctx, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:o}", "method", r->method,
                                         "pattern", r->pattern, "auth", auth[r->auth], "api",
                                         !r->no_api, "stream", r->stream, "sessionless",
                                         r->sessionless, "fields", fields));
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

static size_t started; /* practices whose start ran */

#ifdef HEARTH_TEST_FAULTS
/* Test builds: a job whose every run records one event ("test.probe", its
 * key as the id), so a test counts how often a job ran. */
static int probe(const char *key, const char *payload)
{
    int64_t n = 0;
    (void)payload;
    if (parse_int64(key, strlen(key), &n) != 0)
        return -1;
    return events_emit(0, 0, "test.probe", n) < 0 ? -1 : 0;
}

static const struct job_kind probe_kind = {"test-probe", probe, 0};
#endif

int app_start(const struct app_config *cfg)
{
    tz_init();
    password_init(cfg->threads);
    struct session_config sc = {
        .base_url = cfg->base_url,
        .idle_ms = cfg->session_idle_ms,
        .absolute_ms = cfg->session_absolute_ms,
    };
    if (session_init(&sc) != 0 || accounts_init(cfg->signups_per_hour) != 0 ||
        guides_init(cfg->base_url) != 0 || comments_init() != 0)
        return -1;
    pairing_init(cfg->base_url);
    reset_init();
    /* where links that leave the site start (a calendar's address) */
    json_object_set_new(view_site(), "base_url", json_string(cfg->base_url));
    for (started = 0; practices[started] != NULL; started++) {
        const struct practice *p = practices[started];
        if (p->start != NULL && p->start() != 0) {
            log_error("app: %s did not start", p->name);
            return -1;
        }
        if (p->export_person != NULL)
            accounts_add_export(p->name, p->export_person);
        if (p->erase_person != NULL)
            accounts_add_erase(p->erase_person);
        if (p->couple_ended != NULL)
            pairing_add_ended(p->couple_ended);
        for (size_t k = 0; k < p->njobs; k++)
            jobs_register(&p->jobs[k]);
    }
    home_set_practices(practices);
    pages_init();
    pages_set_practices(practices);
    keepsake_set_practices(practices);
#ifdef HEARTH_TEST_FAULTS
    jobs_register(&probe_kind);
#endif
    /* the scheduler last: every kind is registered by now */
    return events_start() == 0 && jobs_start() == 0 ? 0 : -1;
}

void app_stop(void)
{
    jobs_stop();
    while (started > 0) {
        const struct practice *p = practices[--started];
        if (p->stop != NULL)
            p->stop();
    }
    pages_set_practices(NULL);
    home_set_practices(NULL);
    keepsake_set_practices(NULL);
    reset_shutdown();
    pairing_shutdown();
    accounts_shutdown();
    session_shutdown();
    tz_shutdown();
}
