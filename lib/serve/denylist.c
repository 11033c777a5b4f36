/* denylist.c: see denylist.h. */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/denylist.h"

#define PROBE 16	/* slots an entry may take */

struct brul_denylist {
	pthread_mutex_t mu;
	int ttl;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct {
		uint64_t id;		/* the jti's hash; 0: free */
		time_t until;		/* its exp */
	} tok[BRUL_DENY_TOKENS];
	struct {
		long long id;		/* 0: free */
		time_t upto;		/* tokens made up to then refused */
		time_t until;		/* ... which expire by then */
	} user[BRUL_DENY_USERS];
	time_t all_upto, all_until;	/* everyone's, when users are full */
	time_t max_iat;			/* the latest iat given a token */
};

struct brul_denylist *
brul_denylist_new(int ttl)
{
	struct brul_denylist *d;

	if (sodium_init() < 0 || (d = calloc(1, sizeof *d)) == NULL)
		return NULL;
	d->ttl = ttl;
	randombytes_buf(d->hkey, sizeof d->hkey);
	pthread_mutex_init(&d->mu, NULL);
	return d;
}

void
brul_denylist_free(struct brul_denylist *d)
{
	if (d == NULL)
		return;
	pthread_mutex_destroy(&d->mu);
	free(d);
}

static uint64_t
jti_hash(const struct brul_denylist *d, const char *jti)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, (const unsigned char *)jti, strlen(jti),
	    d->hkey);
	memcpy(&h, out, sizeof h);
	return h ? h : 1;
}

static size_t
user_slot(long long id, int i)
{
	/* Ids are sequential: spread them (Fibonacci hashing). */
	return (size_t)(((uint64_t)id * 0x9e3779b97f4a7c15ULL >> 40) +
	    (uint64_t)i) % BRUL_DENY_USERS;
}

/* Refuses everyone's tokens made so far; with the lock held. */
static void
deny_all(struct brul_denylist *d, time_t upto)
{
	if (upto > d->all_upto)
		d->all_upto = upto;
	d->all_until = d->all_upto + d->ttl;
}

/* Refuses user id's tokens made so far; with the lock held.  A token
 * made in the second of an earlier refusal says the next second, so
 * "so far" is up to the latest iat given, not up to now. */
static void
deny_user(struct brul_denylist *d, long long id, time_t now)
{
	time_t upto = d->max_iat > now ? d->max_iat : now;
	int free_ = -1;

	for (int i = 0; i < PROBE; i++) {
		size_t k = user_slot(id, i);

		if (d->user[k].id == id) {
			if (upto > d->user[k].upto)
				d->user[k].upto = upto;
			d->user[k].until = d->user[k].upto + d->ttl;
			return;
		}
		if (free_ < 0 && (d->user[k].id == 0 ||
		    d->user[k].until <= now))
			free_ = (int)k;
	}
	if (free_ < 0) {
		deny_all(d, upto);
		return;
	}
	d->user[free_].id = id;
	d->user[free_].upto = upto;
	d->user[free_].until = upto + d->ttl;
}

void
brul_denylist_token(struct brul_denylist *d, const struct brul_claims *c,
		    time_t now)
{
	uint64_t h = jti_hash(d, c->jti);

	if (c->exp <= now)
		return;		/* refused as expired already */
	pthread_mutex_lock(&d->mu);
	for (int i = 0; i < PROBE; i++) {
		size_t k = (size_t)((h + (uint64_t)i) % BRUL_DENY_TOKENS);

		if (d->tok[k].id == h || d->tok[k].id == 0 ||
		    d->tok[k].until <= now) {
			d->tok[k].id = h;
			d->tok[k].until = c->exp;
			pthread_mutex_unlock(&d->mu);
			return;
		}
	}
	/* No room: more is refused rather than this forgotten. */
	deny_user(d, c->user_id, now);
	pthread_mutex_unlock(&d->mu);
}

void
brul_denylist_user(struct brul_denylist *d, long long id, time_t now)
{
	pthread_mutex_lock(&d->mu);
	deny_user(d, id, now);
	pthread_mutex_unlock(&d->mu);
}

int
brul_denylist_refused(struct brul_denylist *d, const struct brul_claims *c,
		      time_t now)
{
	uint64_t h = jti_hash(d, c->jti);
	int no = 0;

	pthread_mutex_lock(&d->mu);
	if (c->iat <= d->all_upto && now < d->all_until)
		no = 1;
	for (int i = 0; !no && i < PROBE; i++) {
		size_t k = user_slot(c->user_id, i);

		if (d->user[k].id == c->user_id) {
			no = c->iat <= d->user[k].upto &&
			    now < d->user[k].until;
			break;
		}
	}
	for (int i = 0; !no && i < PROBE; i++) {
		size_t k = (size_t)((h + (uint64_t)i) % BRUL_DENY_TOKENS);

		if (d->tok[k].id == h) {
			no = now < d->tok[k].until;
			break;
		}
	}
	pthread_mutex_unlock(&d->mu);
	return no;
}

time_t
brul_denylist_iat(struct brul_denylist *d, long long id, time_t now)
{
	time_t iat = now;

	pthread_mutex_lock(&d->mu);
	if (d->all_upto >= iat)
		iat = d->all_upto + 1;
	for (int i = 0; i < PROBE; i++) {
		size_t k = user_slot(id, i);

		if (d->user[k].id == id) {
			if (d->user[k].upto >= iat)
				iat = d->user[k].upto + 1;
			break;
		}
	}
	if (iat > d->max_iat)
		d->max_iat = iat;
	pthread_mutex_unlock(&d->mu);
	return iat;
}
