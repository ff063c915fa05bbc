/* Unit tests for address handling (src/core/net.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/net.h"

static void addresses_are_normalised_and_mapped_ipv4_becomes_ipv4(void **state)
{
    (void)state;
    char out[NET_ADDRESS_MAX];
    assert_true(net_normalise("203.0.113.7", out));
    assert_string_equal(out, "203.0.113.7");
    assert_true(net_normalise("::ffff:203.0.113.7", out));
    assert_string_equal(out, "203.0.113.7");
    assert_true(net_normalise("2001:DB8:0:0::1", out));
    assert_string_equal(out, "2001:db8::1");
    assert_false(net_normalise("not an address", out));
    assert_false(net_normalise("203.0.113.7, 10.0.0.1", out));
    assert_false(net_normalise(NULL, out));
}

static void prefixes_keep_only_the_network(void **state)
{
    (void)state;
    char out[NET_ADDRESS_MAX];
    net_prefix("203.0.113.77", 24, 48, out);
    assert_string_equal(out, "203.0.113.0/24");
    net_prefix("203.0.113.77", 32, 64, out);
    assert_string_equal(out, "203.0.113.77/32");
    net_prefix("2001:db8:aaaa:bbbb:cccc::1", 24, 48, out);
    assert_string_equal(out, "2001:db8:aaaa::/48");
    net_prefix("2001:db8:aaaa:bbbb:cccc::1", 32, 64, out);
    assert_string_equal(out, "2001:db8:aaaa:bbbb::/64");
    net_prefix("-", 24, 48, out);
    assert_string_equal(out, "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_are_normalised_and_mapped_ipv4_becomes_ipv4),
        cmocka_unit_test(prefixes_keep_only_the_network),
    };
    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
