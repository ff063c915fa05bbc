/* events.c: the outbox, the streams of this server, and their wake-ups
 * (see events.h).
 *
 * A stream is libmicrohttpd's content reader over a suspended connection.
 * Its reader runs on a server thread: it sends what is waiting (the outbox
 * since the stream's last event, read afresh on each wake-up), else a
 * heartbeat when one is due, else it suspends the connection. Wake-ups come
 * from the store's notifications (after a commit, on any server) and from
 * the heartbeat thread; both resume the connection only when it is
 * suspended, under the lock the reader suspends it under, so none is lost.
 *
 * Event ids are time-ordered, but a transaction may commit after a later
 * one: each read looks EVENTS_LAG_MS back from the last event sent and
 * skips the ids it sent already (the last SENT_RING of them; anything older
 * than those counts as sent, so nothing is ever sent twice). */
#include "http/events.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/log.h"
#include "core/ticker.h"
#include "core/util.h"
#include "http/http.h"
#include "http/pagecache.h"
#include "store/db.h"
#include "store/jobs.h"

enum {
    EVENTS_LAG_MS = 5000,
    SENT_RING = 64,
    OUT_MAX = 4 * 1024, /* about 40 events; more come with the next read */
    SWEEP_EVERY_MS = 60 * 60 * 1000,
};

static const char CHANNEL[] = "events";

