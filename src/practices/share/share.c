/* share.c: Share, reciprocal vulnerability: the practice as the rest of
 * Hearth sees it (its descriptor, routes and card on /us), and what it
 * exports and erases for a person. The features live beside it (see
 * internal.h). */
#include "practices/share/share.h"

#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "practices/share/internal.h"
#include "store/db.h"

const char *const share_reactions[] = {"thanks", "me-too", "tell-me-more", "love", NULL};
static const char *const reaction_labels[] = {"Thank you for sharing", "Me too", "Tell me more",
                                              "Love this"};

const char *share_reaction_label(const char *r)
{
    for (int i = 0; r != NULL && share_reactions[i] != NULL; i++)
        if (strcmp(share_reactions[i], r) == 0)
            return reaction_labels[i];
    return "";
}

void share_set_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

void share_conflict(struct res *res, const char *why)
{
    res->status = 409;
    res->detail = why;
}

/* /us: today's question and where it stands: answer it, waiting for the
 * partner, or both answered. */
static int today_card(struct req *req, json_t **card)
{
    json_t *item;
    if (share_daily_item(req, req->couple->today, &item) != DB_OK)
        return -1;
    int rc = share_item_model(req, item, NULL, card);
    json_decref(item);
    if (rc != 0)
        return -1;
    const char *state = json_is_true(json_object_get(*card, "revealed")) ? "revealed"
                        : json_is_null(json_object_get(*card, "mine"))   ? "answer"
                                                                         : "waiting";
    json_object_set_new(*card, "state", json_string(state));
    json_object_set_new(*card, state, json_true());
    return 0;
}

/* What waits for the person: open questions the partner answered or asked
 * them, past days too (today's is on the card), and the deep-dive evening's
 * answers they have not matched yet. Share's part of /us. */
static int waiting(struct req *req, json_t *list)
{
    json_t *rows;
    if (db_query(&rows,
                 "SELECT i.id, i.kind, i.day, i.text, i.author_id, EXISTS (SELECT 1"
                 " FROM share_answers p WHERE p.couple_id = i.couple_id AND p.item_id = i.id"
                 " AND p.user_id <> $2) AS partner_answered FROM share_items i"
                 " WHERE i.couple_id = $1 AND i.revealed_at IS NULL"
                 " AND (i.day IS NULL OR i.day <> $3) AND NOT EXISTS (SELECT 1"
                 " FROM share_answers a WHERE a.couple_id = i.couple_id AND a.item_id = i.id"
                 " AND a.user_id = $2) ORDER BY i.created_at DESC LIMIT $4",
                 "iisi:dsssdb", req->couple_id, req->user_id, req->couple->today,
                 (int64_t)SHARE_WAITING_SHOWN) != DB_OK)
        return -1;
    const char *partner = req->couple->partner_name;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        bool answered = json_is_true(json_object_get(row, "partner_answered"));
        int64_t author = id_from(json_object_get(row, "author_id"));
        const char *day = json_string_value(json_object_get(row, "day"));
        const char *text = json_string_value(json_object_get(row, "text"));
        const char *id = json_string_value(json_object_get(row, "id"));
        char words[TZ_DAY_WORDS];
        if (day != NULL && answered && tz_day_words(day, req->couple->today, words) == 0)
            json_array_append_new(
                list, json_pack("{s:s, s:s}", "text",
                                arena_printf(req->arena, "%s answered the question of %s", partner,
                                             words),
                                "href", arena_printf(req->arena, "/share/%s", day)));
        else if (day == NULL && (answered || (author != 0 && author != req->user_id)))
            json_array_append_new(
                list, json_pack("{s:s, s:s}", "text",
                                arena_printf(req->arena,
                                             author == req->user_id ? "%s answered your question: "
                                                                      "“%s”"
                                                                    : "%s asked you: “%s”",
                                             partner, text),
                                "href", arena_printf(req->arena, "/share/ask/%s", id)));
    }
    json_decref(rows);
    return share_dive_waiting(req, list);
}

/* What a person's export holds of Share: only what they wrote. */
static const struct practice_export exports[] = {
    {"answers",
     "SELECT i.kind, i.day, i.text AS question, a.text AS answer, a.created_at,"
     " a.updated_at FROM share_answers a JOIN share_items i"
     " ON i.couple_id = a.couple_id AND i.id = a.item_id WHERE a.user_id = $1"
     " ORDER BY a.created_at LIMIT 10000",
     "i:ssssii"},
    {"comments",
     "SELECT i.day, i.text AS question, c.text AS comment, c.created_at"
     " FROM share_comments c JOIN share_items i ON i.couple_id = c.couple_id"
     " AND i.id = c.item_id WHERE c.user_id = $1 ORDER BY c.created_at LIMIT 10000",
     "i:sssi"},
    {"questions_asked",
     "SELECT text AS question, created_at FROM share_items"
     " WHERE author_id = $1 ORDER BY created_at LIMIT 10000",
     "i:si"},
    {"deep_dive_answers",
     "SELECT dive_id, position, text AS answer, created_at"
     " FROM share_dive_answers WHERE user_id = $1"
     " ORDER BY created_at LIMIT 10000",
     "i:disi"},
};

