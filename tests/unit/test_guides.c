/* Unit tests for the feeds' tagging entity (src/guides/guides.c): the
 * "host,YYYY-MM-DD" that starts every tag: URI of the feeds (RFC 4151). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "guides/guides.h"

/* 29 November 2026, 23:59:59.999 UTC */
static const int64_t LATE = 1795996799999;

static void expect_entity(const char *base_url, const char *want)
{
    char out[GUIDES_TAG_MAX];
    guides_tag_entity(base_url, LATE, out, sizeof(out));
    if (strcmp(out, want) != 0)
        fail_msg("guides_tag_entity(%s) = %s, wanted %s", base_url, out, want);
    assert_true(guides_tag_entity_ok(out));
}

static void the_host_is_lower_case_without_port_path_or_final_dot(void **state)
{
    (void)state;
    expect_entity("https://Hearth.Example.ORG", "hearth.example.org,2026-11-29");
    expect_entity("https://hearth.example.org:8443/base/", "hearth.example.org,2026-11-29");
    expect_entity("http://hearth.example.org./", "hearth.example.org,2026-11-29");
    expect_entity("http://127.0.0.1:8080", "127.0.0.1,2026-11-29");
    expect_entity("http://my-home-server:8080", "my-home-server,2026-11-29");
}

static void the_day_is_the_utc_date_of_the_first_start(void **state)
{
    (void)state;
    char out[GUIDES_TAG_MAX];
    guides_tag_entity("https://example.org", LATE + 1, out, sizeof(out));
    assert_string_equal(out, "example.org,2026-11-30");
    guides_tag_entity("https://example.org", 0, out, sizeof(out));
    assert_string_equal(out, "example.org,1970-01-01");
}

static void a_host_that_is_no_dns_name_becomes_localhost(void **state)
{
    (void)state;
    expect_entity("http://[::1]:8080", "localhost,2026-11-29");
    expect_entity("http://[2001:db8::1]", "localhost,2026-11-29");
    expect_entity("https://-bad-.example.org", "localhost,2026-11-29");
    expect_entity("https://under_score.example.org", "localhost,2026-11-29");
    expect_entity("https://", "localhost,2026-11-29");
    expect_entity("https://two..dots.org", "localhost,2026-11-29");
}

static void only_rfc_4151_entities_are_accepted(void **state)
{
    (void)state;
    assert_true(guides_tag_entity_ok("example.org,2026-11-29"));
    assert_true(guides_tag_entity_ok("localhost,2026-02-28"));
    assert_false(guides_tag_entity_ok("example.org"));
    assert_false(guides_tag_entity_ok("example.org,2026-02-30"));
    assert_false(guides_tag_entity_ok("example.org,26-11-29"));
    assert_false(guides_tag_entity_ok("example.org:8080,2026-11-29"));
    assert_false(guides_tag_entity_ok("Example.org.,2026-11-29"));
    assert_false(guides_tag_entity_ok(",2026-11-29"));
    assert_false(guides_tag_entity_ok("exa mple.org,2026-11-29"));
    char longest[GUIDES_TAG_MAX + 16];
    memset(longest, 'a', sizeof(longest));
    memcpy(longest + sizeof(longest) - 12, ",2026-11-29", 12);
    assert_false(guides_tag_entity_ok(longest));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_host_is_lower_case_without_port_path_or_final_dot),
        cmocka_unit_test(the_day_is_the_utc_date_of_the_first_start),
        cmocka_unit_test(a_host_that_is_no_dns_name_becomes_localhost),
        cmocka_unit_test(only_rfc_4151_entities_are_accepted),
    };
    return cmocka_run_group_tests_name("guides", tests, NULL, NULL);
}
