/* test-denylist.c: access tokens refused before they expire
 * (serve/denylist.h), on a clock of the test's own: one token by its id
 * until its exp; a user's tokens made up to a time, and not those made
 * after (brul_denylist_iat); and when the list is full, more refused,
 * never a revoked token let through. */
#include <stdio.h>
#include <string.h>

#include "serve/denylist.h"
#include "tap.h"

#define T0 ((time_t)1767225600)
#define TTL 1800

static struct brul_claims
token(long long user, const char *jti, time_t iat)
{
	struct brul_claims c = { .user_id = user, .iat = iat,
	    .exp = iat + TTL };

	snprintf(c.jti, sizeof c.jti, "%s", jti);
	return c;
}

int
main(void)
{
	struct tap t = { 0 };
	struct brul_denylist *d = brul_denylist_new(TTL);
	struct brul_claims a, b, c;
	char id[32];
	int ok;

	if (d == NULL)
		return 1;

	/* One token by its id. */
	a = token(1, "tokenA", T0);
	b = token(1, "tokenB", T0);
	tap_ok(&t, !brul_denylist_refused(d, &a, T0 + 1), "a token never "
	    "revoked is good");
	brul_denylist_token(d, &a, T0 + 10);
	tap_ok(&t, brul_denylist_refused(d, &a, T0 + 10) &&
	    brul_denylist_refused(d, &a, T0 + TTL - 1),
	    "revoked: refused until its exp");
	tap_ok(&t, !brul_denylist_refused(d, &b, T0 + 10),
	    "the user's other token is good");
	tap_ok(&t, brul_denylist_iat(d, 1, T0 + 10) == T0 + 10,
	    "a token revoked alone does not move the next one's iat");

	/* Every token of a user up to now. */
	a = token(2, "u2-early", T0);
	b = token(2, "u2-same-second", T0 + 100);
	brul_denylist_user(d, 2, T0 + 100);
	tap_ok(&t, brul_denylist_refused(d, &a, T0 + 100) &&
	    brul_denylist_refused(d, &b, T0 + 100),
	    "a user's tokens made up to then are refused, to the second");
	tap_ok(&t, brul_denylist_iat(d, 2, T0 + 100) == T0 + 101,
	    "a token made in that second says it was made in the next");
	c = token(2, "u2-after", brul_denylist_iat(d, 2, T0 + 100));
	tap_ok(&t, !brul_denylist_refused(d, &c, T0 + 100),
	    "and is good");
	tap_ok(&t, brul_denylist_iat(d, 2, T0 + 200) == T0 + 200,
	    "a second later, iat is now again");
	c = token(3, "u3", T0);
	tap_ok(&t, !brul_denylist_refused(d, &c, T0 + 100),
	    "another user's tokens are good");
	brul_denylist_user(d, 2, T0 + 50);
	tap_ok(&t, brul_denylist_refused(d, &b, T0 + 150),
	    "an earlier time does not undo a later one");

	/* Refused again in the same second: the token made in between
	 * (which says the next second) goes too. */
	brul_denylist_user(d, 8, T0 + 300);
	a = token(8, "u8-between", brul_denylist_iat(d, 8, T0 + 300));
	brul_denylist_user(d, 8, T0 + 300);
	tap_ok(&t, a.iat == T0 + 301 && brul_denylist_refused(d, &a, T0 + 300),
	    "refused twice in a second: the token made in between is refused");
	tap_ok(&t, brul_denylist_iat(d, 8, T0 + 300) == T0 + 302,
	    "and the next one says the second after");

	/* Kept as long as the tokens it refuses live, not longer. */
	a = token(4, "u4", T0);
	brul_denylist_user(d, 4, T0);
	tap_ok(&t, brul_denylist_refused(d, &a, T0 + TTL - 1),
	    "refused until the longest a token lives");
	/* (its own exp refuses it from then on) */

	/* A full list of ids: the user's tokens refused instead. */
	ok = 1;
	for (int i = 0; i < 2 * BRUL_DENY_TOKENS; i++) {
		snprintf(id, sizeof id, "flood%d", i);
		a = token(5, id, T0 + 1000);
		brul_denylist_token(d, &a, T0 + 1000);
	}
	for (int i = 0; i < 2 * BRUL_DENY_TOKENS; i++) {
		snprintf(id, sizeof id, "flood%d", i);
		a = token(5, id, T0 + 1000);
		ok &= brul_denylist_refused(d, &a, T0 + 1001);
	}
	tap_ok(&t, ok, "32,768 tokens revoked one by one: every one still "
	    "refused");
	b = token(5, "u5-new", brul_denylist_iat(d, 5, T0 + 1000));
	tap_ok(&t, !brul_denylist_refused(d, &b, T0 + 1000),
	    "the user signs in again");
	c = token(6, "u6", T0 + 1000);
	tap_ok(&t, !brul_denylist_refused(d, &c, T0 + 1000),
	    "other users are good");
	a = token(5, "flood0", T0 + 1000);
	tap_ok(&t, !brul_denylist_refused(d, &a, T0 + 1000 + TTL),
	    "the list empties as its tokens expire");
	snprintf(id, sizeof id, "later");
	a = token(7, id, T0 + 1000 + TTL);
	brul_denylist_token(d, &a, T0 + 1000 + TTL);
	b = token(7, "u7-other", T0 + 1000 + TTL);
	tap_ok(&t, brul_denylist_refused(d, &a, T0 + 1000 + TTL) &&
	    !brul_denylist_refused(d, &b, T0 + 1000 + TTL),
	    "then there is room for ids again");

	/* A full list of users: everyone's tokens refused instead. */
	for (long long u = 100; u < 100 + 4 * BRUL_DENY_USERS; u++)
		brul_denylist_user(d, u, T0 + 5000);
	ok = 1;
	for (long long u = 100; u < 100 + 4 * BRUL_DENY_USERS; u++) {
		a = token(u, "x", T0 + 5000);
		ok &= brul_denylist_refused(d, &a, T0 + 5000);
	}
	tap_ok(&t, ok, "16,384 users revoked: every one's tokens refused");
	c = token(99999, "bystander", T0 + 4000);
	tap_ok(&t, brul_denylist_refused(d, &c, T0 + 5000),
	    "and, the list full, everyone's made up to then");
	c = token(99999, "bystander2", brul_denylist_iat(d, 99999, T0 + 5000));
	tap_ok(&t, c.iat == T0 + 5001 &&
	    !brul_denylist_refused(d, &c, T0 + 5000),
	    "a token made after is good");
	brul_denylist_free(d);
	return tap_done(&t);
}
