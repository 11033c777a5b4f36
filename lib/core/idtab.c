/* idtab.c: see idtab.h.  Open addressing over FNV-1a hashes; a slot keeps
 * the hash's high half beside the index, so that a probe compares names
 * only when it is likely to find one (ids are looked up for every row). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/hash.h"
#include "core/idtab.h"

struct slot {
	uint32_t idx1;		/* index + 1; 0: empty */
	uint32_t h;		/* the hash's high half */
};

struct brul_idtab {
	char **names;
	size_t *lens;
	size_t n, cap;
	struct slot *slots;
	size_t nslots;		/* a power of two, > 2 n */
};

struct brul_idtab *
brul_idtab_new(void)
{
	return calloc(1, sizeof(struct brul_idtab));
}

void
brul_idtab_free(struct brul_idtab *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->names[i]);
	free(t->names);
	free(t->lens);
	free(t->slots);
	free(t);
}

/* The slot of s[0..n) (hash h), or the empty one where it would go. */
static struct slot *
probe(const struct brul_idtab *t, uint64_t h, const char *s, size_t n)
{
	size_t mask = t->nslots - 1, i = (size_t)h & mask;
	uint32_t h32 = (uint32_t)(h >> 32);

	for (;; i = (i + 1) & mask) {
		struct slot *x = &t->slots[i];
		size_t k = (size_t)x->idx1 - 1;

		if (x->idx1 == 0 || (x->h == h32 && t->lens[k] == n &&
		    memcmp(t->names[k], s, n) == 0))
			return x;
	}
}

int
brul_idtab_find(const struct brul_idtab *t, const char *s, size_t n)
{
	if (t->nslots == 0)
		return -1;
	return (int)probe(t, brul_fnv(BRUL_FNV_OFFSET, s, n), s, n)->idx1 - 1;
}

static int
rehash(struct brul_idtab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 64;
	struct slot *old = t->slots;
	size_t oldn = t->nslots;

	if ((t->slots = calloc(ns, sizeof *t->slots)) == NULL) {
		t->slots = old;
		return -1;
	}
	t->nslots = ns;
	for (size_t i = 0; i < oldn; i++)
		if (old[i].idx1) {
			size_t k = (size_t)old[i].idx1 - 1;

			*probe(t, brul_fnv(BRUL_FNV_OFFSET, t->names[k],
			    t->lens[k]), t->names[k], t->lens[k]) = old[i];
		}
	free(old);
	return 0;
}

int
brul_idtab_intern(struct brul_idtab *t, const char *s, size_t n)
{
	uint64_t h = brul_fnv(BRUL_FNV_OFFSET, s, n);
	size_t cap = t->cap;
	struct slot *x;
	char *copy;

	if (t->nslots && (x = probe(t, h, s, n))->idx1)
		return (int)x->idx1 - 1;
	if (t->n >= INT32_MAX - 1 || (2 * (t->n + 1) >= t->nslots &&
	    rehash(t) < 0))
		return -1;
	if (brul_grow(&t->names, &cap, t->n + 1, sizeof *t->names) < 0 ||
	    brul_grow(&t->lens, &t->cap, t->n + 1, sizeof *t->lens) < 0 ||
	    (copy = malloc(n + 1)) == NULL)
		return -1;
	memcpy(copy, s, n);
	copy[n] = '\0';
	t->names[t->n] = copy;
	t->lens[t->n] = n;
	x = probe(t, h, s, n);
	x->idx1 = (uint32_t)++t->n;
	x->h = (uint32_t)(h >> 32);
	return (int)t->n - 1;
}

const char *
brul_idtab_name(const struct brul_idtab *t, int i)
{
	return i >= 0 && (size_t)i < t->n ? t->names[i] : NULL;
}

int
brul_idtab_count(const struct brul_idtab *t)
{
	return (int)t->n;
}
