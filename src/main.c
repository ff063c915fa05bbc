/* main.c: the hearth command: serve, migrate, admin, sql, copy, dump, routes,
 * --version, --help. */
#include <ctype.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"
#include "auth/reset.h"
#include "core/assets.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/util.h"
#include "http/http.h"
#include "http/router.h"
#include "http/static.h"
#include "practices/share/questions.h"
#include "store/db.h"
#include "view/view.h"

#ifndef HEARTH_VERSION
#define HEARTH_VERSION "dev"
#endif

enum { SHUTDOWN_GRACE_MS = 4000 };

static const char usage[] =
    "Usage: hearth COMMAND [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  serve          run the web server (applies pending migrations first)\n"
    "  migrate        apply pending database migrations and exit\n"
    "  migrate --status   list every migration, applied or pending\n"
    "  sql STATEMENT  run one SQL statement and print its rows (a|b|c);\n"
    "                 sql - reads statements from standard input, one a line\n"
    "  copy --from DB --to DB   copy every row into a new, empty database\n"
    "  dump           print every row of every table, one a line\n"
    "  routes         print every route as JSON\n"
    "  admin grant EMAIL    make the account with EMAIL an operator\n"
    "  admin revoke EMAIL   make it an ordinary account again\n"
    "  admin reset-link EMAIL   print a link that sets a new password for the\n"
    "                 account with EMAIL: it works once, for one hour, and ends\n"
    "                 every session of the account (uses --base-url)\n"
    "  --version      print the version\n"
    "  --help         print this help\n"
    "\n"
    "Options (each also read from the environment variable shown):\n"
    "  --listen ADDR:PORT  where to listen          HEARTH_LISTEN   (127.0.0.1:8080)\n"
    "  --db DATABASE       a SQLite file (PATH or sqlite:PATH) or a PostgreSQL URL\n"
    "                      (postgres://user@host/db)   HEARTH_DB   (var/hearth.db)\n"
    "  --db-listen URL     on PostgreSQL behind a pooler in transaction mode: a\n"
    "                      direct URL for the one connection that listens for\n"
    "                      live events               HEARTH_DB_LISTEN\n"
    "  --base-url URL      public URL of the site   HEARTH_BASE_URL (http://LISTEN)\n"
    "  --assets DIR        serve templates, static files and content from DIR\n"
    "                      instead of the copies built into the binary\n"
    "                                               HEARTH_ASSETS\n"
    "  --session-idle TIME a session unused this long ends\n"
    "                                               HEARTH_SESSION_IDLE (30d)\n"
    "  --trusted-proxy ADDR  the address of a reverse proxy in front of Hearth;\n"
    "                      its requests count as coming from the last\n"
    "                      X-Forwarded-For hop         HEARTH_TRUSTED_PROXY\n"
    "  --signup-limit N    sign-ups allowed per hour from one network\n"
    "                                               HEARTH_SIGNUP_LIMIT (20)\n"
    "  --session-max TIME  a session ends this long after login\n"
    "                                               HEARTH_SESSION_MAX  (90d)\n"
    "                      TIME is a number with s, m, h or d: 45m, 12h, 30d\n";

struct options {
    char host[64];
    unsigned port;
    const char *db;
    const char *db_listen;
    const char *base_url;
    const char *assets;
    const char *trusted_proxy;
    int64_t idle_ms, absolute_ms;
    int signup_limit;
    bool status;
    const char *from, *to;
};

/* Parses "30d", "12h", "45m" or "10s" into milliseconds; -1 when malformed. */
static int64_t parse_duration(const char *s)
{
    size_t n = strlen(s);
    int64_t v;
    if (n < 2 || parse_int64(s, n - 1, &v) != 0 || v <= 0 || v > 100000)
        return -1;
    switch (s[n - 1]) {
    case 's': return v * 1000;
    case 'm': return v * 60 * 1000;
    case 'h': return v * 3600 * 1000;
    case 'd': return v * 24 * 3600 * 1000;
    default: return -1;
    }
}

