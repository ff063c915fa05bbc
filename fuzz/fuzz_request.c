/* Fuzzes whole HTTP requests through the real server: libmicrohttpd, the
 * request cycle in src/http/server.c, the guards and every handler behind
 * them. The server is set up once as `hearth serve` does, with its database
 * in a fresh temporary directory; each input is written raw to a new
 * connection (one end of a socketpair, handed over with http_serve_fd), the
 * write side is shut, and the answer is read until the server closes.
 *
 * Three people exist from the start so that inputs can reach signed-in
 * pages: Ana (an operator) and Bo, a couple, and Cy, alone. Their sessions
 * have fixed tokens and CSRF tokens (below; the seed corpus uses them), and a
 * session an input ends is put back before the next input. Their passwords
 * are random, so no input can delete an account or leave the couple. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <sodium.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "app.h"
#include "auth/session.h"
#include "core/clock.h"
#include "core/id.h"
#include "http/http.h"
#include "http/static.h"
#include "store/db.h"
#include "view/view.h"

enum {
    ANSWER_WAIT_MS = 2000,   /* of silence before the answer counts as done */
    ANSWER_TOTAL_MS = 10000, /* at most, whatever the server does */
    ANSWER_KEPT = 1 << 20,   /* bytes of an answer kept for set-up */
    PEOPLE = 3,
};

/* The public address the server believes it has: fixed, so that seeds can
 * carry a matching Origin header whatever port the server listens on. */
static const char BASE_URL[] = "http://127.0.0.1:8080";

/* Fixed 43-character tokens (the shape of real ones) for the people's
 * sessions, and the CSRF token of each session. */
static const char CSRF_TOKEN[] = "fuzzCsrfTokenfuzzCsrfTokenfuzzCsrfToken0000";
static const struct person {
    const char *name, *email, *token;
} people[PEOPLE] = {
    {"Ana", "ana@example.org", "fuzzAnaSessionfuzzAnaSessionfuzzAnaSession0"},
    {"Bo", "bo@example.org", "fuzzBoSessionfuzzBoSessionfuzzBoSession0000"},
    {"Cy", "cy@example.org", "fuzzCySessionfuzzCySessionfuzzCySession0000"},
};
static int64_t user_ids[PEOPLE];

static char dir[64] = "";
static char db_path[128];

static void fail(const char *what)
{
    fprintf(stderr, "fuzz_request: %s\n", what);
    abort();
}

/* ---- one exchange on one connection ---- */

struct answer {
    char *data; /* NUL-terminated, or NULL when not kept */
    size_t len;
};

static int64_t now_ms(void)
{
    return clock_mono_ns() / 1000000;
}

/* How many bytes sent on fd the server has not read yet (TIOCOUTQ is
 * SIOCOUTQ for a socket). */
static int unread(int fd)
{
    int queued = 0;
    return ioctl(fd, TIOCOUTQ, &queued) == 0 ? queued : 0;
}

/* Sends the len bytes of request on a new connection, shuts the write side
 * once the server has read them all, and reads until the server closes,
 * ANSWER_WAIT_MS pass without progress, or ANSWER_TOTAL_MS pass in all.
 * Keeps the answer in *out when out is not NULL (the caller frees
 * out->data).
 *
 * The write side is shut only after the server read everything because
 * libmicrohttpd waits for edge-triggered events: when the end of the stream
 * arrives together with the last bytes of a request, it only notices it at a
 * timeout. The answer is read meanwhile, so a server blocked writing the
 * answers to pipelined requests keeps reading. */
