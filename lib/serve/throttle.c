/* throttle.c: see throttle.h. */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/throttle.h"

#define SLOTS 4096
#define PROBE 8		/* slots looked at per key */

struct slot {
	uint64_t key;		/* 0: free */
	int fails;
	int window;		/* seconds, as the last failure said */
	time_t last;
	time_t until;		/* refused until then; 0: not refused */
};

struct brul_throttle {
	pthread_mutex_t mu;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct slot s[SLOTS];
};

struct brul_throttle *
brul_throttle_new(void)
{
	struct brul_throttle *t;

	if (sodium_init() < 0 || (t = calloc(1, sizeof *t)) == NULL)
		return NULL;
	randombytes_buf(t->hkey, sizeof t->hkey);
	pthread_mutex_init(&t->mu, NULL);
	return t;
}

void
brul_throttle_free(struct brul_throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mu);
	sodium_memzero(t->hkey, sizeof t->hkey);
	free(t);
}

static uint64_t
hash(const struct brul_throttle *t, const char *key)
{
	unsigned char out[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(out, (const unsigned char *)key, strlen(key),
	    t->hkey);
	memcpy(&h, out, sizeof h);
	return h ? h : 1;
}

/* A slot that counts nothing any more: free, or its failures a window
 * old. */
static int
stale(const struct slot *s, time_t now)
{
	return s->key == 0 || (now >= s->until &&
	    now - s->last > s->window);
}

/* The slot of key, or NULL (with *take the slot it may take: a stale
 * one, else the least recently failed of those not refused; NULL when
 * every one is refused, *wait then the seconds until one is not). */
static struct slot *
find(struct brul_throttle *t, uint64_t h, time_t now, struct slot **take,
     int *wait)
{
	struct slot *best = NULL;
	time_t soonest = 0;

	for (int i = 0; i < PROBE; i++) {
		struct slot *s = &t->s[(h + (uint64_t)i) % SLOTS];

		if (s->key == h)
			return s;
		if (s->until > now) {
			/* Refused: never forgotten to make room. */
			if (soonest == 0 || s->until < soonest)
				soonest = s->until;
			continue;
		}
		if (best == NULL || (!stale(best, now) && (stale(s, now) ||
		    s->last < best->last)))
			best = s;
	}
	if (take)
		*take = best;
	if (wait)
		*wait = best ? 0 : (int)(soonest - now);
	return NULL;
}

int
brul_throttle_wait(struct brul_throttle *t, const char *key, time_t now)
{
	struct slot *s, *take;
	int wait = 0;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, hash(t, key), now, &take, &wait)) != NULL &&
	    s->until > now)
		wait = (int)(s->until - now);
	pthread_mutex_unlock(&t->mu);
	return wait > 0 ? wait : 0;
}

void
brul_throttle_fail(struct brul_throttle *t, const char *key, int max,
		   int window, time_t now)
{
	uint64_t h = hash(t, key);
	struct slot *s, *take = NULL;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, h, now, &take, NULL)) == NULL) {
		/* No room: brul_throttle_wait refused keys until there was,
		 * so only a race with another thread's failure gets here. */
		if ((s = take) == NULL) {
			pthread_mutex_unlock(&t->mu);
			return;
		}
		memset(s, 0, sizeof *s);
		s->key = h;
	} else if (now - s->last > window) {
		/* Failures a window apart are not a guessing run. */
		s->fails = 0;
	}
	s->fails++;
	s->last = now;
	s->window = window;
	if (s->fails >= max)
		s->until = now + window;
	pthread_mutex_unlock(&t->mu);
}

void
brul_throttle_forget(struct brul_throttle *t, const char *key)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, hash(t, key), 0, NULL, NULL)) != NULL)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&t->mu);
}
