/* listen.c: the Listen practice as Hearth sees it (its descriptor, routes,
 * page and card on /us), what a person's export holds of it, and what goes
 * when a person or a couple does. The files of the practice are described
 * in internal.h. */
#include "practices/listen/listen.h"

#include <string.h>

#include "core/clock.h"
#include "core/util.h"
#include "practices/feelings.h"
#include "practices/listen/internal.h"
#include "store/db.h"

void listen_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

static int listen_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    listen_title(res, "Listen");
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set(m, "topics", listen_topics());
    json_object_set_new(m, "topic_max", json_integer(LISTEN_TOPIC_MAX));
    const char *mode = req_str(req, "mode"), *topic = req_str(req, "topic");
    json_object_set_new(m, "mode_writing", json_boolean(mode != NULL && !strcmp(mode, "writing")));
    /* a topic picked from the list (a link) fills the box */
    json_object_set_new(m, "input", json_pack("{s:s}", "topic", topic ? topic : ""));
    return listen_sessions_model(req, m);
}

static int feelings_page(struct req *req, struct res *res)
{
    (void)req;
    listen_title(res, "Words for feelings");
    json_object_set(res_model(res), "feelings", feelings_groups());
    return 0;
}

/* /us: an open conversation where it is your turn. */
static int card(struct req *req, json_t **out)
{
    json_t *m = json_object();
    int rc = listen_your_turn(req, m);
    if (rc <= 0) {
        json_decref(m);
        *out = NULL;
        return rc;
    }
    *out = m;
    return 0;
}

/* A person's export: what they wrote in each conversation, and the topics
 * of the conversations they began. */
static const struct practice_export exports[] = {
    {"sessions_started",
     "SELECT topic, mode, created_at, ended_at FROM listen_sessions WHERE started_by = $1"
     " ORDER BY created_at LIMIT 10000",
     "i:ssii"},
    {"written",
     "SELECT s.topic, st.kind, st.text, st.feelings, st.verdict, st.created_at"
     " FROM listen_steps st JOIN listen_sessions s ON s.couple_id = st.couple_id"
     " AND s.id = st.session_id WHERE st.user_id = $1 AND st.kind <> 'swap'"
     " ORDER BY st.created_at LIMIT 100000",
     "i:sssssi"},
};

static int export_listen(int64_t user_id, json_t *out)
{
    return practice_export_rows(user_id, out, exports, ARRAY_LEN(exports));
}

/* A deleted account's pieces, reflections and answers go; the topics it
 * chose lose their words. */
static int erase_listen(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM listen_steps WHERE user_id = $1 AND kind <> 'swap'",
        "UPDATE listen_sessions SET topic = 'A topic from an account that was deleted',"
        " started_by = NULL WHERE started_by = $1",
    };
    return practice_exec_each(user_id, erase, ARRAY_LEN(erase));
}

/* When the couple ends, a conversation under way ends with it. */
static int end_couple(int64_t couple_id)
{
    return db_exec("UPDATE listen_sessions SET ended_at = $2, updated_at = $2 WHERE couple_id = $1"
                   " AND ended_at IS NULL",
                   "ii", couple_id, clock_now_ms()) < 0
               ? -1
               : 0;
}

static int start(void)
{
    return feelings_start() == 0 && listen_content_start() == 0 ? 0 : -1;
}

static void stop(void)
{
    listen_content_stop();
    feelings_stop();
}

#define SESSION_STEP(verb, fn, ...)                                                                \
    {                                                                                              \
        .method = "POST", .pattern = "/listen/sessions/{id:id}/" verb, .handler = fn,              \
        .view = "listen/session", .form = listen_session_page, .auth = AUTH_COUPLE,                \
        .body_max = LISTEN_BODY, .fields = {__VA_ARGS__},                                          \
    }
#define WORDS(n, l, req)                                                                           \
    {                                                                                              \
        .name = n, .label = l, .type = FIELD_TEXT, .required = req, .max = LISTEN_PIECE_MAX        \
    }

static const struct route routes[] = {
    {.method = "GET",
     .pattern = "/listen",
     .handler = listen_page,
     .view = "listen/page",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "topic", .type = FIELD_STRING, .max = LISTEN_TOPIC_MAX, .hidden = true}}},
    {.method = "GET",
     .pattern = "/listen/feelings",
     .handler = feelings_page,
     .view = "listen/feelings",
     .auth = AUTH_USER},
    {.method = "POST",
     .pattern = "/listen/sessions",
     .handler = listen_start_session,
     .view = "listen/page",
     .form = listen_page,
     .auth = AUTH_COUPLE,
     .body_max = FORM_BODY_FOR(LISTEN_TOPIC_MAX),
     .fields = {{.name = "topic",
                 .label = "Topic",
                 .type = FIELD_STRING,
                 .required = true,
                 .max = LISTEN_TOPIC_MAX},
                {.name = "mode",
                 .label = "How",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = listen_modes}}},
    {.method = "GET",
     .pattern = "/listen/sessions/{id:id}",
     .handler = listen_session_page,
     .view = "listen/session",
     .auth = AUTH_COUPLE},
    SESSION_STEP("pieces", listen_piece, WORDS("text", "What you want to say", true)),
    SESSION_STEP("reflections", listen_reflection, WORDS("text", "What you hear", true),
                 {.name = "feelings",
                  .label = "Feelings you hear",
                  .type = FIELD_CHOICES,
                  .choices = feelings_names}),
    SESSION_STEP("verdicts", listen_verdict,
                 {.name = "verdict",
                  .label = "Did you feel understood?",
                  .type = FIELD_CHOICE,
                  .required = true,
                  .choices = listen_verdicts},
                 WORDS("clarify", "What I also meant", false)),
    SESSION_STEP("swap", listen_swap),
    SESSION_STEP("end", listen_end),
};

static const struct practice_moment moments[] = {
    {20, "After dinner",
     "One of you has something on their mind. Ten minutes, one phone between you: one speaks, the "
     "other tells back what they heard, until it lands."},
};

const struct practice listen_practice = {
    .name = "listen",
    .label = "Listen",
    .path = "/listen",
    .summary = "Take turns to speak and to be heard: one talks, the other tells back what they "
               "heard, until it lands. Side by side, or in writing when you are apart.",
    .everyday = "hear each other out",
    .partner_sees = "What you write in a conversation in writing, as you send each step, and "
                    "whether you felt understood.",
    .partner_never = "A piece of yours before you send it: nothing is shown while you type.",
    .moments = moments,
    .nmoments = ARRAY_LEN(moments),
    .routes = routes,
    .nroutes = ARRAY_LEN(routes),
    .start = start,
    .stop = stop,
    .today = card,
    .export_person = export_listen,
    .erase_person = erase_listen,
    .couple_ended = end_couple,
};
