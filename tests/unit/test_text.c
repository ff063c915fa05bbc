/* Unit tests for comment text and Markdown (src/guides/text.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "guides/text.h"

/* text_to_html(text) as a string (caller frees); fails the test on an error. */
static char *plain(const char *text)
{
    struct buf out;
    buf_init(&out, 1 << 20);
    assert_int_equal(text_to_html(text, &out), 0);
    return buf_take(&out, NULL);
}

/* A failure message naming got, which is freed first (a failing check jumps
 * out of the test, so nothing allocated may be left behind). */
static char message[8192];

static const char *note(char *got, const char *what, const char *a)
{
    snprintf(message, sizeof(message), "%s %s: %s", what, a, got);
    free(got);
    return message;
}

static void expect_plain(const char *text, const char *want)
{
    char *got = plain(text);
    if (strcmp(got, want) != 0)
        fail_msg("%s\nwanted: %s", note(got, "text_to_html of", text), want);
    free(got);
}

/* text_markdown(md) as a string (caller frees). */
static char *markdown(const char *md)
{
    struct buf out;
    buf_init(&out, 1 << 20);
    assert_int_equal(text_markdown(md, strlen(md), &out), 0);
    return buf_take(&out, NULL);
}

static void expect_markdown(const char *md, const char *want)
{
    char *got = markdown(md);
    if (strcmp(got, want) != 0)
        fail_msg("%s\nwanted: %s", note(got, "text_markdown of", md), want);
    free(got);
}

/* Checks that got (freed on failure) contains needle. */
static void expect_contains(char *got, const char *needle)
{
    if (strstr(got, needle) == NULL)
        fail_msg("%s", note(got, "missing", needle));
}

static void expect_lacks(char *got, const char *needle)
{
    if (strstr(got, needle) != NULL)
        fail_msg("%s", note(got, "unwanted", needle));
}

/* The link check runs on what md4c rendered. A script-capable address must
 * either be refused, or not be rendered as an address at all. */
static void expect_refused(const char *md)
{
    char *html = markdown(md);
    const char *problem = text_html_check(html);
    if (problem != NULL) {
        assert_string_equal(problem,
                            "Links and images may only use http, https or mailto addresses.");
    } else {
        static const char *const live[] = {
            "=\"javascript:", "=\"vbscript:", "=\"data:", "=\"file:", NULL};
        for (int i = 0; live[i] != NULL; i++)
            if (strcasestr(html, live[i]) != NULL)
                fail_msg("the link check accepted a live address: %s -> %s", md, html);
    }
    free(html);
}

static void expect_accepted(const char *md)
{
    char *html = markdown(md);
    const char *problem = text_html_check(html);
    if (problem != NULL)
        fail_msg("the link check refused '%s' (%s): %s", md, html, problem);
    free(html);
}

/* ---- text_to_html ---- */

static void plain_text_is_one_paragraph(void **state)
{
    (void)state;
    expect_plain("Hello there", "<p>Hello there</p>");
    expect_plain("", "<p></p>");
}

static void every_html_character_is_escaped(void **state)
{
    (void)state;
    expect_plain("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>");
    expect_plain("<img src=x onerror=alert(1)>", "<p>&lt;img src=x onerror=alert(1)&gt;</p>");
    expect_plain("\"'><svg onload=alert(1)>", "<p>&quot;&#39;&gt;&lt;svg onload=alert(1)&gt;</p>");
    expect_plain("&lt;b&gt; & {{site.name}}", "<p>&amp;lt;b&amp;gt; &amp; {{site.name}}</p>");
}

static void only_web_addresses_become_markup(void **state)
{
    (void)state;
    expect_plain("*bold* _em_ # heading [x](https://example.org) `code`",
                 "<p>*bold* _em_ # heading [x](<a href=\"https://example.org\" "
                 "rel=\"nofollow ugc noopener\">https://example.org</a>) `code`</p>");
    expect_plain("javascript:alert(1)", "<p>javascript:alert(1)</p>");
    expect_plain("JAVASCRIPT://%0aalert(1)", "<p>JAVASCRIPT://%0aalert(1)</p>");
    expect_plain("data:text/html,<b>x</b>", "<p>data:text/html,&lt;b&gt;x&lt;/b&gt;</p>");
}

