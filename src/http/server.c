/* server.c: libmicrohttpd glue. Each request gets a context on the first
 * callback (route matched once, body limits checked), collects its body on
 * the following ones, and is answered on the last: input, guards, handler,
 * rendering, headers. NOTIFY_COMPLETED writes the access log line and frees
 * the request. */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/net.h"
#include "core/util.h"
#include "http/compress.h"
#include "http/conns.h"
#include "http/events.h"
#include "http/http.h"
#include "http/input.h"
#include "http/pagecache.h"
#include "http/router.h"
#include "http/slowq.h"
#include "http/static.h"
#include "store/db.h"
#include "view/view.h"

enum {
    FD_RESERVE = 256, /* files kept free of connections: databases, logs, sockets */
    CONNECTION_MEMORY =
        32 *
        1024, /* per connection: a request line and headers of 24 KiB fit, with room to answer */
    DISCARD_MAX =
        16 * 1024 * 1024, /* a body past its cap is dropped up to this, then the connection */
    MAX_GUARDS = 8,
    FORWARDED_LINES_MAX = 8, /* X-Forwarded-For header lines read */
};

static const char API_PREFIX[] = "/api/v1";
static const char CSP[] = "default-src 'self'; script-src 'self'; style-src 'self'; "
                          "img-src 'self' data:; font-src 'self'; connect-src 'self'; "
                          "object-src 'none'; base-uri 'none'; form-action 'self'; "
                          "frame-ancestors 'none'";

struct ctx {
    struct req req;
    struct res res;
    struct buf body;
    int early_status; /* an answer decided before the body was read */
    bool refused;     /* by a header guard: answered without reading the body */
    const char *early_detail;
    const char *allow;
    enum input_body body_kind;
    int status; /* what was sent, for the log */
    int64_t start_ns;
    char *method;          /* outlives the request's memory, for the log line */
    bool deferred;         /* answered by a worker while suspended */
    bool keep_page;        /* a cached route's page, to keep when it renders */
    uint64_t page_version; /* its couple's version before it was rendered */
    struct pagecache_key page_key;
    struct MHD_Response *prepared; /* the worker's answer, queued on resume */
};

static int run_in_transaction(struct ctx *cx, handler_fn fn, bool page);

/* Frees what a request holds but its log line: when it is done, or as soon
 * as its answer is a stream, which may stay open for hours. */
static void release_request(struct ctx *cx)
{
    buf_free(&cx->body);
    json_decref(cx->req.params);
    json_decref(cx->req.input);
    json_decref(cx->req.typed);
    json_decref(cx->req.errors);
    json_decref(cx->req.user);
    json_decref(cx->res.model);
    free(cx->res.body);
    cx->req.params = cx->req.input = cx->req.typed = cx->req.errors = cx->req.user = NULL;
    cx->res.model = NULL;
    cx->res.body = NULL;
}

static struct MHD_Daemon *daemon_handle;
static atomic_int in_flight;
static http_guard_fn guards[2][MAX_GUARDS];
static int nguards[2];
static http_context_fn context_fn;
static http_page_fn page_fn;
static struct net_proxies proxies;

void http_add_guard(enum http_guard_stage stage, http_guard_fn fn)
{
    if (nguards[stage] == MAX_GUARDS)
        fatal("too many guards");
    guards[stage][nguards[stage]++] = fn;
}

void http_set_context(http_context_fn fn)
{
    context_fn = fn;
}

void http_set_page_hook(http_page_fn fn)
{
    page_fn = fn;
}

/* ---- helpers for handlers ---- */

const char *req_str(const struct req *req, const char *name)
{
    return json_string_value(json_object_get(req->input, name));
}

const char *req_header(const struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(const struct req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_COOKIE_KIND, name);
}

json_t *res_model(struct res *res)
{
    if (res->model == NULL)
        res->model = json_object();
    return res->model;
}

bool res_redirect(struct req *req, struct res *res, const char *location)
{
    res->location = location;
    return !req->api;
}

int res_found(struct res *res, int db_code)
{
    if (db_code == DB_OK)
        return 0;
    if (db_code == DB_NOT_FOUND) {
        res->status = 404;
        return 1;
    }
    return -1;
}

void req_error(struct req *req, const char *field, const char *message)
{
    json_object_set_new(req->errors, field, json_string(message));
}

void res_header(struct req *req, struct res *res, const char *name, const char *value)
{
    struct header *h = arena_alloc(req->arena, sizeof(*h));
    h->name = arena_strdup(req->arena, name);
    h->value = arena_strdup(req->arena, value);
    h->next = res->headers;
    res->headers = h;
}

/* ---- answering ---- */

static bool is_api_path(const char *url)
{
    return strncmp(url, "/api/", 5) == 0 || strcmp(url, "/api") == 0;
}

static void add_security_headers(struct MHD_Response *r, const char *cache_control)
{
    MHD_add_response_header(r, "Content-Security-Policy", CSP);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cross-Origin-Opener-Policy", "same-origin");
    MHD_add_response_header(r, "Cross-Origin-Resource-Policy", "same-origin");
    MHD_add_response_header(r, "Permissions-Policy",
                            "camera=(), microphone=(), geolocation=(), interest-cohort=()");
    MHD_add_response_header(r, "Cache-Control", cache_control ? cache_control : "no-store");
}

