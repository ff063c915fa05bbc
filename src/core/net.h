/* net.h: network addresses as Hearth keeps them. */
#ifndef HEARTH_NET_H
#define HEARTH_NET_H
#include <stdbool.h>
#include <stddef.h>

enum { NET_ADDRESS_MAX = 64 };

/* Writes the numeric address in text (IPv4, IPv6, or IPv4 mapped into IPv6,
 * which becomes plain IPv4) to out. Returns false when it is none of them. */
bool net_normalise(const char *text, char out[NET_ADDRESS_MAX]);
/* Writes the network of ip (a normalised address) with the given prefix
 * lengths, as "203.0.113.0/24" or "2001:db8:1::/48"; "unknown" for anything
 * else. */
void net_prefix(const char *ip, int v4_bits, int v6_bits, char out[NET_ADDRESS_MAX]);

enum { NET_PROXIES_MAX = 16, NET_HOPS_MAX = 64 };

/* The reverse proxies in front of the server, normalised. */
struct net_proxies {
    char addr[NET_PROXIES_MAX][NET_ADDRESS_MAX];
    int n;
};

/* Parses a comma-separated list of numeric addresses into *out. Returns 0,
 * or -1 when an entry is not an address or there are more than
 * NET_PROXIES_MAX. */
int net_parse_proxies(const char *list, struct net_proxies *out);
/* True when ip (normalised) is one of the proxies. */
bool net_is_proxy(const struct net_proxies *p, const char *ip);
/* Writes the client's address to out. peer is the normalised address of the
 * TCP peer; forwarded holds the X-Forwarded-For header lines in the order
 * they arrived (n of them, any may be NULL). When the peer is a trusted
 * proxy, the client is the right-most hop that is not one (each proxy
 * appends the address it saw); a hop that is not an address, or more than
 * NET_HOPS_MAX hops, leave the peer as the client. Otherwise the header is
 * ignored: anyone can send it. */
void net_client_address(const char *peer, const char *const *forwarded, int n,
                        const struct net_proxies *proxies, char out[NET_ADDRESS_MAX]);

#endif
