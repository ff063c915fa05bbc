/* gestures.c: one tap sends a gesture (and perhaps a short note); it
 * reaches the partner's open pages at once, through an event meant for the
 * partner alone (a type and an id, never the note), and stays in the feed
 * for SIGNALS_FEED_DAYS. The recipient alone reads a gesture's note; the
 * sender sees only what they sent: nothing says whether it was seen. */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/signals/internal.h"
#include "store/db.h"
#include "view/view.h"

enum { HOUR_MS = 60 * 60 * 1000, DAY_MS = 24 * HOUR_MS, ICON_MAX = 4096 };

static char *icons[SIGNALS_KINDS]; /* by the index of the kind */

int signals_icons_start(void)
{
    for (size_t i = 0; i < SIGNALS_KINDS && signals_gesture_names[i] != NULL; i++) {
        char name[64];
        snprintf(name, sizeof(name), "signals/icons/%s", signals_gesture_names[i]);
        struct buf out;
        buf_init(&out, ICON_MAX);
        json_t *empty = json_object();
        int rc = view_plain(name, empty, &out);
        json_decref(empty);
        if (rc != 0) {
            buf_free(&out);
            return -1;
        }
        icons[i] = buf_take(&out, NULL);
    }
    return 0;
}

void signals_icons_stop(void)
{
    for (size_t i = 0; i < ARRAY_LEN(icons); i++) {
        free(icons[i]);
        icons[i] = NULL;
    }
}

const char *signals_icon(const char *kind)
{
    for (size_t i = 0; kind != NULL && i < SIGNALS_KINDS && signals_gesture_names[i] != NULL; i++)
        if (strcmp(signals_gesture_names[i], kind) == 0 && icons[i] != NULL)
            return icons[i];
    return "";
}

