/* goals.c: goals of both. A goal says why it matters to us and by when;
 * its milestones, in an order either can change, show how far along it
 * is. Either partner edits anything here; a finished goal is kept, as a
 * memory, and can be opened again. */
#include <stdio.h>
#include <string.h>

#include "core/clock.h"
#include "core/id.h"
#include "core/tz.h"
#include "core/util.h"
#include "http/events.h"
#include "practices/dreams/internal.h"
#include "store/db.h"

static const char GOAL_SQL[] =
    "SELECT id, title, why, target_day, done_at, updated_at FROM dreams_goals"
    " WHERE couple_id = $1 AND id = $2";

static int load_goal(struct req *req, struct res *res, json_t **goal)
{
    return res_found(res, db_row(goal, GOAL_SQL, "ii:dsssii", req->couple_id,
                                 id_from(json_object_get(req->params, "id"))));
}

static int changed(struct req *req, struct res *res, int64_t goal)
{
    if (db_exec("UPDATE dreams_goals SET updated_at = $3 WHERE couple_id = $1 AND id = $2", "iii",
                req->couple_id, goal, clock_now_ms()) < 0 ||
        events_emit(req->couple_id, 0, "dreams.goal", goal) < 0)
        return -1;
    if (res_redirect(req, res, arena_printf(req->arena, "/dreams/goals/%lld", (long long)goal)))
        return 0;
    return dreams_goal_page(req, res);
}

static const char *target_of(struct req *req)
{
    const char *day = req_str(req, "target");
    return day != NULL && *day ? day : NULL;
}

int dreams_goal_new(struct req *req, struct res *res)
{
    int64_t n = 0, id = id_new(), now = clock_now_ms();
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&n, "SELECT count(*) FROM dreams_goals WHERE couple_id = $1 AND done_at IS NULL",
               "i", req->couple_id) != DB_OK)
        return -1;
    if (n >= DREAMS_GOALS) {
        req_error(req, "goal_title", "You have 50 goals under way. Finish or let one go first.");
        return 0;
    }
    const char *why = req_str(req, "why");
    if (db_exec("INSERT INTO dreams_goals (couple_id, id, title, why, target_day, created_by,"
                " created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
                "iisssii", req->couple_id, id, req_str(req, "goal_title"), why ? why : "",
                target_of(req), req->user_id, now) < 0 ||
        events_emit(req->couple_id, 0, "dreams.goal", id) < 0)
        return -1;
    res->status = req->api ? 201 : 0;
    if (res_redirect(req, res, arena_printf(req->arena, "/dreams/goals/%lld", (long long)id)))
        return 0;
    json_object_set_new(res_model(res), "id", json_sprintf("%lld", (long long)id));
    return 0;
}

/* The milestones of a goal in order (new array). */
static int milestones_of(struct req *req, int64_t goal, json_t **rows)
{
    return db_query(rows,
                    "SELECT id, title, position, done_at FROM dreams_milestones"
                    " WHERE couple_id = $1 AND goal_id = $2 ORDER BY position, created_at LIMIT 30",
                    "ii:dsii", req->couple_id, goal);
}

/* Progress from the milestones: {done, total, percent, words}. */
static json_t *progress_of(struct req *req, json_t *milestones)
{
    size_t i, done = 0, total = json_array_size(milestones);
    json_t *ms;
    json_array_foreach (milestones, i, ms) {
        bool is_done = !json_is_null(json_object_get(ms, "done_at"));
        done += is_done;
        json_object_set_new(ms, "done", json_boolean(is_done));
        json_object_set_new(ms, "first", json_boolean(i == 0));
        json_object_set_new(ms, "last", json_boolean(i + 1 == total));
    }
    int percent = total ? (int)(done * 100 / total) : 0;
    return json_pack("{s:I, s:I, s:i, s:s}", "done", (json_int_t)done, "total", (json_int_t)total,
                     "percent", percent, "words",
                     total == 0
                         ? "No milestones yet: what is the first step?"
                         : arena_printf(req->arena, "%zu of %zu milestones done", done, total));
}

static void goal_words(struct req *req, json_t *goal)
{
    const char *target = json_string_value(json_object_get(goal, "target_day"));
    char words[TZ_DAY_WORDS] = "";
    if (target != NULL)
        tz_day_words(target, req->couple->today, words);
    json_object_set_new(goal, "target_words", json_string(words));
    json_object_set_new(goal, "finished",
                        json_boolean(!json_is_null(json_object_get(goal, "done_at"))));
}

