/* guides.h: public articles about the practices (Markdown, seeded from
 * content/guides on first start), their index and Atom feed, and the
 * operator's pages to write and publish them. */
#ifndef HEARTH_GUIDES_H
#define HEARTH_GUIDES_H
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"
#include "practices/practice.h"

enum {
    GUIDE_TITLE_MAX = 120,
    GUIDE_SUMMARY_MAX = 300,
    GUIDE_BODY_MAX = 60000, /* characters of Markdown */
    GUIDES_LISTED = 200,
    GUIDES_TAG_MAX = 300, /* "tag:HOST,YYYY-MM-DD:" of the feeds' ids */
};

extern const struct route guides_routes[];
extern const size_t guides_nroutes;

/* The front matter of a guide's Markdown file: "---\nkey: value\n...---\n". */
struct guide_front {
    char *title, *slug, *summary, *practice, *date;
    const char *body; /* what follows the front matter */
};
/* Parses the front matter at the top of src, cutting src in place (the
 * fields point into it). Returns 0, or -1 when it is malformed or lacks
 * title, slug, summary, practice or a YYYY-MM-DD date. */
int guides_front_matter(char *src, struct guide_front *f);

/* The registered practices (NULL-terminated, kept: the registry lives as
 * long as the program) become the topics a guide can have, after
 * "introduction", and fill the "How Hearth helps" box under a guide; a guide
 * about another practice shows no tag and no box. */
void guides_set_practices(const struct practice *const *list);
/* Seeds articles from the .md files in content/guides whose slug is not yet in the
 * database (edits are never overwritten). Returns 0 or -1. */
int guides_init(const char *base_url);
/* The published guide with the request's {slug}; *out new. DB_NOT_FOUND when
 * there is none. */
int guides_find(struct req *req, json_t **out);
/* GET /guides/{slug}: the article, its comments and the comment form; also
 * the form handler when a comment comes back with errors. */
int guides_article(struct req *req, struct res *res);
/* Renders the Atom template view with model into res's raw body. */
int guides_atom(struct res *res, const char *view, json_t *model);
/* Answers a feed as kept (src/guides/cache.h, under its path), or with
 * fill, keeping what it rendered. */
int guides_feed_kept(struct req *req, struct res *res, handler_fn fill);
/* The site's public base URL (for feeds' links). */
const char *guides_base_url(void);
/* The start of every feed and entry id, "tag:HOST,YYYY-MM-DD:" (RFC 4151):
 * fixed at the first start and kept in instance_settings (tag_authority),
 * so ids survive a change of address. Owned by the module. */
const char *guides_tag(void);
/* Writes the tagging entity "host,YYYY-MM-DD" for a site at base_url first
 * started at now_ms (UTC) into out: the URL's host in lower case without its
 * port, or "localhost" when that is no DNS name (an IPv6 address). */
void guides_tag_entity(const char *base_url, int64_t now_ms, char *out, size_t size);
/* True when s is a tagging entity RFC 4151 accepts: "dns.name,YYYY-MM-DD". */
bool guides_tag_entity_ok(const char *s);
/* Formats ms as "26 November 2026" (UTC) into out. */
void guides_date(int64_t ms, char out[32]);
/* Formats ms as an RFC 3339 time for Atom into out. */
void guides_rfc3339(int64_t ms, char out[32]);

#endif
