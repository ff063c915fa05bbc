/* settings.c: how deep the couple's daily questions may go and which
 * categories they come from (either partner changes them), and the page
 * that shows the bank. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "practices/share/internal.h"
#include "store/db.h"

int share_load_settings(struct req *req, struct share_settings *s)
{
    json_t *row;
    s->depth = 1;
    s->categories = json_array();
    int rc = db_row(&row, "SELECT depth, categories FROM share_settings WHERE couple_id = $1",
                    "i:ss", req->couple_id);
    if (rc != DB_OK && rc != DB_NOT_FOUND) {
        json_decref(s->categories);
        return -1;
    }
    if (rc == DB_OK) {
        s->depth = questions_depth(json_string_value(json_object_get(row, "depth")));
        questions_parse_categories(json_string_value(json_object_get(row, "categories")),
                                   s->categories);
        json_decref(row);
    }
    if (s->depth < 0)
        s->depth = 1;
    if (json_array_size(s->categories) == 0)
        for (const char *const *c = questions_categories(); *c; c++)
            json_array_append_new(s->categories, json_string(*c));
    return 0;
}

bool share_wants_category(const struct share_settings *s, const char *slug)
{
    size_t i;
    json_t *c;
    json_array_foreach (s->categories, i, c)
        if (strcmp(json_string_value(c), slug) == 0)
            return true;
    return false;
}

/* True when list (an array of strings, or one string, as a form or JSON
 * sent it) holds name. */
static bool listed(const json_t *list, const char *name)
{
    if (json_is_string(list))
        return strcmp(json_string_value(list), name) == 0;
    size_t i;
    json_t *v;
    json_array_foreach (list, i, v)
        if (json_is_string(v) && strcmp(json_string_value(v), name) == 0)
            return true;
    return false;
}

int share_settings_page(struct req *req, struct res *res)
{
    struct share_settings s;
    if (share_load_settings(req, &s) != 0)
        return -1;
    /* a form that came back shows what was chosen, not what is saved */
    bool back = json_object_size(req->errors) > 0;
    const char *depth =
        back ? json_string_value(json_object_get(req->typed, "depth")) : question_depths[s.depth];
    const json_t *chosen = back ? json_object_get(req->typed, "categories") : s.categories;
    json_t *m = res_model(res), *depths = json_array(), *cats = json_array();
    share_set_title(res, "Question settings");
    for (int d = 0; d < DEPTHS; d++)
        json_array_append_new(depths,
                              json_pack("{s:s, s:b, s:b}", "name", question_depths[d], "selected",
                                        depth != NULL && !strcmp(depth, question_depths[d]),
                                        "first", d == 0));
    for (const char *const *c = questions_categories(); *c; c++)
        json_array_append_new(cats,
                              json_pack("{s:s, s:s, s:b, s:b}", "name", *c, "label",
                                        questions_category_label(*c), "selected",
                                        listed(chosen, *c), "first", c == questions_categories()));
    json_object_set_new(m, "depth", json_string(question_depths[s.depth]));
    json_object_set(m, "saved", json_object_get(req->input, "saved"));
    json_object_set_new(m, "depths", depths);
    json_object_set_new(m, "categories", cats);
    json_decref(s.categories);
    return 0;
}

int share_save_settings(struct req *req, struct res *res)
{
    char list[QUESTION_CATEGORIES_MAX * 64] = "";
    size_t used = 0, i;
    json_t *c;
    json_array_foreach (json_object_get(req->input, "categories"), i, c) {
        int n = snprintf(list + used, sizeof(list) - used, "%s%s", used ? "," : "",
                         json_string_value(c));
        if (n > 0 && (size_t)n < sizeof(list) - used)
            used += (size_t)n;
    }
    if (db_exec("INSERT INTO share_settings (couple_id, depth, categories, updated_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (couple_id) DO UPDATE SET"
                " depth = excluded.depth, categories = excluded.categories,"
                " updated_at = excluded.updated_at",
                "issi", req->couple_id, req_str(req, "depth"), list, clock_now_ms()) < 0)
        return -1;
    if (res_redirect(req, res, "/share/settings?saved=1"))
        return 0;
    return share_settings_page(req, res);
}

int share_bank_page(struct req *req, struct res *res)
{
    (void)req;
    size_t n;
    const struct question *bank = questions_daily(&n);
    json_t *list = json_array();
    for (const char *const *c = questions_categories(); *c; c++) {
        int per[DEPTHS] = {0};
        for (size_t i = 0; i < n; i++)
            if (bank[i].category == *c)
                per[bank[i].depth]++;
        json_t *depths = json_array();
        for (int d = 0; d < DEPTHS; d++)
            if (per[d] > 0)
                json_array_append_new(depths, json_string(question_depths[d]));
        json_array_append_new(list,
                              json_pack("{s:s, s:s, s:o, s:i, s:{s:i, s:i, s:i}}", "name", *c,
                                        "label", questions_category_label(*c), "depths", depths,
                                        "count", per[0] + per[1] + per[2], "per_depth", "light",
                                        per[0], "deeper", per[1], "deep", per[2]));
    }
    share_set_title(res, "The questions");
    json_object_set_new(res_model(res), "categories", list);
    json_object_set_new(res_model(res), "total", json_integer((json_int_t)n));
    return 0;
}
