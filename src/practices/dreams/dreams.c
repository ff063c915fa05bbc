/* dreams.c: the Dreams practice as Hearth sees it (its descriptor, routes,
 * page and card on /us), what a person's export holds of it, and what goes
 * when a person or a couple does. The files of the practice are described
 * in internal.h. */
#include "practices/dreams/dreams.h"

#include "core/util.h"
#include "practices/dreams/internal.h"
#include "store/db.h"

void dreams_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

int dreams_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    dreams_title(res, "Dreams");
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set_new(m, "today", json_string(req->couple->today));
    json_object_set_new(m, "goal", json_null()); /* the new goal's form is empty */
    return dreams_model(req, m) == 0 && dreams_goals_model(req, m) == 0 &&
                   dreams_values_status(req, m) == 0
               ? 0
               : -1;
}

/* /us: a new answer to one of your shared dreams, a goal's next
 * milestone, and whether the values comparison waits for you. */
static int card(struct req *req, json_t **out)
{
    json_t *m = json_object();
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    if (dreams_new_support(req, m) != 0 || dreams_next_milestone(req, m) != 0 ||
        dreams_values_status(req, m) != 0) {
        json_decref(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* A person's export: their dreams (shared or not), their support answers,
 * their value rankings; the goals they began. */
static const struct practice_export exports[] = {
    {"dreams",
     "SELECT title, text, shared, created_at, updated_at FROM dreams_dreams WHERE user_id = $1"
     " ORDER BY created_at LIMIT 1000",
     "i:ssbii"},
    {"support_given",
     "SELECT d.title AS dream, s.text, s.created_at FROM dreams_support s JOIN dreams_dreams d"
     " ON d.couple_id = s.couple_id AND d.id = s.dream_id WHERE s.user_id = $1"
     " ORDER BY s.created_at LIMIT 10000",
     "i:ssi"},
    {"goals_started",
     "SELECT title, why, target_day, done_at, created_at FROM dreams_goals WHERE created_by = $1"
     " ORDER BY created_at LIMIT 1000",
     "i:sssii"},
    {"value_rankings",
     "SELECT text AS ranking, updated_at FROM dreams_value_rankings WHERE user_id = $1"
     " ORDER BY updated_at LIMIT 1000",
     "i:si"},
};

static int export_dreams(int64_t user_id, json_t *out)
{
    return practice_export_rows(user_id, out, exports, ARRAY_LEN(exports));
}

/* A deleted account's dreams (and the answers to them), its support
 * answers and rankings go; the goals stay the couple's. */
static int erase_dreams(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM dreams_support WHERE user_id = $1",
        "DELETE FROM dreams_support WHERE EXISTS (SELECT 1 FROM dreams_dreams d"
        " WHERE d.couple_id = dreams_support.couple_id AND d.id = dreams_support.dream_id"
        " AND d.user_id = $1)",
        "DELETE FROM dreams_dreams WHERE user_id = $1",
        "DELETE FROM dreams_value_rankings WHERE user_id = $1",
        "UPDATE dreams_goals SET created_by = NULL WHERE created_by = $1",
    };
    return practice_exec_each(user_id, erase, ARRAY_LEN(erase));
}

static int start(void)
{
    return dreams_prompts_start() == 0 && dreams_values_start() == 0 ? 0 : -1;
}

static void stop(void)
{
    dreams_prompts_stop();
    dreams_values_stop();
}

#define POST_DREAMS(path, fn, view_, form_, ...)                                                   \
    {                                                                                              \
        .method = "POST", .pattern = path, .handler = fn, .view = view_, .form = form_,            \
        .auth = AUTH_COUPLE, .body_max = DREAMS_BODY, .fields = {__VA_ARGS__},                     \
    }
#define DREAM_FIELDS                                                                               \
    {.name = "title",                                                                              \
     .label = "Your dream",                                                                        \
     .type = FIELD_STRING,                                                                         \
     .required = true,                                                                             \
     .max = DREAMS_TITLE_MAX},                                                                     \
    {                                                                                              \
        .name = "text", .label = "More about it", .type = FIELD_TEXT, .max = DREAMS_TEXT_MAX       \
    }
#define GOAL_FIELDS                                                                                \
    {.name = "goal_title",                                                                         \
     .label = "The goal",                                                                          \
     .type = FIELD_STRING,                                                                         \
     .required = true,                                                                             \
     .max = DREAMS_TITLE_MAX},                                                                     \
        {.name = "why",                                                                            \
         .label = "Why it matters to us",                                                          \
         .type = FIELD_TEXT,                                                                       \
         .max = DREAMS_TEXT_MAX},                                                                  \
    {                                                                                              \
        .name = "target", .label = "By", .type = FIELD_DATE                                        \
    }
#define RANK(n)                                                                                    \
    {                                                                                              \
        .name = "rank_" #n, .label = "Value " #n, .type = FIELD_CHOICE, .required = true,          \
        .choices = dreams_value_names                                                              \
    }
#define MILESTONE_ROUTE(verb, fn)                                                                  \
    POST_DREAMS("/dreams/goals/{id:id}/milestones/{milestone:id}/" verb, fn, "dreams/goal",        \
                dreams_goal_page)

static const struct route routes[] = {
    {.method = "GET",
     .pattern = "/dreams",
     .handler = dreams_page,
     .view = "dreams/page",
     .auth = AUTH_COUPLE},
    POST_DREAMS("/dreams", dreams_new, "dreams/page", dreams_page, DREAM_FIELDS,
                {.name = "shared", .label = "Share it with my partner", .type = FIELD_BOOL}),
    {.method = "GET",
     .pattern = "/dreams/values",
     .handler = dreams_values_page,
     .view = "dreams/values",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "again", .type = FIELD_BOOL, .hidden = true}}},
    POST_DREAMS("/dreams/values", dreams_values_submit, "dreams/values", dreams_values_page,
                RANK(1), RANK(2), RANK(3), RANK(4), RANK(5), RANK(6), RANK(7), RANK(8), RANK(9),
                RANK(10)),
    {.method = "GET",
     .pattern = "/dreams/values/{id:id}",
     .handler = dreams_values_earlier,
     .view = "dreams/values",
     .auth = AUTH_COUPLE},
    POST_DREAMS("/dreams/goals", dreams_goal_new, "dreams/page", dreams_page, GOAL_FIELDS),
    {.method = "GET",
     .pattern = "/dreams/goals/{id:id}",
     .handler = dreams_goal_page,
     .view = "dreams/goal",
     .auth = AUTH_COUPLE},
    POST_DREAMS("/dreams/goals/{id:id}", dreams_goal_edit, "dreams/goal", dreams_goal_page,
                GOAL_FIELDS),
    POST_DREAMS("/dreams/goals/{id:id}/finish", dreams_goal_finish, "dreams/goal",
                dreams_goal_page),
    POST_DREAMS("/dreams/goals/{id:id}/reopen", dreams_goal_reopen, "dreams/goal",
                dreams_goal_page),
    POST_DREAMS("/dreams/goals/{id:id}/milestones", dreams_milestone_new, "dreams/goal",
                dreams_goal_page,
                {.name = "milestone",
                 .label = "Milestone",
                 .type = FIELD_STRING,
                 .required = true,
                 .max = DREAMS_MILESTONE_MAX}),
    MILESTONE_ROUTE("done", dreams_milestone_done),
    MILESTONE_ROUTE("up", dreams_milestone_up),
    MILESTONE_ROUTE("down", dreams_milestone_down),
    POST_DREAMS("/dreams/{id:id}", dreams_edit, "dreams/page", dreams_page, DREAM_FIELDS),
    POST_DREAMS("/dreams/{id:id}/share", dreams_share, "dreams/page", dreams_page),
    POST_DREAMS("/dreams/{id:id}/unshare", dreams_unshare, "dreams/page", dreams_page),
    POST_DREAMS("/dreams/{id:id}/delete", dreams_delete, "dreams/page", dreams_page),
    POST_DREAMS("/dreams/{id:id}/support", dreams_support, "dreams/page", dreams_page,
                {.name = "support",
                 .label = "How I can support this",
                 .type = FIELD_TEXT,
                 .required = true,
                 .max = DREAMS_SUPPORT_MAX}),
};

static const struct practice_moment moments[] = {
    {22, "Late evening",
     "One of you shares a dream they have kept to themselves. The other writes back how they "
     "could help it happen."},
};

const struct practice dreams_practice = {
    .name = "dreams",
    .label = "Dreams",
    .path = "/dreams",
    .summary = "Your own dreams, shared when you choose; goals of both, with milestones; and the "
               "values each of you holds, side by side.",
    .everyday = "share a dream",
    .partner_sees = "The dreams you share and your answers to theirs, the goals you plan together, "
                    "and your ranking of values once you have both ranked.",
    .partner_never = "A dream you have not shared, and your ranking of values before they have "
                     "ranked theirs.",
    .moments = moments,
    .nmoments = ARRAY_LEN(moments),
    .routes = routes,
    .nroutes = ARRAY_LEN(routes),
    .start = start,
    .stop = stop,
    .today = card,
    .export_person = export_dreams,
    .erase_person = erase_dreams,
};
