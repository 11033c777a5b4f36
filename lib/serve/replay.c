/* replay.c: see replay.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/replay.h"

/* An event kept: one allocation, the items and their strings after it. */
struct held {
	struct brul_replay_event ev;
	size_t bytes;			/* the whole allocation */
};

int
brul_replay_init(struct brul_replay *r, unsigned key, size_t max_events,
		 size_t max_bytes)
{
	memset(r, 0, sizeof *r);
	r->key = key;
	r->max_events = max_events > 0 ? max_events : 1;
	r->max_bytes = max_bytes;
	r->first = 1;
	r->ring = calloc(r->max_events, sizeof *r->ring);
	return r->ring ? 0 : -1;
}

static struct held *
at(const struct brul_replay *r, size_t i)
{
	return (struct held *)r->ring[(r->head + i) % r->max_events];
}

static void
drop_oldest(struct brul_replay *r)
{
	struct held *h = at(r, 0);

	r->bytes -= h->bytes;
	free(h);
	r->ring[r->head] = NULL;
	r->head = (r->head + 1) % r->max_events;
	r->n--;
	r->first++;
}

void
brul_replay_release(struct brul_replay *r)
{
	while (r->ring && r->n > 0)
		drop_oldest(r);
	free(r->ring);
	memset(r, 0, sizeof *r);
}

/* s copied to *p, which moves past it. */
static const char *
put(char **p, const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = *p;

	memcpy(d, s, n);
	*p += n;
	return d;
}

unsigned long long
brul_replay_add(struct brul_replay *r, const char *name, int array,
		const struct brul_replay_item *it, int n)
{
	unsigned long long seq = ++r->seq;
	struct brul_replay_item *items;
	size_t size = sizeof(struct held) + strlen(name) + 1;
	struct held *h = NULL;
	char *p;

	for (int i = 0; i < n; i++)
		size += sizeof *items + strlen(it[i].json) + 1 +
		    (it[i].site ? strlen(it[i].site) + 1 : 0) +
		    (it[i].battery ? strlen(it[i].battery) + 1 : 0);
	if (size > r->max_bytes || (h = malloc(size)) == NULL) {
		/* Not kept: a client that missed it cannot be given it. */
		while (r->n > 0)
			drop_oldest(r);
		r->first = seq + 1;
		return seq;
	}
	items = (struct brul_replay_item *)(h + 1);
	p = (char *)(items + n);
	h->bytes = size;
	h->ev.seq = seq;
	h->ev.name = put(&p, name);
	h->ev.array = array;
	h->ev.n = n;
	h->ev.it = items;
	for (int i = 0; i < n; i++) {
		items[i].site = it[i].site ? put(&p, it[i].site) : NULL;
		items[i].battery = it[i].battery ? put(&p, it[i].battery) :
		    NULL;
		items[i].json = put(&p, it[i].json);
	}
	while (r->n > 0 && (r->n == r->max_events ||
	    r->bytes + size > r->max_bytes))
		drop_oldest(r);
	r->ring[(r->head + r->n) % r->max_events] = &h->ev;
	r->n++;
	r->bytes += size;
	return seq;
}

const struct brul_replay_event *
brul_replay_get(const struct brul_replay *r, unsigned long long seq)
{
	if (r->n == 0 || seq < r->first || seq > r->seq)
		return NULL;
	return &at(r, (size_t)(seq - r->first))->ev;
}

int
brul_replay_since(const struct brul_replay *r, unsigned long long seq)
{
	return seq <= r->seq && seq + 1 >= r->first;
}

void
brul_replay_id(const struct brul_replay *r, unsigned long long seq,
	       char buf[BRUL_REPLAY_ID_MAX])
{
	snprintf(buf, BRUL_REPLAY_ID_MAX, "%08x-%llu", r->key, seq);
}

int
brul_replay_parse(const struct brul_replay *r, const char *id,
		  unsigned long long *seq)
{
	char key[9];
	unsigned long long v;
	size_t digits;

	/* Exactly as brul_replay_id writes them: no sign, no space. */
	if (strspn(id, "0123456789abcdef") != 8 || id[8] != '-')
		return -1;
	digits = strspn(id + 9, "0123456789");
	if (digits == 0 || digits > 20 || id[9 + digits] != '\0')
		return -1;
	snprintf(key, sizeof key, "%08x", r->key);
	if (memcmp(id, key, 8) != 0)
		return -1;
	errno = 0;
	v = strtoull(id + 9, NULL, 10);
	if (errno != 0 || v > r->seq)
		return -1;
	*seq = v;
	return 0;
}