static void blank_lines_make_paragraphs_and_single_breaks_stay(void **state)
{
    (void)state;
    expect_plain("one\n\ntwo", "<p>one</p>\n<p>two</p>");
    expect_plain("one\r\n\r\ntwo", "<p>one</p>\n<p>two</p>");
    expect_plain("one\n \t\n\n\ntwo", "<p>one</p>\n<p>two</p>");
    expect_plain("line one\nline two", "<p>line one<br>\nline two</p>");
    expect_plain("line one\r\nline two", "<p>line one<br>\nline two</p>");
}

static void trailing_blank_lines_add_no_empty_paragraph(void **state)
{
    (void)state;
    expect_plain("one\n\n\n", "<p>one</p>");
    expect_plain("one\n\n  \n", "<p>one</p>");
}

static void leading_blank_lines_add_no_empty_paragraph(void **state)
{
    (void)state;
    /* comment text is not trimmed at the start (FIELD_TEXT), so this reaches
     * text_to_html as typed */
    char *got = plain("\n\nHello");
    expect_lacks(got, "<p></p>");
    expect_contains(got, "Hello");
    free(got);
}

static void web_addresses_become_nofollow_links(void **state)
{
    (void)state;
    expect_plain("see https://example.org/a?b=1&c=2 now",
                 "<p>see <a href=\"https://example.org/a?b=1&amp;c=2\" "
                 "rel=\"nofollow ugc noopener\">https://example.org/a?b=1&amp;c=2</a> now</p>");
    expect_plain("HTTP://EXAMPLE.ORG",
                 "<p><a href=\"HTTP://EXAMPLE.ORG\" rel=\"nofollow ugc noopener\">"
                 "HTTP://EXAMPLE.ORG</a></p>");
}

static void trailing_punctuation_is_not_part_of_an_address(void **state)
{
    (void)state;
    expect_plain("Read https://example.org/x.",
                 "<p>Read <a href=\"https://example.org/x\" rel=\"nofollow ugc noopener\">"
                 "https://example.org/x</a>.</p>");
    expect_plain("(https://example.org/y)",
                 "<p>(<a href=\"https://example.org/y\" rel=\"nofollow ugc noopener\">"
                 "https://example.org/y</a>)</p>");
    expect_plain("https://example.org/z?!",
                 "<p><a href=\"https://example.org/z\" rel=\"nofollow ugc noopener\">"
                 "https://example.org/z</a>?!</p>");
}

static void addresses_cannot_break_out_of_the_attribute(void **state)
{
    (void)state;
    expect_plain("https://example.org/\"onmouseover=\"alert(1)",
                 "<p><a href=\"https://example.org/\" rel=\"nofollow ugc noopener\">"
                 "https://example.org/</a>&quot;onmouseover=&quot;alert(1)</p>");
    expect_plain("https://example.org/'><script>x</script>",
                 "<p><a href=\"https://example.org/\" rel=\"nofollow ugc noopener\">"
                 "https://example.org/</a>&#39;&gt;&lt;script&gt;x&lt;/script&gt;</p>");
    expect_plain("https://example.org/`x`",
                 "<p><a href=\"https://example.org/\" rel=\"nofollow ugc noopener\">"
                 "https://example.org/</a>`x`</p>");
}

static void addresses_inside_words_or_without_a_host_stay_text(void **state)
{
    (void)state;
    expect_plain("xhttps://example.org", "<p>xhttps://example.org</p>");
    expect_plain("https://", "<p>https://</p>");
    expect_plain("https://.", "<p>https://.</p>");
    expect_plain("www.example.org", "<p>www.example.org</p>");
}

static void two_addresses_make_two_links(void **state)
{
    (void)state;
    char *got = plain("https://a.example and\nhttp://b.example");
    expect_contains(got, "<a href=\"https://a.example\" rel=\"nofollow ugc noopener\">");
    expect_contains(got, "<br>\n<a href=\"http://b.example\" rel=\"nofollow ugc noopener\">");
    free(got);
}

