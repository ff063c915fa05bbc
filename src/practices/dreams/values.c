/* values.c: values side by side. Each partner picks and ranks their top
 * ten of about forty values (content/dreams/values.txt) on their own; the
 * rankings open to both when both have (the reveal rule, reveal.h). A
 * round that has opened stays as it was: ranking again starts a new round,
 * which waits for both again, and earlier rounds stay readable.
 *
 * The comparison: values both chose (with each one's rank), values only
 * one chose (with conversation prompts, content/dreams/talk.txt), and an
 * alignment figure that is explained in words: a rank-aware overlap, where
 * a value both put near the top counts most. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/dreams/internal.h"
#include "store/db.h"

struct reveal dreams_reveal = {.items = "dreams_value_rounds", .answers = "dreams_value_rankings"};

struct value {
    char *name, *label, *meaning;
    json_t *talk; /* prompts for when only one chose it */
};
static struct value values[DREAMS_VALUES_MAX];
static size_t nvalues;
const char *dreams_value_names[DREAMS_VALUES_MAX + 1];
static json_t *catalogue; /* [{name, label, meaning}] */

static const struct value *value_named(const char *name)
{
    for (size_t i = 0; i < nvalues; i++)
        if (!strcmp(values[i].name, name))
            return &values[i];
    return NULL;
}

static int value_line(char *line, void *ctx)
{
    (void)ctx;
    char *f[3];
    if (assets_fields(line, f, 3) != 3 || nvalues == DREAMS_VALUES_MAX || value_named(f[0]) != NULL)
        return -1;
    values[nvalues] = (struct value){xstrdup(f[0]), xstrdup(f[1]), xstrdup(f[2]), json_array()};
    dreams_value_names[nvalues] = values[nvalues].name;
    nvalues++;
    return 0;
}

static int talk_line(char *line, void *ctx)
{
    (void)ctx;
    char *f[2];
    const struct value *v = assets_fields(line, f, 2) == 2 ? value_named(f[0]) : NULL;
    if (v == NULL)
        return -1;
    json_array_append_new(v->talk, json_string(f[1]));
    return 0;
}

int dreams_values_start(void)
{
    nvalues = 0;
    if (assets_lines("content/dreams/values.txt", value_line, NULL) != 0 ||
        assets_lines("content/dreams/talk.txt", talk_line, NULL) != 0 || nvalues < DREAMS_TOP)
        return -1;
    dreams_value_names[nvalues] = NULL;
    catalogue = json_array();
    for (size_t i = 0; i < nvalues; i++)
        json_array_append_new(catalogue,
                              json_pack("{s:s, s:s, s:s}", "name", values[i].name, "label",
                                        values[i].label, "meaning", values[i].meaning));
    reveal_init(&dreams_reveal);
    return 0;
}

void dreams_values_stop(void)
{
    for (size_t i = 0; i < nvalues; i++) {
        free(values[i].name);
        free(values[i].label);
        free(values[i].meaning);
        json_decref(values[i].talk);
    }
    nvalues = 0;
    dreams_value_names[0] = NULL;
    json_decref(catalogue);
    catalogue = NULL;
}

/* A stored ranking ("a,b,c") as a list of names (new). */
static json_t *names_of(const char *text)
{
    json_t *out = json_array();
    for (const char *p = text; p != NULL && *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        json_array_append_new(out, json_stringn(p, n));
        p = comma ? comma + 1 : NULL;
    }
    return out;
}

static int rank_in(json_t *list, const char *name)
{
    size_t i;
    json_t *v;
    json_array_foreach (list, i, v)
        if (!strcmp(json_string_value(v), name))
            return (int)i + 1;
    return 0;
}

