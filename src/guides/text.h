/* text.h: turning what people typed into safe HTML. */
#ifndef HEARTH_TEXT_H
#define HEARTH_TEXT_H
#include <stddef.h>

#include "core/buf.h"

/* Appends plain text as HTML: every character escaped, blank lines making
 * paragraphs, single line breaks kept as <br>, and http(s) addresses made
 * links with rel="nofollow ugc noopener". Returns 0, or -1 past out's max. */
int text_to_html(const char *text, struct buf *out);
/* Counts web addresses (http://, https://, www.) in text. */
int text_count_links(const char *text);
/* Renders Markdown (CommonMark, raw HTML disabled) to HTML into out.
 * Returns 0, or -1 when md4c fails or out is full. */
int text_markdown(const char *markdown, size_t len, struct buf *out);
/* Checks HTML that text_markdown rendered: returns NULL when every href and
 * src is relative, an anchor, or an http(s) or mailto address (after md4c
 * decoded the Markdown's character references), else a message. */
const char *text_html_check(const char *html);

#endif
