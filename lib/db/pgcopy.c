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

/*
 * Reading.
 */

static uint64_t
get_be(const unsigned char *p, int bytes)
{
	uint64_t v = 0;

	for (int i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

int
brul_pgcopy_read(struct brul_pgcopy_in *in, const unsigned char **p,
		 const unsigned char *end, struct brul_pgcopy_field *f,
		 int max)
{
	static const unsigned char sig[11] = "PGCOPY\n\377\r\n";
	const unsigned char *q = *p;
	int nf;

	if (!in->started) {
		uint32_t ext;

		/* The signature, the flags (bit 16: OIDs, which brul never
		 * asks for), and an extension to pass over. */
		if (end - q < 19 || memcmp(q, sig, sizeof sig) != 0 ||
		    (get_be(q + 11, 4) & 0x10000) != 0)
			return -1;
		ext = (uint32_t)get_be(q + 15, 4);
		if ((size_t)(end - q - 19) < ext)
			return -1;
		q += 19 + ext;
		in->started = 1;
	}
	if (in->done || q == end) {
		*p = q;
		return 0;
	}
	if (end - q < 2)
		return -1;
	nf = (int16_t)get_be(q, 2);
	q += 2;
	if (nf == -1) {
		in->done = 1;
		*p = q;
		return 0;
	}
	if (nf < 1 || nf > max)
		return -1;
	for (int i = 0; i < nf; i++) {
		if (end - q < 4)
			return -1;
		f[i].n = (int32_t)get_be(q, 4);
		f[i].p = q + 4;
		q += 4;
		if (f[i].n < -1 || (f[i].n > 0 && end - q < f[i].n))
			return -1;
		if (f[i].n > 0)
			q += f[i].n;
	}
	*p = q;
	return nf;
}

int64_t
brul_pgcopy_get_int(const struct brul_pgcopy_field *f)
{
	uint64_t v = get_be(f->p, f->n);

	if (f->n == 2)
		return (int16_t)v;
	if (f->n == 4)
		return (int32_t)v;
	return (int64_t)v;
}

double
brul_pgcopy_get_float8(const struct brul_pgcopy_field *f)
{
	uint64_t bits = get_be(f->p, 8);
	double v;

	memcpy(&v, &bits, sizeof v);
	return v;
}

int64_t
brul_pgcopy_get_time(const struct brul_pgcopy_field *f)
{
	int64_t us = (int64_t)get_be(f->p, 8);

	return us / 1000000 - (us % 1000000 < 0) + PG_EPOCH;
}

int64_t
brul_pgcopy_get_date(const struct brul_pgcopy_field *f)
{
	return (int32_t)get_be(f->p, 4) + PG_EPOCH / 86400;
}
