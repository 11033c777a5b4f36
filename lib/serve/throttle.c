/* throttle.c: see throttle.h. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hash.h"
#include "serve/throttle.h"

#define SLOTS 4096
#define PROBE 8		/* slots looked at per key */

struct slot {
	uint64_t key;		/* 0: free */
	int fails;
	time_t first, last;
};

struct brul_throttle {
	pthread_mutex_t mu;
	struct slot s[SLOTS];
};

struct brul_throttle *
brul_throttle_new(void)
{
	struct brul_throttle *t = calloc(1, sizeof *t);

	if (t)
		pthread_mutex_init(&t->mu, NULL);
	return t;
}

void
brul_throttle_free(struct brul_throttle *t)
{
	if (t == NULL)
		return;
	pthread_mutex_destroy(&t->mu);
	free(t);
}

static uint64_t
hash(const char *key)
{
	uint64_t h = brul_fnv(BRUL_FNV_OFFSET, key, strlen(key));

	return h ? h : 1;
}

/* The slot of key, or NULL (with *free_ the slot to take: an empty one,
 * else the one least recently failed among those probed). */
static struct slot *
find(struct brul_throttle *t, uint64_t h, struct slot **free_)
{
	struct slot *oldest = NULL;

	for (int i = 0; i < PROBE; i++) {
		struct slot *s = &t->s[(h + (uint64_t)i) % SLOTS];

		if (s->key == h)
			return s;
		if (oldest == NULL || s->key == 0 ||
		    (oldest->key != 0 && s->last < oldest->last))
			oldest = s;
	}
	if (free_)
		*free_ = oldest;
	return NULL;
}

int
brul_throttle_wait(struct brul_throttle *t, const char *key, int max,
		   int window, time_t now)
{
	struct slot *s;
	int wait = 0;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, hash(key), NULL)) != NULL) {
		if (now - s->first > window && now - s->last > window)
			memset(s, 0, sizeof *s);	/* long ago */
		else if (s->fails >= max)
			wait = (int)(s->last + window - now);
	}
	pthread_mutex_unlock(&t->mu);
	return wait > 0 ? wait : 0;
}

void
brul_throttle_fail(struct brul_throttle *t, const char *key, int window,
		   time_t now)
{
	uint64_t h = hash(key);
	struct slot *s, *take = NULL;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, h, &take)) == NULL) {
		s = take;
		memset(s, 0, sizeof *s);
		s->key = h;
		s->first = now;
	} else if (now - s->last > window) {
		/* Failures a window apart are not a guessing run. */
		s->fails = 0;
		s->first = now;
	}
	s->fails++;
	s->last = now;
	pthread_mutex_unlock(&t->mu);
}

void
brul_throttle_forget(struct brul_throttle *t, const char *key)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	if ((s = find(t, hash(key), NULL)) != NULL)
		memset(s, 0, sizeof *s);
	pthread_mutex_unlock(&t->mu);
}