/* Queues r with status, or keeps it for the resume when a worker made it. */
static enum MHD_Result answer(struct ctx *cx, int status, struct MHD_Response *r)
{
    cx->status = status;
    if (cx->deferred) {
        cx->prepared = r;
        return MHD_YES;
    }
    enum MHD_Result rc = MHD_queue_response(cx->req.conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return rc;
}

/* Queues body (malloc'd, taken over, in coding: NULL for none) with status
 * and the usual headers; vary: it depends on Accept-Encoding. */
static enum MHD_Result send_coded(struct ctx *cx, int status, const char *type, char *body,
                                  size_t len, const char *coding, bool vary)
{
    struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (r == NULL) {
        free(body);
        return MHD_NO;
    }
    add_security_headers(r, cx->res.cache_control);
    if (type != NULL)
        MHD_add_response_header(r, "Content-Type", type);
    if (coding != NULL)
        MHD_add_response_header(r, "Content-Encoding", coding);
    if (vary)
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    if (cx->allow != NULL)
        MHD_add_response_header(r, "Allow", cx->allow);
    if (cx->res.location != NULL && (status == 303 || status == 302))
        MHD_add_response_header(r, "Location", cx->res.location);
    for (struct header *h = cx->res.headers; h != NULL; h = h->next)
        MHD_add_response_header(r, h->name, h->value);
    return answer(cx, status, r);
}

/* Queues body (malloc'd, taken over) with status and the usual headers,
 * compressed when its type and size are worth it and the client accepts. */
static enum MHD_Result send_body(struct ctx *cx, int status, const char *type, char *body,
                                 size_t len)
{
    bool vary;
    const char *coding =
        compress_response(req_header(&cx->req, "Accept-Encoding"), type, &body, &len, &vary);
    return send_coded(cx, status, type, body, len, coding, vary);
}

/* Answers with the page kept for the request, compressed as the client
 * accepts (compressed once, then kept that way too); false when none is
 * kept. */
static bool send_kept(struct ctx *cx, enum MHD_Result *queued)
{
    static const char html[] = "text/html; charset=utf-8";
    enum compress_coding want =
        compress_choose(req_header(&cx->req, "Accept-Encoding"), COMPRESS_OFFER_ALL);
    enum compress_coding got = want;
    size_t len;
    uint64_t version;
    char *body = pagecache_get(&cx->page_key, &got, &len, &version);
    if (body == NULL)
        return false;
    char *coded;
    size_t coded_len;
    if (got != want && compress_body(want, body, len, &coded, &coded_len) == 0) {
        pagecache_put_coded(&cx->page_key, version, want, coded, coded_len);
        free(body);
        body = coded;
        len = coded_len;
        got = want;
    }
    *queued = send_coded(cx, 200, html, body, len, compress_name(got), true);
    return true;
}

static const char *status_title(int status)
{
    switch (status) {
    case 400: return "Bad request";
    case 401: return "Please log in";
    case 403: return "Not allowed";
    case 404: return "Page not found";
    case 405: return "Method not allowed";
    case 409: return "Not possible right now";
    case 410: return "No longer available";
    case 413: return "Too large";
    case 415: return "Unsupported content type";
    case 422: return "Please check the form";
    case 429: return "Too many attempts";
    case 503: return "Temporarily unavailable";
    default: return status >= 500 ? "Something went wrong" : "Error";
    }
}

static const char *status_detail(int status)
{
    switch (status) {
    case 404: return "There is nothing at this address.";
    case 405: return "This address does not accept that method.";
    case 413: return "The request is larger than this address accepts.";
    case 415: return "Send a form (application/x-www-form-urlencoded) or JSON (application/json).";
    case 500: return "The server hit an error. Nothing you did caused it; please try again.";
    default: return "";
    }
}

static json_t *request_context(struct ctx *cx)
{
    /* a form's errors and input are empty until it comes back invalid */
    json_t *ctx = json_pack("{s:o, s:o}", "errors", json_object(), "input", json_object());
    if (context_fn != NULL && cx->req.route != NULL)
        context_fn(&cx->req, ctx);
    return ctx;
}

/* Answers with an error: problem+json for the API, an HTML page otherwise. */
static enum MHD_Result send_error(struct ctx *cx, int status, const char *detail)
{
    const char *title = status_title(status);
    if (detail == NULL || *detail == '\0')
        detail = status_detail(status);
    json_t *doc = json_object();
    json_object_set_new(doc, "type", json_string("about:blank"));
    json_object_set_new(doc, "title", json_string(title));
    json_object_set_new(doc, "status", json_integer(status));
    if (*detail)
        json_object_set_new(doc, "detail", json_string(detail));
    if (json_object_size(cx->req.errors) > 0)
        json_object_set(doc, "errors", cx->req.errors);
    if (cx->req.api) {
        char *body = json_dumps(doc, JSON_COMPACT);
        json_decref(doc);
        return send_body(cx, status, "application/problem+json", body, strlen(body));
    }
    struct buf out;
    buf_init(&out, VIEW_MAX_PAGE);
    json_t *messages = json_array();
    const char *field;
    json_t *msg;
    json_object_foreach (cx->req.errors, field, msg)
        json_array_append(messages, msg);
    json_object_set_new(doc, "messages", messages);
    json_t *rctx = request_context(cx);
    int rc = view_page("error", rctx, doc, &out);
    json_decref(rctx);
    json_decref(doc);
    if (rc != 0) {
        buf_reset(&out);
        buf_printf(&out, "%d %s\n", status, title);
        size_t len;
        char *body = buf_take(&out, &len);
        return send_body(cx, status, "text/plain; charset=utf-8", body, len);
    }
    size_t len;
    char *body = buf_take(&out, &len);
    if (page_fn != NULL && cx->req.route != NULL)
        page_fn(&cx->req, &cx->res, body, len);
    return send_body(cx, status, "text/html; charset=utf-8", body, len);
}

static enum MHD_Result send_json(struct ctx *cx, int status, json_t *model)
{
    char *body = model ? json_dumps(model, JSON_COMPACT) : xstrdup("{}");
    if (body == NULL)
        return send_error(cx, 500, NULL);
    return send_body(cx, status, "application/json", body, strlen(body));
}

/* A page that sets a cookie is its request's own, never kept. */
static bool sets_cookie(const struct header *h)
{
    for (; h != NULL; h = h->next)
        if (strcasecmp(h->name, "Set-Cookie") == 0)
            return true;
    return false;
}

static enum MHD_Result send_page(struct ctx *cx, int status, const char *view)
{
    struct buf out;
    buf_init(&out, VIEW_MAX_PAGE);
    json_t *rctx = request_context(cx);
    int rc = view_page(view, rctx, res_model(&cx->res), &out);
    json_decref(rctx);
    if (rc != 0) {
        buf_free(&out);
        log_error("http: cannot render view %s", view);
        return send_error(cx, 500, NULL);
    }
    size_t len;
    char *body = buf_take(&out, &len);
    if (page_fn != NULL && cx->req.route != NULL)
        page_fn(&cx->req, &cx->res, body, len);
    if (cx->keep_page && status == 200 && !sets_cookie(cx->res.headers))
        pagecache_put(&cx->page_key, cx->page_version, body, len);
    return send_body(cx, status, "text/html; charset=utf-8", body, len);
}

/* True when the route declares field without an input the person sees. */
static bool field_hidden(const struct route *route, const char *field)
{
    for (size_t i = 0; i < ROUTE_MAX_FIELDS && route->fields[i].name != NULL; i++)
        if (strcmp(route->fields[i].name, field) == 0)
            return route->fields[i].hidden;
    return false;
}

/* A form that failed validation: the page again, with errors and input,
 * answered with res->status when the handler chose one (401, 429), else 422.
 * The model's error_list has each message with its field, and whether the
 * summary links to the field's input (templates/partials/error-summary.html). */
static enum MHD_Result send_invalid(struct ctx *cx)
{
    struct req *req = &cx->req;
    struct res *res = &cx->res;
    int status = res->status >= 400 ? res->status : 422;
    if (req->api)
        return send_error(cx, status, res->detail ? res->detail : "Some fields need attention.");
    const char *view = res->view ? res->view : req->route->view;
    /* a page with bad query fields shows itself without them */
    handler_fn form = req->route->form;
    if (form == NULL && strcmp(req->route->method, "GET") == 0)
        form = req->route->handler;
    if (form != NULL && run_in_transaction(cx, form, true) < 0)
        return send_error(cx, 500, NULL);
    if (res->status == 404)
        return send_error(cx, 404, NULL);
    if (view == NULL)
        return send_error(cx, status, "Some fields need attention.");
    json_t *model = res_model(res), *list = json_array();
    const char *field;
    json_t *msg;
    json_object_foreach (req->errors, field, msg)
        json_array_append_new(list, json_pack("{s:s, s:O, s:b}", "field", field, "message", msg,
                                              "link", !field_hidden(req->route, field)));
    json_object_set(model, "errors", req->errors);
    json_object_set_new(model, "error_list", list);
    json_object_set(model, "input", req->typed);
    return send_page(cx, status, view);
}

static enum MHD_Result send_static(struct ctx *cx, const char *path)
{
    struct static_file f;
    if (static_find(path, req_header(&cx->req, "Accept-Encoding"), &f) != 0)
        return send_error(cx, 404, NULL);
    cx->res.cache_control = "public, max-age=3600";
    const char *inm = req_header(&cx->req, "If-None-Match");
    if (inm != NULL && strstr(inm, f.etag) != NULL) {
        if (f.owned)
            free((void *)f.data);
        struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
        add_security_headers(r, cx->res.cache_control);
        MHD_add_response_header(r, "ETag", f.etag);
        if (f.varies)
            MHD_add_response_header(r, "Vary", "Accept-Encoding");
        return answer(cx, 304, r);
    }
    struct MHD_Response *r = MHD_create_response_from_buffer(
        f.size, (void *)f.data, f.owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    add_security_headers(r, cx->res.cache_control);
    MHD_add_response_header(r, "Content-Type", f.content_type);
    if (f.encoding != NULL)
        MHD_add_response_header(r, "Content-Encoding", f.encoding);
    if (f.varies)
        MHD_add_response_header(r, "Vary", "Accept-Encoding");
    MHD_add_response_header(r, "ETag", f.etag);
    return answer(cx, 200, r);
}

/* ---- the request life cycle ---- */

struct query {
    const struct route *route;
    json_t *raw;
};

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t key_size, const char *value, size_t value_size)
{
    struct query *q = cls;
    (void)kind;
    input_add_pair(q->route, q->raw, key, key_size, value, value ? value_size : 0);
    return MHD_YES;
}

/* Runs the guards of stage; returns 0 to go on, else the status a guard
 * answered with (res->location set for a redirect). */
static int run_guards(struct ctx *cx, enum http_guard_stage stage)
{
    for (int i = 0; i < nguards[stage]; i++) {
        int status = guards[stage][i](&cx->req, &cx->res);
        if (status != 0)
            return status;
    }
    return 0;
}

/* Answers what a guard decided. */
static enum MHD_Result send_guarded(struct ctx *cx, int status)
{
    if (cx->res.location != NULL && !cx->req.api)
        return send_body(cx, 303, NULL, xstrdup(""), 0);
    if (status == 422)
        return send_invalid(cx);
    return send_error(cx, status, cx->res.detail);
}

/* Decides on the first callback what can be decided from the headers: the
 * route, the body's type and size, too many query fields, and the header
 * guards (who is asking and may they), so a refused request is answered
 * before its body is read. */
static void begin(struct ctx *cx, const char *url)
{
    struct req *req = &cx->req;
    const char *path = url;
    if (strncmp(url, API_PREFIX, sizeof(API_PREFIX) - 1) == 0 &&
        (url[sizeof(API_PREFIX) - 1] == '/' || url[sizeof(API_PREFIX) - 1] == '\0')) {
        req->api = true;
        path = url[sizeof(API_PREFIX) - 1] ? url + sizeof(API_PREFIX) - 1 : "/";
    } else if (is_api_path(url)) {
        req->api = true;
        cx->early_status = 404;
        return;
    }
    req->path = path;
    if (!req->api && strncmp(path, "/static/", 8) == 0 &&
        (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")))
        return;

    char allow[128];
    const struct route *route = NULL;
    switch (router_match(req->method, path, &route, req->params, allow, sizeof(allow))) {
    case ROUTER_NOT_FOUND: cx->early_status = 404; return;
    case ROUTER_BAD_METHOD:
        cx->early_status = 405;
        cx->allow = arena_strdup(req->arena, allow);
        return;
    case ROUTER_FOUND: break;
    }
    if (req->api && route->no_api) {
        cx->early_status = 404;
        return;
    }
    req->route = route;
    if (MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, NULL, NULL) > INPUT_MAX_PAIRS) {
        cx->early_status = 400;
        cx->early_detail = "The address carries too many query fields.";
        return;
    }

    int64_t declared = 0;
    input_content_length(req_header(req, "Content-Length"), &declared);
    const char *chunked = req_header(req, "Transfer-Encoding");
    bool has_body = declared > 0 || chunked != NULL;
    bool writes = strcmp(route->method, "GET") != 0;
    const char *type = req_header(req, "Content-Type");
    enum input_body kind = input_body_kind(type);
    cx->body_kind = kind;
    buf_init(&cx->body, route->body_max);
    /* who is asking comes first: a stranger learns nothing about the body */
    int status = run_guards(cx, HTTP_GUARD_HEADERS);
    if (status != 0) {
        cx->early_status = status;
        cx->early_detail = cx->res.detail;
        cx->refused = true;
    } else if (writes && req->api && kind != INPUT_BODY_JSON) {
        cx->early_status = 415;
        cx->early_detail = "API writes must be sent as application/json.";
    } else if (has_body && (!writes || route->body_max == 0)) {
        cx->early_status = 413;
        cx->early_detail = "This address takes no request body.";
    } else if (has_body && kind == INPUT_BODY_OTHER) {
        cx->early_status = 415;
        if (type != NULL && strncasecmp(type, "multipart/", 10) == 0)
            cx->early_detail = "Multipart bodies are not accepted here; send a urlencoded "
                               "form or JSON.";
    } else if (declared > (int64_t)route->body_max) {
        cx->early_status = 413;
    }
}

/* Renders what the handler (or a slow route's admit) answered with rc. */
static enum MHD_Result respond(struct ctx *cx, int rc)
{
    struct req *req = &cx->req;
    struct res *res = &cx->res;
    if (rc < 0)
        return send_error(cx, 500, NULL);
    if (json_object_size(req->errors) > 0)
        return send_invalid(cx);
    if (res->status >= 400 && (res->model == NULL || (req->api && req->route->view != NULL)))
        return send_error(cx, res->status, res->detail);
    if (res->stream_read != NULL) { /* the stream now belongs to libmicrohttpd */
        struct MHD_Response *r = MHD_create_response_from_callback(
            MHD_SIZE_UNKNOWN, 4096, res->stream_read, res->stream, res->stream_free);
        res->stream = NULL;
        res->stream_read = NULL;
        if (r == NULL)
            return MHD_NO;
        add_security_headers(r, NULL);
        MHD_add_response_header(r, "Content-Type", res->content_type);
        for (struct header *h = res->headers; h != NULL; h = h->next)
            MHD_add_response_header(r, h->name, h->value);
        enum MHD_Result queued = answer(cx, 200, r);
        release_request(cx);
        arena_free(req->arena);
        req->arena = NULL;
        return queued;
    }
    if (res->body != NULL) {
        char *body = res->body;
        res->body = NULL;
        if (res->coding != NULL)
            return send_coded(cx, res->status ? res->status : 200, res->content_type, body,
                              res->body_len, res->coding, true);
        return send_body(cx, res->status ? res->status : 200, res->content_type, body,
                         res->body_len);
    }
    if (req->api)
        return send_json(cx, res->status ? res->status : 200, res->model);
    if (res->location != NULL)
        return send_body(cx, 303, NULL, xstrdup(""), 0);
    const char *view = res->view ? res->view : req->route->view;
    if (view == NULL)
        return send_json(cx, res->status ? res->status : 200, res->model);
    return send_page(cx, res->status ? res->status : 200, view);
}

static enum MHD_Result defer(struct ctx *cx);

/* Forgets what a handler answered, for a second run of the request; what
 * came before the handler (a guard's cookie) stays. */
static void reset_answer(struct res *res, struct req *req, struct header *before)
{
    json_decref(res->model);
    free(res->body);
    if (res->stream != NULL && res->stream_free != NULL)
        res->stream_free(res->stream);
    memset(res, 0, sizeof(*res));
    res->headers = before;
    json_object_clear(req->errors);
}

/* The kept pages a request's write changed: its couple's, before and after
 * it (pairing, leaving), or every couple's when an operator wrote. Tells
 * every server at the commit (committed false, inside the transaction: 0
 * or -1), or drops them here once it committed. */
static int kept_pages_changed(const struct req *req, int64_t couple_before, bool committed)
{
    bool everyone = req->route->auth == AUTH_OPERATOR;
    /* 0 is pagecache's "every couple": only an operator's write means it */
    int64_t couples[2] = {everyone ? 0 : couple_before, req->couple_id};
    for (int i = 0; i < (everyone ? 1 : 2); i++) {
        if (!everyone && (couples[i] == 0 || (i == 1 && couples[1] == couples[0])))
            continue;
        if (committed)
            pagecache_bump(couples[i]);
        else if (pagecache_changed(couples[i]) != 0)
            return -1;
    }
    return 0;
}

/* Runs fn (the route's handler, or with page set a page filler behind a
 * form that came back) inside the request's transaction: its writes are
 * committed when it succeeds (a page filler: when it did not fail) and
 * rolled back otherwise, and it runs again, whole, when the database
 * refused the transaction (a serialization failure, a deadlock, a database
 * busy too long). */
static int run_in_transaction(struct ctx *cx, handler_fn fn, bool page)
{
    struct req *req = &cx->req;
    struct res *res = &cx->res;
    struct header *before = res->headers;
    int64_t couple_before = req->couple_id;
    bool wrote = false;
    int rc;
    for (int attempt = 1;; attempt++) {
        db_request_start();
#ifdef HEARTH_TEST_FAULTS
        const char *fail = page ? NULL : req_header(req, "X-Hearth-Fail-Db");
        int64_t nth = 0;
        if (fail != NULL && parse_int64(fail, strlen(fail), &nth) == 0 && nth > 0 && nth < 1000)
            db_fail_nth((int)nth);
#endif
        rc = fn(req, res);
        bool ok = rc >= 0 && (page || (json_object_size(req->errors) == 0 && res->status < 400));
        wrote = ok && db_request_wrote();
        if (wrote && kept_pages_changed(req, couple_before, false) != 0)
            ok = wrote = false;
        int fin = db_request_finish(ok);
        if (fin == DB_RETRY && attempt < DB_TX_TRIES && !page) {
            reset_answer(res, req, before);
            continue;
        }
        if (fin == DB_RETRY)
            log_error("http: %s %s: the database refused it %d times", req->method,
                      req->route->pattern, attempt);
        if (fin != DB_OK && (ok || fin == DB_RETRY))
            rc = -1;               /* the commit failed, or the database kept refusing */
        if (fin == DB_OK && wrote) /* here at once; the notification comes later */
            kept_pages_changed(req, couple_before, true);
        break;
    }
#ifdef HEARTH_TEST_FAULTS
    if (!page)
        res_header(req, res, "X-Hearth-Db-Calls",
                   arena_printf(req->arena, "%d", db_request_calls()));
#endif
    return rc;
}

static void resume_synced(void *arg)
{
    struct ctx *cx = arg;
    MHD_resume_connection(cx->req.conn);
}

/* Responds once what the request wrote is on disk (db_sync_ticket): the
 * answer is made now and kept, and the connection waits, suspended, for
 * the sync that it shares with the other writes of the moment. */
static enum MHD_Result respond_durable(struct ctx *cx, int rc)
{
    int64_t ticket = db_sync_ticket();
    if (ticket == 0)
        return respond(cx, rc);
    cx->deferred = true;
    enum MHD_Result queued = respond(cx, rc);
    if (cx->prepared == NULL) { /* nothing to queue later */
        db_sync_wait(ticket);
        return queued;
    }
    MHD_suspend_connection(cx->req.conn);
    db_sync_then(ticket, resume_synced, cx);
    return MHD_YES;
}

/* The last callback: input, body guards, then the handler here or, for a
 * slow route that its admit lets through, on a worker. */
static enum MHD_Result finish(struct ctx *cx)
{
    struct req *req = &cx->req;
    struct res *res = &cx->res;
    if (cx->early_status != 0)
        return send_error(cx, cx->early_status, cx->early_detail);
    if (req->route == NULL)
        return send_static(cx, req->path);

    json_t *raw = json_object();
    if (strcmp(req->route->method, "GET") == 0) {
        struct query q = {req->route, raw};
        MHD_get_connection_values_n(req->conn, MHD_GET_ARGUMENT_KIND, collect_query, &q);
    } else if (cx->body_kind == INPUT_BODY_FORM) {
        if (input_parse_form(req->route, raw, cx->body.data ? cx->body.data : "", cx->body.len) !=
            0) {
            json_decref(raw);
            return send_error(cx, 400, "The form carries too many fields.");
        }
    } else if (cx->body_kind == INPUT_BODY_JSON && cx->body.len > 0) {
        char err[256];
        if (input_parse_json(req->route, raw, cx->body.data, cx->body.len, err, sizeof(err)) != 0) {
            json_decref(raw);
            return send_error(cx, 400, arena_strdup(req->arena, err));
        }
    }
    input_validate(req->route, req, raw);
    int status = run_guards(cx, HTTP_GUARD_BODY);
    if (status != 0)
        return send_guarded(cx, status);
    if (json_object_size(req->errors) > 0)
        return send_invalid(cx);
    if (req->route->cached && !req->api && req->couple != NULL) {
        struct pagecache_key *k = &cx->page_key;
        char *input = json_dumps(req->input, JSON_COMPACT | JSON_SORT_KEYS);
        k->session_id = req->session_id;
        k->couple_id = req->couple_id;
        memcpy(k->day, req->couple->today, sizeof(k->day));
        k->url = arena_printf(req->arena, "%s?%s", req->path, input ? input : "");
        cx->keep_page = input != NULL;
        free(input);
        enum MHD_Result queued;
        if (send_kept(cx, &queued))
            return queued;
        cx->page_version = pagecache_version(req->couple_id);
    }
    if (!req->route->slow)
        return respond_durable(cx, run_in_transaction(cx, req->route->handler, false));
    if (req->route->admit != NULL) {
        int rc = req->route->admit(req, res);
        if (rc != 0 || res->status != 0 || json_object_size(req->errors) > 0)
            return respond(cx, rc < 0 ? rc : 0);
    }
    return defer(cx);
}

/* The client's address: the peer, or behind a trusted proxy the right-most
 * X-Forwarded-For hop that is not a proxy. */
struct forwarded {
    const char *lines[FORWARDED_LINES_MAX];
    int n;
};

static enum MHD_Result collect_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
                                         const char *value)
{
    struct forwarded *f = cls;
    (void)kind;
    if (strcasecmp(key, "X-Forwarded-For") == 0 && value != NULL) {
        if (f->n == FORWARDED_LINES_MAX) {
            f->n = 0; /* too many lines to trust any: the peer it is */
            return MHD_NO;
        }
        f->lines[f->n++] = value;
    }
    return MHD_YES;
}

static void client_address(struct MHD_Connection *conn, char ip[NET_ADDRESS_MAX])
{
    char peer[NET_ADDRESS_MAX] = "-";
    char text[INET6_ADDRSTRLEN] = "-";
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        struct sockaddr_in6 in6; /* copied, as the pointer may be less aligned */
        struct sockaddr_in in4;
        if (sa->sa_family == AF_INET) {
            memcpy(&in4, sa, sizeof(in4));
            inet_ntop(AF_INET, &in4.sin_addr, text, sizeof(text));
        } else if (sa->sa_family == AF_INET6) {
            memcpy(&in6, sa, sizeof(in6));
            inet_ntop(AF_INET6, &in6.sin6_addr, text, sizeof(text));
        }
    }
    if (!net_normalise(text, peer))
        snprintf(peer, sizeof(peer), "-");
    struct forwarded f = {.n = 0};
    if (net_is_proxy(&proxies, peer))
        MHD_get_connection_values(conn, MHD_HEADER_KIND, collect_forwarded, &f);
    net_client_address(peer, f.lines, f.n, &proxies, ip);
}

