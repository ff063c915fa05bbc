/* ideas.c: date ideas. Hearth offers its own (content/time/ideas.txt, by
 * category: at home, out, free, far apart); the couple adds theirs; a pick
 * draws one at random from both, from one category if asked. */
#include <sodium.h>
#include <string.h>

#include "core/assets.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/time/internal.h"
#include "store/db.h"

const char *const time_categories[] = {"at-home", "out", "free", "far-apart", NULL};
static const char *const LABELS[] = {"At home", "Out", "Free", "Far apart"};

static json_t *ours;       /* {category: [ideas]} */
static json_t *categories; /* [{name, label, ideas}], made once */
static json_t *ours_html;  /* their list, rendered once */

int time_ideas_start(void)
{
    ours = assets_sections("content/time/ideas.txt", TIME_IDEA_MAX * 4);
    if (ours == NULL)
        return -1;
    categories = json_array();
    for (size_t k = 0; time_categories[k] != NULL; k++) {
        json_t *list = json_object_get(ours, time_categories[k]);
        json_array_append_new(categories, json_pack("{s:s, s:s, s:o}", "name", time_categories[k],
                                                    "label", LABELS[k], "ideas",
                                                    list ? json_incref(list) : json_array()));
    }
    json_t *model = json_pack("{s:O}", "idea_categories", categories);
    ours_html = time_render_once("time/ideas-ours", model);
    json_decref(model);
    return ours_html != NULL ? 0 : -1;
}

void time_ideas_stop(void)
{
    json_decref(ours);
    json_decref(categories);
    json_decref(ours_html);
    ours = categories = ours_html = NULL;
}

static const char *label_of(const char *category)
{
    for (size_t i = 0; time_categories[i] != NULL; i++)
        if (!strcmp(category, time_categories[i]))
            return LABELS[i];
    return category;
}

int time_ideas_model(struct req *req, json_t *m)
{
    json_t *rows;
    if (db_query(&rows,
                 "SELECT id, text, category FROM time_ideas WHERE couple_id = $1"
                 " ORDER BY created_at DESC LIMIT 500",
                 "i:dss", req->couple_id) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_object_set_new(
            row, "label",
            json_string(label_of(json_string_value(json_object_get(row, "category")))));
    json_object_set_new(m, "our_ideas", rows);
    json_object_set(m, "idea_categories", categories);
    /* the new idea's kind, kept when its form comes back */
    const char *typed = json_object_size(req->errors) > 0
                            ? json_string_value(json_object_get(req->typed, "category"))
                            : NULL;
    json_t *choices = json_array();
    for (size_t k = 0; time_categories[k] != NULL; k++)
        json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "name", time_categories[k],
                                                 "label", LABELS[k], "on",
                                                 typed && !strcmp(typed, time_categories[k])));
    json_object_set_new(m, "category_choices", choices);
    if (!req->api)
        json_object_set(m, "ideas_html", ours_html);
    return 0;
}

int time_idea_new(struct req *req, struct res *res)
{
    int64_t n = 0, id = id_new();
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&n, "SELECT count(*) FROM time_ideas WHERE couple_id = $1", "i", req->couple_id) !=
            DB_OK)
        return -1;
    if (n >= TIME_IDEAS) {
        req_error(req, "idea", "Your list holds 500 ideas. Let some go first.");
        return 0;
    }
    if (db_exec("INSERT INTO time_ideas (couple_id, id, text, category, user_id, created_at)"
                " VALUES ($1, $2, $3, $4, $5, $6)",
                "iissii", req->couple_id, id, req_str(req, "idea"), req_str(req, "category"),
                req->user_id, clock_now_ms()) < 0 ||
        events_emit(req->couple_id, 0, "time.idea", id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, "/time#ideas"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

int time_idea_delete(struct req *req, struct res *res)
{
    int64_t id = id_from(json_object_get(req->params, "id"));
    int n = db_exec("DELETE FROM time_ideas WHERE couple_id = $1 AND id = $2", "ii", req->couple_id,
                    id);
    if (n < 0)
        return -1;
    if (n == 0) {
        res->status = 404;
        return 1;
    }
    if (events_emit(req->couple_id, 0, "time.idea", id) < 0)
        return -1;
    if (res_redirect(req, res, "/time#ideas"))
        return 0;
    return time_page(req, res);
}

int time_idea_pick(struct req *req, struct res *res)
{
    const char *category = req_str(req, "category");
    bool any = category == NULL || *category == '\0';
    int64_t mine = 0;
    if (db_int(
            &mine,
            "SELECT count(*) FROM time_ideas WHERE couple_id = $1 AND ($2 = '' OR category = $2)",
            "is", req->couple_id, any ? "" : category) != DB_OK)
        return -1;
    /* ours in that category (or all) after the couple's own */
    size_t offered = 0;
    for (size_t k = 0; time_categories[k] != NULL; k++)
        if (any || !strcmp(category, time_categories[k]))
            offered += json_array_size(json_object_get(ours, time_categories[k]));
    size_t total = (size_t)mine + offered;
    if (total == 0) {
        req_error(req, "category", "There are no ideas there yet.");
        return 0;
    }
    size_t pick = randombytes_uniform((uint32_t)total);
    json_t *picked;
    if (pick < (size_t)mine) {
        json_t *row;
        if (db_row(&row,
                   "SELECT text, category FROM time_ideas WHERE couple_id = $1 AND ($2 = ''"
                   " OR category = $2) ORDER BY created_at LIMIT 1 OFFSET $3",
                   "isi:ss", req->couple_id, any ? "" : category, (int64_t)pick) != DB_OK)
            return -1;
        picked =
            json_pack("{s:O, s:s, s:b}", "text", json_object_get(row, "text"), "label",
                      label_of(json_string_value(json_object_get(row, "category"))), "yours", 1);
        json_decref(row);
    } else {
        pick -= (size_t)mine;
        picked = NULL;
        for (size_t k = 0; time_categories[k] != NULL && picked == NULL; k++) {
            if (!any && strcmp(category, time_categories[k]) != 0)
                continue;
            json_t *list = json_object_get(ours, time_categories[k]);
            if (pick < json_array_size(list))
                picked = json_pack("{s:O, s:s, s:b}", "text", json_array_get(list, pick), "label",
                                   LABELS[k], "yours", 0);
            else
                pick -= json_array_size(list);
        }
    }
    /* the page with the pick on it: nothing was written, so no redirect */
    if (!req->api && time_page(req, res) != 0) {
        json_decref(picked);
        return -1;
    }
    json_object_set_new(res_model(res), "picked", picked);
    return 0;
}
