/* time.c: the Time together practice as Hearth sees it (its descriptor,
 * routes, page and card on /us), what a person's export holds of it, and
 * what goes when a person or a couple does. The files of the practice are
 * described in internal.h. */
#include "practices/time/time.h"

#include "core/buf.h"
#include "core/clock.h"
#include "core/util.h"
#include "practices/time/internal.h"
#include "store/db.h"
#include "view/view.h"

json_t *time_render_once(const char *name, json_t *model)
{
    struct buf out;
    buf_init(&out, 1 << 20);
    json_t *html = view_plain(name, model, &out) == 0 && out.data != NULL ? view_html(&out) : NULL;
    buf_free(&out);
    return html;
}

void time_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

int time_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    time_title(res, "Time together");
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set_new(m, "today", json_string(req->couple->today));
    json_object_set_new(m, "time_zone", json_string(req->couple->time_zone));
    return time_rituals_model(req, m) == 0 && time_together_model(req, m) == 0 &&
                   time_ideas_model(req, m) == 0 && time_feed_model(req, m) == 0
               ? 0
               : -1;
}

/* /us: the next ritual, and whether you are together now. */
static int card(struct req *req, json_t **out)
{
    json_t *m = json_object();
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    if (time_next(req, m) != 0 || time_together_model(req, m) != 0) {
        json_decref(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* A person's export: the rituals they made, the occurrences they logged,
 * their ideas and the times together they started. */
static const struct practice_export exports[] = {
    {"rituals",
     "SELECT title, rule, start_day, minute, minutes, phones_away, notes, created_at"
     " FROM time_rituals WHERE created_by = $1 ORDER BY created_at LIMIT 1000",
     "i:sssiibsi"},
    {"logged",
     "SELECT r.title, o.day, o.state, o.moved_day, o.note, o.connected, o.updated_at"
     " FROM time_occurrences o JOIN time_rituals r ON r.couple_id = o.couple_id"
     " AND r.id = o.ritual_id WHERE o.user_id = $1 ORDER BY o.day LIMIT 100000",
     "i:sssssii"},
    {"ideas",
     "SELECT text, category, created_at FROM time_ideas WHERE user_id = $1"
     " ORDER BY created_at LIMIT 10000",
     "i:ssi"},
    {"together",
     "SELECT started_at, ended_at, minutes FROM time_together WHERE started_by = $1"
     " ORDER BY started_at LIMIT 100000",
     "i:iii"},
};

static int export_time(int64_t user_id, json_t *out)
{
    return practice_export_rows(user_id, out, exports, ARRAY_LEN(exports));
}

/* A deleted account's ideas, notes and calendar address go; the rituals it
 * made stay the couple's (they were shared from the start). */
static int erase_time(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM time_ideas WHERE user_id = $1",
        "UPDATE time_occurrences SET note = NULL, user_id = NULL WHERE user_id = $1",
        "UPDATE time_rituals SET created_by = NULL WHERE created_by = $1",
        "UPDATE time_together SET started_by = NULL WHERE started_by = $1",
        "DELETE FROM time_feeds WHERE user_id = $1",
    };
    return practice_exec_each(user_id, erase, ARRAY_LEN(erase));
}

/* When the couple ends, its calendar addresses stop answering and time
 * together now stops. */
static int end_couple(int64_t couple_id)
{
    return db_exec("DELETE FROM time_feeds WHERE couple_id = $1", "i", couple_id) < 0 ||
                   db_exec("UPDATE time_together SET ended_at = $2 WHERE couple_id = $1"
                           " AND ended_at IS NULL",
                           "ii", couple_id, clock_now_ms()) < 0
               ? -1
               : 0;
}

static int start(void)
{
    return time_suggestions_start() == 0 && time_ideas_start() == 0 ? 0 : -1;
}

static void stop(void)
{
    time_suggestions_stop();
    time_ideas_stop();
}

#define RITUAL_FIELDS                                                                              \
    {.name = "title",                                                                              \
     .label = "Title",                                                                             \
     .type = FIELD_STRING,                                                                         \
     .required = true,                                                                             \
     .max = TIME_TITLE_MAX},                                                                       \
        {.name = "repeat",                                                                         \
         .label = "Repeats",                                                                       \
         .type = FIELD_CHOICE,                                                                     \
         .required = true,                                                                         \
         .choices = time_repeats},                                                                 \
        {.name = "days", .label = "Days", .type = FIELD_CHOICES, .choices = time_weekdays},        \
        {.name = "month_day",                                                                      \
         .label = "Day of the month",                                                              \
         .type = FIELD_INT,                                                                        \
         .min = 1,                                                                                 \
         .max = 28},                                                                               \
        {.name = "week",                                                                           \
         .label = "Week of the month",                                                             \
         .type = FIELD_CHOICE,                                                                     \
         .choices = time_weeks},                                                                   \
        {.name = "weekday", .label = "Weekday", .type = FIELD_CHOICE, .choices = time_weekdays},   \
        {.name = "start", .label = "From", .type = FIELD_DATE, .required = true},                  \
        {.name = "time", .label = "Time", .type = FIELD_STRING, .required = true, .max = 5},       \
        {.name = "minutes",                                                                        \
         .label = "How long (minutes)",                                                            \
         .type = FIELD_INT,                                                                        \
         .required = true,                                                                         \
         .min = 5,                                                                                 \
         .max = 600},                                                                              \
        {.name = "phones_away", .label = "Phones away", .type = FIELD_BOOL},                       \
    {                                                                                              \
        .name = "notes", .label = "Notes", .type = FIELD_TEXT, .max = TIME_NOTES_MAX               \
    }

#define POST_TIME(path, fn, view_, form_, ...)                                                     \
    {                                                                                              \
        .method = "POST", .pattern = path, .handler = fn, .view = view_, .form = form_,            \
        .auth = AUTH_COUPLE, .body_max = TIME_BODY, .fields = {__VA_ARGS__},                       \
    }

static const struct route routes[] = {
    {.method = "GET",
     .pattern = "/time",
     .handler = time_page,
     .view = "time/page",
     .auth = AUTH_COUPLE},
    POST_TIME("/time/rituals", time_ritual_new, "time/page", time_page, RITUAL_FIELDS),
    POST_TIME("/time/rituals/suggested", time_ritual_suggested, "time/page", time_page,
              {.name = "suggestion",
               .label = "Suggestion",
               .type = FIELD_INT,
               .required = true,
               .min = 1,
               .max = 1000}),
    {.method = "GET",
     .pattern = "/time/rituals/{id:id}",
     .handler = time_ritual_page,
     .view = "time/ritual",
     .auth = AUTH_COUPLE},
    POST_TIME("/time/rituals/{id:id}", time_ritual_edit, "time/ritual", time_ritual_page,
              RITUAL_FIELDS),
    POST_TIME("/time/rituals/{id:id}/delete", time_ritual_delete, "time/page", time_page),
    {.method = "GET",
     .pattern = "/time/rituals/{id:id}/occurrences/{date:date}",
     .handler = time_occurrence_page,
     .view = "time/occurrence",
     .auth = AUTH_COUPLE},
    POST_TIME("/time/rituals/{id:id}/occurrences/{date:date}", time_occurrence_log,
              "time/occurrence", time_occurrence_page,
              {.name = "state",
               .label = "How it went",
               .type = FIELD_CHOICE,
               .required = true,
               .choices = time_states},
              {.name = "moved_day", .label = "Moved to", .type = FIELD_DATE},
              {.name = "moved_time", .label = "At", .type = FIELD_STRING, .max = 5},
              {.name = "note", .label = "A note", .type = FIELD_TEXT, .max = TIME_NOTE_MAX},
              {.name = "connected",
               .label = "How connected did you feel?",
               .type = FIELD_INT,
               .min = 1,
               .max = 5}),
    {.method = "GET",
     .pattern = "/time/calendar/{file:file}",
     .handler = time_calendar,
     .no_api = true,
     .sessionless = true},
    POST_TIME("/time/calendar/rotate", time_calendar_rotate, "time/page", time_page),
    {.method = "GET",
     .pattern = "/time/together",
     .handler = time_together_page,
     .view = "time/together",
     .auth = AUTH_COUPLE},
    POST_TIME("/time/together/start", time_together_start, "time/together", time_together_page),
    POST_TIME("/time/together/stop", time_together_stop, "time/together", time_together_page),
    POST_TIME("/time/ideas", time_idea_new, "time/page", time_page,
              {.name = "idea",
               .label = "Your idea",
               .type = FIELD_STRING,
               .required = true,
               .max = TIME_IDEA_MAX},
              {.name = "category",
               .label = "Kind",
               .type = FIELD_CHOICE,
               .required = true,
               .choices = time_categories}),
    POST_TIME(
        "/time/ideas/pick", time_idea_pick, "time/page", time_page,
        {.name = "category", .label = "Kind", .type = FIELD_CHOICE, .choices = time_categories}),
    POST_TIME("/time/ideas/{id:id}/delete", time_idea_delete, "time/page", time_page),
};

static const struct practice_moment moments[] = {
    {7, "Breakfast",
     "Ten minutes with coffee and no phones, because the calendar says so and you both said "
     "yes to it once."},
};

const struct practice time_practice = {
    .name = "time",
    .label = "Time together",
    .path = "/time",
    .summary = "Small rituals on a real calendar, time with the phones away, and date ideas for "
               "when you cannot think of one.",
    .everyday = "keep a small ritual",
    .partner_sees = "The rituals, how each one went and your notes on it, your date ideas, and "
                    "when you start time together now.",
    .partner_never = "Your calendar address, and which calendar app you use.",
    .moments = moments,
    .nmoments = ARRAY_LEN(moments),
    .routes = routes,
    .nroutes = ARRAY_LEN(routes),
    .start = start,
    .stop = stop,
    .today = card,
    .export_person = export_time,
    .erase_person = erase_time,
    .couple_ended = end_couple,
};