static int parse_listen(const char *s, struct options *o)
{
    const char *colon = strrchr(s, ':');
    if (colon == NULL)
        return -1;
    const char *host = s;
    size_t hlen = (size_t)(colon - s);
    if (hlen >= 2 && host[0] == '[' && host[hlen - 1] == ']')
        host++, hlen -= 2;
    int64_t port;
    if (hlen == 0 || hlen >= sizeof(o->host) || parse_int64(colon + 1, strlen(colon + 1), &port) ||
        port < 0 || port > 65535)
        return -1;
    memcpy(o->host, host, hlen);
    o->host[hlen] = '\0';
    o->port = (unsigned)port;
    return 0;
}

static const char *env_or(const char *name, const char *fallback)
{
    const char *v = getenv(name);
    return v && *v ? v : fallback;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    static const struct option longopts[] = {
        {"listen", required_argument, NULL, 'l'},
        {"db", required_argument, NULL, 'd'},
        {"db-listen", required_argument, NULL, 'L'},
        {"base-url", required_argument, NULL, 'b'},
        {"assets", required_argument, NULL, 'a'},
        {"session-idle", required_argument, NULL, 'i'},
        {"session-max", required_argument, NULL, 'x'},
        {"trusted-proxy", required_argument, NULL, 't'},
        {"signup-limit", required_argument, NULL, 's'},
        {"status", no_argument, NULL, 'S'},
        {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},
        {NULL, 0, NULL, 0},
    };
    const char *idle = env_or("HEARTH_SESSION_IDLE", "30d");
    const char *absolute = env_or("HEARTH_SESSION_MAX", "90d");
    const char *listen = env_or("HEARTH_LISTEN", "127.0.0.1:8080");
    o->db = env_or("HEARTH_DB", "var/hearth.db");
    o->db_listen = env_or("HEARTH_DB_LISTEN", NULL);
    o->base_url = env_or("HEARTH_BASE_URL", NULL);
    o->assets = env_or("HEARTH_ASSETS", NULL);
    o->trusted_proxy = env_or("HEARTH_TRUSTED_PROXY", NULL);
    const char *signups = env_or("HEARTH_SIGNUP_LIMIT", "20");
    int c;
    optind = 2;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case 'l': listen = optarg; break;
        case 'd': o->db = optarg; break;
        case 'L': o->db_listen = optarg; break;
        case 'b': o->base_url = optarg; break;
        case 'a': o->assets = optarg; break;
        case 'i': idle = optarg; break;
        case 'x': absolute = optarg; break;
        case 't': o->trusted_proxy = optarg; break;
        case 's': signups = optarg; break;
        case 'S': o->status = true; break;
        case 'F': o->from = optarg; break;
        case 'T': o->to = optarg; break;
        default: fputs(usage, stderr); return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hearth: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if (parse_listen(listen, o) != 0) {
        fprintf(stderr, "hearth: --listen wants ADDRESS:PORT, such as 127.0.0.1:8080\n");
        return -1;
    }
    int64_t limit;
    if (parse_int64(signups, strlen(signups), &limit) != 0 || limit < 1 || limit > 1000000) {
        fprintf(stderr, "hearth: --signup-limit wants a number from 1 to 1000000\n");
        return -1;
    }
    o->signup_limit = (int)limit;
    o->idle_ms = parse_duration(idle);
    o->absolute_ms = parse_duration(absolute);
    if (o->idle_ms < 0 || o->absolute_ms < 0) {
        fprintf(stderr, "hearth: session lifetimes are written like 45m, 12h or 30d\n");
        return -1;
    }
    if (o->base_url != NULL && !str_starts(o->base_url, "http://") &&
        !str_starts(o->base_url, "https://")) {
        fprintf(stderr, "hearth: --base-url must start with http:// or https://\n");
        return -1;
    }
    return 0;
}

static int cmd_migrate(const struct options *o)
{
    int applied = 0;
    if (o->status)
        return db_migrate_status(o->db, app_modules(), stdout) == DB_OK ? 0 : 1;
    if (db_migrate(o->db, app_modules(), &applied) != DB_OK)
        return 1;
    printf("%d migration(s) applied\n", applied);
    return 0;
}