/* ---- slow routes: password hashing off the server's threads ----
 *
 * A route marked slow (it hashes a password) is answered by a small pool of
 * workers: the connection is suspended, a worker runs its handler and
 * prepares the response, and the resumed connection queues it. The server's
 * own threads never wait for argon2id. Everything cheap (input, guards,
 * throttles in the route's admit) runs before the request joins the queue,
 * and the queue is shared fairly between networks (src/http/slowq.h). */

enum {
    SLOW_QUEUE_KNOWN = 256,   /* known browsers waiting at most */
    SLOW_QUEUE_NORMAL = 1024, /* everyone else */
    SLOW_PER_BUCKET = 16,     /* from one network (or one person) */
    SLOW_WORKERS_MAX = 64,
};

static struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    struct slowq *queue;
    bool stopping;
    pthread_t threads[SLOW_WORKERS_MAX];
    unsigned nthreads;
} slow = {.lock = PTHREAD_MUTEX_INITIALIZER, .ready = PTHREAD_COND_INITIALIZER};

static void *slow_worker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&slow.lock);
    for (;;) {
        int64_t wake = 0;
        struct ctx *cx = slowq_pop(slow.queue, slow.stopping ? INT64_MAX : clock_mono_ns(), &wake);
        if (cx == NULL) {
            if (slow.stopping)
                break;
            if (wake == 0) {
                pthread_cond_wait(&slow.ready, &slow.lock);
            } else { /* a delayed login comes due */
                struct timespec until;
                clock_gettime(CLOCK_REALTIME, &until);
                int64_t ns = until.tv_nsec + (wake - clock_mono_ns());
                until.tv_sec += ns / 1000000000;
                until.tv_nsec = ns % 1000000000;
                if (until.tv_nsec < 0) {
                    until.tv_sec--;
                    until.tv_nsec += 1000000000;
                }
                pthread_cond_timedwait(&slow.ready, &slow.lock, &until);
            }
            continue;
        }
        bool stopping = slow.stopping;
        pthread_mutex_unlock(&slow.lock);
        if (stopping) /* what is still queued at shutdown gets a quick answer */
            send_error(cx, 503, "The server is restarting. Please try again in a moment.");
        else
            respond(cx, run_in_transaction(cx, cx->req.route->handler, false));
        db_sync_wait(db_sync_ticket());
        MHD_resume_connection(cx->req.conn);
        pthread_mutex_lock(&slow.lock);
    }
    pthread_mutex_unlock(&slow.lock);
    return NULL;
}

