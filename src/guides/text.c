/* text.c: plain text and Markdown to HTML. Comment text is escaped first and
 * only web addresses become markup; Markdown goes through md4c with raw HTML
 * disabled, and links with script-capable schemes are refused on save. */
#include "guides/text.h"

#include <ctype.h>
#include <stdbool.h>
#include <md4c-html.h>
#include <string.h>
#include <strings.h>

#include "view/template.h"

static size_t url_length(const char *p)
{
    size_t n = 0;
    while (p[n] != '\0' && !isspace((unsigned char)p[n]) && strchr("<>\"'`", p[n]) == NULL)
        n++;
    /* trailing punctuation belongs to the sentence, not the address */
    while (n > 0 && strchr(".,;:!?)]}", p[n - 1]) != NULL)
        n--;
    return n;
}

static bool starts_url(const char *p)
{
    return strncasecmp(p, "http://", 7) == 0 || strncasecmp(p, "https://", 8) == 0;
}

int text_count_links(const char *text)
{
    int n = 0;
    for (const char *p = text; *p; p++) {
        bool boundary = p == text || !isalnum((unsigned char)p[-1]);
        if (boundary && (starts_url(p) || strncasecmp(p, "www.", 4) == 0)) {
            n++;
            size_t len = url_length(p); /* skip the whole address: its www. is not a second */
            p += len > 0 ? len - 1 : 0;
        }
    }
    return n;
}

int text_to_html(const char *text, struct buf *out)
{
    const char *p = text;
    while (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')
        p++; /* leading blank lines would make an empty paragraph */
    int rc = buf_puts(out, "<p>");
    while (*p != '\0' && rc == 0) {
        if (*p == '\r') {
            p++;
            continue;
        }
        if (*p == '\n') {
            const char *q = p + 1;
            while (*q == '\r' || *q == ' ' || *q == '\t')
                q++;
            if (*q == '\n') { /* a blank line: a new paragraph */
                while (*q == '\n' || *q == '\r' || *q == ' ' || *q == '\t')
                    q++;
                rc = *q ? buf_puts(out, "</p>\n<p>") : 0;
                p = q;
            } else {
                rc = buf_puts(out, "<br>\n");
                p++;
            }
            continue;
        }
        bool boundary = p == text || !isalnum((unsigned char)p[-1]);
        size_t n = boundary && starts_url(p) ? url_length(p) : 0;
        if (n > 8) {
            rc = buf_puts(out, "<a href=\"") || html_escape(out, p, n) ||
                 buf_puts(out, "\" rel=\"nofollow ugc noopener\">") || html_escape(out, p, n) ||
                 buf_puts(out, "</a>");
            p += n;
            continue;
        }
        rc = html_escape(out, p, 1);
        p++;
    }
    return rc == 0 ? buf_puts(out, "</p>") : -1;
}

static void md_out(const MD_CHAR *text, MD_SIZE size, void *ud)
{
    buf_append(ud, text, size);
}

int text_markdown(const char *markdown, size_t len, struct buf *out)
{
    int rc =
        md_html(markdown, (MD_SIZE)len, md_out, out, MD_DIALECT_COMMONMARK | MD_FLAG_NOHTML, 0);
    return rc == 0 && !out->overflow ? 0 : -1;
}

/* True when an attribute value (as md4c writes it: HTML-escaped, unsafe
 * characters percent-encoded) is a relative URL, an anchor, or uses http,
 * https or mailto. */
static bool url_allowed(const char *v, size_t n)
{
    size_t colon = strcspn(v, ":/?#");
    if (colon >= n || v[colon] != ':')
        return true; /* no scheme: relative or an anchor */
    static const char *const schemes[] = {"http", "https", "mailto", NULL};
    for (int i = 0; schemes[i] != NULL; i++)
        if (colon == strlen(schemes[i]) && strncasecmp(v, schemes[i], colon) == 0)
            return true;
    return false;
}

const char *text_html_check(const char *html)
{
    static const char *const attrs[] = {" href=\"", " src=\"", NULL};
    for (int a = 0; attrs[a] != NULL; a++) {
        for (const char *p = strstr(html, attrs[a]); p != NULL; p = strstr(p + 1, attrs[a])) {
            const char *v = p + strlen(attrs[a]);
            size_t n = strcspn(v, "\"");
            if (!url_allowed(v, n))
                return "Links and images may only use http, https or mailto addresses.";
        }
    }
    return NULL;
}