static void utf8_text_is_kept(void **state)
{
    (void)state;
    expect_plain("Zoë & Zoë — 😊", "<p>Zoë &amp; Zoë — 😊</p>");
}

static void plain_text_stops_at_the_buffer_maximum(void **state)
{
    (void)state;
    struct buf out;
    buf_init(&out, 16);
    assert_int_equal(text_to_html("a long comment that does not fit in sixteen bytes", &out), -1);
    assert_true(out.overflow);
    buf_free(&out);
    buf_init(&out, 16);
    assert_int_equal(text_to_html("<<<<<<<<", &out), -1);
    buf_free(&out);
}

/* ---- text_count_links ---- */

static void expect_links(const char *text, int want)
{
    int got = text_count_links(text);
    if (got != want)
        fail_msg("text_count_links(%s) = %d, wanted %d", text, got, want);
}

static void links_are_counted(void **state)
{
    (void)state;
    expect_links("", 0);
    expect_links("no links here", 0);
    expect_links("one https://example.org", 1);
    expect_links("http://a.example and https://b.example", 2);
    expect_links("www.example.org", 1);
    expect_links("HTTPS://A.EXAMPLE WWW.B.EXAMPLE http://c.example", 3);
}

static void links_inside_words_are_not_counted(void **state)
{
    (void)state;
    expect_links("xhttps://example.org", 0);
    expect_links("awww.example.org", 0);
    expect_links("http:/example.org", 0);
}

static void an_address_with_www_counts_once(void **state)
{
    (void)state;
    /* one link, as a reader sees it: two or more are held for moderation */
    expect_links("https://www.example.org", 1);
    expect_links("see http://www.example.org/page, thanks", 1);
    expect_links("https://web.example/https://www.example.org", 1);
}

/* ---- text_markdown ---- */

static void markdown_renders_commonmark(void **state)
{
    (void)state;
    expect_markdown("## Title\n\nSome *em* and **strong**.\n\n- one\n- two\n",
                    "<h2>Title</h2>\n<p>Some <em>em</em> and <strong>strong</strong>.</p>\n"
                    "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n");
    expect_markdown("[Hearth](https://example.org \"t\")",
                    "<p><a href=\"https://example.org\" title=\"t\">Hearth</a></p>\n");
    expect_markdown("> quote\n", "<blockquote>\n<p>quote</p>\n</blockquote>\n");
}