static enum MHD_Result defer(struct ctx *cx)
{
    struct req *req = &cx->req;
    char network[NET_ADDRESS_MAX];
    const char *bucket = req->queue_bucket;
    if (bucket == NULL && req->user_id != 0) {
        bucket = arena_printf(req->arena, "user:%lld", (long long)req->user_id);
    } else if (bucket == NULL) {
        net_prefix(req->client_ip, 24, 48, network);
        bucket = network;
    }
    int64_t not_before =
        req->queue_delay_ms > 0 ? clock_mono_ns() + req->queue_delay_ms * 1000000 : 0;
    pthread_mutex_lock(&slow.lock);
    int rc = slow.nthreads == 0 || slow.stopping
                 ? -1
                 : slowq_push(slow.queue, cx, bucket,
                              req->queue_known ? SLOWQ_PRIORITY : SLOWQ_NORMAL, not_before);
    if (rc != 0) {
        pthread_mutex_unlock(&slow.lock);
        res_header(req, &cx->res, "Retry-After", "2");
        return send_error(cx, 503, "The server is busy. Please try again in a moment.");
    }
    cx->deferred = true;
    MHD_suspend_connection(req->conn);
    pthread_cond_broadcast(&slow.ready);
    pthread_mutex_unlock(&slow.lock);
    return MHD_YES;
}

