/* home.c: GET /us, the couple's home: both names, since when, what waits
 * for you in any practice, and a card from each registered practice for
 * today (the question of the day's state, ...). Each card is its practice's own template
 * (templates/NAME/card.html), rendered here into the page; the JSON twin carries the cards' models.
 */
#include "pages/home.h"

#include <stdlib.h>

#include "auth/pairing.h"
#include "auth/session.h"
#include "core/buf.h"
#include "core/util.h"
#include "http/http.h"
#include "view/view.h"

static const struct practice *const *practices;

void home_set_practices(const struct practice *const *list)
{
    practices = list;
}

/* The card of practice p for the request, or NULL when it has none today. */
/* Renders card with the practice's card template; its forms get the
 * request's CSRF token. Returns the HTML (new) or NULL. */
static json_t *card_html(struct req *req, const struct practice *p, json_t *card)
{
    struct buf html;
    buf_init(&html, VIEW_MAX_PAGE);
    char view[64];
    snprintf(view, sizeof(view), "%s/card", p->name);
    char csrf[SESSION_CSRF_FIELD_TEXT] = "";
    if (req->csrf_token != NULL)
        session_csrf_mask(req->csrf_token, csrf);
    json_object_set_new(card, "csrf", json_string(csrf));
    int rc = view_plain(view, card, &html);
    json_object_del(card, "csrf");
    json_t *out = rc == 0 ? view_html(&html) : NULL;
    buf_free(&html);
    return out;
}

/* The card of practice p for the request (*out, new), its card model
 * absent when it has none today. */
static int card_of(struct req *req, const struct practice *p, json_t **out)
{
    json_t *card = NULL, *html = NULL;
    *out = NULL;
    if (p->today != NULL && p->today(req, &card) != 0)
        return -1;
    if (card != NULL && !req->api && (html = card_html(req, p, card)) == NULL) {
        json_decref(card);
        return -1;
    }
    *out = json_pack("{s:s, s:s, s:s, s:s}", "name", p->name, "label", p->label, "path", p->path,
                     "summary", p->summary);
    if (!req->api) /* nothing today: the page says what the practice is */
        json_object_set_new(*out, "card_html", html != NULL ? html : json_null());
    if (card != NULL)
        json_object_set_new(*out, "card", card);
    return 0;
}

static int us_page(struct req *req, struct res *res)
{
    json_t *couple = NULL;
    if (pairing_couple(req, &couple) != 0)
        return -1;
    json_t *m = res_model(res), *list = json_array();
    json_object_set_new(m, "title", json_string("Us"));
    json_object_set(m, "my_name", json_object_get(req->user, "name"));
    json_object_set_new(m, "couple", couple);
    json_t *waiting = json_array();
    json_object_set_new(m, "practices", list);
    json_object_set_new(m, "waiting", waiting);
    for (size_t i = 0; practices != NULL && practices[i] != NULL; i++) {
        json_t *card;
        if (card_of(req, practices[i], &card) != 0 ||
            (practices[i]->waiting != NULL && practices[i]->waiting(req, waiting) != 0))
            return -1;
        json_array_append_new(list, card);
    }
    return 0;
}

const struct route home_routes[] = {
    {.method = "GET", .pattern = "/us", .handler = us_page, .view = "us", .auth = AUTH_COUPLE},
};
const size_t home_nroutes = ARRAY_LEN(home_routes);
