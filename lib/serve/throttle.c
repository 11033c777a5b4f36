/* throttle.c: see throttle.h. */
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "serve/throttle.h"

#define PROBE 16	/* slots a key may take */
#define PART 128	/* bytes of a user or an address that count */

enum kind { PAIR, ADDRESS, USER, NKINDS };

static const struct {
	int free, longest;
} rule[NKINDS] = {
	[PAIR] = { BRUL_THROTTLE_PAIR, BRUL_THROTTLE_LONGEST },
	[ADDRESS] = { BRUL_THROTTLE_ADDRESS, BRUL_THROTTLE_LONGEST },
	[USER] = { BRUL_THROTTLE_USER, BRUL_THROTTLE_USER_LONGEST },
};

struct slot {
	uint64_t key;		/* 0: free */
	enum kind kind;
	int fails;
	time_t last;		/* the last failure */
	time_t known;		/* a pair's last success; 0: none */
};

struct brul_throttle {
	pthread_mutex_t mu;
	unsigned char hkey[crypto_shorthash_KEYBYTES];
	struct slot s[BRUL_THROTTLE_SLOTS];
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

/* The key of a count: its kind, then the user and the address that
 * matter to it, each ended by a NUL so that no two run together. */
static uint64_t
hash(const struct brul_throttle *t, enum kind k, const char *user,
     const char *addr)
{
	unsigned char m[1 + 2 * (PART + 1)], out[crypto_shorthash_BYTES];
	size_t n = 0, l;
	uint64_t h;

	m[n++] = (unsigned char)k;
	if (k != ADDRESS) {
		l = strnlen(user, PART);
		memcpy(m + n, user, l);
		n += l;
		m[n++] = '\0';
	}
	if (k != USER) {
		l = strnlen(addr, PART);
		memcpy(m + n, addr, l);
		n += l;
		m[n++] = '\0';
	}
	crypto_shorthash(out, m, n, t->hkey);
	memcpy(&h, out, sizeof h);
	return h ? h : 1;
}

/* When s's count lets its next attempt in: its last failure plus the
 * wait its failures past the free ones have earned. */
static time_t
until(const struct slot *s)
{
	int over = s->fails - rule[s->kind].free;
	long wait;

	if (s->key == 0 || over < 0)
		return 0;
	wait = over >= 20 ? rule[s->kind].longest :
	    (long)BRUL_THROTTLE_FIRST << over;
	if (wait > rule[s->kind].longest)
		wait = rule[s->kind].longest;
	return s->last + wait;
}

/* Whether s counts nothing any more: free, or its failures and its
 * success long past. */
static int
stale(const struct slot *s, time_t now)
{
	return s->key == 0 || (until(s) <= now &&
	    now - s->last > BRUL_THROTTLE_FORGET &&
	    (s->known == 0 || now - s->known > BRUL_THROTTLE_KNOWN));
}

static time_t
used(const struct slot *s)
{
	return s->last > s->known ? s->last : s->known;
}

/* The slot of h, or NULL with *take the slot it may take: a stale one,
 * else the least recently used of those that make no attempt wait; NULL
 * when each of them does, *soonest then when the first stops. */
static struct slot *
find(struct brul_throttle *t, uint64_t h, time_t now, struct slot **take,
     time_t *soonest)
{
	struct slot *best = NULL;

	*soonest = 0;
	for (int i = 0; i < PROBE; i++) {
		struct slot *s = &t->s[(h + (uint64_t)i) % BRUL_THROTTLE_SLOTS];
		time_t u;

		if (s->key == h)
			return s;
		if ((u = until(s)) > now) {
			/* It makes attempts wait: never forgotten. */
			if (*soonest == 0 || u < *soonest)
				*soonest = u;
			continue;
		}
		if (best == NULL || (!stale(best, now) && (stale(s, now) ||
		    used(s) < used(best))))
			best = s;
	}
	*take = best;
	return NULL;
}

/* The slot of h, taken when it has none; NULL when there is no room. */
static struct slot *
get(struct brul_throttle *t, uint64_t h, enum kind k, time_t now)
{
	struct slot *s, *take;
	time_t soonest;

	if ((s = find(t, h, now, &take, &soonest)) != NULL)
		return s;
	if (take) {
		memset(take, 0, sizeof *take);
		take->key = h;
		take->kind = k;
	}
	return take;
}

int
brul_throttle_wait(struct brul_throttle *t, const char *user,
		   const char *addr, time_t now)
{
	time_t latest = now;
	int known = 0;

	pthread_mutex_lock(&t->mu);
	for (enum kind k = PAIR; k < NKINDS; k++) {
		struct slot *s, *take;
		time_t u;

		if (k == USER && known)
			continue;
		if ((s = find(t, hash(t, k, user, addr), now, &take,
		    &u)) != NULL) {
			u = until(s);
			if (k == PAIR && s->known &&
			    now - s->known <= BRUL_THROTTLE_KNOWN)
				known = 1;
		} else if (take != NULL)
			u = 0;
		/* else no room to count a failure: wait for some */
		if (u > latest)
			latest = u;
	}
	pthread_mutex_unlock(&t->mu);
	return (int)(latest - now);
}

void
brul_throttle_fail(struct brul_throttle *t, const char *user,
		   const char *addr, time_t now)
{
	pthread_mutex_lock(&t->mu);
	for (enum kind k = PAIR; k < NKINDS; k++) {
		struct slot *s = get(t, hash(t, k, user, addr), k, now);

		/* NULL: no room, which brul_throttle_wait made the attempt
		 * wait for; only another thread's failure since gets here. */
		if (s == NULL)
			continue;
		if (now - s->last > BRUL_THROTTLE_FORGET)
			s->fails = 0;
		s->fails++;
		s->last = now;
	}
	pthread_mutex_unlock(&t->mu);
}

void
brul_throttle_pass(struct brul_throttle *t, const char *user,
		   const char *addr, time_t now)
{
	struct slot *s;

	pthread_mutex_lock(&t->mu);
	/* Without room the address is simply not known: it loses only
	 * its way past the user's count. */
	if ((s = get(t, hash(t, PAIR, user, addr), PAIR, now)) != NULL) {
		s->fails = 0;
		s->known = now;
	}
	pthread_mutex_unlock(&t->mu);
}
