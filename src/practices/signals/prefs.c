/* prefs.c: what each partner loves most, gestures and kinds of touch; the
 * partner sees it in words ("Sam loves: a hand to hold, good night"). */
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "http/events.h"
#include "practices/signals/internal.h"
#include "store/db.h"

enum { LOVES_TEXT = 512 };

int signals_save_preferences(struct req *req, struct res *res)
{
    json_t *chosen = json_object_get(req->input, "loves");
    struct buf list;
    buf_init(&list, LOVES_TEXT);
    size_t i;
    json_t *name;
    json_array_foreach (chosen, i, name)
        buf_printf(&list, "%s%s", i ? "," : "", json_string_value(name));
    int rc =
        db_exec("INSERT INTO signals_preferences (couple_id, user_id, loves, updated_at)"
                " VALUES ($1, $2, $3, $4) ON CONFLICT (couple_id, user_id) DO UPDATE SET"
                " loves = excluded.loves, updated_at = excluded.updated_at",
                "iisi", req->couple_id, req->user_id, list.data ? list.data : "", clock_now_ms());
    buf_free(&list);
    if (rc < 0 || events_emit(req->couple_id, 0, "signals.loves", 0) < 0)
        return -1;
    if (res_redirect(req, res, "/signals#loves"))
        return 0;
    return signals_page(req, res);
}

/* Whether name is in the comma list. */
static bool listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = list; p != NULL && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
        if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
            return true;
    return false;
}

int signals_preferences_model(struct req *req, json_t *m)
{
    json_t *rows;
    if (db_query(&rows,
                 "SELECT user_id, loves FROM signals_preferences WHERE couple_id = $1 LIMIT 2",
                 "i:ds", req->couple_id) != DB_OK)
        return -1;
    const char *mine = "", *theirs = NULL;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        const char *loves = json_string_value(json_object_get(row, "loves"));
        if (id_from(json_object_get(row, "user_id")) == req->user_id)
            mine = loves;
        else
            theirs = loves;
    }
    json_t *choices = json_array(), *partner = json_array();
    for (const struct signals_choice *c = signals_loves; c->name != NULL; c++) {
        json_array_append_new(choices, json_pack("{s:s, s:s, s:b}", "name", c->name, "label",
                                                 c->label, "checked", listed(mine, c->name)));
        if (theirs != NULL && listed(theirs, c->name))
            json_array_append_new(partner, json_string(c->words));
    }
    /* "a, b and c" */
    struct buf words;
    buf_init(&words, LOVES_TEXT * 4);
    size_t n = json_array_size(partner);
    json_array_foreach (partner, i, row)
        buf_printf(&words, "%s%s",
                   i == 0       ? ""
                   : i + 1 == n ? " and "
                                : ", ",
                   json_string_value(row));
    json_object_set_new(m, "my_loves", choices);
    json_object_set_new(m, "partner_loves", json_string(words.data ? words.data : ""));
    json_object_set_new(m, "partner_loves_list", partner);
    buf_free(&words);
    json_decref(rows);
    return 0;
}