static void exchange(const void *request, size_t len, struct answer *out)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
        fail("socketpair failed");
    if (http_serve_fd(sv[1]) != 0)
        fail("the server refused a connection");
    if (fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) != 0)
        fail("cannot make the socket non-blocking");
    if (out != NULL) {
        out->data = calloc(1, ANSWER_KEPT + 1);
        out->len = 0;
    }
    enum { SENDING, DRAINING, SHUT } state = len > 0 ? SENDING : DRAINING;
    const char *p = request;
    size_t sent = 0;
    int queued = 0;
    char buf[16384];
    int64_t start = now_ms(), progress = start;
    for (;;) {
        int64_t now = now_ms();
        if (state == DRAINING) {
            int q = unread(sv[0]);
            if (q != queued)
                progress = now;
            queued = q;
            if (queued == 0 || now - progress >= ANSWER_WAIT_MS) {
                shutdown(sv[0], SHUT_WR);
                state = SHUT;
                progress = now;
            }
        }
        if (now - start >= ANSWER_TOTAL_MS || now - progress >= ANSWER_WAIT_MS)
            break; /* silence: the server keeps the connection, or is slow */
        struct pollfd pfd = {.fd = sv[0], .events = POLLIN | (state == SENDING ? POLLOUT : 0)};
        int n = poll(&pfd, 1, state == DRAINING ? 1 : ANSWER_WAIT_MS / 10);
        if (n < 0 && errno != EINTR)
            break;
        if (n <= 0)
            continue;
        if (state == SENDING && (pfd.revents & POLLOUT)) {
            ssize_t w = send(sv[0], p + sent, len - sent, MSG_NOSIGNAL);
            if (w > 0) {
                sent += (size_t)w;
                progress = now;
            }
            if (sent == len)
                state = DRAINING;
            else if (w < 0 && errno != EAGAIN && errno != EINTR)
                state = SHUT; /* the server closed: read what it said */
        }
        if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
            ssize_t r = recv(sv[0], buf, sizeof(buf), 0);
            if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
                break;
            if (r > 0)
                progress = now;
            if (r > 0 && out != NULL && out->len < ANSWER_KEPT) {
                size_t keep =
                    (size_t)r < ANSWER_KEPT - out->len ? (size_t)r : ANSWER_KEPT - out->len;
                memcpy(out->data + out->len, buf, keep);
                out->len += keep;
            }
        }
    }
    close(sv[0]);
}

/* ---- set-up: the people, their couple, their fixed sessions ---- */

/* POSTs body (JSON, taken over) to the API path, as bearer when it is not
 * NULL, and returns the answer's JSON body (new) or NULL. */
static json_t *api_post(const char *path, const char *bearer, json_t *body)
{
    char *text = json_dumps(body, JSON_COMPACT);
    char auth[128] = "";
    if (bearer != NULL)
        snprintf(auth, sizeof(auth), "Authorization: Bearer %s\r\n", bearer);
    size_t cap = strlen(text) + 512;
    char *request = malloc(cap);
    int n = snprintf(request, cap,
                     "POST /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\n%s"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     path, auth, strlen(text), text);
    struct answer a;
    exchange(request, (size_t)n, &a);
    const char *start = strstr(a.data, "\r\n\r\n");
    json_t *doc = start != NULL ? json_loads(start + 4, 0, NULL) : NULL;
    if (doc == NULL)
        fprintf(stderr, "fuzz_request: POST %s answered:\n%s\n", path, a.data);
    free(a.data);
    free(request);
    free(text);
    json_decref(body);
    return doc;
}

/* Signs a person up with a random password; returns their session token
 * (new) or aborts. */