/* hearth sql STATEMENT [--db DATABASE] */
static int cmd_sql(int argc, char **argv)
{
    if (argc < 3 || (argv[2][0] == '-' && argv[2][1] != '\0')) {
        fputs("Usage: hearth sql STATEMENT|- [--db DATABASE]\n", stderr);
        return 2;
    }
    struct options o;
    memset(&o, 0, sizeof(o));
    char *rest[8] = {argv[0], argv[1]};
    int n = 2;
    for (int i = 3; i < argc && n < 8; i++)
        rest[n++] = argv[i];
    if (parse_options(n, rest, &o) != 0)
        return 2;
    return db_shell(o.db, argv[2], stdout) == DB_OK ? 0 : 1;
}

/* hearth copy --from DATABASE --to DATABASE */
static int cmd_copy(const struct options *o)
{
    if (o->from == NULL || o->to == NULL) {
        fputs("Usage: hearth copy --from DATABASE --to DATABASE\n", stderr);
        return 2;
    }
    if (db_copy(o->from, o->to, app_modules()) != DB_OK)
        return 1;
    printf("Every row was copied.\n");
    return 0;
}

/* The public base URL for links printed on the command line: --base-url,
 * else the address it would listen on, as `hearth serve` does. */
static void base_url_of(const struct options *o, char *out, size_t n)
{
    bool v6 = strchr(o->host, ':') != NULL;
    if (o->base_url != NULL)
        snprintf(out, n, "%s", o->base_url);
    else
        snprintf(out, n, "http://%s%s%s:%u", v6 ? "[" : "", o->host, v6 ? "]" : "", o->port);
    size_t len = strlen(out);
    if (len > 0 && out[len - 1] == '/')
        out[len - 1] = '\0';
}

/* Prints a one-time link that sets a new password for email. */
static int admin_reset_link(const struct options *o, const char *email)
{
    char token[SESSION_TOKEN_TEXT], base[512];
    int rc = reset_issue(email, token);
    db_close();
    if (rc == DB_NOT_FOUND) {
        fprintf(stderr, "hearth: no account has the email %s\n", email);
        return 1;
    }
    if (rc != DB_OK)
        return 1;
    base_url_of(o, base, sizeof(base));
    printf("%s/reset?token=%s\n", base, token);
    fprintf(stderr,
            "Give this link to the owner of %s yourself. It sets a new password once, within "
            "one hour, and logs the account out everywhere.\n",
            email);
    sodium_memzero(token, sizeof(token));
    return 0;
}

/* hearth admin grant|revoke|reset-link EMAIL [--db PATH] [--base-url URL] */
static int cmd_admin(int argc, char **argv)
{
    if (argc < 4 || (strcmp(argv[2], "grant") != 0 && strcmp(argv[2], "revoke") != 0 &&
                     strcmp(argv[2], "reset-link") != 0)) {
        fputs("Usage: hearth admin grant|revoke|reset-link EMAIL [--db PATH] [--base-url URL]\n",
              stderr);
        return 2;
    }
    struct options o;
    memset(&o, 0, sizeof(o));
    char *rest[8] = {argv[0], argv[1]};
    int n = 2;
    for (int i = 4; i < argc && n < 8; i++)
        rest[n++] = argv[i];
    if (parse_options(n, rest, &o) != 0 || db_open(o.db, app_modules()) != DB_OK)
        return 1;
    char email[256];
    size_t len = 0;
    for (const char *p = argv[3]; *p && len + 1 < sizeof(email); p++)
        if (*p != ' ')
            email[len++] = (char)tolower((unsigned char)*p);
    email[len] = '\0';
    if (strcmp(argv[2], "reset-link") == 0)
        return admin_reset_link(&o, email);
    bool grant = strcmp(argv[2], "grant") == 0;
    int changed =
        db_exec("UPDATE users SET is_operator = $2 WHERE email = $1", "sb", email, (int)grant);
    db_close();
    if (changed < 0)
        return 1;
    if (changed == 0) {
        fprintf(stderr, "hearth: no account has the email %s\n", email);
        return 1;
    }
    printf("%s is %s an operator\n", email, grant ? "now" : "no longer");
    return 0;
}