int dreams_goal_page(struct req *req, struct res *res)
{
    json_t *goal, *milestones;
    int rc = load_goal(req, res, &goal);
    if (rc != 0)
        return rc;
    if (milestones_of(req, id_from(json_object_get(goal, "id")), &milestones) != DB_OK) {
        json_decref(goal);
        return -1;
    }
    goal_words(req, goal);
    json_object_set_new(goal, "progress", progress_of(req, milestones));
    json_object_set_new(goal, "milestones", milestones);
    dreams_title(res, json_string_value(json_object_get(goal, "title")));
    json_object_set_new(res_model(res), "goal", goal);
    json_object_set_new(res_model(res), "today", json_string(req->couple->today));
    return 0;
}

int dreams_goal_edit(struct req *req, struct res *res)
{
    json_t *goal;
    int rc = load_goal(req, res, &goal);
    if (rc != 0)
        return rc;
    int64_t id = id_from(json_object_get(goal, "id"));
    json_decref(goal);
    const char *why = req_str(req, "why");
    if (db_exec("UPDATE dreams_goals SET title = $3, why = $4, target_day = $5"
                " WHERE couple_id = $1 AND id = $2",
                "iisss", req->couple_id, id, req_str(req, "goal_title"), why ? why : "",
                target_of(req)) < 0)
        return -1;
    return changed(req, res, id);
}

static int set_done(struct req *req, struct res *res, bool done)
{
    json_t *goal;
    int rc = load_goal(req, res, &goal);
    if (rc != 0)
        return rc;
    int64_t id = id_from(json_object_get(goal, "id"));
    json_decref(goal);
    if (done ? db_exec("UPDATE dreams_goals SET done_at = $3 WHERE couple_id = $1 AND id = $2"
                       " AND done_at IS NULL",
                       "iii", req->couple_id, id, clock_now_ms()) < 0
             : db_exec("UPDATE dreams_goals SET done_at = NULL WHERE couple_id = $1 AND id = $2",
                       "ii", req->couple_id, id) < 0)
        return -1;
    return changed(req, res, id);
}

int dreams_goal_finish(struct req *req, struct res *res)
{
    return set_done(req, res, true);
}

int dreams_goal_reopen(struct req *req, struct res *res)
{
    return set_done(req, res, false);
}

int dreams_milestone_new(struct req *req, struct res *res)
{
    json_t *goal;
    int rc = load_goal(req, res, &goal);
    if (rc != 0)
        return rc;
    int64_t id = id_from(json_object_get(goal, "id")), n = 0, last = 0;
    json_decref(goal);
    if (db_lock_couple(req->couple_id) != DB_OK ||
        db_int(&n, "SELECT count(*) FROM dreams_milestones WHERE couple_id = $1 AND goal_id = $2",
               "ii", req->couple_id, id) != DB_OK ||
        db_int(&last,
               "SELECT coalesce(max(position), 0) FROM dreams_milestones WHERE couple_id = $1"
               " AND goal_id = $2",
               "ii", req->couple_id, id) != DB_OK)
        return -1;
    if (n >= DREAMS_MILESTONES) {
        req_error(req, "milestone", "A goal holds 30 milestones. Join two, or mark some done.");
        return 0;
    }
    if (db_exec("INSERT INTO dreams_milestones (couple_id, id, goal_id, title, position,"
                " created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                "iiisii", req->couple_id, id_new(), id, req_str(req, "milestone"), last + 1,
                clock_now_ms()) < 0)
        return -1;
    return changed(req, res, id);
}

/* The request's milestone of the request's goal: 0 (with their ids), 1
 * (answered: 404) or -1. */
static int load_milestone(struct req *req, struct res *res, int64_t *goal, int64_t *milestone,
                          json_t **row)
{
    int rc = res_found(res, db_row(row,
                                   "SELECT id, goal_id, position, done_at FROM dreams_milestones"
                                   " WHERE couple_id = $1 AND goal_id = $2 AND id = $3",
                                   "iii:ddii", req->couple_id,
                                   id_from(json_object_get(req->params, "id")),
                                   id_from(json_object_get(req->params, "milestone"))));
    if (rc != 0)
        return rc;
    *goal = id_from(json_object_get(*row, "goal_id"));
    *milestone = id_from(json_object_get(*row, "id"));
    return 0;
}

