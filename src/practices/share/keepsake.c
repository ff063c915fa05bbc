/* keepsake.c: Share's part of the couple's keepsake (src/pages/keepsake.c):
 * every question both answered, with both answers, the reactions and the
 * conversation, and every pair of deep-dive answers both wrote. Only what
 * is open to both: the reveal rule holds here too. Four queries, whatever
 * the size. */
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "practices/share/internal.h"
#include "store/db.h"

enum { KEEPSAKE_ROWS = 20000 };

/* The names on a keepsake: both partners' own. */
static const char *name_of(struct req *req, int64_t user_id)
{
    return user_id == req->user_id ? json_string_value(json_object_get(req->user, "name"))
                                   : req->couple->partner_name;
}

/* The day of ms in the couple's zone, in words. */
static const char *words_of(struct req *req, const char *day, int64_t ms)
{
    char d[11], *words = arena_alloc(req->arena, TZ_DAY_WORDS);
    if (day == NULL) {
        tz_date(req->couple->time_zone, ms, d);
        day = d;
    }
    tz_day_words(day, NULL, words);
    return words;
}

/* Appends row's {who, text} to the entry of its item in by_item. */
static void add_part(struct req *req, json_t *by_item, json_t *row, const char *list)
{
    json_t *entry = json_object_get(by_item, json_string_value(json_object_get(row, "item_id")));
    if (entry == NULL)
        return;
    json_array_append_new(json_object_get(entry, list),
                          json_pack("{s:s, s:O}", "who",
                                    name_of(req, id_from(json_object_get(row, "user_id"))), "text",
                                    json_object_get(row, "text")));
}

static int items(struct req *req, json_t *list)
{
    json_t *rows, *by_item = json_object();
    if (db_query(&rows,
                 "SELECT id, kind, day, text, author_id, created_at FROM share_items"
                 " WHERE couple_id = $1 AND revealed_at IS NOT NULL ORDER BY created_at LIMIT $2",
                 "ii:dsssdi", req->couple_id, (int64_t)KEEPSAKE_ROWS) != DB_OK) {
        json_decref(by_item);
        return -1;
    }
    size_t i;
    json_t *row;
    json_array_foreach (rows, i, row) {
        int64_t author = id_from(json_object_get(row, "author_id"));
        const char *day = json_string_value(json_object_get(row, "day"));
        int64_t at = json_integer_value(json_object_get(row, "created_at"));
        json_t *entry =
            json_pack("{s:I, s:s, s:O, s:s, s:[], s:[]}", "sort", (json_int_t)at, "when",
                      words_of(req, day, at), "title", json_object_get(row, "text"), "note",
                      day ? "The question of the day"
                          : arena_printf(req->arena, "A question %s asked",
                                         author ? name_of(req, author) : "one of you"),
                      "parts", "comments");
        json_object_set_new(by_item, json_string_value(json_object_get(row, "id")), entry);
        json_array_append(list, entry);
    }
    json_decref(rows);
    static const struct {
        const char *sql, *list;
    } parts[] = {
        {"SELECT a.item_id, a.user_id, a.text FROM share_answers a JOIN share_items i"
         " ON i.couple_id = a.couple_id AND i.id = a.item_id WHERE a.couple_id = $1"
         " AND i.revealed_at IS NOT NULL ORDER BY a.created_at LIMIT $2",
         "parts"},
        {"SELECT item_id, user_id, text FROM share_comments WHERE couple_id = $1 ORDER BY id"
         " LIMIT $2",
         "comments"},
    };
    for (size_t k = 0; k < ARRAY_LEN(parts); k++) {
        if (db_query(&rows, parts[k].sql, "ii:dds", req->couple_id, (int64_t)KEEPSAKE_ROWS) !=
            DB_OK) {
            json_decref(by_item);
            return -1;
        }
        json_array_foreach (rows, i, row)
            add_part(req, by_item, row, parts[k].list);
        json_decref(rows);
    }
    json_decref(by_item);
    return 0;
}

/* The deep-dive pairs both wrote, one entry per question. */
static int dives(struct req *req, json_t *list)
{
    json_t *rows;
    if (db_query(&rows,
                 "SELECT d.id, d.created_at, a.position, a.user_id, a.text"
                 " FROM share_dive_answers a JOIN share_dives d ON d.couple_id = a.couple_id"
                 " AND d.id = a.dive_id WHERE a.couple_id = $1 AND EXISTS (SELECT 1"
                 " FROM share_dive_answers b WHERE b.couple_id = a.couple_id"
                 " AND b.dive_id = a.dive_id AND b.position = a.position"
                 " AND b.user_id <> a.user_id) ORDER BY d.created_at, a.position, a.user_id"
                 " LIMIT $2",
                 "ii:diids", req->couple_id, (int64_t)KEEPSAKE_ROWS) != DB_OK)
        return -1;
    json_t *entry = NULL, *row;
    const char *last = "";
    int64_t last_pos = -1;
    size_t i;
    json_array_foreach (rows, i, row) {
        const char *dive = json_string_value(json_object_get(row, "id"));
        int64_t pos = json_integer_value(json_object_get(row, "position"));
        if (entry == NULL || strcmp(dive, last) != 0 || pos != last_pos) {
            int64_t at = json_integer_value(json_object_get(row, "created_at"));
            entry = json_pack(
                "{s:I, s:s, s:s, s:s, s:[], s:[]}", "sort", (json_int_t)(at + pos), "when",
                words_of(req, NULL, at), "title", questions_dive((int)pos), "note",
                arena_printf(req->arena, "Deep-dive evening, question %d", (int)pos + 1), "parts",
                "comments");
            json_array_append_new(list, entry);
            last = dive;
            last_pos = pos;
        }
        json_array_append_new(json_object_get(entry, "parts"),
                              json_pack("{s:s, s:O}", "who",
                                        name_of(req, id_from(json_object_get(row, "user_id"))),
                                        "text", json_object_get(row, "text")));
    }
    json_decref(rows);
    return 0;
}

int share_keepsake(struct req *req, json_t *list)
{
    return items(req, list) == 0 && dives(req, list) == 0 ? 0 : -1;
}