static char *sign_up(const struct person *who)
{
    unsigned char raw[18];
    char password[32];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2base64(password, sizeof(password), raw, sizeof(raw),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    json_t *doc = api_post("/signup", NULL,
                           json_pack("{s:s, s:s, s:s, s:s}", "name", who->name, "email", who->email,
                                     "password", password, "time_zone", "Europe/Paris"));
    const char *token = json_string_value(json_object_get(doc, "token"));
    if (token == NULL)
        fail("a sign-up failed");
    char *copy = strdup(token);
    json_decref(doc);
    return copy;
}

/* Gives the session of token the person's fixed token and the fixed CSRF
 * token. */
static void fix_session(const char *token, int i)
{
    char was[65], now[65];
    session_hash_token(token, was);
    session_hash_token(people[i].token, now);
    if (db_exec("UPDATE session_tokens SET token_hash = $2 WHERE token_hash = $1", "ss", was,
                now) != 1 ||
        db_int(&user_ids[i], "SELECT user_id FROM session_tokens WHERE token_hash = $1", "s",
               now) != DB_OK ||
        db_exec("UPDATE sessions SET csrf = $2 WHERE user_id = $1", "is", user_ids[i], CSRF_TOKEN) <
            1)
        fail("cannot fix a session's token");
}

static void set_up_people(void)
{
    char *tokens[PEOPLE];
    for (int i = 0; i < PEOPLE; i++)
        tokens[i] = sign_up(&people[i]);
    json_t *invite = api_post("/pair/invite", tokens[0], json_object());
    const char *code = json_string_value(json_object_get(invite, "code"));
    json_t *joined =
        code != NULL ? api_post("/pair/join", tokens[1], json_pack("{s:s}", "code", code)) : NULL;
    if (json_object_get(joined, "couple") == NULL)
        fail("Ana and Bo could not pair");
    json_decref(joined);
    json_decref(invite);
    if (db_exec("UPDATE users SET is_operator = 1 WHERE email = $1", "s", people[0].email) != 1)
        fail("cannot make Ana an operator");
    for (int i = 0; i < PEOPLE; i++) {
        fix_session(tokens[i], i);
        free(tokens[i]);
    }
}

/* Puts back any fixed session an input ended (log out, revoke). */
static void restore_sessions(void)
{
    for (int i = 0; i < PEOPLE; i++) {
        char hash[65];
        int64_t n = 0;
        session_hash_token(people[i].token, hash);
        if (db_int(&n, "SELECT count(*) FROM session_tokens WHERE token_hash = $1", "s", hash) !=
            DB_OK)
            fail("cannot read the sessions");
        if (n > 0)
            continue;
        int64_t t = clock_now_ms(), id = id_new();
        if (db_exec("INSERT INTO sessions (user_id, id, csrf, browser, created_at, last_used_at)"
                    " VALUES ($1, $2, $3, 'Fuzzer', $4, $4)",
                    "iisi", user_ids[i], id, CSRF_TOKEN, t) != 1 ||
            db_exec("INSERT INTO session_tokens (token_hash, user_id, session_id)"
                    " VALUES ($1, $2, $3)",
                    "sii", hash, user_ids[i], id) != 1)
            fail("cannot put a session back");
    }
}

/* ---- the server's life ---- */

static void remove_db_files(void)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        char path[160];
        snprintf(path, sizeof(path), "%s%s", db_path, suffixes[i]);
        unlink(path);
    }
    rmdir(dir);
}

static void stop_server(void)
{
    http_stop(2000);
    app_stop();
    db_close();
    view_shutdown();
    remove_db_files();
}

static void start_server(void)
{
    signal(SIGPIPE, SIG_IGN);
    if (sodium_init() < 0)
        fail("libsodium cannot start");
    clock_init();
    app_register_routes();
    if (view_init() != 0)
        fail("the templates do not load");
    static_init();
    const char *css = static_url("css/hearth.css");
    json_object_set_new(view_site(), "css", json_string(css ? css : "/static/css/hearth.css"));
    const char *js = static_url("js/hearth.js");
    json_object_set_new(view_site(), "js", json_string(js ? js : "/static/js/hearth.js"));

    /* tmpfs when there is one: the database syncs on every commit */
    struct stat st;
    const char *tmp = getenv("TMPDIR");
    if (tmp == NULL || *tmp == '\0')
        tmp = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
    snprintf(dir, sizeof(dir), "%s/hearth-fuzz-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL)
        fail("cannot make a temporary directory");
    snprintf(db_path, sizeof(db_path), "%s/hearth.db", dir);
    if (db_open(db_path, app_modules()) != DB_OK)
        fail("the database does not open");

    struct http_config cfg = {.host = "127.0.0.1", .port = 0, .threads = 2};
    if (http_listen(&cfg) != 0)
        fail("cannot listen");
    struct app_config app = {
        .base_url = BASE_URL,
        .threads = 1,
        .session_idle_ms = 30LL * DAY_MS,
        .session_absolute_ms = 90LL * DAY_MS,
        .signups_per_hour = 1000000,
    };
    if (app_start(&app) != 0 || http_start() != 0)
        fail("the server does not start");
    atexit(stop_server);
    set_up_people();
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    start_server();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    restore_sessions();
    exchange(data, size, NULL);
    return 0;
}
