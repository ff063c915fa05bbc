/* trust.c: the Trust practice as Hearth sees it (its descriptor, routes,
 * page and card on /us), what a person's export holds of it, and what goes
 * when a person or a couple does. The files of the practice are described
 * in internal.h. */
#include "practices/trust/trust.h"

#include <string.h>

#include "core/util.h"
#include "practices/trust/internal.h"
#include "store/db.h"

void trust_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

int trust_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    trust_title(res, "Trust");
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set_new(m, "today", json_string(req->couple->today));
    return trust_promises_model(req, m) == 0 && trust_pulse_model(req, m) == 0 &&
                   trust_week_status(req, m) == 0
               ? 0
               : -1;
}

/* /us: promises due today and this week, and whether this week's State of
 * Us waits for you. */
static int card(struct req *req, json_t **out)
{
    json_t *m = json_object();
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    if (trust_promises_soon(req, m) != 0 || trust_week_status(req, m) != 0) {
        json_decref(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* A person's export: their promises, their own notes of each week (never
 * the partner's), their pulses. */
static const struct practice_export exports[] = {
    {"promises",
     "SELECT text, due, state, renegotiations, reason, note, created_at, closed_at"
     " FROM trust_promises WHERE user_id = $1 ORDER BY created_at LIMIT 100000",
     "i:sssissii"},
    {"state_of_us",
     "SELECT w.week, n.text AS notes, n.updated_at FROM trust_week_notes n JOIN trust_weeks w"
     " ON w.couple_id = n.couple_id AND w.id = n.item_id WHERE n.user_id = $1"
     " ORDER BY w.week LIMIT 10000",
     "i:ssi"},
    {"pulses",
     "SELECT close, understood, shared, created_at FROM trust_pulses WHERE user_id = $1"
     " ORDER BY created_at LIMIT 100000",
     "i:iibi"},
};

static int export_trust(int64_t user_id, json_t *out)
{
    if (practice_export_rows(user_id, out, exports, ARRAY_LEN(exports)) != 0)
        return -1;
    /* the notes are JSON text: give them back as JSON */
    size_t i;
    json_t *row;
    json_array_foreach (json_object_get(out, "state_of_us"), i, row) {
        json_t *notes = json_loads(json_string_value(json_object_get(row, "notes")), 0, NULL);
        if (notes != NULL)
            json_object_set_new(row, "notes", notes);
    }
    return 0;
}

/* A deleted account's promises, notes and pulses go. */
static int erase_trust(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM trust_promises WHERE user_id = $1",
        "DELETE FROM trust_week_notes WHERE user_id = $1",
        "DELETE FROM trust_pulses WHERE user_id = $1",
    };
    return practice_exec_each(user_id, erase, ARRAY_LEN(erase));
}

/* When the couple ends, its promises close: nobody is left to keep them
 * to. What each wrote stays theirs, in their export. */
static int end_couple(int64_t couple_id)
{
    return db_exec("UPDATE trust_promises SET state = 'withdrawn', closed_at = updated_at"
                   " WHERE couple_id = $1 AND state IN ('open', 'due')",
                   "i", couple_id) < 0
               ? -1
               : 0;
}

static int start(void)
{
    reveal_init(&trust_reveal);
    return trust_guide_start();
}

#define TEXT(n, l, m, req)                                                                         \
    {                                                                                              \
        .name = n, .label = l, .type = FIELD_TEXT, .required = req, .max = m                       \
    }
#define PROMISE_ROUTE(verb, fn, ...)                                                               \
    {                                                                                              \
        .method = "POST", .pattern = "/trust/promises/{id:id}/" verb, .handler = fn,               \
        .view = "trust/page", .form = trust_page, .auth = AUTH_COUPLE, .body_max = TRUST_BODY,     \
        .fields = {__VA_ARGS__},                                                                   \
    }

static const struct route routes[] = {
    {.method = "GET",
     .pattern = "/trust",
     .handler = trust_page,
     .view = "trust/page",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/trust/promises",
     .handler = trust_promise_new,
     .view = "trust/page",
     .form = trust_page,
     .auth = AUTH_COUPLE,
     .body_max = TRUST_BODY,
     .fields = {TEXT("text", "Your promise", TRUST_PROMISE_MAX, true),
                {.name = "due", .label = "By", .type = FIELD_DATE, .required = true}}},
    PROMISE_ROUTE("edit", trust_promise_edit, TEXT("text", "Your promise", TRUST_PROMISE_MAX, true),
                  {.name = "due", .label = "By", .type = FIELD_DATE, .required = true}),
    PROMISE_ROUTE("withdraw", trust_promise_withdraw),
    PROMISE_ROUTE("kept", trust_promise_kept),
    PROMISE_ROUTE("renegotiate", trust_promise_renegotiate,
                  {.name = "due", .label = "New day", .type = FIELD_DATE, .required = true},
                  TEXT("reason", "Why", TRUST_REASON_MAX, true)),
    PROMISE_ROUTE("not-kept", trust_promise_not_kept,
                  TEXT("note", "A note", TRUST_REASON_MAX, false)),
    PROMISE_ROUTE("acknowledge", trust_promise_acknowledge,
                  TEXT("thanks", "A thank-you", TRUST_THANKS_MAX, false)),
    {.method = "GET",
     .pattern = "/trust/state-of-us",
     .handler = trust_week_page,
     .view = "trust/week",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/trust/state-of-us",
     .handler = trust_week_submit,
     .view = "trust/week",
     .form = trust_week_page,
     .auth = AUTH_COUPLE,
     .body_max = TRUST_BODY,
     .fields = {TEXT("appreciation_1", "First appreciation", TRUST_NOTE_MAX, true),
                TEXT("appreciation_2", "Second appreciation", TRUST_NOTE_MAX, true),
                TEXT("appreciation_3", "Third appreciation", TRUST_NOTE_MAX, true),
                TEXT("appreciation_4", "Another appreciation", TRUST_NOTE_MAX, false),
                TEXT("appreciation_5", "Another appreciation", TRUST_NOTE_MAX, false),
                TEXT("went_well", "What went well", TRUST_NOTE_MAX, true),
                TEXT("feel", "I feel", TRUST_NOTE_MAX, true),
                TEXT("about", "about", TRUST_NOTE_MAX, true),
                TEXT("need", "I need", TRUST_NOTE_MAX, true),
                TEXT("loved", "What would make you feel loved this week", TRUST_NOTE_MAX, true)}},
    {.method = "GET",
     .pattern = "/trust/state-of-us/{week}",
     .handler = trust_week_earlier,
     .view = "trust/week",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/trust/pulse",
     .handler = trust_pulse,
     .view = "trust/page",
     .form = trust_page,
     .auth = AUTH_COUPLE,
     .body_max = TRUST_BODY,
     .fields = {{.name = "close",
                 .label = "How close",
                 .type = FIELD_INT,
                 .required = true,
                 .min = 0,
                 .max = 10},
                {.name = "understood",
                 .label = "How understood",
                 .type = FIELD_INT,
                 .required = true,
                 .min = 0,
                 .max = 10},
                {.name = "share", .label = "Share with my partner", .type = FIELD_BOOL}}},
};

static const struct practice_moment moments[] = {
    {21, "Sunday evening",
     "Once a week, a half hour for the State of Us: what you appreciated, what went well, one "
     "thing to talk about, written apart and read together."},
};

const struct practice trust_practice = {
    .name = "trust",
    .label = "Trust",
    .path = "/trust",
    .summary = "Promises made and kept, with room to say “not by Friday, can we say Sunday?”, and "
               "a weekly State of Us you each write first and read together.",
    .everyday = "keep a promise",
    .partner_sees = "Every promise you make and what became of it, your follow-through in words, "
                    "your State of Us notes once you have both written yours, and the pulses you "
                    "tick to share.",
    .partner_never = "Your State of Us notes before they have written theirs, and a pulse you "
                     "did not share.",
    .moments = moments,
    .nmoments = ARRAY_LEN(moments),
    .routes = routes,
    .nroutes = ARRAY_LEN(routes),
    .start = start,
    .stop = trust_guide_stop,
    .today = card,
    .export_person = export_trust,
    .erase_person = erase_trust,
    .couple_ended = end_couple,
    .jobs = &trust_due_job,
    .njobs = 1,
};