int signals_send(struct req *req, struct res *res)
{
    int64_t now = clock_now_ms(), sent = 0, oldest = 0;
    /* held couple: two taps at once both count against the hour */
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&sent,
               "SELECT count(*) FROM signals_gestures WHERE couple_id = $1"
               " AND from_user_id = $2 AND created_at > $3",
               "iii", req->couple_id, req->user_id, now - HOUR_MS) != DB_OK)
        return -1;
    if (sent >= SIGNALS_GESTURES_PER_HOUR) {
        if (db_int(&oldest,
                   "SELECT min(created_at) FROM (SELECT created_at FROM signals_gestures"
                   " WHERE couple_id = $1 AND from_user_id = $2 AND created_at > $3"
                   " ORDER BY created_at DESC LIMIT $4) AS recent",
                   "iiii", req->couple_id, req->user_id, now - HOUR_MS,
                   (int64_t)SIGNALS_GESTURES_PER_HOUR) != DB_OK)
            return -1;
        int64_t wait_s = (oldest + HOUR_MS - now) / 1000 + 1;
        int64_t minutes = (wait_s + 59) / 60;
        res->status = 429;
        res_header(req, res, "Retry-After", arena_printf(req->arena, "%lld", (long long)wait_s));
        res->detail =
            arena_printf(req->arena,
                         "That is a lot of love for one hour: %d gestures. They mean "
                         "more with a little room between them; send the next in %lld "
                         "minute%s.",
                         SIGNALS_GESTURES_PER_HOUR, (long long)minutes, minutes == 1 ? "" : "s");
        req_error(req, "note", res->detail);
        return 0;
    }
    const char *note = req_str(req, "note");
    int64_t id = id_new();
    if (db_exec("INSERT INTO signals_gestures (couple_id, id, from_user_id, kind, note,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                "iiissi", req->couple_id, id, req->user_id, req_str(req, "kind"),
                note != NULL && *note != '\0' ? note : NULL, now) < 0 ||
        /* for the partner's pages alone: the sender learns nothing back */
        events_emit(0, req->couple->partner_id, "signals.gesture", id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    const char *from = req_str(req, "from");
    if (res_redirect(req, res,
                     from != NULL && strcmp(from, "us") == 0 ? "/us?sent=signals"
                                                             : "/signals?sent=1"))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

/* A gesture row as a list shows it. */
static json_t *gesture_json(struct req *req, json_t *row, bool received)
{
    const char *kind = json_string_value(json_object_get(row, "kind"));
    const struct signals_choice *g = signals_find(signals_gestures, kind);
    int64_t at = json_integer_value(json_object_get(row, "created_at"));
    json_t *out = json_pack("{s:O, s:s, s:s, s:s, s:s, s:s, s:O}", "id", json_object_get(row, "id"),
                            "kind", kind, "label", g ? g->label : kind, "words",
                            g ? g->words : kind, "when", signals_ago(req, at), "icon_html",
                            signals_icon(kind), "note", json_object_get(row, "note"));
    if (received)
        json_object_set_new(out, "from", json_string(req->couple->partner_name));
    return out;
}

int signals_gestures_model(struct req *req, json_t *m)
{
    json_t *kinds = json_array(), *received = json_array(), *sent = json_array(), *rows;
    json_object_set_new(m, "kinds", kinds);
    json_object_set_new(m, "received", received);
    json_object_set_new(m, "sent_list", sent);
    for (const struct signals_choice *g = signals_gestures; g->name != NULL; g++)
        json_array_append_new(kinds, json_pack("{s:s, s:s, s:s}", "kind", g->name, "label",
                                               g->label, "icon_html", signals_icon(g->name)));
    if (db_query(&rows,
                 "SELECT id, from_user_id, kind, note, created_at FROM signals_gestures"
                 " WHERE couple_id = $1 AND created_at > $2 ORDER BY created_at DESC LIMIT $3",
                 "iii:ddssi", req->couple_id, clock_now_ms() - SIGNALS_FEED_DAYS * (int64_t)DAY_MS,
                 (int64_t)SIGNALS_FEED_MAX) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        bool mine = id_from(json_object_get(row, "from_user_id")) == req->user_id;
        json_array_append_new(mine ? sent : received, gesture_json(req, row, !mine));
    }
    json_decref(rows);
    return 0;
}

int signals_received_today(struct req *req, json_t *m)
{
    json_t *rows, *list = json_array();
    json_object_set_new(m, "received_today", list);
    /* today as the couple counts it: from midnight in their zone; the
     * partner named, so the index (couple_id, from_user_id, created_at)
     * reads today's alone */
    if (db_query(&rows,
                 "SELECT id, kind, note, created_at FROM signals_gestures WHERE couple_id = $1"
                 " AND from_user_id = $2 AND created_at >= $3 ORDER BY created_at DESC LIMIT 20",
                 "iii:dssi", req->couple_id, req->couple->partner_id,
                 tz_midnight(req->couple->time_zone, clock_now_ms())) != DB_OK)
        return -1;
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row)
        json_array_append_new(list, gesture_json(req, row, true));
    json_decref(rows);
    return 0;
}

/* GET /signals/gestures/{id}: a gesture, for its recipient alone (what the
 * page's script shows when one arrives). */
int signals_gesture_page(struct req *req, struct res *res)
{
    json_t *row;
    int rc = res_found(res, db_row(&row,
                                   "SELECT id, kind, note, created_at FROM signals_gestures"
                                   " WHERE couple_id = $1 AND id = $2 AND from_user_id <> $3",
                                   "iii:dssi", req->couple_id,
                                   id_from(json_object_get(req->params, "id")), req->user_id));
    if (rc != 0)
        return rc;
    json_t *g = gesture_json(req, row, true);
    json_decref(row);
    json_object_set_new(res_model(res), "gesture", g);
    signals_title(res, arena_printf(req->arena, "%s sent you %s", req->couple->partner_name,
                                    json_string_value(json_object_get(g, "words"))));
    return 0;
}
