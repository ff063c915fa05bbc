/* events.h: live events, GET /events (text/event-stream), for a signed-in
 * person's open pages: the events of their couple and of themselves.
 *
 * An event is a hint, a type and an id ("share.answered", an item's id),
 * never private text: a page that hears one fetches itself again, through
 * the usual access rules. Events go to an outbox table (kept 24 hours) in
 * the transaction of what they announce, and a notification through the
 * store (db_notify) wakes the streams of that couple or person once the
 * transaction commits: in-process on SQLite, across every server sharing a
 * PostgreSQL database. A stream that reconnects with Last-Event-ID replays
 * what it missed.
 *
 * A stream sends a heartbeat every EVENTS_HEARTBEAT_MS; a session holds at
 * most EVENTS_PER_SESSION streams (a new one ends the oldest). Between
 * events a stream's connection is suspended: it costs no thread. */
#ifndef HEARTH_EVENTS_H
#define HEARTH_EVENTS_H
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"

enum {
    EVENTS_HEARTBEAT_MS = 20 * 1000,
    EVENTS_PER_SESSION = 2,
    EVENTS_KEPT_MS = 24 * 60 * 60 * 1000,
    EVENTS_REPLAY_MAX = 200, /* events replayed at once; the page fetches itself anyway */
};

extern const struct route events_routes[];
extern const size_t events_nroutes;

/* Listens for notifications and starts the heartbeat. Returns 0 or -1. */
int events_start(void);
/* Ends every stream (resumed and closed) and stops the heartbeat; call
 * before the HTTP server stops. */
void events_stop(void);

/* Records an event for a couple (couple_id) or a person (user_id; 0 for
 * none of either) in the current transaction, and notifies its streams
 * when that commits. type is a short name ("share.revealed"), ref an id
 * (0 for none). Returns 0 or a negative DB_ code. */
int events_emit(int64_t couple_id, int64_t user_id, const char *type, int64_t ref);
/* Streams open right now (for tests and the benchmark's log line). */
size_t events_streams(void);

#endif
