/* Unit tests for input parsing and validation (src/http/input.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/input.h"

static const char *const moods[] = {"calm", "tired", "glad", NULL};

static const struct route form_route = {
    .method = "POST",
    .pattern = "/t",
    .body_max = 4096,
    .fields =
        {
            {.name = "name", .label = "Name", .type = FIELD_STRING, .required = true, .max = 10},
            {.name = "email", .label = "Email", .type = FIELD_EMAIL, .required = true, .max = 254},
            {.name = "password", .label = "Password", .type = FIELD_SECRET, .min = 12, .max = 128},
            {.name = "note", .label = "Note", .type = FIELD_TEXT, .max = 20},
            {.name = "count", .label = "Count", .type = FIELD_INT, .min = 1, .max = 5},
            {.name = "remember", .label = "Remember", .type = FIELD_BOOL},
            {.name = "mood", .label = "Mood", .type = FIELD_CHOICE, .choices = moods},
            {.name = "moods", .label = "Moods", .type = FIELD_CHOICES, .choices = moods},
            {.name = "day", .label = "Day", .type = FIELD_DATE},
            {.name = "parent", .label = "Reply to", .type = FIELD_ID},
            {.name = "who", .label = "Your name", .type = FIELD_NAME, .max = 40},
        },
};

struct fixture {
    struct req req;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof(*f));
    f->req.input = json_object();
    f->req.typed = json_object();
    f->req.errors = json_object();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    json_decref(f->req.input);
    json_decref(f->req.typed);
    json_decref(f->req.errors);
    free(f);
    return 0;
}

static struct req *form(void **state, const char *body)
{
    struct fixture *f = *state;
    json_t *raw = json_object();
    input_parse_form(&form_route, raw, body, strlen(body));
    input_validate(&form_route, &f->req, raw);
    return &f->req;
}

static struct req *json(void **state, const char *body)
{
    struct fixture *f = *state;
    json_t *raw = json_object();
    char err[200];
    assert_int_equal(input_parse_json(&form_route, raw, body, strlen(body), err, sizeof(err)), 0);
    input_validate(&form_route, &f->req, raw);
    return &f->req;
}

static const char *in(struct req *r, const char *k)
{
    return json_string_value(json_object_get(r->input, k));
}

static const char *error(struct req *r, const char *k)
{
    return json_string_value(json_object_get(r->errors, k));
}

static void a_valid_form_becomes_typed_values(void **state)
{
    struct req *r = form(state, "name=+Ana+Lu+&email=Ana%40Example.ORG&password=correct+horse+1"
                                "&note=line1%0D%0Aline2&count=3&remember=on&mood=calm"
                                "&moods=calm&moods=glad&moods=calm&day=2024-02-29&parent=123");
    assert_int_equal(json_object_size(r->errors), 0);
    assert_string_equal(in(r, "name"), "Ana Lu");
    assert_string_equal(in(r, "email"), "ana@example.org");
    assert_string_equal(in(r, "password"), "correct horse 1");
    assert_string_equal(in(r, "note"), "line1\r\nline2");
    assert_int_equal(json_integer_value(json_object_get(r->input, "count")), 3);
    assert_true(json_is_true(json_object_get(r->input, "remember")));
    assert_string_equal(in(r, "mood"), "calm");
    assert_int_equal(json_array_size(json_object_get(r->input, "moods")), 2);
    assert_string_equal(in(r, "day"), "2024-02-29");
    assert_string_equal(in(r, "parent"), "123");
}

static void undeclared_fields_are_dropped(void **state)
{
    struct req *r = form(state, "name=a&email=a%40b.co&is_admin=1&couple_id=9");
    assert_null(json_object_get(r->input, "is_admin"));
    assert_null(json_object_get(r->typed, "couple_id"));
}

static void missing_required_fields_get_a_message_each(void **state)
{
    struct req *r = form(state, "name=++&note=x");
    assert_string_equal(error(r, "name"), "Name is required.");
    assert_string_equal(error(r, "email"), "Email is required.");
    assert_null(error(r, "note"));
}

static void lengths_count_characters_not_bytes(void **state)
{
    /* ten two-byte characters fit a ten-character limit; eleven do not */
    struct req *r = form(state, "name=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
                                "&email=a%40b.co");
    assert_null(error(r, "name"));
    teardown(state);
    setup(state);
    r = form(state, "name=%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9%C3%A9"
                    "&email=a%40b.co&password=short");
    assert_string_equal(error(r, "name"), "Name must be at most 10 characters.");
    assert_string_equal(error(r, "password"), "Password must be at least 12 characters.");
}

static void invalid_utf8_is_refused_but_kept_for_the_form(void **state)
{
    struct req *r = form(state, "name=ab%FFcd&email=a%40b.co");
    assert_non_null(strstr(error(r, "name"), "not valid text"));
    assert_null(json_object_get(r->input, "name"));
    assert_string_equal(json_string_value(json_object_get(r->typed, "name")), "ab\xEF\xBF\xBD"
                                                                              "cd");
}

static void secrets_are_never_echoed_back(void **state)
{
    struct req *r = form(state, "name=a&email=bad&password=short");
    assert_null(json_object_get(r->typed, "password"));
    assert_string_equal(json_string_value(json_object_get(r->typed, "email")), "bad");
}

static void bad_emails_numbers_choices_dates_and_ids_are_refused(void **state)
{
    struct req *r = form(state, "name=a&email=a%40b&count=9&mood=angry&moods=x&day=2023-02-29"
                                "&parent=-4");
    assert_non_null(strstr(error(r, "email"), "email address"));
    assert_string_equal(error(r, "count"), "Count must be between 1 and 5.");
    assert_non_null(strstr(error(r, "mood"), "offered choices"));
    assert_non_null(strstr(error(r, "moods"), "offered choices"));
    assert_non_null(strstr(error(r, "day"), "YYYY-MM-DD"));
    assert_non_null(strstr(error(r, "parent"), "not a valid reference"));
}

