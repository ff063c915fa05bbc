/* conns.c: connection records, per-network counts and the deadline
 * watchdog. A record lives from libmicrohttpd's STARTED notification to its
 * CLOSED one, which comes before the socket is closed, so the watchdog may
 * shut a socket down (under the lock) as long as the record is listed. The
 * access handler updates a record's phase without the lock: the record
 * cannot be freed while its own connection is being served. */
#include "http/conns.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/ticker.h"
#include "core/util.h"

enum { NET_HEADS = 1024, WATCH_EVERY_MS = 200, LOG_EVERY_MS = 60 * 1000 };
enum phase { WAITING, BODY, ANSWERING };

struct rec {
    int fd;
    _Atomic int phase;
    _Atomic int64_t since_ns;
    _Atomic size_t body_bytes;
    bool counted, shut;
    char network[NET_ADDRESS_MAX];
    struct rec *prev, *next;
};

struct netcount {
    char key[NET_ADDRESS_MAX];
    unsigned n;
    struct netcount *next;
};

static struct conns_config config;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec *recs;
static struct netcount *nets[NET_HEADS];
static struct ticker watchdog;
static atomic_uint_fast64_t closed_slow;

void conns_network(const char *ip, char out[NET_ADDRESS_MAX])
{
    if (strchr(ip, ':') != NULL)
        net_prefix(ip, 32, 64, out);
    else
        snprintf(out, NET_ADDRESS_MAX, "%s", ip);
}

uint64_t conns_closed_slow(void)
{
    return atomic_load(&closed_slow);
}

static size_t net_hash(const char *key)
{
    uint32_t h = 2166136261u;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++)
        h = (h ^ *p) * 16777619u;
    return h % NET_HEADS;
}

/* The count of network, created at zero when create is set (lock held). */
static struct netcount *net_find(const char *network, bool create)
{
    size_t h = net_hash(network);
    for (struct netcount *c = nets[h]; c != NULL; c = c->next)
        if (strcmp(c->key, network) == 0)
            return c;
    if (!create)
        return NULL;
    struct netcount *c = xcalloc(1, sizeof(*c));
    snprintf(c->key, sizeof(c->key), "%s", network);
    c->next = nets[h];
    nets[h] = c;
    return c;
}

static void net_release(const char *network)
{
    size_t h = net_hash(network);
    for (struct netcount **link = &nets[h]; *link != NULL; link = &(*link)->next) {
        struct netcount *c = *link;
        if (strcmp(c->key, network) != 0)
            continue;
        if (--c->n == 0) {
            *link = c->next;
            free(c);
        }
        return;
    }
}

/* The normalised address of a socket address, or false. */
static bool address_text(const struct sockaddr *sa, char out[NET_ADDRESS_MAX])
{
    char text[INET6_ADDRSTRLEN];
    if (sa == NULL)
        return false;
    if (sa->sa_family == AF_INET) {
        struct sockaddr_in in4; /* copied: the pointer may be less aligned */
        memcpy(&in4, sa, sizeof(in4));
        inet_ntop(AF_INET, &in4.sin_addr, text, sizeof(text));
    } else if (sa->sa_family == AF_INET6) {
        struct sockaddr_in6 in6;
        memcpy(&in6, sa, sizeof(in6));
        inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
    } else {
        return false;
    }
    return net_normalise(text, out);
}

enum MHD_Result conns_accept(void *cls, const struct sockaddr *addr, socklen_t len)
{
    (void)cls;
    (void)len;
    char ip[NET_ADDRESS_MAX], network[NET_ADDRESS_MAX];
    if (config.per_network == 0 || !address_text(addr, ip) || net_is_proxy(config.proxies, ip))
        return MHD_YES;
    conns_network(ip, network);
    pthread_mutex_lock(&lock);
    struct netcount *c = net_find(network, false);
    bool full = c != NULL && c->n >= config.per_network;
    pthread_mutex_unlock(&lock);
    return full ? MHD_NO : MHD_YES;
}

