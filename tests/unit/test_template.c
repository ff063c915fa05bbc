/* Unit tests for the template engine (src/view/template.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/template.h"

/* Compiles src as "t" with the given partials ("name", "src", ...), renders it
 * against model (a JSON text) and returns the output (caller frees), or NULL
 * when compilation failed (err gets the message). */
static char *render(const char *src, const char *model, char *err, size_t errlen,
                    const char *partial_name, const char *partial_src)
{
    struct tpl_set *set = tpl_set_new();
    char *result = NULL;
    if (tpl_set_add(set, "t", TPL_HTML, src, strlen(src), err, errlen) != 0)
        goto out;
    if (partial_name != NULL && tpl_set_add(set, partial_name, TPL_HTML, partial_src,
                                            strlen(partial_src), err, errlen) != 0)
        goto out;
    if (tpl_set_link(set, err, errlen) != 0)
        goto out;
    json_t *m = json_loads(model, 0, NULL);
    assert_non_null(m);
    struct buf out;
    buf_init(&out, 1 << 20);
    json_t *ctx[1] = {m};
    assert_int_equal(tpl_render(tpl_set_get(set, "t"), ctx, 1, &out), 0);
    result = buf_take(&out, NULL);
    json_decref(m);
out:
    tpl_set_free(set);
    return result;
}

static void expect(const char *src, const char *model, const char *want)
{
    char err[256] = "";
    char *got = render(src, model, err, sizeof(err), NULL, NULL);
    if (got == NULL)
        fail_msg("compile failed: %s", err);
    assert_string_equal(got, want);
    free(got);
}

static void expect_compile_error(const char *src, const char *want_substring)
{
    char err[256] = "";
    char *got = render(src, "{}", err, sizeof(err), NULL, NULL);
    assert_null(got);
    if (strstr(err, want_substring) == NULL)
        fail_msg("error '%s' does not mention '%s'", err, want_substring);
}

static void variables_escape_all_five_html_characters(void **state)
{
    (void)state;
    expect("<p>{{x}}</p>", "{\"x\": \"<a href='x' title=\\\"t\\\">&</a>\"}",
           "<p>&lt;a href=&#39;x&#39; title=&quot;t&quot;&gt;&amp;&lt;/a&gt;</p>");
}

static void raw_output_is_only_for_names_ending_in_html(void **state)
{
    (void)state;
    expect("{{{body_html}}}|{{& body_html}}", "{\"body_html\": \"<b>ok</b>\"}",
           "<b>ok</b>|<b>ok</b>");
    expect_compile_error("{{{body}}}", "_html");
    expect_compile_error("{{&comment}}", "_html");
}

static void numbers_booleans_and_missing_values_render_plainly(void **state)
{
    (void)state;
    expect("{{n}} {{r}} {{t}} [{{f}}] [{{missing}}] [{{nil}}]",
           "{\"n\": 42, \"r\": 1.5, \"t\": true, \"f\": false, \"nil\": null}",
           "42 1.5 true [] [] []");
}

static void dotted_names_walk_into_objects(void **state)
{
    (void)state;
    expect("{{a.b.c}}/{{a.x.y}}", "{\"a\": {\"b\": {\"c\": \"deep\"}}}", "deep/");
}

static void numeric_parts_index_lists(void **state)
{
    (void)state;
    expect("{{#xs.0}}first {{xs.0.n}}{{/xs.0}}{{^ys.0}} ys empty{{/ys.0}} [{{xs.9}}]",
           "{\"xs\": [{\"n\": 7}], \"ys\": []}", "first 7 ys empty []");
}

static void sections_iterate_lists_and_nest(void **state)
{
    (void)state;
    expect("{{#days}}[{{day}}:{{#items}}{{.}},{{/items}}]{{/days}}",
           "{\"days\": [{\"day\": 1, \"items\": [\"a\", \"b\"]}, {\"day\": 2, \"items\": []}]}",
           "[1:a,b,][2:]");
}

static void sections_see_outer_names(void **state)
{
    (void)state;
    expect("{{#people}}{{name}} of {{team}};{{/people}}",
           "{\"team\": \"us\", \"people\": [{\"name\": \"A\"}, {\"name\": \"B\"}]}",
           "A of us;B of us;");
}

static void sections_enter_objects_and_show_truthy_scalars_once(void **state)
{
    (void)state;
    expect("{{#user}}hi {{name}}{{/user}}|{{#on}}yes{{/on}}|{{#zero}}no{{/zero}}",
           "{\"user\": {\"name\": \"Sam\"}, \"on\": true, \"zero\": 0}", "hi Sam|yes|");
}

static void inverted_sections_render_for_falsy_values(void **state)
{
    (void)state;
    expect("{{^list}}empty{{/list}}{{^s}}blank{{/s}}{{^gone}}missing{{/gone}}{{^t}}x{{/t}}",
           "{\"list\": [], \"s\": \"\", \"t\": true}", "emptyblankmissing");
}

