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

#endif