struct stream {
    struct MHD_Connection *conn;
    int64_t user_id, couple_id, session_id;
    int64_t last_id;         /* the newest event id sent (or the start) */
    int64_t floor;           /* ids at or below it are never sent: before the stream began */
    int64_t sent[SENT_RING]; /* the ids sent last, for late commits in the lag window */
    uint64_t nsent;          /* ids ever written to sent */
    int64_t last_write_ms;
    bool suspended, wake, heartbeat, closing, greeted;
    char out[OUT_MAX];
    size_t out_len, out_pos;
    struct stream *prev, *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct stream *streams;
static size_t nstreams;
static struct ticker heartbeat;
static int64_t heartbeat_ms = EVENTS_HEARTBEAT_MS;

size_t events_streams(void)
{
    pthread_mutex_lock(&lock);
    size_t n = nstreams;
    pthread_mutex_unlock(&lock);
    return n;
}

/* Wakes a stream (lock held): resumed when suspended, else told to look. */
static void wake_locked(struct stream *s)
{
    s->wake = true;
    if (s->suspended) {
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
}

int events_emit(int64_t couple_id, int64_t user_id, const char *type, int64_t ref)
{
    char ref_text[24], payload[40];
    snprintf(ref_text, sizeof(ref_text), "%lld", (long long)ref);
    if (db_exec("INSERT INTO events (id, couple_id, user_id, type, ref, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                "iiissi", id_new_ordered(), couple_id, user_id, type, ref ? ref_text : "",
                clock_now_ms()) < 0)
        return DB_ERROR;
    if (couple_id != 0)
        snprintf(payload, sizeof(payload), "c:%lld", (long long)couple_id);
    else
        snprintf(payload, sizeof(payload), "u:%lld", (long long)user_id);
    return db_notify(CHANNEL, payload);
}

/* A notification: wakes the streams of that couple or person. */
static void on_notify(const char *payload, void *arg)
{
    (void)arg;
    int64_t id = 0;
    if (strcmp(payload, "*") == 0) { /* the listener was away: every stream looks */
        pagecache_bump(0);
        pthread_mutex_lock(&lock);
        for (struct stream *s = streams; s != NULL; s = s->next)
            wake_locked(s);
        pthread_mutex_unlock(&lock);
        return;
    }
    if (strlen(payload) < 3 || payload[1] != ':' ||
        parse_int64(payload + 2, strlen(payload + 2), &id) != 0)
        return;
    bool couple = payload[0] == 'c';
    /* a page that an event makes a browser fetch again is never the kept
     * one from before: the couple's kept pages go first */
    if (couple)
        pagecache_bump(id);
    pthread_mutex_lock(&lock);
    for (struct stream *s = streams; s != NULL; s = s->next)
        if ((couple && s->couple_id == id) || (!couple && s->user_id == id))
            wake_locked(s);
    pthread_mutex_unlock(&lock);
}

static bool sent_before(const struct stream *s, int64_t id)
{
    for (uint64_t i = 0; i < s->nsent && i < SENT_RING; i++)
        if (s->sent[i] == id)
            return true;
    return false;
}

/* Reads what the stream has not seen into its buffer (no lock held: this
 * runs a query). */
static void read_outbox(struct stream *s)
{
    /* the session must still be there (not logged out, revoked or expired
     * past the sweep), and the couple is the person's couple now */
    json_t *me, *rows;
    int rc = db_row(&me,
                    "SELECT u.couple_id FROM sessions s JOIN users u ON u.id = s.user_id"
                    " WHERE s.user_id = $1 AND s.id = $2",
                    "ii:d", s->user_id, s->session_id);
    if (rc == DB_NOT_FOUND) {
        pthread_mutex_lock(&lock);
        s->closing = true;
        pthread_mutex_unlock(&lock);
        return;
    }
    if (rc != DB_OK)
        return; /* logged; the next wake-up tries again */
    pthread_mutex_lock(&lock);
    s->couple_id = id_from(json_object_get(me, "couple_id"));
    pthread_mutex_unlock(&lock);
    json_decref(me);
    int64_t since = s->last_id - ((int64_t)EVENTS_LAG_MS << 22);
    if (since < s->floor)
        since = s->floor;
    if (db_query(&rows,
                 "SELECT id, type, ref FROM events WHERE id > $1 AND (couple_id = $2 OR"
                 " user_id = $3) ORDER BY id LIMIT $4",
                 "iiii:iss", since, s->couple_id ? s->couple_id : -1, s->user_id,
                 (int64_t)EVENTS_REPLAY_MAX) != DB_OK)
        return; /* logged; the next wake-up tries again */
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        int64_t id = json_integer_value(json_object_get(row, "id"));
        if (id <= s->floor || sent_before(s, id))
            continue;
        const char *type = json_string_value(json_object_get(row, "type"));
        const char *ref = json_string_value(json_object_get(row, "ref"));
        int n = snprintf(s->out + s->out_len, sizeof(s->out) - s->out_len,
                         "id: %lld\ndata: {\"type\":\"%s\",\"id\":\"%s\"}\n\n", (long long)id, type,
                         ref);
        if (n < 0 || (size_t)n >= sizeof(s->out) - s->out_len) {
            pthread_mutex_lock(&lock);
            s->wake = true; /* the rest comes with the next read */
            pthread_mutex_unlock(&lock);
            break;
        }
        s->out_len += (size_t)n;
        /* an id leaving the ring is the floor: what is older counts as sent,
         * so the lag window never sends anything twice */
        uint64_t slot = s->nsent++ % SENT_RING;
        if (s->nsent > SENT_RING && s->sent[slot] > s->floor)
            s->floor = s->sent[slot];
        s->sent[slot] = id;
        if (id > s->last_id)
            s->last_id = id;
    }
    json_decref(rows);
}

static ssize_t read_stream(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct stream *s = cls;
    (void)pos;
    pthread_mutex_lock(&lock);
    for (;;) {
        if (s->out_pos < s->out_len) { /* what is waiting goes first */
            size_t n = s->out_len - s->out_pos < max ? s->out_len - s->out_pos : max;
            memcpy(buf, s->out + s->out_pos, n);
            s->out_pos += n;
            if (s->out_pos == s->out_len)
                s->out_pos = s->out_len = 0;
            s->last_write_ms = clock_now_ms();
            pthread_mutex_unlock(&lock);
            return (ssize_t)n;
        }
        if (s->closing) {
            pthread_mutex_unlock(&lock);
            return MHD_CONTENT_READER_END_OF_STREAM;
        }
        if (!s->greeted) {
            s->greeted = true;
            s->out_len = (size_t)snprintf(s->out, sizeof(s->out), "retry: 2000\n\n");
            continue;
        }
        if (s->wake) {
            s->wake = false;
            pthread_mutex_unlock(&lock);
            read_outbox(s);
            pthread_mutex_lock(&lock);
            if (s->out_len > 0)
                continue;
        }
        if (s->heartbeat || clock_now_ms() - s->last_write_ms >= heartbeat_ms) {
            s->heartbeat = false;
            s->out_len = (size_t)snprintf(s->out, sizeof(s->out), ": still here\n\n");
            continue;
        }
        s->suspended = true; /* until an event or the heartbeat */
        MHD_suspend_connection(s->conn);
        pthread_mutex_unlock(&lock);
        return 0;
    }
}

static void free_stream(void *cls)
{
    struct stream *s = cls;
    pthread_mutex_lock(&lock);
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        streams = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    nstreams--;
    pthread_mutex_unlock(&lock);
    free(s);
}

/* GET /events: registers a stream for the session, ending its oldest when
 * the session already holds EVENTS_PER_SESSION. */
static int events_page(struct req *req, struct res *res)
{
    struct stream *s = xcalloc(1, sizeof(*s));
    s->conn = req->conn;
    s->user_id = req->user_id;
    s->couple_id = req->couple_id;
    s->session_id = req->session_id;
    s->last_write_ms = clock_now_ms();
    s->last_id = s->floor = clock_now_ms() << 22; /* from now on */
    const char *last = req_header(req, "Last-Event-ID");
    int64_t replay = 0;
    if (last != NULL && id_parse(last, strlen(last), &replay) == 0 &&
        (replay >> 22) > clock_now_ms() - EVENTS_KEPT_MS) {
        s->last_id = s->floor = replay;
        s->wake = true;
    }
    pthread_mutex_lock(&lock);
    struct stream *oldest = NULL;
    int same = 0;
    for (struct stream *o = streams; o != NULL; o = o->next) {
        if (o->session_id != s->session_id || o->closing)
            continue;
        same++;
        oldest = o; /* the list runs newest first */
    }
    if (same >= EVENTS_PER_SESSION && oldest != NULL) {
        oldest->closing = true;
        wake_locked(oldest);
    }
    s->next = streams;
    if (streams != NULL)
        streams->prev = s;
    streams = s;
    nstreams++;
    pthread_mutex_unlock(&lock);
    res->stream = s;
    res->stream_read = read_stream;
    res->stream_free = free_stream;
    res->content_type = "text/event-stream; charset=utf-8";
    res_header(req, res, "X-Accel-Buffering", "no"); /* proxies pass events at once */
    return 0;
}

/* The heartbeat: every heartbeat_ms each suspended stream writes a line, so
 * proxies keep it open and a closed one is found. */
static void tick(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    for (struct stream *s = streams; s != NULL; s = s->next) {
        if (!s->suspended)
            continue;
        s->heartbeat = true;
        s->suspended = false;
        MHD_resume_connection(s->conn);
    }
    pthread_mutex_unlock(&lock);
}

static int sweep(const char *key, const char *payload)
{
    (void)key;
    (void)payload;
    return db_exec("DELETE FROM events WHERE created_at < $1", "i",
                   clock_now_ms() - EVENTS_KEPT_MS) < 0
               ? -1
               : 0;
}

static const struct job_kind sweep_kind = {"events-sweep", sweep, SWEEP_EVERY_MS};

int events_start(void)
{
#ifdef HEARTH_TEST_CLOCK
    const char *hb = getenv("HEARTH_TEST_HEARTBEAT_MS");
    int64_t v;
    if (hb != NULL && parse_int64(hb, strlen(hb), &v) == 0 && v >= 100)
        heartbeat_ms = v;
#endif
    jobs_register(&sweep_kind);
    if (db_listen(CHANNEL, on_notify, NULL) != DB_OK)
        return -1;
    return ticker_start(&heartbeat, heartbeat_ms, tick, NULL);
}

void events_stop(void)
{
    ticker_stop(&heartbeat);
    pthread_mutex_lock(&lock);
    for (struct stream *s = streams; s != NULL; s = s->next) {
        s->closing = true;
        wake_locked(s);
    }
    pthread_mutex_unlock(&lock);
    /* the server threads end them; wait a moment for that */
    for (int i = 0; i < 100 && events_streams() > 0; i++) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
}

const struct route events_routes[] = {
    {.method = "GET",
     .pattern = "/events",
     .handler = events_page,
     .auth = AUTH_USER,
     .no_api = true,
     .stream = true},
};
const size_t events_nroutes = ARRAY_LEN(events_routes);
