/* idtab.c: see idtab.h.  Open addressing over FNV-1a hashes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/hash.h"
#include "core/idtab.h"

struct brul_idtab {
	char **names;
	size_t *lens;
	size_t n, cap;
	int *slots;		/* index + 1; 0: empty */
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

static size_t
probe(const struct brul_idtab *t, const char *s, size_t n)
{
	size_t mask = t->nslots - 1;
	size_t i = (size_t)brul_fnv(BRUL_FNV_OFFSET, s, n) & mask;

	while (t->slots[i]) {
		size_t k = (size_t)t->slots[i] - 1;

		if (t->lens[k] == n && memcmp(t->names[k], s, n) == 0)
			break;
		i = (i + 1) & mask;
	}
	return i;
}

int
brul_idtab_find(const struct brul_idtab *t, const char *s, size_t n)
{
	size_t i;

	if (t->nslots == 0)
		return -1;
	i = probe(t, s, n);
	return t->slots[i] - 1;
}

static int
rehash(struct brul_idtab *t)
{
	size_t ns = t->nslots ? t->nslots * 2 : 64;
	int *old = t->slots;
	size_t oldn = t->nslots;

	if ((t->slots = calloc(ns, sizeof *t->slots)) == NULL) {
		t->slots = old;
		return -1;
	}
	t->nslots = ns;
	for (size_t i = 0; i < oldn; i++)
		if (old[i]) {
			size_t k = (size_t)old[i] - 1;

			t->slots[probe(t, t->names[k], t->lens[k])] = old[i];
		}
	free(old);
	return 0;
}

int
brul_idtab_intern(struct brul_idtab *t, const char *s, size_t n)
{
	size_t i, cap = t->cap;
	char *copy;

	if (t->nslots && t->slots[i = probe(t, s, n)])
		return t->slots[i] - 1;
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
	t->slots[probe(t, s, n)] = (int)++t->n;
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
