/*
 * pgcopy.c: see pgcopy.h.
 */
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "db/pgcopy.h"

/* Seconds from 1970-01-01 to PostgreSQL's epoch, 2000-01-01. */
#define PG_EPOCH 946684800LL

static unsigned char *
room(struct brul_pgcopy *c, size_t n)
{
	if (c->n + n > c->cap &&
	    brul_grow(&c->buf, &c->cap, c->n + n < 65536 ? 65536 : c->n + n,
		      1) < 0) {
		c->oom = 1;
		return NULL;
	}
	c->n += n;
	return c->buf + c->n - n;
}

static void
be(unsigned char *p, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		p[i] = (unsigned char)v;
}

void
brul_pgcopy_header(struct brul_pgcopy *c)
{
	static const unsigned char sig[19] =
	    "PGCOPY\n\377\r\n\0\0\0\0\0\0\0\0\0";
	unsigned char *p = room(c, sizeof sig);

	if (p)
		memcpy(p, sig, sizeof sig);
}

void
brul_pgcopy_trailer(struct brul_pgcopy *c)
{
	unsigned char *p = room(c, 2);

	if (p)
		be(p, 0xffff, 2);
}

void
brul_pgcopy_row(struct brul_pgcopy *c, int nfields)
{
	unsigned char *p = room(c, 2);

	if (p)
		be(p, (uint64_t)nfields, 2);
}

void
brul_pgcopy_null(struct brul_pgcopy *c)
{
	unsigned char *p = room(c, 4);

	if (p)
		be(p, 0xffffffffu, 4);
}

void
brul_pgcopy_int4(struct brul_pgcopy *c, int32_t v)
{
	unsigned char *p = room(c, 8);

	if (p) {
		be(p, 4, 4);
		be(p + 4, (uint32_t)v, 4);
	}
}

void
brul_pgcopy_int8(struct brul_pgcopy *c, int64_t v)
{
	unsigned char *p = room(c, 12);

	if (p) {
		be(p, 8, 4);
		be(p + 4, (uint64_t)v, 8);
	}
}

void
brul_pgcopy_time(struct brul_pgcopy *c, int64_t t)
{
	brul_pgcopy_int8(c, (t - PG_EPOCH) * 1000000);
}

void
brul_pgcopy_float8(struct brul_pgcopy *c, double v)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof bits);
	brul_pgcopy_int8(c, (int64_t)bits);
}

void
brul_pgcopy_text(struct brul_pgcopy *c, const char *s, size_t n)
{
	unsigned char *p = room(c, 4 + n);

	if (p) {
		be(p, n, 4);
		memcpy(p + 4, s, n);
	}
}

void
brul_pgcopy_clear(struct brul_pgcopy *c)
{
	c->n = 0;
}

void
brul_pgcopy_release(struct brul_pgcopy *c)
{
	free(c->buf);
	memset(c, 0, sizeof *c);
}
