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

static void the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy(void **state)
{
    (void)state;
    struct net_proxies proxies;
    char out[NET_ADDRESS_MAX];
    assert_int_equal(net_parse_proxies("127.0.0.1, 10.0.0.2", &proxies), 0);
    assert_int_equal(proxies.n, 2);
    /* several header lines count as one list, in the order they arrived */
    const char *lines[] = {"198.51.100.9, 203.0.113.5", "10.0.0.2"};
    net_client_address("127.0.0.1", lines, 2, &proxies, out);
    assert_string_equal(out, "203.0.113.5");
    /* a forged left-most hop is never taken */
    const char *forged[] = {"1.2.3.4", "192.0.2.8"};
    net_client_address("127.0.0.1", forged, 2, &proxies, out);
    assert_string_equal(out, "192.0.2.8");
    /* mapped IPv4 hops are plain IPv4 */
    const char *mapped[] = {"::ffff:192.0.2.9 ,  "};
    net_client_address("127.0.0.1", mapped, 1, &proxies, out);
    assert_string_equal(out, "192.0.2.9");
}

static void forwarded_headers_count_only_from_a_trusted_proxy(void **state)
{
    (void)state;
    struct net_proxies proxies;
    char out[NET_ADDRESS_MAX];
    assert_int_equal(net_parse_proxies("127.0.0.1", &proxies), 0);
    const char *lines[] = {"203.0.113.5"};
    net_client_address("192.0.2.1", lines, 1, &proxies, out);
    assert_string_equal(out, "192.0.2.1");
    /* garbage, or only proxies, leave the peer */
    const char *junk[] = {"203.0.113.5, not-an-address"};
    net_client_address("127.0.0.1", junk, 1, &proxies, out);
    assert_string_equal(out, "127.0.0.1");
    const char *only[] = {"127.0.0.1"};
    net_client_address("127.0.0.1", only, 1, &proxies, out);
    assert_string_equal(out, "127.0.0.1");
    net_client_address("127.0.0.1", NULL, 0, &proxies, out);
    assert_string_equal(out, "127.0.0.1");
}

static void proxy_lists_are_checked(void **state)
{
    (void)state;
    struct net_proxies proxies;
    assert_int_equal(net_parse_proxies("", &proxies), 0);
    assert_int_equal(proxies.n, 0);
    assert_int_equal(net_parse_proxies("127.0.0.1,,10.0.0.1", &proxies), -1);
    assert_int_equal(net_parse_proxies("localhost", &proxies), -1);
    assert_int_equal(net_parse_proxies("::1", &proxies), 0);
    assert_true(net_is_proxy(&proxies, "::1"));
    assert_false(net_is_proxy(&proxies, "127.0.0.1"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(addresses_are_normalised_and_mapped_ipv4_becomes_ipv4),
        cmocka_unit_test(prefixes_keep_only_the_network),
        cmocka_unit_test(the_client_is_the_rightmost_hop_that_is_not_a_trusted_proxy),
        cmocka_unit_test(forwarded_headers_count_only_from_a_trusted_proxy),
        cmocka_unit_test(proxy_lists_are_checked),
    };
    return cmocka_run_group_tests_name("net", tests, NULL, NULL);
}