static void slow_start(unsigned n)
{
    static const size_t totals[SLOWQ_CLASSES] = {SLOW_QUEUE_KNOWN, SLOW_QUEUE_NORMAL};
    slow.stopping = false;
    slow.queue = slowq_new(totals, SLOW_PER_BUCKET);
    for (slow.nthreads = 0; slow.nthreads < n && slow.nthreads < SLOW_WORKERS_MAX; slow.nthreads++)
        if (pthread_create(&slow.threads[slow.nthreads], NULL, slow_worker, NULL) != 0)
            fatal("cannot start a worker thread");
}

/* Lets the workers answer what is queued, then joins them. */
static void slow_stop(void)
{
    pthread_mutex_lock(&slow.lock);
    slow.stopping = true;
    pthread_cond_broadcast(&slow.ready);
    pthread_mutex_unlock(&slow.lock);
    for (unsigned i = 0; i < slow.nthreads; i++)
        pthread_join(slow.threads[i], NULL);
    slow.nthreads = 0;
    slowq_free(slow.queue);
    slow.queue = NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct ctx *cx = *con_cls;
    if (cx == NULL) {
        conns_headers_received(conn);
        struct arena *a = arena_new();
        cx = xcalloc(1, sizeof(*cx)); /* outside the arena, which a stream frees early */
        cx->start_ns = clock_mono_ns();
        cx->req.arena = a;
        cx->req.conn = conn;
        cx->method = xstrdup(method);
        cx->req.method = cx->method;
        cx->req.params = json_object();
        cx->req.input = json_object();
        cx->req.typed = json_object();
        cx->req.errors = json_object();
        char ip[NET_ADDRESS_MAX];
        client_address(conn, ip);
        cx->req.client_ip = arena_strdup(a, ip);
        buf_init(&cx->body, 0);
        atomic_fetch_add(&in_flight, 1);
        *con_cls = cx;
        begin(cx, url);
        int64_t declared = 0;
        input_content_length(req_header(&cx->req, "Content-Length"), &declared);
        /* who may not ask is answered before the body, which is never read;
         * other refusals let a modest body arrive (discarded), so that
         * clients still sending it read the answer */
        if (cx->early_status == 0 || (!cx->refused && declared <= DISCARD_MAX))
            return MHD_YES;
        conns_answering(conn);
        if (cx->res.location != NULL && !cx->req.api && cx->early_status == 303)
            return send_body(cx, 303, NULL, xstrdup(""), 0);
        return send_error(cx, cx->early_status, cx->early_detail);
    }
    if (*upload_size > 0) {
        conns_body_received(conn, *upload_size);
        if (cx->early_status == 0 && buf_append(&cx->body, upload_data, *upload_size) != 0)
            cx->early_status = 413;
        else if (cx->early_status != 0 && (cx->body.len += *upload_size) > DISCARD_MAX)
            return MHD_NO; /* a body that never ends: drop the connection */
        *upload_size = 0;
        return MHD_YES;
    }
    if (cx->deferred) { /* resumed: queue what the worker made, once */
        struct MHD_Response *r = cx->prepared;
        cx->prepared = NULL;
        if (r == NULL)
            return cx->status != 0 ? MHD_YES : MHD_NO;
        enum MHD_Result rc = MHD_queue_response(conn, (unsigned)cx->status, r);
        MHD_destroy_response(r);
        return rc;
    }
    if (cx->status != 0)
        return MHD_YES;
    conns_answering(conn);
    return finish(cx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)toe;
    struct ctx *cx = *con_cls;
    conns_request_done(conn);
    if (cx == NULL)
        return;
    double ms = (double)(clock_mono_ns() - cx->start_ns) / 1e6;
    const char *pattern = cx->req.route ? cx->req.route->pattern
                          : cx->req.path && !strncmp(cx->req.path, "/static/", 8) ? "/static/*"
                                                                                  : "(unmatched)";
    log_info("%s %s%s %d %.3fms", cx->method, cx->req.api && cx->req.route ? API_PREFIX : "",
             pattern, cx->status, ms);
    if (cx->prepared != NULL)
        MHD_destroy_response(cx->prepared);
    release_request(cx);
    if (cx->res.stream != NULL && cx->res.stream_free != NULL) /* never handed over */
        cx->res.stream_free(cx->res.stream);
    arena_free(cx->req.arena);
    free(cx->method);
    free(cx);
    *con_cls = NULL;
    atomic_fetch_sub(&in_flight, 1);
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    msg[strcspn(msg, "\n")] = '\0';
    log_error("http: %s", msg);
}