static void comments_render_nothing(void **state)
{
    (void)state;
    expect("a{{! a note }}b", "{}", "ab");
}

static void partials_render_with_the_same_context(void **state)
{
    (void)state;
    char err[256] = "";
    char *got = render("<ul>{{#xs}}{{> item}}{{/xs}}</ul>", "{\"xs\": [\"<1>\", \"2\"]}", err,
                       sizeof(err), "item", "<li>{{.}}</li>");
    assert_non_null(got);
    assert_string_equal(got, "<ul><li>&lt;1&gt;</li><li>2</li></ul>");
    free(got);
}

static int fill_page(void *arg, struct buf *out)
{
    int *calls = arg;
    (*calls)++;
    return buf_puts(out, "<p>the page</p>");
}

static int fill_fails(void *arg, struct buf *out)
{
    (void)arg;
    (void)out;
    return -1;
}

static void a_hole_is_filled_where_it_stands_and_nowhere_else(void **state)
{
    (void)state;
    char err[256] = "";
    struct tpl_set *set = tpl_set_new();
    static const char src[] =
        "<main>{{{content_html}}}</main>{{#xs}}[{{{content_html}}}]{{/xs}}{{content_html}}";
    assert_int_equal(tpl_set_add(set, "t", TPL_HTML, src, strlen(src), err, sizeof(err)), 0);
    assert_int_equal(tpl_set_link(set, err, sizeof(err)), 0);
    json_t *m = json_pack("{s:s, s:[i]}", "content_html", "<b>not this</b>", "xs", 1);
    json_t *ctx[1] = {m};
    struct buf out;
    buf_init(&out, 1 << 20);
    int calls = 0;
    assert_int_equal(
        tpl_render_hole(tpl_set_get(set, "t"), ctx, 1, &out, "content_html", fill_page, &calls), 0);
    /* raw tags of that name anywhere, sections too; an escaped one is a value */
    assert_string_equal(out.data, "<main><p>the page</p></main>[<p>the page</p>]"
                                  "&lt;b&gt;not this&lt;/b&gt;");
    assert_int_equal(calls, 2);
    buf_reset(&out);
    assert_int_equal(
        tpl_render_hole(tpl_set_get(set, "t"), ctx, 1, &out, "content_html", fill_fails, NULL), -1);
    buf_free(&out);
    json_decref(m);
    tpl_set_free(set);
}

static void unknown_partials_fail_at_link_time_with_the_line(void **state)
{
    (void)state;
    char err[256] = "";
    char *got = render("line one\n{{> nowhere}}", "{}", err, sizeof(err), NULL, NULL);
    assert_null(got);
    assert_non_null(strstr(err, "t:2:"));
    assert_non_null(strstr(err, "nowhere"));
}

static void malformed_templates_report_file_and_line(void **state)
{
    (void)state;
    expect_compile_error("ok\n\n{{name", "t:3: unclosed tag");
    expect_compile_error("{{#a}}\n{{/b}}", "t:2: closing tag does not match");
    expect_compile_error("{{#a}}never closed", "t:1: section 'a' is never closed");
    expect_compile_error("{{/a}}", "closing tag without an open section");
    expect_compile_error("{{}}", "empty tag name");
    expect_compile_error("{{bad name}}", "tag names may hold only");
    expect_compile_error("{{a..b}}", "malformed dotted name");
}

static void output_stops_at_the_buffer_maximum(void **state)
{
    (void)state;
    struct tpl_set *set = tpl_set_new();
    char err[128];
    assert_int_equal(
        tpl_set_add(set, "t", TPL_HTML, "{{#xs}}0123456789{{/xs}}", 24, err, sizeof(err)), 0);
    json_t *m = json_pack("{s:[iiiii]}", "xs", 1, 2, 3, 4, 5);
    struct buf out;
    buf_init(&out, 30);
    json_t *ctx[1] = {m};
    assert_int_equal(tpl_render(tpl_set_get(set, "t"), ctx, 1, &out), -1);
    assert_true(out.overflow);
    buf_free(&out);
    json_decref(m);
    tpl_set_free(set);
}

/* Renders src, compiled as type esc, against model; returns the output or
 * NULL when rendering failed. */
static char *render_as(enum tpl_escape esc, const char *src, const char *model)
{
    struct tpl_set *set = tpl_set_new();
    char err[256];
    assert_int_equal(tpl_set_add(set, "t", esc, src, strlen(src), err, sizeof(err)), 0);
    json_t *m = json_loads(model, 0, NULL);
    assert_non_null(m);
    struct buf out;
    buf_init(&out, 1 << 16);
    json_t *ctx[1] = {m};
    char *result = NULL;
    if (tpl_render(tpl_set_get(set, "t"), ctx, 1, &out) == 0)
        result = buf_take(&out, NULL);
    buf_free(&out);
    json_decref(m);
    tpl_set_free(set);
    return result;
}