static void control_characters_are_refused(void **state)
{
    struct req *r = form(state, "name=a%00b&email=a%40b.co&note=ok%0Afine%07");
    assert_non_null(strstr(error(r, "name"), "single line"));
    assert_non_null(strstr(error(r, "note"), "control characters"));
}

static void names_refuse_direction_overrides_and_zero_width_characters(void **state)
{
    /* U+202E right-to-left override, U+200B zero-width space, U+2066 isolate,
     * U+FEFF byte order mark, U+E0041 a tag character */
    const char *bad[] = {"who=Ana%E2%80%AEnimda", "who=An%E2%80%8Ba", "who=%E2%81%A6Ana",
                         "who=Ana%EF%BB%BF", "who=Ana%F3%A0%81%81"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct fixture *f = *state;
        json_object_clear(f->req.errors);
        json_object_clear(f->req.input);
        struct req *r = form(state, bad[i]);
        assert_non_null(error(r, "who"));
        assert_non_null(strstr(error(r, "who"), "invisible formatting"));
        assert_null(in(r, "who"));
    }
    /* right-to-left scripts and accents are names like any other */
    struct fixture *f = *state;
    json_object_clear(f->req.errors);
    struct req *r = form(state, "who=%D7%A0%D7%95%D7%A2%D7%94+Zo%C3%AB");
    assert_null(error(r, "who"));
    assert_string_equal(in(r, "who"), "נועה Zoë");
}

static void too_many_form_fields_are_refused(void **state)
{
    (void)state;
    char body[INPUT_MAX_PAIRS * 4 + 16];
    size_t n = 0;
    for (int i = 0; i <= INPUT_MAX_PAIRS; i++)
        n += (size_t)snprintf(body + n, sizeof(body) - n, "x=1&");
    json_t *raw = json_object();
    assert_int_equal(input_parse_form(&form_route, raw, body, n), -1);
    json_decref(raw);
    raw = json_object();
    assert_int_equal(input_parse_form(&form_route, raw, body, n - 4), 0);
    json_decref(raw);
}

static void unchecked_boxes_are_false_and_empty_optionals_absent(void **state)
{
    struct req *r = form(state, "name=a&email=a%40b.co&count=&mood=&day=");
    assert_true(json_is_false(json_object_get(r->input, "remember")));
    assert_null(json_object_get(r->input, "count"));
    assert_null(json_object_get(r->input, "day"));
    assert_int_equal(json_object_size(r->errors), 0);
}

static void json_bodies_use_native_types(void **state)
{
    struct req *r = json(state, "{\"name\":\"Bo\",\"email\":\"bo@x.io\",\"count\":2,"
                                "\"remember\":true,\"moods\":[\"tired\"],\"extra\":{}}");
    assert_int_equal(json_object_size(r->errors), 0);
    assert_int_equal(json_integer_value(json_object_get(r->input, "count")), 2);
    assert_true(json_is_true(json_object_get(r->input, "remember")));
    assert_null(json_object_get(r->input, "extra"));
}

static void json_values_of_the_wrong_type_are_refused(void **state)
{
    struct req *r = json(state, "{\"name\":5,\"email\":\"bo@x.io\",\"count\":\"many\","
                                "\"remember\":\"perhaps\"}");
    assert_string_equal(error(r, "name"), "Name must be text.");
    assert_string_equal(error(r, "count"), "Count must be a whole number.");
    assert_non_null(error(r, "remember"));
}

static void malformed_json_and_non_objects_are_rejected(void **state)
{
    (void)state;
    json_t *raw = json_object();
    char err[200];
    assert_int_equal(input_parse_json(&form_route, raw, "{\"name\":", 8, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not valid JSON"));
    assert_int_equal(input_parse_json(&form_route, raw, "[1]", 3, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "JSON object"));
    assert_int_equal(input_parse_json(&form_route, raw, "{\"a\":1,\"a\":2}", 13, err, sizeof(err)),
                     -1);
    assert_int_equal(
        input_parse_json(&form_route, raw, "{\"name\":\"\xff\"}", 11, err, sizeof(err)), -1);
    json_decref(raw);
}

static void dates_are_real_calendar_days(void **state)
{
    (void)state;
    assert_true(input_is_date("2024-02-29", 10));
    assert_false(input_is_date("2023-02-29", 10));
    assert_false(input_is_date("2024-13-01", 10));
    assert_false(input_is_date("2024-1-01x", 10));
    assert_false(input_is_date("24-01-01", 8));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_valid_form_becomes_typed_values, setup, teardown),
        cmocka_unit_test_setup_teardown(undeclared_fields_are_dropped, setup, teardown),
        cmocka_unit_test_setup_teardown(missing_required_fields_get_a_message_each, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(lengths_count_characters_not_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(invalid_utf8_is_refused_but_kept_for_the_form, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(secrets_are_never_echoed_back, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_emails_numbers_choices_dates_and_ids_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(control_characters_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(unchecked_boxes_are_false_and_empty_optionals_absent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(json_bodies_use_native_types, setup, teardown),
        cmocka_unit_test_setup_teardown(json_values_of_the_wrong_type_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(malformed_json_and_non_objects_are_rejected, setup,
                                        teardown),
        cmocka_unit_test(dates_are_real_calendar_days),
        cmocka_unit_test_setup_teardown(names_refuse_direction_overrides_and_zero_width_characters,
                                        setup, teardown),
        cmocka_unit_test(too_many_form_fields_are_refused),
    };
    return cmocka_run_group_tests_name("input", tests, NULL, NULL);
}
