/* Fuzzes client addresses behind proxies (src/core/net.c, src/http/conns.c):
 * net_normalise, net_prefix, net_parse_proxies, net_client_address and
 * conns_network. The input is lines: the TCP peer, the trusted proxies, then
 * X-Forwarded-For header lines ("(null)" stands for a missing one). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/net.h"
#include "http/conns.h"

enum { LINES_MAX = 2 + 16 };

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_forwarded: %s\n", what);
        abort();
    }
}

/* Normalises text; a normalised address must normalise to itself. */
static bool normalise(const char *text, char out[NET_ADDRESS_MAX])
{
    if (!net_normalise(text, out))
        return false;
    char again[NET_ADDRESS_MAX];
    require(memchr(out, '\0', NET_ADDRESS_MAX) != NULL, "a normalised address is terminated");
    require(net_normalise(out, again) && strcmp(out, again) == 0,
            "a normalised address normalises to itself");
    return true;
}

static void prefix(const char *ip, int v4_bits, int v6_bits)
{
    char out[NET_ADDRESS_MAX];
    net_prefix(ip, v4_bits, v6_bits, out);
    require(memchr(out, '\0', NET_ADDRESS_MAX) != NULL, "a prefix is terminated");
    require(strcmp(out, "unknown") == 0 || strchr(out, '/') != NULL,
            "a prefix is a network or \"unknown\"");
}

/* Every way one line can be read as an address. */
static void one_address(const char *line, int v4_bits, int v6_bits)
{
    char ip[NET_ADDRESS_MAX], network[NET_ADDRESS_MAX];
    prefix(line, v4_bits, v6_bits);
    if (!normalise(line, ip))
        return;
    prefix(ip, v4_bits, v6_bits);
    prefix(ip, 24, 48);
    conns_network(ip, network);
    if (strchr(ip, ':') == NULL)
        require(strcmp(ip, network) == 0, "an IPv4 address is its own network");
    else
        require(strstr(network, "/64") != NULL, "an IPv6 address counts by its /64");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *lines[LINES_MAX];
    int n = 0;
    for (size_t at = 0; n < LINES_MAX && at <= size;) {
        const uint8_t *nl = memchr(data + at, '\n', size - at);
        size_t len = nl != NULL ? (size_t)(nl - (data + at)) : size - at;
        lines[n] = malloc(len + 1);
        memcpy(lines[n], data + at, len);
        lines[n][len] = '\0';
        n++;
        at += len + 1;
    }
    int v4_bits = (int)(size % 41) - 4, v6_bits = (int)(size % 137) - 4;
    for (int i = 0; i < n; i++)
        one_address(lines[i], v4_bits, v6_bits);

    char peer[NET_ADDRESS_MAX];
    if (!normalise(lines[0], peer))
        snprintf(peer, sizeof(peer), "-"); /* as the server does */
    struct net_proxies proxies;
    if (net_parse_proxies(n > 1 ? lines[1] : NULL, &proxies) == 0)
        require(proxies.n >= 0 && proxies.n <= NET_PROXIES_MAX, "at most NET_PROXIES_MAX proxies");
    /* on failure the entries parsed before the bad one are still addresses */
    for (int i = 0; i < proxies.n; i++) {
        char ip[NET_ADDRESS_MAX];
        require(normalise(proxies.addr[i], ip) && strcmp(ip, proxies.addr[i]) == 0,
                "a proxy is kept normalised");
    }

    const char *forwarded[LINES_MAX];
    int nforwarded = 0;
    for (int i = 2; i < n; i++)
        forwarded[nforwarded++] = strcmp(lines[i], "(null)") == 0 ? NULL : lines[i];
    char client[NET_ADDRESS_MAX];
    net_client_address(peer, forwarded, nforwarded, &proxies, client);
    require(memchr(client, '\0', NET_ADDRESS_MAX) != NULL, "the client address is terminated");
    if (strcmp(client, peer) != 0) {
        char ip[NET_ADDRESS_MAX];
        require(net_is_proxy(&proxies, peer), "only a trusted proxy's header is read");
        require(!net_is_proxy(&proxies, client), "the client is not a proxy");
        require(normalise(client, ip) && strcmp(ip, client) == 0, "the client is normalised");
    }
    net_client_address(peer, NULL, 0, &proxies, client);
    require(strcmp(client, peer) == 0, "without a header the client is the peer");

    for (int i = 0; i < n; i++)
        free(lines[i]);
    return 0;
}
