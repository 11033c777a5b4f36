/*
 * share.c: a share of a fleet's sites (see share.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "battery/share.h"
#include "core/hash.h"
#include "core/idtab.h"
#include "core/num.h"

struct brul_share {
	int i, n;
	struct brul_idtab *others;	/* batteries of other shares */
	struct brul_idtab *other_strs;	/* their strings */
};

int
brul_share_of_site(const char *s, size_t len, int n)
{
	return (int)(brul_fnv(BRUL_FNV_OFFSET, s, len) % (uint64_t)n);
}

struct brul_share *
brul_share_new(int i, int n)
{
	struct brul_share *s = calloc(1, sizeof *s);

	if (s == NULL || (s->others = brul_idtab_new()) == NULL ||
	    (s->other_strs = brul_idtab_new()) == NULL) {
		brul_share_free(s);
		return NULL;
	}
	s->i = i;
	s->n = n;
	return s;
}

void
brul_share_free(struct brul_share *s)
{
	if (s == NULL)
		return;
	brul_idtab_free(s->others);
	brul_idtab_free(s->other_strs);
	free(s);
}

int
brul_share_note(struct brul_share *s, const struct brul_batteries *t,
    const struct brul_battery *b, struct brul_err *err)
{
	const char *site = brul_batteries_site(t, b->site);
	const char *str = brul_batteries_string(t, b->string);

	if (site == NULL)
		return brul_batteries_fail(t, b, err, "site_id: missing, and "
		    "--shard takes whole sites");
	if (brul_share_of_site(site, strlen(site), s->n) == s->i)
		return 1;
	if (brul_idtab_intern(s->others, b->id, b->idn) < 0 ||
	    (str && brul_idtab_intern(s->other_strs, str, strlen(str)) < 0))
		return brul_batteries_fail(t, b, err, "out of memory");
	return 0;
}

int
brul_share_other(const struct brul_share *s, const char *id, size_t n)
{
	return brul_idtab_find(s->others, id, n) >= 0;
}

int
brul_share_other_string(const struct brul_share *s, const char *id,
    size_t n)
{
	return brul_idtab_find(s->other_strs, id, n) >= 0;
}

int
brul_share_parse(const char *arg, int *i, int *n)
{
	const char *slash = strchr(arg, '/');
	int64_t a, b;

	if (slash == NULL ||
	    brul_int_parse(arg, (size_t)(slash - arg), &a) < 0 ||
	    brul_int_parse(slash + 1, strlen(slash + 1), &b) < 0 ||
	    b < 1 || b > BRUL_SHARES_MAX || a < 0 || a >= b)
		return -1;
	*i = (int)a;
	*n = (int)b;
	return 0;
}
