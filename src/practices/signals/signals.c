/* signals.c: the Signals practice as Hearth sees it (its descriptor, routes,
 * page and card on /us), what a person's export holds of it, and what goes
 * when a person or a couple does. The files of the practice are described
 * in internal.h. */
#include "practices/signals/signals.h"

#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/tz.h"
#include "core/util.h"
#include "practices/feelings.h"
#include "practices/signals/internal.h"
#include "store/db.h"

const struct signals_choice signals_gestures[] = {
    {"hug", "Hug", "a hug"},
    {"kiss", "Kiss", "a kiss"},
    {"hold-hand", "Hand to hold", "a hand to hold"},
    {"thinking-of-you", "Thinking of you", "“thinking of you”"},
    {"need-a-hug", "I need a hug", "“I need a hug”"},
    {"proud-of-you", "Proud of you", "“proud of you”"},
    {"miss-you", "Miss you", "“miss you”"},
    {"good-night", "Good night", "a good night"},
    {NULL, NULL, NULL},
};
const char *const signals_gesture_names[] = {
    "hug",      "kiss",       "hold-hand", "thinking-of-you", "need-a-hug", "proud-of-you",
    "miss-you", "good-night", NULL,
};

/* What each may love most: the gestures, and kinds of touch in person. */
const struct signals_choice signals_loves[] = {
    {"hug", "Hugs", "hugs"},
    {"kiss", "Kisses", "kisses"},
    {"hold-hand", "A hand to hold", "a hand to hold"},
    {"thinking-of-you", "“Thinking of you”", "“thinking of you”"},
    {"need-a-hug", "Being asked for a hug", "being asked for a hug"},
    {"proud-of-you", "“Proud of you”", "“proud of you”"},
    {"miss-you", "“Miss you”", "“miss you”"},
    {"good-night", "Good night", "good night"},
    {"long-hug", "A long hug, no hurry", "a long hug"},
    {"forehead-kiss", "A kiss on the forehead", "a kiss on the forehead"},
    {"back-rub", "A back rub", "a back rub"},
    {"sitting-close", "Sitting close", "sitting close"},
    {"hand-on-back", "A hand on my back", "a hand on the back"},
    {"hair", "Someone playing with my hair", "someone playing with their hair"},
    {"feet", "Feet touching under the table", "feet touching under the table"},
    {"cuddle", "A cuddle on the sofa", "a cuddle on the sofa"},
    {NULL, NULL, NULL},
};
const char *const signals_love_names[] = {
    "hug",          "kiss",       "hold-hand", "thinking-of-you", "need-a-hug", "proud-of-you",
    "miss-you",     "good-night", "long-hug",  "forehead-kiss",   "back-rub",   "sitting-close",
    "hand-on-back", "hair",       "feet",      "cuddle",          NULL,
};

const struct signals_choice signals_needs[] = {
    {"space", "Some space", "some space"}, {"closeness", "Closeness", "closeness"},
    {"to-talk", "To talk", "to talk"},     {"help", "A hand with things", "a hand with things"},
    {"fun", "Some fun", "some fun"},       {NULL, NULL, NULL},
};
const char *const signals_need_names[] = {"space", "closeness", "to-talk", "help", "fun", NULL};

const struct signals_choice *signals_find(const struct signals_choice *list, const char *name)
{
    for (; name != NULL && list->name != NULL; list++)
        if (strcmp(list->name, name) == 0)
            return list;
    return NULL;
}

const char *signals_ago(struct req *req, int64_t then)
{
    return tz_ago(req->arena, clock_now_ms(), then);
}

void signals_title(struct res *res, const char *title)
{
    json_object_set_new(res_model(res), "title", json_string(title));
}

int signals_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res);
    signals_title(res, "Signals");
    json_object_set_new(m, "prompt", json_string(signals_prompt_today(req)));
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set(m, "sent", json_object_get(req->input, "sent"));
    json_object_set(m, "feeling_words", feelings_words());
    return signals_gestures_model(req, m) == 0 && signals_partner_checkin(req, m) == 0 &&
                   signals_my_checkins(req, m) == 0 && signals_preferences_model(req, m) == 0
               ? 0
               : -1;
}

/* /us: the partner's latest check-in, the gestures received today, and a
 * gesture to send with one tap. */
static int card(struct req *req, json_t **out)
{
    json_t *m = json_object();
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set_new(m, "prompt", json_string(signals_prompt_today(req)));
    json_t *kinds = json_array();
    for (const struct signals_choice *g = signals_gestures; g->name != NULL; g++)
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:s}", "kind", g->name, "label",
                                               g->label, "icon_html", signals_icon(g->name)));
    json_object_set_new(m, "kinds", kinds);
    if (signals_partner_checkin(req, m) != 0 || signals_received_today(req, m) != 0) {
        json_decref(m);
        return -1;
    }
    *out = m;
    return 0;
}

/* A person's export: the gestures they sent and received (received notes
 * were written to them), their check-ins and what they love. */