static void started(struct MHD_Connection *conn, void **socket_context)
{
    struct rec *r = xcalloc(1, sizeof(*r));
    const union MHD_ConnectionInfo *fd =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char ip[NET_ADDRESS_MAX];
    r->fd = fd != NULL ? fd->connect_fd : -1;
    atomic_store(&r->phase, WAITING);
    atomic_store(&r->since_ns, clock_mono_ns());
    if (config.per_network > 0 && ci != NULL && address_text(ci->client_addr, ip) &&
        !net_is_proxy(config.proxies, ip)) {
        conns_network(ip, r->network);
        r->counted = true;
    }
    pthread_mutex_lock(&lock);
    if (r->counted)
        net_find(r->network, true)->n++;
    r->next = recs;
    if (recs != NULL)
        recs->prev = r;
    recs = r;
    pthread_mutex_unlock(&lock);
    *socket_context = r;
}

static void closed(void **socket_context)
{
    struct rec *r = *socket_context;
    if (r == NULL)
        return;
    pthread_mutex_lock(&lock);
    if (r->prev != NULL)
        r->prev->next = r->next;
    else
        recs = r->next;
    if (r->next != NULL)
        r->next->prev = r->prev;
    if (r->counted)
        net_release(r->network);
    pthread_mutex_unlock(&lock);
    free(r);
    *socket_context = NULL;
}

void conns_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
                  enum MHD_ConnectionNotificationCode code)
{
    (void)cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        started(conn, socket_context);
    else if (code == MHD_CONNECTION_NOTIFY_CLOSED)
        closed(socket_context);
}

static struct rec *rec_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i != NULL ? i->socket_context : NULL;
}

static void set_phase(struct MHD_Connection *conn, enum phase p)
{
    struct rec *r = rec_of(conn);
    if (r == NULL)
        return;
    atomic_store(&r->body_bytes, 0);
    atomic_store(&r->since_ns, clock_mono_ns());
    atomic_store(&r->phase, p);
}

void conns_headers_received(struct MHD_Connection *conn)
{
    set_phase(conn, BODY);
}

void conns_body_received(struct MHD_Connection *conn, size_t bytes)
{
    struct rec *r = rec_of(conn);
    if (r != NULL)
        atomic_fetch_add(&r->body_bytes, bytes);
}

void conns_answering(struct MHD_Connection *conn)
{
    set_phase(conn, ANSWERING);
}

void conns_request_done(struct MHD_Connection *conn)
{
    set_phase(conn, WAITING);
}

static bool overdue(const struct rec *r, int64_t now)
{
    int64_t ms = (now - atomic_load(&r->since_ns)) / 1000000;
    switch (atomic_load(&r->phase)) {
    case WAITING: return ms > config.header_ms;
    case BODY:
        return ms > config.body_grace_ms &&
               (int64_t)atomic_load(&r->body_bytes) <
                   (ms - config.body_grace_ms) * config.body_min_rate / 1000;
    default: return false;
    }
}

/* One round of the watchdog: shuts down the connections past a deadline. */
static void watch(void *arg)
{
    static int64_t logged;
    static uint64_t reported;
    (void)arg;
    int64_t now = clock_mono_ns();
    if (logged == 0)
        logged = now;
    pthread_mutex_lock(&lock);
    for (struct rec *r = recs; r != NULL; r = r->next) {
        if (r->shut || r->fd < 0 || !overdue(r, now))
            continue;
        shutdown(r->fd, SHUT_RDWR); /* the server sees the end and closes it */
        r->shut = true;
        atomic_fetch_add(&closed_slow, 1);
    }
    pthread_mutex_unlock(&lock);
    uint64_t total = atomic_load(&closed_slow);
    if (total != reported && (now - logged) / 1000000 >= LOG_EVERY_MS) {
        log_info("http: %llu slow connection(s) closed for missing a deadline",
                 (unsigned long long)(total - reported));
        reported = total;
        logged = now;
    }
}

int conns_start(const struct conns_config *cfg)
{
    config = *cfg;
    return ticker_start(&watchdog, WATCH_EVERY_MS, watch, NULL);
}

void conns_stop(void)
{
    ticker_stop(&watchdog);
}
