/* http.h: the HTTP server (libmicrohttpd) and the helpers handlers use to
 * answer. See docs/architecture.md for the request flow. */
#ifndef HEARTH_HTTP_H
#define HEARTH_HTTP_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/route.h"

enum {
    HTTP_CONNECTIONS = 8192,         /* at most, when the open-file limit allows */
    HTTP_PER_NETWORK = 64,           /* connections from one IPv4 address or IPv6 /64 */
    HTTP_HEADER_DEADLINE_MS = 10000, /* a request line and headers, from start to end */
    HTTP_BODY_GRACE_MS = 10000,      /* then a body must keep up HTTP_BODY_MIN_RATE */
    HTTP_BODY_MIN_RATE = 1024,       /* bytes a second, on average */
    HTTP_IDLE_TIMEOUT_S = 30,        /* nothing sent or received this long: closed */
};

struct http_config {
    const char *host; /* a numeric IPv4 or IPv6 address */
    uint16_t port;
    unsigned threads;
    /* The reverse proxies in front, if any (a comma-separated list of
     * addresses): requests from them come from the right-most
     * X-Forwarded-For hop that is not one of them. */
    const char *trusted_proxy;
};

/* A guard decides whether a request goes on. Header guards run as soon as
 * the request's headers are in, before any body is read (who is asking, may
 * they); body guards run after input validation (the form's CSRF token).
 * A guard returns 0 to go on, or an HTTP status to answer with (and may set
 * res->location for a redirect, or fill req->errors). Guards of a stage run
 * in the order they were added. */
enum http_guard_stage { HTTP_GUARD_HEADERS, HTTP_GUARD_BODY };
typedef int (*http_guard_fn)(struct req *req, struct res *res);
void http_add_guard(enum http_guard_stage stage, http_guard_fn fn);
/* Fills per-request values every template sees (session, CSRF token); set
 * once by the accounts module. */
typedef void (*http_context_fn)(struct req *req, json_t *ctx);
void http_set_context(http_context_fn fn);
/* Sees every HTML page (html[0..len), complete) just before it is sent, and
 * may add headers to res; set once by the accounts module, which sends a
 * visitor's CSRF cookie only with a page that carries a form. */
typedef void (*http_page_fn)(struct req *req, struct res *res, const char *html, size_t len);
void http_set_page_hook(http_page_fn fn);

/* Binds and listens (port 0 picks a free one). Returns 0, or -1 with a
 * message on stderr. */
int http_listen(const struct http_config *cfg);
/* Starts answering on the socket http_listen opened. Returns 0 or -1. */
int http_start(void);
/* Stops taking connections, waits up to grace_ms for requests in flight to
 * finish, then stops the server. */
void http_stop(int grace_ms);
/* The port the server listens on (useful when 0 was asked for). */
uint16_t http_port(void);
/* Serves an already connected socket (one end of a socketpair, in the
 * request fuzzer) as if a client at 127.0.0.1 had connected; the server
 * owns and closes fd. Returns 0, or -1 when the server is not running. */
int http_serve_fd(int fd);

/* Handler helpers. */
/* A string input field, or NULL when absent. */
const char *req_str(const struct req *req, const char *name);
/* A request header, or NULL. */
const char *req_header(const struct req *req, const char *name);
/* A cookie sent by the client, or NULL. */
const char *req_cookie(const struct req *req, const char *name);
/* The response model, created on first use. */
json_t *res_model(struct res *res);
/* Answers a page with 303 to location (pages) or 200/status (API). Returns
 * true when the answer is the redirect (a browser's form), so the handler
 * builds no model; false for the API, whose answer is the model. */
bool res_redirect(struct req *req, struct res *res, const char *location);
/* Maps a lookup's DB code for a handler: DB_OK gives 0 (go on); DB_NOT_FOUND
 * sets a 404 and gives 1 (answered); anything else gives -1 (a 500). */
int res_found(struct res *res, int db_code);
/* Marks a field as wrong: the request answers 422 with the form kept. */
void req_error(struct req *req, const char *field, const char *message);
/* Adds a response header (name and value copied into the request arena). */
void res_header(struct req *req, struct res *res, const char *name, const char *value);

#endif
