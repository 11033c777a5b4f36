/* answers.c: see answers.h. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hash.h"
#include "serve/answers.h"

#define SLOTS	1024

struct answer {
	char *key;		/* NULL: a free slot */
	char *body;
	size_t n;
	unsigned version;
	time_t at;
	char etag[BRUL_ETAG_SIZE];
};

struct brul_answers {
	pthread_mutex_t mu;
	size_t max, bytes;	/* of bodies kept, at most and now */
	struct answer slot[SLOTS];
};

struct brul_answers *
brul_answers_new(size_t max_bytes)
{
	struct brul_answers *a;

	if ((a = calloc(1, sizeof(*a))) == NULL)
		return NULL;
	a->max = max_bytes;
	pthread_mutex_init(&a->mu, NULL);
	return a;
}

static void
drop(struct brul_answers *a, struct answer *s)
{
	a->bytes -= s->n;
	free(s->key);
	free(s->body);
	memset(s, 0, sizeof(*s));
}

void
brul_answers_free(struct brul_answers *a)
{
	if (a == NULL)
		return;
	for (int i = 0; i < SLOTS; i++)
		drop(a, &a->slot[i]);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

/* FNV-1a over 8-byte words, then the tail: a fingerprint of a 100 KB
 * answer in a few microseconds (byte by byte it took a hundred). */
void
brul_answers_etag(const char *body, size_t n, char etag[BRUL_ETAG_SIZE])
{
	uint64_t h = BRUL_FNV_OFFSET, w;
	size_t i;

	for (i = 0; i + 8 <= n; i += 8) {
		memcpy(&w, body + i, 8);
		h = (h ^ w) * 1099511628211ULL;
		h ^= h >> 29;
	}
	h = brul_fnv(h, body + i, n - i);
	snprintf(etag, BRUL_ETAG_SIZE, "\"%016llx\"", (unsigned long long)h);
}

static struct answer *
slot_of(struct brul_answers *a, const char *key)
{
	return &a->slot[brul_fnv(BRUL_FNV_OFFSET, key, strlen(key)) % SLOTS];
}

static int
good(const struct answer *s, unsigned version, time_t now)
{
	return s->version == version && now - s->at < BRUL_ANSWER_TTL &&
	    now >= s->at;
}

int
brul_answers_get(struct brul_answers *a, const char *key, unsigned version,
		 char **body, size_t *n, char etag[BRUL_ETAG_SIZE])
{
	struct answer *s;
	int hit = 0;

	pthread_mutex_lock(&a->mu);
	s = slot_of(a, key);
	if (s->key != NULL && strcmp(s->key, key) == 0) {
		if (!good(s, version, time(NULL)))
			drop(a, s);
		else if ((*body = malloc(s->n ? s->n : 1)) != NULL) {
			memcpy(*body, s->body, s->n);
			*n = s->n;
			memcpy(etag, s->etag, BRUL_ETAG_SIZE);
			hit = 1;
		}
	}
	pthread_mutex_unlock(&a->mu);
	return hit;
}

void
brul_answers_put(struct brul_answers *a, const char *key, unsigned version,
		 const char *body, size_t n, const char etag[BRUL_ETAG_SIZE])
{
	struct answer *s, t = { 0 };
	time_t now = time(NULL);

	if (n > a->max / 8 || (t.key = strdup(key)) == NULL)
		return;
	if ((t.body = malloc(n ? n : 1)) == NULL) {
		free(t.key);
		return;
	}
	memcpy(t.body, body, n);
	t.n = n;
	t.version = version;
	t.at = now;
	memcpy(t.etag, etag, BRUL_ETAG_SIZE);
	pthread_mutex_lock(&a->mu);
	s = slot_of(a, key);
	if (s->key != NULL)
		drop(a, s);
	if (a->bytes + n > a->max)
		for (int i = 0; i < SLOTS; i++)
			if (a->slot[i].key != NULL &&
			    !good(&a->slot[i], version, now))
				drop(a, &a->slot[i]);
	if (a->bytes + n <= a->max) {
		*s = t;
		a->bytes += n;
		t.key = t.body = NULL;
	}
	pthread_mutex_unlock(&a->mu);
	free(t.key);
	free(t.body);
}