int dreams_milestone_done(struct req *req, struct res *res)
{
    int64_t goal, id;
    json_t *row;
    int rc = load_milestone(req, res, &goal, &id, &row);
    if (rc != 0)
        return rc;
    bool done = !json_is_null(json_object_get(row, "done_at"));
    json_decref(row);
    /* a toggle: done, or not done after all */
    if (db_exec("UPDATE dreams_milestones SET done_at = CASE WHEN $3 = 1 THEN NULL ELSE $4 END"
                " WHERE couple_id = $1 AND id = $2",
                "iiii", req->couple_id, id, (int64_t)done, clock_now_ms()) < 0)
        return -1;
    return changed(req, res, goal);
}

/* Swaps a milestone with its neighbour above (dir -1) or below (+1). */
static int move(struct req *req, struct res *res, int dir)
{
    int64_t goal, id;
    json_t *row, *list;
    if (db_lock_couple(req->couple_id) != DB_OK)
        return -1;
    int rc = load_milestone(req, res, &goal, &id, &row);
    if (rc != 0)
        return rc;
    json_decref(row);
    if (milestones_of(req, goal, &list) != DB_OK)
        return -1;
    /* renumber in the order shown, with the two swapped */
    size_t n = json_array_size(list), at = n;
    for (size_t i = 0; i < n; i++)
        if (id_from(json_object_get(json_array_get(list, i), "id")) == id)
            at = i;
    size_t other = dir < 0 ? at - 1 : at + 1;
    rc = 0;
    if (at < n && other < n) {
        for (size_t i = 0; i < n && rc == 0; i++) {
            size_t from = i == at ? other : i == other ? at : i;
            int64_t mid = id_from(json_object_get(json_array_get(list, from), "id"));
            if (db_exec("UPDATE dreams_milestones SET position = $3 WHERE couple_id = $1"
                        " AND id = $2",
                        "iii", req->couple_id, mid, (int64_t)i + 1) < 0)
                rc = -1;
        }
    }
    json_decref(list);
    return rc < 0 ? -1 : changed(req, res, goal);
}

int dreams_milestone_up(struct req *req, struct res *res)
{
    return move(req, res, -1);
}

int dreams_milestone_down(struct req *req, struct res *res)
{
    return move(req, res, 1);
}

int dreams_goals_model(struct req *req, json_t *m)
{
    json_t *goals, *milestones;
    if (db_query(&goals,
                 "SELECT id, title, why, target_day, done_at, updated_at FROM dreams_goals"
                 " WHERE couple_id = $1 ORDER BY done_at IS NOT NULL, updated_at DESC LIMIT 100",
                 "i:dsssii", req->couple_id) != DB_OK)
        return -1;
    if (db_query(&milestones,
                 "SELECT id, goal_id, title, position, done_at FROM dreams_milestones"
                 " WHERE couple_id = $1 ORDER BY position, created_at LIMIT 3000",
                 "i:ddsii", req->couple_id) != DB_OK) {
        json_decref(goals);
        return -1;
    }
    json_t *open = json_array(), *finished = json_array();
    size_t i, k;
    json_t *g, *ms;
    json_array_foreach (goals, i, g) {
        json_t *mine = json_array();
        json_array_foreach (milestones, k, ms)
            if (json_equal(json_object_get(ms, "goal_id"), json_object_get(g, "id")))
                json_array_append(mine, ms);
        goal_words(req, g);
        json_object_set_new(g, "progress", progress_of(req, mine));
        json_t *next = NULL;
        json_array_foreach (mine, k, ms)
            if (next == NULL && json_is_null(json_object_get(ms, "done_at")))
                next = ms;
        json_object_set(g, "next", next ? json_object_get(next, "title") : json_null());
        json_decref(mine);
        json_array_append(json_is_true(json_object_get(g, "finished")) ? finished : open, g);
    }
    json_object_set_new(m, "goals", open);
    json_object_set_new(m, "finished_goals", finished);
    json_decref(goals);
    json_decref(milestones);
    return 0;
}

int dreams_next_milestone(struct req *req, json_t *m)
{
    json_t *row;
    int rc = db_row(&row,
                    "SELECT g.id AS goal_id, g.title AS goal, ms.title AS milestone"
                    " FROM dreams_goals g JOIN dreams_milestones ms ON ms.couple_id = g.couple_id"
                    " AND ms.goal_id = g.id WHERE g.couple_id = $1 AND g.done_at IS NULL"
                    " AND ms.done_at IS NULL ORDER BY g.updated_at DESC, ms.position LIMIT 1",
                    "i:dss", req->couple_id);
    if (rc == DB_ERROR)
        return -1;
    json_object_set_new(m, "next_milestone", rc == DB_OK ? row : json_null());
    return 0;
}
