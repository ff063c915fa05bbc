/* archive.c: every question the couple has had, newest first,
 * SHARE_ARCHIVE_PAGE to a page, each with where it stands (both answered,
 * waiting for you, waiting for your partner), and searching them: a
 * question's words, your own answers, and your partner's once revealed (a
 * search never finds what you could not read). A page costs three queries:
 * its items, all their answers, and the evenings of the deep dive. */
#include <string.h>

#include "practices/share/internal.h"
#include "store/db.h"

/* The archive's items: matching $2 in the question, in the person's ($5)
 * own answer, or in the partner's once revealed; newest first, $3 of them
 * from $4 on. */
#define ARCHIVE_ITEMS                                                                              \
    " FROM share_items i WHERE i.couple_id = $1"                                                   \
    " AND (lower(i.text) LIKE lower($2) ESCAPE '\\' OR EXISTS (SELECT 1 FROM share_answers a"      \
    " WHERE a.couple_id = i.couple_id AND a.item_id = i.id"                                        \
    " AND (a.user_id = $5 OR i.revealed_at IS NOT NULL)"                                           \
    " AND lower(a.text) LIKE lower($2) ESCAPE '\\'))"                                              \
    " ORDER BY i.created_at DESC LIMIT $3 OFFSET $4"

/* Escapes LIKE's wildcards in q and wraps it in % signs. */
static char *like_pattern(struct arena *a, const char *q)
{
    size_t n = strlen(q);
    char *out = arena_alloc(a, 2 * n + 3), *o = out;
    *o++ = '%';
    for (const char *p = q; *p; p++) {
        if (*p == '%' || *p == '_' || *p == '\\')
            *o++ = '\\';
        *o++ = *p;
    }
    *o++ = '%';
    *o = '\0';
    return out;
}

int share_archive(struct req *req, struct res *res)
{
    const char *q = req_str(req, "q");
    json_t *pagev = json_object_get(req->input, "page");
    int64_t page = pagev ? json_integer_value(pagev) : 1;
    const char *pattern = like_pattern(req->arena, q ? q : "");
    int64_t limit = SHARE_ARCHIVE_PAGE + 1, offset = (page - 1) * SHARE_ARCHIVE_PAGE;
    json_t *rows, *answers;
    if (db_query(&rows, "SELECT " ITEM_COLUMNS ARCHIVE_ITEMS, "isiii:" ITEM_TYPES, req->couple_id,
                 pattern, limit, offset, req->user_id) != DB_OK)
        return -1;
    if (db_query(&answers,
                 "SELECT a.item_id, a.user_id, a.text, a.updated_at FROM share_answers a"
                 " WHERE a.couple_id = $1 AND a.item_id IN (SELECT i.id" ARCHIVE_ITEMS ")"
                 " LIMIT 100",
                 "isiii:ddsi", req->couple_id, pattern, limit, offset, req->user_id) != DB_OK) {
        json_decref(rows);
        return -1;
    }
    bool more = json_array_size(rows) > SHARE_ARCHIVE_PAGE;
    if (more)
        json_array_remove(rows, SHARE_ARCHIVE_PAGE);
    json_t *model = res_model(res), *items = json_array();
    json_object_set_new(model, "items", items);
    int rc = share_item_models(req, rows, answers, items);
    json_decref(rows);
    json_decref(answers);
    share_set_title(res, "Every question so far");
    json_object_set_new(model, "q", json_string(q ? q : ""));
    json_object_set_new(model, "q_url", json_string(arena_url_encode(req->arena, q ? q : "")));
    json_object_set_new(model, "page", json_integer(page));
    if (more)
        json_object_set_new(model, "next_page", json_integer(page + 1));
    if (page > 1)
        json_object_set_new(model, "previous_page", json_integer(page - 1));
    return rc == 0 ? share_dive_history(req, model) : rc;
}
