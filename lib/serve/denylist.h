/*
 * denylist.h: access tokens refused before they expire.  A token is good
 * until its exp whatever becomes of its session, so the server keeps,
 * until then, what it must refuse: one token by its id (jti), when its
 * holder signs out of that session; or every token of a user made so
 * far, when all the user's sessions end (signed out of every one, a new
 * password, an admin's disabling, deleting or giving a role).  A token
 * made for the user after that is good: brul_denylist_iat gives the time
 * it must say it was made, and every token is made through it.
 *
 * Memory is bounded (BRUL_DENY_TOKENS ids, BRUL_DENY_USERS users) and
 * nothing is forgotten before the tokens it refuses expire: an id that
 * finds no room refuses all its user's tokens made so far, and a user
 * who finds none refuses everyone's, so that under a flood of sign-outs
 * people sign in again rather than a revoked token work.
 *
 * The list lives in the process: a restarted server has forgotten it, and
 * servers that share a secret do not share it.
 *
 * Ownership: brul_denylist_new returns a list freed by brul_denylist_free;
 * it is safe to share between threads.
 */
#ifndef BRUL_DENYLIST_H
#define BRUL_DENYLIST_H

#include <time.h>

#include "serve/token.h"

#define BRUL_DENY_TOKENS 16384
#define BRUL_DENY_USERS 4096

struct brul_denylist;

/* A list for tokens that live ttl seconds at most; NULL when out of
 * memory or libsodium cannot start. */
struct brul_denylist *brul_denylist_new(int ttl);
void brul_denylist_free(struct brul_denylist *d);

/* Refuses the token c describes, until its exp. */
void brul_denylist_token(struct brul_denylist *d,
			 const struct brul_claims *c, time_t now);
/* Refuses every token of user id made so far. */
void brul_denylist_user(struct brul_denylist *d, long long id, time_t now);
/* 1 when the token c describes is refused, else 0. */
int brul_denylist_refused(struct brul_denylist *d,
			  const struct brul_claims *c, time_t now);
/* The iat of a token made now for user id: now, or the second after the
 * user's tokens were last refused when that is later (the same second),
 * so that the new token is not refused with them.  Every token is made
 * with it: it is how the list knows which tokens were made so far. */
time_t brul_denylist_iat(struct brul_denylist *d, long long id,
			 time_t now);

#endif