static int listen_fd = -1;
static uint16_t bound_port;
static unsigned pool_size;

int http_listen(const struct http_config *cfg)
{
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof(ss));
    struct sockaddr_in *v4 = (struct sockaddr_in *)&ss;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&ss;
    socklen_t len;
    if (inet_pton(AF_INET, cfg->host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(cfg->port);
        len = sizeof(*v4);
    } else if (inet_pton(AF_INET6, cfg->host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(cfg->port);
        len = sizeof(*v6);
    } else {
        fprintf(stderr, "hearth: --listen needs a numeric address such as 127.0.0.1:8080\n");
        return -1;
    }
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
        bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 1024) != 0 ||
        getsockname(fd, (struct sockaddr *)&ss, &len) != 0) {
        fprintf(stderr, "hearth: cannot listen on %s:%u (in use, or not an address here)\n",
                cfg->host, cfg->port);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    bound_port = ntohs(ss.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
    listen_fd = fd;
    pool_size = cfg->threads;
    if (net_parse_proxies(cfg->trusted_proxy, &proxies) != 0) {
        fprintf(stderr,
                "hearth: --trusted-proxy needs numeric addresses, separated by commas "
                "(at most %d)\n",
                NET_PROXIES_MAX);
        close(fd);
        listen_fd = -1;
        return -1;
    }
    return 0;
}

/* Raises the open-file limit as far as allowed for HTTP_CONNECTIONS; returns
 * how many connections it leaves room for. */
static unsigned connection_room(void)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)HTTP_CONNECTIONS + FD_RESERVE;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return 1024 - FD_RESERVE;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur >= want)
        return HTTP_CONNECTIONS;
    unsigned room =
        rl.rlim_cur > 2 * FD_RESERVE ? (unsigned)(rl.rlim_cur - FD_RESERVE) : FD_RESERVE;
    log_info("http: the open-file limit (%llu) leaves room for %u connections; raise it to %llu "
             "(LimitNOFILE= or ulimit -n) for %d",
             (unsigned long long)rl.rlim_cur, room, (unsigned long long)want, HTTP_CONNECTIONS);
    return room;
}