static void markdown_escapes_raw_html(void **state)
{
    (void)state;
    expect_markdown("<script>alert(1)</script>\n",
                    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    expect_markdown("Hi <img src=x onerror=alert(1)> there\n",
                    "<p>Hi &lt;img src=x onerror=alert(1)&gt; there</p>\n");
    char *got = markdown("<div onclick=\"alert(1)\">\n\n*x*\n\n</div>\n<!-- c -->\n");
    expect_lacks(got, "<div");
    expect_lacks(got, "<!--");
    expect_contains(got, "&lt;div onclick=&quot;alert(1)&quot;&gt;");
    free(got);
}

static void markdown_escapes_text_and_attributes(void **state)
{
    (void)state;
    expect_markdown("a & b < c\n", "<p>a &amp; b &lt; c</p>\n");
    char *got = markdown("[x](https://example.org/\"onmouseover=\"alert(1) \"t\\\"><b>\")");
    expect_lacks(got, "\"onmouseover");
    expect_lacks(got, "<b>");
    free(got);
}

static void markdown_stops_at_the_buffer_maximum(void **state)
{
    (void)state;
    struct buf out;
    buf_init(&out, 16);
    const char *md = "# A heading that is longer than sixteen bytes\n";
    assert_int_equal(text_markdown(md, strlen(md), &out), -1);
    buf_free(&out);
}

/* ---- text_html_check ---- */

static void ordinary_links_pass_the_check(void **state)
{
    (void)state;
    expect_accepted("");
    expect_accepted("No links at all.");
    expect_accepted("[a](https://example.org) [b](http://example.org) [c](mailto:x@example.org)");
    expect_accepted("[d](/guides/x) [e](#top) [f](../y) ![g](/static/i.png) <https://example.org>");
    expect_accepted("[r][ref]\n\n[ref]: https://example.org\n");
    expect_accepted("Never paste javascript: into the address bar.");
}

static void script_capable_schemes_are_refused(void **state)
{
    (void)state;
    expect_refused("[x](javascript:alert(1))");
    expect_refused("[x](JavaScript:alert(1))");
    expect_refused("[x]( javascript:alert(1))");
    expect_refused("[x](\njavascript:alert(1))");
    expect_refused("[x](<javascript:alert(1)>)");
    expect_refused("[x](< javascript:alert(1)>)");
    expect_refused("<javascript:alert(1)>");
    expect_refused("[x](vbscript:msgbox(1))");
    expect_refused("[x](data:text/html,<script>alert(1)</script>)");
    expect_refused("![i](data:image/svg+xml,<svg onload=alert(1)>)");
    expect_refused("[x](file:///etc/passwd)");
    expect_refused("[r][ref]\n\n[ref]: javascript:alert(1)\n");
    expect_refused("[r][ref]\n\n[ref]:\n  javascript:alert(1)\n");
}

static void a_refused_link_renders_no_script_address(void **state)
{
    (void)state;
    /* Whatever passes the check must not render a javascript: or data:
     * address: md4c decodes entities and accepts CR LF before a link
     * destination. */
    static const char *const tricks[] = {
        "[x](&#106;avascript:alert(1))",
        "[x](java&#115;cript:alert(1))",
        "[x](&#x6A;avascript:alert(1))",
        "[x](\r\njavascript:alert(1))",
        "[r][ref]\n\n[ref]: &#106;avascript:alert(1)\n",
        "[r][ref]\n\n[ref]:\r\njavascript:alert(1)\n",
        "![i](&#100;ata:image/svg+xml,x)",
        NULL,
    };
    for (int i = 0; tricks[i] != NULL; i++)
        expect_refused(tricks[i]);
}

static void prose_in_parentheses_is_not_a_link(void **state)
{
    (void)state;
    /* "(data: ...)" in a sentence is not a link destination */
    expect_accepted("Couples who talk daily (data: a 2019 survey) feel closer.");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(plain_text_is_one_paragraph),
        cmocka_unit_test(every_html_character_is_escaped),
        cmocka_unit_test(only_web_addresses_become_markup),
        cmocka_unit_test(blank_lines_make_paragraphs_and_single_breaks_stay),
        cmocka_unit_test(trailing_blank_lines_add_no_empty_paragraph),
        cmocka_unit_test(leading_blank_lines_add_no_empty_paragraph),
        cmocka_unit_test(web_addresses_become_nofollow_links),
        cmocka_unit_test(trailing_punctuation_is_not_part_of_an_address),
        cmocka_unit_test(addresses_cannot_break_out_of_the_attribute),
        cmocka_unit_test(addresses_inside_words_or_without_a_host_stay_text),
        cmocka_unit_test(two_addresses_make_two_links),
        cmocka_unit_test(utf8_text_is_kept),
        cmocka_unit_test(plain_text_stops_at_the_buffer_maximum),
        cmocka_unit_test(links_are_counted),
        cmocka_unit_test(links_inside_words_are_not_counted),
        cmocka_unit_test(an_address_with_www_counts_once),
        cmocka_unit_test(markdown_renders_commonmark),
        cmocka_unit_test(markdown_escapes_raw_html),
        cmocka_unit_test(markdown_escapes_text_and_attributes),
        cmocka_unit_test(markdown_stops_at_the_buffer_maximum),
        cmocka_unit_test(ordinary_links_pass_the_check),
        cmocka_unit_test(script_capable_schemes_are_refused),
        cmocka_unit_test(a_refused_link_renders_no_script_address),
        cmocka_unit_test(prose_in_parentheses_is_not_a_link),
    };
    return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
