/* pairing.h: invites, joining a partner, the couple's home, leaving. */
#ifndef HEARTH_PAIRING_H
#define HEARTH_PAIRING_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/route.h"

enum {
    INVITE_CODE_LEN = 8,
    INVITE_VALID_MS = 7 * 24 * 60 * 60 * 1000,
    JOIN_FAILS = 10, /* wrong codes per person, and per network, in a window */
    JOIN_WINDOW_MS = 15 * 60 * 1000,
};

/* What every wrong code is told, so none reveals whether a code exists. */
#define JOIN_WRONG_CODE "This code doesn't work. Ask your partner for a new one."

extern const struct route pairing_routes[];
extern const size_t pairing_nroutes;

/* Needs the public base URL for invite links. */
void pairing_init(const char *base_url);
void pairing_shutdown(void);
/* Adds fn to what runs when a couple ends (a partner left or deleted their
 * account), inside the ending's transaction; fn returns 0 or -1. */
void pairing_add_ended(int (*fn)(int64_t couple_id));
/* Ends couple_id at once for both partners: no message, no notification;
 * the one left (not leaver_id) finds one neutral line on /pair. */
int pairing_leave(int64_t couple_id, int64_t leaver_id);
/* The request's couple as the pages show it: since, time zone, partner's
 * name. *out is new (caller decrefs). */
int pairing_couple(struct req *req, json_t **out);
/* Normalises a typed code: upper case, spaces and dashes dropped. Writes
 * INVITE_CODE_LEN+1 bytes to out; returns 0, or -1 when it cannot be a code. */
int pairing_normalise_code(const char *typed, char out[INVITE_CODE_LEN + 1]);

#endif
