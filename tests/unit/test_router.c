/* Unit tests for the router (src/http/router.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "http/router.h"

static int h(struct req *req, struct res *res)
{
    (void)req;
    (void)res;
    return 0;
}

static const struct route routes[] = {
    {.method = "GET", .pattern = "/", .handler = h},
    {.method = "GET", .pattern = "/guides", .handler = h},
    {.method = "GET", .pattern = "/guides/{slug}", .handler = h},
    {.method = "POST", .pattern = "/guides/{slug}/comments", .handler = h},
    {.method = "GET", .pattern = "/share/{day:date}", .handler = h},
    {.method = "POST", .pattern = "/share/{day:date}", .handler = h},
    {.method = "GET", .pattern = "/share/archive", .handler = h},
    {.method = "POST", .pattern = "/admin/comments/{id:id}/approve", .handler = h},
    {.method = "GET", .pattern = "/page/{n:int}", .handler = h},
    {.method = "GET", .pattern = "/feed/{name:file}", .handler = h},
};

static int setup(void **state)
{
    (void)state;
    router_reset();
    router_add(routes, sizeof(routes) / sizeof(routes[0]));
    return 0;
}

static const struct route *match(const char *method, const char *path, json_t *params,
                                 enum router_result want)
{
    const struct route *r = NULL;
    char allow[64];
    assert_int_equal(router_match(method, path, &r, params, allow, sizeof(allow)), want);
    return r;
}

static void literal_paths_match_exactly(void **state)
{
    (void)state;
    assert_ptr_equal(match("GET", "/", NULL, ROUTER_FOUND), &routes[0]);
    assert_ptr_equal(match("GET", "/guides", NULL, ROUTER_FOUND), &routes[1]);
    match("GET", "/guides/", NULL, ROUTER_NOT_FOUND);
    match("GET", "/guide", NULL, ROUTER_NOT_FOUND);
    match("GET", "", NULL, ROUTER_NOT_FOUND);
    match("GET", "//", NULL, ROUTER_NOT_FOUND);
}

static void typed_parameters_are_captured(void **state)
{
    (void)state;
    json_t *p = json_object();
    assert_ptr_equal(match("GET", "/guides/listen-well-2", p, ROUTER_FOUND), &routes[2]);
    assert_string_equal(json_string_value(json_object_get(p, "slug")), "listen-well-2");
    assert_ptr_equal(match("GET", "/share/2026-11-26", p, ROUTER_FOUND), &routes[4]);
    assert_string_equal(json_string_value(json_object_get(p, "day")), "2026-11-26");
    assert_ptr_equal(match("POST", "/admin/comments/7301/approve", p, ROUTER_FOUND), &routes[7]);
    assert_string_equal(json_string_value(json_object_get(p, "id")), "7301");
    assert_ptr_equal(match("GET", "/page/12", p, ROUTER_FOUND), &routes[8]);
    assert_int_equal(json_integer_value(json_object_get(p, "n")), 12);
    assert_ptr_equal(match("GET", "/feed/Ab_9-x.ics", p, ROUTER_FOUND), &routes[9]);
    assert_string_equal(json_string_value(json_object_get(p, "name")), "Ab_9-x.ics");
    match("GET", "/feed/.ics", NULL, ROUTER_NOT_FOUND);
    match("GET", "/feed/a%2Fb.ics", NULL, ROUTER_NOT_FOUND);
    json_decref(p);
}

static void literals_win_where_declared_first_and_types_reject_bad_values(void **state)
{
    (void)state;
    assert_ptr_equal(match("GET", "/share/archive", NULL, ROUTER_FOUND), &routes[6]);
    match("GET", "/share/2026-02-30", NULL, ROUTER_NOT_FOUND);
    match("GET", "/guides/Upper-Case", NULL, ROUTER_NOT_FOUND);
    match("GET", "/guides/a.b", NULL, ROUTER_NOT_FOUND);
    match("POST", "/admin/comments/abc/approve", NULL, ROUTER_NOT_FOUND);
    match("POST", "/admin/comments/0/approve", NULL, ROUTER_NOT_FOUND);
    match("GET", "/page/-1", NULL, ROUTER_NOT_FOUND);
}

static void a_wrong_method_lists_the_allowed_ones(void **state)
{
    (void)state;
    const struct route *r = NULL;
    char allow[64];
    assert_int_equal(router_match("DELETE", "/share/2026-01-01", &r, NULL, allow, sizeof(allow)),
                     ROUTER_BAD_METHOD);
    assert_string_equal(allow, "GET, HEAD, POST");
    assert_int_equal(router_match("POST", "/guides", &r, NULL, allow, sizeof(allow)),
                     ROUTER_BAD_METHOD);
    assert_string_equal(allow, "GET, HEAD");
}

static void head_is_answered_by_get_routes(void **state)
{
    (void)state;
    assert_ptr_equal(match("HEAD", "/guides", NULL, ROUTER_FOUND), &routes[1]);
}

static void long_and_deep_paths_do_not_match(void **state)
{
    (void)state;
    char path[400] = "/guides/";
    memset(path + 8, 'a', 200);
    match("GET", path, NULL, ROUTER_NOT_FOUND);
    match("GET", "/a/b/c/d/e/f/g/h/i/j/k", NULL, ROUTER_NOT_FOUND);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(literal_paths_match_exactly, setup),
        cmocka_unit_test_setup(typed_parameters_are_captured, setup),
        cmocka_unit_test_setup(literals_win_where_declared_first_and_types_reject_bad_values,
                               setup),
        cmocka_unit_test_setup(a_wrong_method_lists_the_allowed_ones, setup),
        cmocka_unit_test_setup(head_is_answered_by_get_routes, setup),
        cmocka_unit_test_setup(long_and_deep_paths_do_not_match, setup),
    };
    return cmocka_run_group_tests_name("router", tests, NULL, NULL);
}