static int cmd_serve(const struct options *o)
{
    char base[512];
    bool v6 = strchr(o->host, ':') != NULL;
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL); /* worker threads inherit this */
    signal(SIGPIPE, SIG_IGN);

    if (view_init() != 0)
        return 1;
    static_init();
    const char *css = static_url("css/hearth.css");
    json_object_set_new(view_site(), "css", json_string(css ? css : "/static/css/hearth.css"));
    const char *js = static_url("js/hearth.js");
    json_object_set_new(view_site(), "js", json_string(js ? js : "/static/js/hearth.js"));
    if (db_open(o->db, app_modules()) != DB_OK)
        return 1;
    if (o->db_listen != NULL && db_set_listen_url(o->db_listen) != DB_OK) {
        fprintf(stderr, "hearth: --db-listen must be a PostgreSQL URL, with --db one too\n");
        db_close();
        return 1;
    }
    /* the CPUs this process may run on (taskset, a container's cpuset),
     * not every CPU the machine has */
    cpu_set_t allowed;
    long cpus = sched_getaffinity(0, sizeof(allowed), &allowed) == 0
                    ? CPU_COUNT(&allowed)
                    : sysconf(_SC_NPROCESSORS_ONLN);
    struct http_config cfg = {
        .host = o->host,
        .port = (uint16_t)o->port,
        /* twice the CPUs: password hashing (one per CPU at most) blocks its
         * thread, and the other half keeps answering meanwhile */
        .threads = 2 * (cpus > 0 ? (unsigned)cpus : 2),
        .trusted_proxy = o->trusted_proxy,
    };
    if (http_listen(&cfg) != 0) {
        db_close();
        return 1;
    }
    if (o->base_url != NULL)
        snprintf(base, sizeof(base), "%s", o->base_url);
    else
        snprintf(base, sizeof(base), "http://%s%s%s:%u", v6 ? "[" : "", o->host, v6 ? "]" : "",
                 http_port());
    size_t blen = strlen(base);
    if (blen > 0 && base[blen - 1] == '/')
        base[blen - 1] = '\0';
    struct app_config app = {
        .base_url = base,
        .threads = cfg.threads / 2,
        .session_idle_ms = o->idle_ms,
        .session_absolute_ms = o->absolute_ms,
        .signups_per_hour = o->signup_limit,
    };
    if (app_start(&app) != 0 || http_start() != 0) {
        http_stop(0);
        app_stop();
        db_close();
        return 1;
    }
    (void)log_gather(); /* if it cannot, lines are written one by one */
    printf("Hearth is running at %s/ (%s). Press Ctrl-C to stop.\n", base, db_describe());
    fflush(stdout);

    int sig = 0;
    sigwait(&stop, &sig);
    log_info("received %s; finishing requests in flight", sig == SIGINT ? "SIGINT" : "SIGTERM");
    http_stop(SHUTDOWN_GRACE_MS);
    app_stop();
    db_close();
    view_shutdown();
    log_scatter();
    log_info("stopped");
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("hearth %s\n", HEARTH_VERSION);
        return 0;
    }
    if (sodium_init() < 0)
        fatal("libsodium cannot start");
    clock_init();
    struct options o;
    memset(&o, 0, sizeof(o));
    if (!strcmp(argv[1], "admin"))
        return cmd_admin(argc, argv);
    if (!strcmp(argv[1], "sql"))
        return cmd_sql(argc, argv);
    if (!strcmp(argv[1], "routes")) {
        if (questions_init() != 0) /* routes take their choices from content */
            return 1;
        app_register_routes();
        app_print_routes();
        return 0;
    }
    if (strcmp(argv[1], "serve") != 0 && strcmp(argv[1], "migrate") != 0 &&
        strcmp(argv[1], "copy") != 0 && strcmp(argv[1], "dump") != 0) {
        fprintf(stderr, "hearth: unknown command '%s'\n\n%s", argv[1], usage);
        return 2;
    }
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    if (o.assets != NULL)
        assets_use_dir(o.assets);
    app_register_routes();
    if (!strcmp(argv[1], "migrate"))
        return cmd_migrate(&o);
    if (!strcmp(argv[1], "copy"))
        return cmd_copy(&o);
    if (!strcmp(argv[1], "dump"))
        return db_dump(o.db, stdout) == DB_OK ? 0 : 1;
    return cmd_serve(&o);
}
