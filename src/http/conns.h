/* conns.h: every open connection, for two protections libmicrohttpd does
 * not give by itself:
 *
 * - per-network connection counts: at most per_network connections from one
 *   IPv4 address or one IPv6 /64 (where one person holds many addresses);
 *   trusted proxies are not counted, as every visitor arrives through them;
 * - fixed deadlines: a request's line and headers must arrive within
 *   header_ms of the connection being ready for them (opened, or done with
 *   the previous request), however slowly the bytes trickle in; after the
 *   first body_grace_ms, a body must keep arriving at body_min_rate bytes a
 *   second on average. A connection that misses its deadline is shut down.
 *
 * A watchdog thread checks the deadlines a few times a second. */
#ifndef HEARTH_CONNS_H
#define HEARTH_CONNS_H
#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "core/net.h"

struct conns_config {
    unsigned per_network;
    int header_ms;
    int body_grace_ms;
    int body_min_rate; /* bytes a second */
    const struct net_proxies *proxies;
};

/* Starts the watchdog. Returns 0 or -1. */
int conns_start(const struct conns_config *cfg);
/* Stops the watchdog (connections are left to the server to close). */
void conns_stop(void);

/* libmicrohttpd's accept policy (MHD_start_daemon's apc) and connection
 * notifications (MHD_OPTION_NOTIFY_CONNECTION). */
enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr, socklen_t len);
void conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode code);

/* What the request on conn is doing now, from the access handler. */
void conns_headers_received(struct MHD_Connection *conn); /* the body comes next */
void conns_body_received(struct MHD_Connection *conn, size_t bytes);
void conns_answering(struct MHD_Connection *conn);    /* no deadline while answering */
void conns_request_done(struct MHD_Connection *conn); /* waiting for the next request */

/* The per-network key of a normalised address: the address itself for IPv4,
 * its /64 for IPv6. */
void conns_network(const char *ip, char out[NET_ADDRESS_MAX]);
/* How many connections were shut down for missing a deadline (for tests
 * and the log). */
uint64_t conns_closed_slow(void);

#endif
