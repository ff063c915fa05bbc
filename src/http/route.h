/* route.h: what a module declares about each of its routes, and the request
 * and response a handler works with. Modules list their routes in one static
 * table and hand it to router_add() at start-up. */
#ifndef HEARTH_ROUTE_H
#define HEARTH_ROUTE_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/arena.h"

enum field_type {
    FIELD_STRING,  /* one line of text; trimmed; no control characters */
    FIELD_TEXT,    /* free text; line breaks and tabs kept */
    FIELD_SECRET,  /* a password: never trimmed, never echoed back */
    FIELD_EMAIL,   /* trimmed, lower-cased, one '@' and a dotted domain */
    FIELD_INT,     /* a whole number within [min, max] */
    FIELD_BOOL,    /* a checkbox or a JSON boolean */
    FIELD_CHOICE,  /* one of the route's choices */
    FIELD_CHOICES, /* zero or more of the choices (repeated form fields, JSON array) */
    FIELD_DATE,    /* YYYY-MM-DD, a real calendar day */
    FIELD_ID,      /* an application id, as a decimal string */
    FIELD_NAME,    /* a person's name: a FIELD_STRING without invisible formatting */
};

/* One declared input field. For strings min and max count characters (code
 * points); for integers they bound the value. Undeclared fields are dropped. */
struct field {
    const char *name;
    const char *label; /* how messages name it: "Email" */
    enum field_type type;
    bool required;
    int64_t min, max;
    const char *const *choices; /* NULL-terminated, for FIELD_CHOICE(S) */
    /* No input the person sees: a query parameter or a hidden form field.
     * Its error is listed in the form's summary without a link; every other
     * field's input has the field's name as its id (the summary links to
     * #NAME, and its message sits in #NAME-error beside it). */
    bool hidden;
};

/* How a route treats sessions (filled in by the accounts module). */
/* AUTH_OPERATOR routes answer 404 to everyone but operators. */
enum route_auth { AUTH_NONE, AUTH_USER, AUTH_COUPLE, AUTH_OPERATOR };

struct req;
struct res;
/* A handler returns 0 or a positive number when it answered (through res),
 * and a negative number for a failure of ours (a 500 and a log line). */
typedef int (*handler_fn)(struct req *req, struct res *res);

enum { ROUTE_MAX_FIELDS = 16, ROUTE_MAX_SEGMENTS = 8 };

/* The body cap for a form whose text fields add up to chars characters: a
 * browser sends up to 12 bytes per character (4 UTF-8 bytes, each as %XX),
 * plus room for the other fields. */
/* A form that carries nothing but its CSRF token (a button). */
enum { ACTION_BODY = 4096 };

#define FORM_BODY_FOR(chars) ((size_t)(chars)*12 + 8192)

struct route {
    const char *method;  /* "GET" (also answers HEAD) or "POST" */
    const char *pattern; /* "/guides/{slug}", "/share/{day:date}", "/x/{id:id}" */
    handler_fn handler;
    const char *view; /* template for the HTML answer, or NULL */
    enum route_auth auth;
    size_t body_max; /* bytes; 0 means no body accepted */
    struct field fields[ROUTE_MAX_FIELDS];
    /* For POST routes whose form errors re-render a page: the handler that
     * fills the page's model (normally the GET handler of the same page). */
    handler_fn form;
    bool no_api; /* the route has no /api/v1 twin (feeds, downloads) */
    bool slow;   /* hashes a password: answered by a worker, off the server threads */
    bool stream; /* answers with a stream that stays open (GET /events) */
    /* A couple's page that changes only when a member of the couple writes
     * or the couple's date changes: its HTML is kept per session and served
     * again until then (src/http/pagecache.h). */
    bool cached;
    /* The same answer for everyone (feeds, the manifest): no session is
     * read and no cookie is set, so a shared cache may keep the answer. */
    bool sessionless;
    /* For slow routes: runs on the server thread before the request joins
     * the workers' queue, to refuse what must not cost a hash (throttles)
     * and to say how it queues (req->queue_*). Returns like a handler. */
    handler_fn admit;
};

/* The couple of a paired person's request (set by the session guard). */
struct couple_ctx {
    int64_t id;
    int64_t partner_id;       /* 0 when the partner is gone */
    const char *partner_name; /* "Your partner" when the partner is gone */
    const char *time_zone;    /* the couple's, for "today" */
    char today[11];           /* the couple's date now, YYYY-MM-DD */
};

/* A request as handlers see it. Everything here lives in req->arena. */
struct req {
    struct arena *arena;
    const struct route *route;
    const char *method;
    const char *path; /* without the /api/v1 prefix and the query */
    bool api;         /* reached through /api/v1 */
    json_t *params;   /* typed path parameters, by name */
    json_t *input;    /* validated input fields (absent when not given) */
    json_t *typed;    /* what the person typed, as strings, for re-rendering */
    json_t *errors;   /* field -> message; non-empty means 422 */
    const char *client_ip;
    void *conn;             /* the libmicrohttpd connection */
    const char *csrf_field; /* the "csrf" form field as sent, or NULL */
    /* Set by the session guard (auth/session.c); 0 / NULL when absent. */
    int64_t user_id, couple_id, session_id;
    const struct couple_ctx *couple; /* NULL when the person is not paired */
    json_t *user;                    /* the user's row; released with the request */
    const char *csrf_token;          /* what forms must send back */
    /* A visitor's new CSRF token, not yet in a cookie: the cookie goes out
     * with the first page whose form carries it (http_set_page_hook). */
    bool csrf_unsent;
    bool bearer; /* authenticated by an Authorization header */
    /* How a slow route's request waits for a worker (set by its admit): its
     * turn is shared with others of queue_bucket (default: the person, else
     * the client's network); queue_known goes before everyone else; it may
     * not start before queue_delay_ms have passed. */
    const char *queue_bucket;
    bool queue_known;
    int64_t queue_delay_ms;
    void *state; /* what admit found, for the handler (arena-owned) */
};

struct header {
    const char *name, *value;
    struct header *next;
};

/* What a handler answers. By default: 200 with res->model through the route's
 * view (HTML) or as JSON (/api/v1). */
struct res {
    int status;
    json_t *model;            /* owned by the response */
    const char *view;         /* overrides the route's view */
    const char *location;     /* a 303 redirect for pages; the API answers status */
    const char *content_type; /* with body: a raw answer (feeds, downloads) */
    char *body;               /* malloc'd; owned by the response */
    size_t body_len;
    const char *coding;        /* with body: its content coding when the handler compressed it
                                  (compress_name), chosen by the request's Accept-Encoding */
    const char *cache_control; /* overrides "no-store" */
    const char *detail;        /* with an error status: what to tell the person */
    struct header *headers;
    /* A stream (server-sent events): read as libmicrohttpd's content reader
     * (bytes written, 0 to wait, -1 at the end), freed by stream_free. */
    void *stream;
    ssize_t (*stream_read)(void *stream, uint64_t pos, char *buf, size_t max);
    void (*stream_free)(void *stream);
};

#endif