int dreams_alignment(json_t *a, json_t *b)
{
    int sum = 0, best = 0;
    for (int r = 1; r <= DREAMS_TOP; r++)
        best += (DREAMS_TOP + 1 - r) * (DREAMS_TOP + 1 - r);
    size_t i;
    json_t *v;
    json_array_foreach (a, i, v) {
        int rb = rank_in(b, json_string_value(v));
        if (rb > 0 && i < DREAMS_TOP)
            sum += (DREAMS_TOP - (int)i) * (DREAMS_TOP + 1 - rb);
    }
    return (sum * 100 + best / 2) / best;
}

/* The alignment in words: what the figure is, and what it is not. */
static const char *alignment_words(struct req *req, int figure, int shared)
{
    const char *feel = figure >= 70   ? "Much of what matters most to you matters to both."
                       : figure >= 40 ? "You share a good part of what matters, with room to "
                                        "learn where you differ."
                                      : "You care about different things: plenty to find out "
                                        "about each other.";
    return arena_printf(req->arena,
                        "You both chose %d of your ten. Weighing each shared value by how high "
                        "you both put it, you are %d%% alike; two identical lists would be 100%%. "
                        "It is not a grade. %s",
                        shared, figure, feel);
}

/* The comparison of two rankings (mine, theirs) into m. */
static void compare(struct req *req, json_t *mine, json_t *theirs, json_t *m)
{
    json_t *both = json_array(), *only_mine = json_array(), *only_theirs = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (mine, i, v) {
        const struct value *x = value_named(json_string_value(v));
        int rb = rank_in(theirs, json_string_value(v));
        if (x == NULL)
            continue;
        if (rb > 0)
            json_array_append_new(both, json_pack("{s:s, s:s, s:I, s:i}", "label", x->label,
                                                  "meaning", x->meaning, "my_rank",
                                                  (json_int_t)i + 1, "their_rank", rb));
        else
            json_array_append_new(only_mine, json_pack("{s:s, s:s, s:I, s:O}", "label", x->label,
                                                       "meaning", x->meaning, "rank",
                                                       (json_int_t)i + 1, "talk", x->talk));
    }
    json_array_foreach (theirs, i, v) {
        const struct value *x = value_named(json_string_value(v));
        if (x != NULL && rank_in(mine, json_string_value(v)) == 0)
            json_array_append_new(only_theirs, json_pack("{s:s, s:s, s:I, s:O}", "label", x->label,
                                                         "meaning", x->meaning, "rank",
                                                         (json_int_t)i + 1, "talk", x->talk));
    }
    int figure = dreams_alignment(mine, theirs);
    json_object_set_new(m, "alignment", json_integer(figure));
    json_object_set_new(m, "alignment_words",
                        json_string(alignment_words(req, figure, (int)json_array_size(both))));
    json_object_set_new(m, "both", both);
    json_object_set_new(m, "only_mine", only_mine);
    json_object_set_new(m, "only_theirs", only_theirs);
}

/* The couple's latest round (*round, or NULL when none), 0 or -1. */
static int latest_round(struct req *req, json_t **round)
{
    int rc = db_row(round,
                    "SELECT id, revealed_at, created_at FROM dreams_value_rounds"
                    " WHERE couple_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
                    "i:dii", req->couple_id);
    if (rc == DB_NOT_FOUND)
        *round = NULL;
    return rc == DB_OK || rc == DB_NOT_FOUND ? 0 : -1;
}

/* One round as the page shows it: who has ranked, and once both have,
 * both lists and the comparison. */
