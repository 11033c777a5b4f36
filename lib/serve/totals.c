/* totals.c: see totals.h. */
#include <stdio.h>
#include <string.h>

#include "core/hash.h"
#include "serve/totals.h"

void
brul_totals_init(struct brul_totals *t, const atomic_uint *changes)
{
	memset(t->slot, 0, sizeof t->slot);
	t->changes = changes;
	pthread_mutex_init(&t->mu, NULL);
}

void
brul_totals_release(struct brul_totals *t)
{
	pthread_mutex_destroy(&t->mu);
}

unsigned
brul_totals_changes(const struct brul_totals *t)
{
	return atomic_load(t->changes);
}

/* The slot where key's total is remembered. */
static int
slot(const char *key)
{
	return (int)(brul_fnv(BRUL_FNV_OFFSET, key, strlen(key)) %
	    BRUL_TOTALS);
}

int
brul_totals_get(struct brul_totals *t, const char *key, long long *total)
{
	int i = slot(key), hit;

	pthread_mutex_lock(&t->mu);
	hit = strcmp(t->slot[i].key, key) == 0 &&
	    t->slot[i].changes == atomic_load(t->changes) &&
	    time(NULL) - t->slot[i].at < BRUL_TOTAL_TTL;
	if (hit)
		*total = t->slot[i].total;
	pthread_mutex_unlock(&t->mu);
	return hit;
}

void
brul_totals_put(struct brul_totals *t, const char *key, long long total,
		unsigned changes)
{
	int i = slot(key);

	pthread_mutex_lock(&t->mu);
	snprintf(t->slot[i].key, sizeof t->slot[i].key, "%s", key);
	t->slot[i].total = total;
	t->slot[i].changes = changes;
	t->slot[i].at = time(NULL);
	pthread_mutex_unlock(&t->mu);
}