static void expect_as(enum tpl_escape esc, const char *src, const char *model, const char *want)
{
    char *got = render_as(esc, src, model);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void each_output_type_has_its_escaper(void **state)
{
    (void)state;
    const char *model = "{\"v\": \"a<b>&\\\"c'; d, e\\\\f\\ng\\u0001h\\ti\"}";
    expect_as(TPL_HTML, "{{v}}", model, "a&lt;b&gt;&amp;&quot;c&#39;; d, e\\f\ng\001h\ti");
    expect_as(TPL_XML, "{{v}}", model, "a&lt;b&gt;&amp;&quot;c&apos;; d, e\\f\ngh\ti");
    expect_as(TPL_ICAL, "SUMMARY:{{v}}", model, "SUMMARY:a<b>&\"c'\\; d\\, e\\\\f\\nghi");
    expect_as(TPL_TEXT, "{{v}}", model, "a<b>&\"c'; d, e\\f\ngh\ti");
}

static void icalendar_lines_end_in_crlf_and_fold_at_75_octets(void **state)
{
    (void)state;
    /* 80 ASCII characters after "X:" make a line of 82 octets */
    char model[200], want[300];
    char text[81];
    memset(text, 'a', 80);
    text[80] = '\0';
    snprintf(model, sizeof(model), "{\"v\": \"%s\"}", text);
    snprintf(want, sizeof(want), "BEGIN:VEVENT\r\nX:%.*s\r\n %s\r\nEND:VEVENT\r\n", 73, text,
             text + 73);
    expect_as(TPL_ICAL, "BEGIN:VEVENT\nX:{{v}}\nEND:VEVENT\n", model, want);
    /* a fold never splits a character: "é" is two octets */
    char *got = render_as(TPL_ICAL, "X:{{v}}\n",
                          "{\"v\": \"ééééééééééééééééééééééééééééééééééééééééééééééééééééé\"}");
    assert_non_null(got);
    for (char *line = got; *line;) {
        char *end = strstr(line, "\r\n");
        assert_non_null(end);
        assert_true(end - line <= 75);
        assert_true(((unsigned char)end[-1] & 0xC0) != 0xC0); /* not cut after a lead byte */
        line = end + 2;
    }
    free(got);
}

static void strict_mode_fails_on_a_name_that_names_nothing(void **state)
{
    (void)state;
    tpl_strict(true);
    assert_null(render_as(TPL_HTML, "<p>{{missing}}</p>", "{}"));
    assert_null(render_as(TPL_HTML, "{{{missing_html}}}", "{}"));
    /* a member missing from an object that is there renders as nothing */
    expect_as(TPL_HTML, "[{{errors.email}}]", "{\"errors\": {}}", "[]");
    /* sections test presence, so an absent name is fine there */
    expect_as(TPL_HTML, "{{#saved}}yes{{/saved}}{{^saved}}no{{/saved}}", "{}", "no");
    expect_as(TPL_HTML, "{{#xs}}{{.}}{{/xs}}", "{\"xs\": [1, 2]}", "12");
    tpl_strict(false);
    expect_as(TPL_HTML, "<p>{{missing}}</p>", "{}", "<p></p>");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(variables_escape_all_five_html_characters),
        cmocka_unit_test(raw_output_is_only_for_names_ending_in_html),
        cmocka_unit_test(numbers_booleans_and_missing_values_render_plainly),
        cmocka_unit_test(dotted_names_walk_into_objects),
        cmocka_unit_test(numeric_parts_index_lists),
        cmocka_unit_test(sections_iterate_lists_and_nest),
        cmocka_unit_test(sections_see_outer_names),
        cmocka_unit_test(sections_enter_objects_and_show_truthy_scalars_once),
        cmocka_unit_test(inverted_sections_render_for_falsy_values),
        cmocka_unit_test(comments_render_nothing),
        cmocka_unit_test(partials_render_with_the_same_context),
        cmocka_unit_test(a_hole_is_filled_where_it_stands_and_nowhere_else),
        cmocka_unit_test(unknown_partials_fail_at_link_time_with_the_line),
        cmocka_unit_test(malformed_templates_report_file_and_line),
        cmocka_unit_test(output_stops_at_the_buffer_maximum),
        cmocka_unit_test(each_output_type_has_its_escaper),
        cmocka_unit_test(icalendar_lines_end_in_crlf_and_fold_at_75_octets),
        cmocka_unit_test(strict_mode_fails_on_a_name_that_names_nothing),
    };
    return cmocka_run_group_tests_name("template", tests, NULL, NULL);
}