static const struct practice_export exports[] = {
    {"gestures_sent",
     "SELECT kind, note, created_at FROM signals_gestures WHERE from_user_id = $1"
     " ORDER BY created_at LIMIT 100000",
     "i:ssi"},
    {"gestures_received",
     "SELECT g.kind, g.note, g.created_at FROM signals_gestures g JOIN memberships m"
     " ON m.couple_id = g.couple_id AND m.user_id = $1 WHERE g.from_user_id <> $1"
     " ORDER BY g.created_at LIMIT 100000",
     "i:ssi"},
    {"checkins",
     "SELECT mood, energy, need, word, created_at FROM signals_checkins WHERE user_id = $1"
     " ORDER BY created_at LIMIT 100000",
     "i:iissi"},
    {"loves", "SELECT loves, updated_at FROM signals_preferences WHERE user_id = $1 LIMIT 100",
     "i:si"},
};

static int export_signals(int64_t user_id, json_t *out)
{
    return practice_export_rows(user_id, out, exports, ARRAY_LEN(exports));
}

/* A deleted account's gestures, check-ins and loves go. */
static int erase_signals(int64_t user_id)
{
    static const char *const erase[] = {
        "DELETE FROM signals_gestures WHERE from_user_id = $1",
        "DELETE FROM signals_checkins WHERE user_id = $1",
        "DELETE FROM signals_preferences WHERE user_id = $1",
    };
    return practice_exec_each(user_id, erase, ARRAY_LEN(erase));
}

/* A couple that ends loses its signals: they were between the two. */
static int end_couple(int64_t couple_id)
{
    static const char *const erase[] = {
        "DELETE FROM signals_gestures WHERE couple_id = $1",
        "DELETE FROM signals_checkins WHERE couple_id = $1",
        "DELETE FROM signals_preferences WHERE couple_id = $1",
    };
    return practice_exec_each(couple_id, erase, ARRAY_LEN(erase));
}

static int start(void)
{
    return signals_icons_start() == 0 && signals_prompts_start() == 0 && feelings_start() == 0 ? 0
                                                                                               : -1;
}

static void stop(void)
{
    feelings_stop();
    signals_icons_stop();
    signals_prompts_stop();
}

static const struct route routes[] = {
    {.method = "GET",
     .pattern = "/signals",
     .handler = signals_page,
     .view = "signals/page",
     .auth = AUTH_COUPLE,
     .fields = {{.name = "sent", .type = FIELD_BOOL, .hidden = true}}},
    {.method = "POST",
     .pattern = "/signals/gestures",
     .handler = signals_send,
     .view = "signals/page",
     .form = signals_page,
     .auth = AUTH_COUPLE,
     .body_max = SIGNALS_BODY,
     .fields = {{.name = "kind",
                 .label = "Gesture",
                 .type = FIELD_CHOICE,
                 .required = true,
                 .choices = signals_gesture_names,
                 .hidden = true}, /* the buttons' value */
                {.name = "note", .label = "Note", .type = FIELD_STRING, .max = SIGNALS_NOTE_MAX},
                {.name = "from",
                 .type = FIELD_CHOICE,
                 .choices = (const char *const[]){"us", "signals", NULL},
                 .hidden = true}}},
    {.method = "GET",
     .pattern = "/signals/gestures/{id:id}",
     .handler = signals_gesture_page,
     .view = "signals/gesture",
     .auth = AUTH_COUPLE},
    {.method = "POST",
     .pattern = "/signals/checkin",
     .handler = signals_checkin,
     .view = "signals/page",
     .form = signals_page,
     .auth = AUTH_COUPLE,
     .body_max = SIGNALS_BODY,
     .fields =
         {{.name = "mood",
           .label = "Mood",
           .type = FIELD_INT,
           .required = true,
           .min = 1,
           .max = 5},
          {.name = "energy",
           .label = "Energy",
           .type = FIELD_INT,
           .required = true,
           .min = 1,
           .max = 5},
          {.name = "need",
           .label = "What you need now",
           .type = FIELD_CHOICE,
           .required = true,
           .choices = signals_need_names},
          {.name = "word", .label = "A word", .type = FIELD_STRING, .max = SIGNALS_WORD_MAX}}},
    {.method = "POST",
     .pattern = "/signals/preferences",
     .handler = signals_save_preferences,
     .view = "signals/page",
     .form = signals_page,
     .auth = AUTH_COUPLE,
     .body_max = SIGNALS_BODY,
     .fields = {{.name = "loves",
                 .label = "What you love most",
                 .type = FIELD_CHOICES,
                 .choices = signals_love_names}}},
};

static const struct practice_moment moments[] = {
    {8, "Morning",
     "On the way to work, one of you sends a small gesture that says “thinking of you”. It "
     "shows up on the other’s phone at once, and that is all it needs to do."},
    {18, "Coming home",
     "You each say how you are arriving: tired, bright, in need of a quiet hour. No guessing "
     "from the way a door closes."},
};

const struct practice signals_practice = {
    .name = "signals",
    .label = "Signals",
    .path = "/signals",
    .summary = "Small signals when you are apart: a hug, a hand to hold, “thinking of you”, sent "
               "with one tap. Say how you are arriving, and what you love most.",
    .everyday = "send a small gesture",
    .partner_sees = "The gestures you send them, with their notes; your latest check-in and how "
                    "long ago it was; what you marked that you love most.",
    .partner_never = "Whether or when you saw a gesture of theirs, and your earlier check-ins: "
                     "your chart is yours.",
    .moments = moments,
    .nmoments = ARRAY_LEN(moments),
    .routes = routes,
    .nroutes = ARRAY_LEN(routes),
    .start = start,
    .stop = stop,
    .today = card,
    .export_person = export_signals,
    .erase_person = erase_signals,
    .couple_ended = end_couple,
};