static int round_model(struct req *req, json_t *round, json_t *m)
{
    json_t *rows;
    int64_t id = id_from(json_object_get(round, "id"));
    bool revealed = !json_is_null(json_object_get(round, "revealed_at"));
    if (reveal_answers(&dreams_reveal, req->couple_id, id, &rows) != DB_OK)
        return -1;
    json_t *view = reveal_view_of(rows, req->user_id, revealed, req->couple->partner_name);
    json_decref(rows);
    json_t *me = json_object_get(view, "mine"), *partner = json_object_get(view, "partner");
    json_t *mine = names_of(json_string_value(json_object_get(me, "text")));
    json_object_set_new(m, "round_id", json_sprintf("%lld", (long long)id));
    json_object_set_new(m, "mine_done", json_boolean(!json_is_null(me)));
    json_object_set(m, "partner_done", json_object_get(partner, "answered"));
    json_object_set_new(m, "revealed", json_boolean(revealed));
    json_t *labels = json_array();
    size_t i;
    json_t *v;
    json_array_foreach (mine, i, v) {
        const struct value *x = value_named(json_string_value(v));
        json_array_append_new(labels, json_string(x ? x->label : json_string_value(v)));
    }
    json_object_set_new(m, "my_list", labels);
    if (revealed) {
        json_t *theirs = names_of(json_string_value(json_object_get(partner, "text")));
        compare(req, mine, theirs, m);
        json_decref(theirs);
    }
    char day[11], words[TZ_DAY_WORDS];
    tz_date(req->couple->time_zone, json_integer_value(json_object_get(round, "created_at")), day);
    tz_day_words(day, req->couple->today, words);
    json_object_set_new(m, "when", json_string(words));
    json_decref(mine);
    json_decref(view);
    return 0;
}

/* The form: ten choices, with what was typed, else the last ranking. */
static void form_model(struct req *req, json_t *m, json_t *previous)
{
    json_t *ranks = json_array();
    for (int r = 1; r <= DREAMS_TOP; r++) {
        char field[24];
        snprintf(field, sizeof(field), "rank_%d", r);
        const char *typed = json_string_value(json_object_get(req->typed, field));
        const char *chosen = json_object_size(req->errors) > 0
                                 ? typed
                                 : json_string_value(json_array_get(previous, (size_t)r - 1));
        json_t *options = json_array();
        for (size_t i = 0; i < nvalues; i++)
            json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "name", values[i].name,
                                                     "label", values[i].label, "on",
                                                     chosen && !strcmp(chosen, values[i].name)));
        json_array_append_new(
            ranks, json_pack("{s:s, s:i, s:o}", "field", field, "rank", r, "options", options));
    }
    json_object_set_new(m, "ranks", ranks);
}