static int export_share(int64_t user_id, json_t *out)
{
    if (practice_export_rows(user_id, out, exports, ARRAY_LEN(exports)) != 0)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (json_object_get(out, "deep_dive_answers"), i, row) {
        int position = (int)json_integer_value(json_object_get(row, "position"));
        json_object_set_new(row, "question", json_string(questions_dive(position)));
    }
    return 0;
}

/* A deleted account's own questions lose their words; the partner's answers
 * to them stay theirs (and in their export). The person's answers,
 * reactions, comments and deep-dive answers go. */
static int erase_share(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM share_answers WHERE user_id = $1",
        "DELETE FROM share_reactions WHERE user_id = $1",
        "DELETE FROM share_comments WHERE user_id = $1",
        "DELETE FROM share_dive_answers WHERE user_id = $1",
    };
    if (practice_exec_each(user_id, erase, ARRAY_LEN(erase)) != 0)
        return -1;
    return db_exec("UPDATE share_items SET text = 'A question from an account that was deleted',"
                   " author_id = NULL WHERE author_id = $1",
                   "i", user_id) < 0
               ? -1
               : 0;
}

/* When the couple ends, an evening under way ends with it. */
static int end_couple(int64_t couple_id)
{
    return db_exec("UPDATE share_dives SET finished_at = $2 WHERE couple_id = $1"
                   " AND finished_at IS NULL",
                   "ii", couple_id, clock_now_ms()) < 0
               ? -1
               : 0;
}

static int start(void)
{
    reveal_init(&share_reveal);
    return questions_init();
}

static void stop(void)
{
    questions_shutdown();
}

#define ANSWER_FIELD                                                                               \
    {                                                                                              \
        .name = "text", .label = "Your answer", .type = FIELD_TEXT, .required = true,              \
        .max = SHARE_ANSWER_MAX                                                                    \
    }
/* the question a day's answer answers (its key), so a swap cannot move it */
#define QUESTION_FIELD                                                                             \
    {                                                                                              \
        .name = "question_key", .label = "Question", .type = FIELD_STRING, .max = QUESTION_KEY,    \
        .hidden = true                                                                             \
    }

/* Reactions and comments on an open item whose page is at base. */
#define TALK_ROUTES(base, page, template)                                                          \
    {.method = "POST",                                                                             \
     .pattern = base "/react",                                                                     \
     .handler = share_react,                                                                       \
     .form = page,                                                                                 \
     .view = template,                                                                             \
     .auth = AUTH_COUPLE,                                                                          \
     .body_max = SHARE_BODY,                                                                       \
     .fields = {{.name = "reaction",                                                               \
                 .label = "Reaction",                                                              \
                 .type = FIELD_CHOICE,                                                             \
                 .required = true,                                                                 \
                 .choices = share_reactions,                                                       \
                 .hidden = true}}}, /* the buttons' value */                                       \
    {                                                                                              \
        .method = "POST", .pattern = base "/comments", .handler = share_comment, .form = page,     \
        .view = template, .auth = AUTH_COUPLE, .body_max = SHARE_BODY,                             \
        .fields = {{.name = "text",                                                                \
                    .label = "Comment",                                                            \
                    .type = FIELD_TEXT,                                                            \
                    .required = true,                                                              \
                    .max = SHARE_COMMENT_MAX}},                                                    \
    }

