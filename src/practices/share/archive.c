/* archive.c: past answers, newest first, SHARE_ARCHIVE_PAGE to a page, and
 * searching them (a question's words or either answer's, in any case). Only
 * revealed items are listed. A page costs two queries: its items, and all
 * their answers. */
#include <string.h>

#include "practices/share/internal.h"
#include "store/db.h"

/* The archive's items: revealed, matching $2 in the question or an answer,
 * newest first, $3 of them from $4 on. */
#define ARCHIVE_ITEMS                                                                              \
    " FROM share_items i WHERE i.couple_id = $1 AND i.revealed_at IS NOT NULL"                     \
    " AND (lower(i.text) LIKE lower($2) ESCAPE '\\' OR EXISTS (SELECT 1 FROM share_answers a"      \
    " WHERE a.couple_id = i.couple_id AND a.item_id = i.id"                                        \
    " AND lower(a.text) LIKE lower($2) ESCAPE '\\'))"                                              \
    " ORDER BY i.created_at DESC LIMIT $3 OFFSET $4"

/* Percent-encodes s for a query string value. */
static char *url_encode(struct arena *a, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = arena_alloc(a, 3 * strlen(s) + 1), *o = out;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_' || *p == '.' || *p == '~') {
            *o++ = (char)*p;
        } else {
            *o++ = '%';
            *o++ = hex[*p >> 4];
            *o++ = hex[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

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
    if (db_query(&rows,
                 "SELECT i.id, i.kind, i.day, i.question_key, i.text, i.depth, i.category,"
                 " i.author_id, i.swaps, i.created_at, i.revealed_at" ARCHIVE_ITEMS,
                 "isii:" ITEM_TYPES, req->couple_id, pattern, limit, offset) != DB_OK)
        return -1;
    if (db_query(&answers,
                 "SELECT a.item_id, a.user_id, a.text, a.updated_at FROM share_answers a"
                 " WHERE a.couple_id = $1 AND a.item_id IN (SELECT i.id" ARCHIVE_ITEMS ")"
                 " LIMIT 100",
                 "isii:ddsi", req->couple_id, pattern, limit, offset) != DB_OK) {
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
    share_set_title(res, "Your answers, together");
    json_object_set_new(model, "q", json_string(q ? q : ""));
    json_object_set_new(model, "q_url", json_string(url_encode(req->arena, q ? q : "")));
    json_object_set_new(model, "page", json_integer(page));
    if (more)
        json_object_set_new(model, "next_page", json_integer(page + 1));
    if (page > 1)
        json_object_set_new(model, "previous_page", json_integer(page - 1));
    return rc;
}