int dreams_values_page(struct req *req, struct res *res)
{
    json_t *m = res_model(res), *round, *earlier, *previous = NULL;
    dreams_title(res, "Values, side by side");
    json_object_set_new(m, "partner_name", json_string(req->couple->partner_name));
    json_object_set(m, "values", catalogue);
    if (latest_round(req, &round) != 0)
        return -1;
    if (round != NULL) {
        if (round_model(req, round, m) != 0) {
            json_decref(round);
            return -1;
        }
        json_decref(round);
    } else {
        json_object_set_new(m, "mine_done", json_false());
        json_object_set_new(m, "partner_done", json_false());
        json_object_set_new(m, "revealed", json_false());
    }
    /* my last ranking, to start from */
    json_t *last;
    int rc = db_row(&last,
                    "SELECT r.text FROM dreams_value_rankings r JOIN dreams_value_rounds o"
                    " ON o.couple_id = r.couple_id AND o.id = r.item_id WHERE r.couple_id = $1"
                    " AND r.user_id = $2 ORDER BY o.created_at DESC LIMIT 1",
                    "ii:s", req->couple_id, req->user_id);
    if (rc == DB_ERROR)
        return -1;
    if (rc == DB_OK) {
        previous = names_of(json_string_value(json_object_get(last, "text")));
        json_decref(last);
    }
    /* the form, unless a comparison is open and nobody asked to rank again */
    bool revealed = json_is_true(json_object_get(m, "revealed"));
    if (!revealed || json_is_true(json_object_get(req->input, "again")) ||
        json_object_size(req->errors) > 0)
        form_model(req, m, previous);
    else
        json_object_set_new(m, "ranks", json_null());
    json_decref(previous);
    if (db_query(&earlier,
                 "SELECT id, created_at FROM dreams_value_rounds WHERE couple_id = $1"
                 " AND revealed_at IS NOT NULL ORDER BY created_at DESC LIMIT 20",
                 "i:di", req->couple_id) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (earlier, i, row) {
        char day[11], words[TZ_DAY_WORDS];
        tz_date(req->couple->time_zone, json_integer_value(json_object_get(row, "created_at")),
                day);
        tz_day_words(day, req->couple->today, words);
        json_object_set_new(row, "when", json_string(words));
    }
    json_object_set_new(m, "earlier", earlier);
    return 0;
}

int dreams_values_earlier(struct req *req, struct res *res)
{
    json_t *round;
    int rc = res_found(res, db_row(&round,
                                   "SELECT id, revealed_at, created_at FROM dreams_value_rounds"
                                   " WHERE couple_id = $1 AND id = $2 AND revealed_at IS NOT NULL",
                                   "ii:dii", req->couple_id,
                                   id_from(json_object_get(req->params, "id"))));
    if (rc != 0)
        return rc;
    dreams_title(res, "Values, side by side");
    json_object_set_new(res_model(res), "partner_name", json_string(req->couple->partner_name));
    json_object_set_new(res_model(res), "earlier_round", json_true());
    rc = round_model(req, round, res_model(res));
    json_decref(round);
    return rc;
}

int dreams_values_submit(struct req *req, struct res *res)
{
    char list[DREAMS_TOP * 32] = "";
    for (int r = 1; r <= DREAMS_TOP; r++) {
        char field[24];
        snprintf(field, sizeof(field), "rank_%d", r);
        const char *name = req_str(req, field);
        for (int k = 1; k < r; k++) {
            char before[24];
            snprintf(before, sizeof(before), "rank_%d", k);
            if (!strcmp(name, req_str(req, before))) {
                req_error(req, field, "Each value once: this one is higher up already.");
                break;
            }
        }
        size_t len = strlen(list);
        snprintf(list + len, sizeof(list) - len, "%s%s", r > 1 ? "," : "", name);
    }
    if (json_object_size(req->errors) > 0)
        return 0;
    json_t *round;
    if (db_lock_couple(req->couple_id) != DB_OK || latest_round(req, &round) != 0)
        return -1;
    int64_t id;
    if (round == NULL || !json_is_null(json_object_get(round, "revealed_at"))) {
        /* the first round, or one that opened already: a new one */
        id = id_new();
        if (db_exec(
                "INSERT INTO dreams_value_rounds (couple_id, id, created_at) VALUES ($1, $2, $3)",
                "iii", req->couple_id, id, clock_now_ms()) < 0) {
            json_decref(round);
            return -1;
        }
    } else {
        id = id_from(json_object_get(round, "id"));
    }
    json_decref(round);
    int rc = reveal_submit(&dreams_reveal, req->couple_id, id, req->user_id, list);
    if (rc < 0)
        return -1;
    if (events_emit(req->couple_id, 0, rc == REVEAL_OPENED ? "dreams.values" : "dreams.ranked",
                    id) < 0)
        return -1;
    if (res_redirect(req, res, "/dreams/values"))
        return 0;
    return dreams_values_page(req, res);
}

int dreams_values_status(struct req *req, json_t *m)
{
    json_t *round, *rows;
    if (latest_round(req, &round) != 0)
        return -1;
    bool waits = false;
    if (round != NULL && json_is_null(json_object_get(round, "revealed_at"))) {
        if (reveal_answers(&dreams_reveal, req->couple_id, id_from(json_object_get(round, "id")),
                           &rows) != DB_OK) {
            json_decref(round);
            return -1;
        }
        bool mine = false, theirs = false;
        size_t i;
        json_t *row;
        json_array_foreach (rows, i, row) {
            bool me = id_from(json_object_get(row, "user_id")) == req->user_id;
            mine |= me;
            theirs |= !me;
        }
        waits = theirs && !mine;
        json_decref(rows);
    }
    json_decref(round);
    json_object_set_new(m, "values_wait", json_boolean(waits));
    return 0;
}