static const struct route routes[] = {
    {.method = "GET",
     .pattern = "/share",
     .handler = share_page,
     .view = "share/today",
     .auth = AUTH_COUPLE,
     .cached = true},
    {.method = "POST",
     .pattern = "/share/answer",
     .handler = share_answer,
     .view = "share/today",
     .form = share_answer_form,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD, QUESTION_FIELD}},
    {.method = "POST",
     .pattern = "/share/swap",
     .handler = share_swap,
     .view = "share/today",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "day", .label = "Day", .type = FIELD_DATE, .hidden = true}}},
    {.method = "POST",
     .pattern = "/share/ask",
     .handler = share_ask,
     .view = "share/today",
     .form = share_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "question",
                 .label = "Your question",
                 .type = FIELD_TEXT,
                 .required = true,
                 .max = SHARE_ASK_MAX},
                {.name = "mode",
                 .label = "Who answers",
                 .type = FIELD_CHOICE,
                 .choices = share_ask_modes}}},
    {.method = "GET",
     .pattern = "/share/ask/{id:id}",
     .handler = share_ask_page,
     .view = "share/ask",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/share/ask/{id:id}/answer",
     .handler = share_answer_ask,
     .view = "share/ask",
     .form = share_ask_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD}},
    {.method = "GET",
     .pattern = "/share/archive",
     .handler = share_archive,
     .view = "share/archive",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "q", .label = "Search", .type = FIELD_STRING, .max = 100},
                {.name = "page",
                 .label = "Page",
                 .type = FIELD_INT,
                 .min = 1,
                 .max = 1000,
                 .hidden = true}}},
    {.method = "GET",
     .pattern = "/share/settings",
     .handler = share_settings_page,
     .view = "share/settings",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "saved", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "POST",
     .pattern = "/share/settings",
     .handler = share_save_settings,
     .view = "share/settings",
     .form = share_settings_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "depth",
                 .label = "How deep",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = question_depths},
                {.name = "categories",
                 .label = "Topics",
                 .type = FIELD_CHOICES,
                 .required = true,
                 .choices = question_categories}}},
    {.method = "GET",
     .pattern = "/share/questions",
     .handler = share_bank_page,
     .view = "share/questions",
     .auth = AUTH_COUPLE},
    {.method = "GET",
     .pattern = "/share/deep-dive",
     .handler = share_dive_page,
     .view = "share/deep-dive",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "finished", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "POST",
     .pattern = "/share/deep-dive",
     .handler = share_dive_start,
     .view = "share/deep-dive",
     .form = share_dive_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "mode",
                 .label = "How",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = share_dive_modes}}},
    {.method = "POST",
     .pattern = "/share/deep-dive/next",
     .handler = share_dive_next,
     .view = "share/deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/pause",
     .handler = share_dive_pause,
     .view = "share/deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/resume",
     .handler = share_dive_resume,
     .view = "share/deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/answer",
     .handler = share_dive_answer,
     .view = "share/deep-dive",
     .form = share_dive_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD,
                {.name = "number",
                 .label = "Question",
                 .type = FIELD_INT,
                 .min = 1,
                 .max = DIVE_QUESTIONS,
                 .hidden = true}}},
    {.method = "POST",
     .pattern = "/share/deep-dive/end",
     .handler = share_dive_end,
     .view = "share/deep-dive",
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY},
    {.method = "POST",
     .pattern = "/share/deep-dive/mode",
     .handler = share_dive_mode,
     .view = "share/deep-dive",
     .form = share_dive_page,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {{.name = "mode",
                 .label = "How",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = share_dive_modes,
                 .hidden = true}}},
    {.method = "GET",
     .pattern = "/share/deep-dive/{id:id}",
     .handler = share_dive_evening,
     .view = "share/evening",
     .auth = AUTH_COUPLE},
    {.method = "GET",
     .pattern = "/share/{day:date}",
     .handler = share_day_page,
     .view = "share/today",
     .auth = AUTH_COUPLE,
     .cached = true},
    {.method = "POST",
     .pattern = "/share/{day:date}/answer",
     .handler = share_answer,
     .view = "share/today",
     .form = share_answer_form,
     .auth = AUTH_COUPLE,
     .body_max = SHARE_BODY,
     .fields = {ANSWER_FIELD, QUESTION_FIELD}},
    TALK_ROUTES("/share/{day:date}", share_day_page, "share/today"),
    TALK_ROUTES("/share/ask/{id:id}", share_ask_page, "share/ask"),
};

static const struct practice_moment moments[] = {
    {12, "Lunchtime",
     "You each answer the day’s question on your own: “Which story did you know by heart as a "
     "child?”"},
    {19, "Evening",
     "Both answers are in, so both open. You read them side by side, and talk about it over "
     "dinner."},
};

const struct practice share_practice = {
    .name = "share",
    .label = "Share",
    .path = "/share",
    .summary = "One question a day. You each answer privately; the answers open only when you "
               "both have. Some are light, some go deeper.",
    .everyday = "answer the day’s question",
    .partner_sees = "Whether you have answered the day’s question, but not what; your answers once "
                    "you have both answered, the reactions and comments you add afterwards, the "
                    "questions you ask them, and your deep-dive answers once you have both "
                    "answered.",
    .partner_never = "Your answer to a question before they have answered it too.",
    .moments = moments,
    .nmoments = ARRAY_LEN(moments),
    .routes = routes,
    .nroutes = ARRAY_LEN(routes),
    .start = start,
    .stop = stop,
    .today = today_card,
    .waiting = waiting,
    .keepsake = share_keepsake,
    .export_person = export_share,
    .erase_person = erase_share,
    .couple_ended = end_couple,
};