uint16_t http_port(void)
{
    return bound_port;
}

int http_serve_fd(int fd)
{
    struct sockaddr_in peer;
    memset(&peer, 0, sizeof(peer));
    peer.sin_family = AF_INET;
    peer.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (daemon_handle == NULL ||
        MHD_add_connection(daemon_handle, fd, (const struct sockaddr *)&peer, sizeof(peer)) !=
            MHD_YES)
        return -1;
    return 0;
}

int http_start(void)
{
    /* per-network limits and deadlines are ours (conns.c): libmicrohttpd
     * counts exact addresses, and its timeout restarts with every byte */
    struct conns_config cc = {
        .per_network = HTTP_PER_NETWORK,
        .header_ms = HTTP_HEADER_DEADLINE_MS,
        .body_grace_ms = HTTP_BODY_GRACE_MS,
        .body_min_rate = HTTP_BODY_MIN_RATE,
        .proxies = &proxies,
    };
    if (conns_start(&cc) != 0) {
        fprintf(stderr, "hearth: cannot start the connection watchdog\n");
        return -1;
    }
    if (pagecache_init() != 0) {
        fprintf(stderr, "hearth: cannot listen for the changes of kept pages\n");
        conns_stop();
        return -1;
    }
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
    daemon_handle = MHD_start_daemon(
        flags, 0, conns_accept, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error,
        NULL, MHD_OPTION_LISTEN_SOCKET, listen_fd, MHD_OPTION_THREAD_POOL_SIZE, pool_size,
        MHD_OPTION_CONNECTION_LIMIT, connection_room(), MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)HTTP_IDLE_TIMEOUT_S, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)CONNECTION_MEMORY, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_NOTIFY_CONNECTION, conns_notify, NULL, MHD_OPTION_END);
    if (daemon_handle == NULL) {
        fprintf(stderr, "hearth: the HTTP server could not start\n");
        conns_stop();
        close(listen_fd);
        listen_fd = -1;
        return -1;
    }
    slow_start(pool_size / 2 > 0 ? pool_size / 2 : 1);
    return 0;
}

void http_stop(int grace_ms)
{
    if (daemon_handle == NULL) {
        if (listen_fd >= 0)
            close(listen_fd);
        listen_fd = -1;
        return;
    }
    MHD_socket fd = MHD_quiesce_daemon(daemon_handle);
    if (fd != MHD_INVALID_SOCKET)
        close(fd);
    events_stop(); /* streams end first: nothing may stay suspended */
    int64_t deadline = clock_mono_ns() + (int64_t)grace_ms * 1000000;
    while (atomic_load(&in_flight) > 0 && clock_mono_ns() < deadline) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    slow_stop(); /* nothing may stay suspended when the server stops */
    while (atomic_load(&in_flight) > 0 && clock_mono_ns() < deadline + 500000000) {
        struct timespec ts = {0, 10 * 1000000};
        nanosleep(&ts, NULL);
    }
    MHD_stop_daemon(daemon_handle);
    conns_stop();
    pagecache_clear();
    daemon_handle = NULL;
    listen_fd = -1;
}
