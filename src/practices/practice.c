/* practice.c: what the practices' export and erase hooks share (see
 * practice.h). */
#include "practices/practice.h"

#include "store/db.h"

int practice_export_rows(int64_t user_id, json_t *out, const struct practice_export *parts,
                         size_t n)
{
    json_t *rows;
    for (size_t k = 0; k < n; k++) {
        if (db_query(&rows, parts[k].sql, parts[k].types, user_id) != DB_OK)
            return -1;
        json_object_set_new(out, parts[k].key, rows);
    }
    return 0;
}

int practice_exec_each(int64_t id, const char *const *sql, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (db_exec(sql[k], "i", id) < 0)
            return -1;
    return 0;
}
