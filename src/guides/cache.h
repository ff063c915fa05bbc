/* cache.h: the parts of a guide's page that are the same for every reader
 * (the guide, and a page of its comments rendered as HTML) and the feeds,
 * kept in memory.
 * Every write to a guide or a comment calls guide_cache_changed, which reaches
 * every server sharing the database once it commits (db_notify), and drops
 * all entries at once; an entry also expires after GUIDE_CACHE_TTL_MS, so a
 * change made outside the server (hearth sql) shows within that time. */
#ifndef HEARTH_GUIDES_CACHE_H
#define HEARTH_GUIDES_CACHE_H
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

enum {
    GUIDE_CACHE_SLOTS = 256,    /* entries at most: a guide and a comment page each */
    GUIDE_CACHE_TTL_MS = 60000, /* an entry is rebuilt after this at the latest */
    GUIDE_CACHE_FEED = -1,      /* the "page" of a feed, kept under its path; compressed
                                   with a coding, at GUIDE_CACHE_FEED - coding */
};

/* Listens for changes. 0 or -1. */
int guide_cache_init(void);
/* Tells every server that a guide or its comments changed: their entries
 * are dropped once the current transaction commits. 0 or -1. */
int guide_cache_changed(void);
/* The generation to pass to guide_cache_put: read it before reading what is
 * cached, so a change that commits meanwhile is not cached as current. */
uint64_t guide_cache_generation(void);
/* The guide and the comments section of page (0: the default page) of the
 * guide at slug, when cached and current: both new references. */
bool guide_cache_get(const char *slug, int64_t page, json_t **guide, json_t **section);
/* Keeps guide and section (references taken, never changed afterwards) for
 * slug and page, as read at generation gen. */
void guide_cache_put(const char *slug, int64_t page, uint64_t gen, json_t *guide, json_t *section);
/* Drops every entry (a guide or a comment changed). */
void guide_cache_clear(void);

#endif
