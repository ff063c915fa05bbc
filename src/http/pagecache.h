/* pagecache.h: signed-in pages kept as rendered, per session. A route marked
 * `cached` (route.h) promises that its page changes only when a member of
 * the couple writes (any write request of theirs) or the couple's date
 * changes: then its HTML is kept for the session, the address and the
 * couple's date, and served again without its handler while the couple's
 * version is unchanged. Every request that wrote bumps its couple's version
 * once it committed, here at once and on every other server through a
 * notification; an entry also expires after PAGECACHE_TTL_MS, so a change
 * made outside requests (hearth sql) shows within that time. */
#ifndef HEARTH_PAGECACHE_H
#define HEARTH_PAGECACHE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/compress.h"

enum {
    PAGECACHE_SLOTS = 512,             /* entries at most */
    PAGECACHE_BYTES = 8 * 1024 * 1024, /* their pages' bytes at most */
    PAGECACHE_TTL_MS = 5 * 60 * 1000,
    PAGECACHE_VERSIONS =
        4096, /* couples share a version counter by hash: more bumps, never fewer */
};

/* What identifies a kept page. */
struct pagecache_key {
    int64_t session_id, couple_id;
    char day[11];    /* the couple's date */
    const char *url; /* the path and query */
};

/* Listens for other servers' writes. 0 or -1. */
int pagecache_init(void);
/* The couple's version now: read it before rendering, pass it to put. */
uint64_t pagecache_version(int64_t couple_id);
/* A copy of the kept page (malloc'd, *len its size) in coding when it was
 * kept so (*coding stays), else as rendered (*coding becomes
 * COMPRESS_IDENTITY); *version gets the version it was rendered at. NULL
 * when no current page is kept. */
char *pagecache_get(const struct pagecache_key *key, enum compress_coding *coding, size_t *len,
                    uint64_t *version);
/* Keeps the page of key, rendered at version, compressed with coding too. */
void pagecache_put_coded(const struct pagecache_key *key, uint64_t version,
                         enum compress_coding coding, const char *body, size_t len);
/* Keeps body for key, rendered at version. */
void pagecache_put(const struct pagecache_key *key, uint64_t version, const char *body, size_t len);
/* Inside a writing request's transaction: tells every server that couple_id
 * (0: every couple) changed, once it commits. 0 or -1. */
int pagecache_changed(int64_t couple_id);
/* After the commit: drops this server's pages of couple_id (0: all). */
void pagecache_bump(int64_t couple_id);
/* Frees every entry. */
void pagecache_clear(void);

#endif
