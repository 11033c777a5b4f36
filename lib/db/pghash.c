/*
 * pghash.c: see pghash.h.  PostgreSQL's hash is Bob Jenkins' lookup3
 * (public domain) over 32-bit words, a 64-bit seed taken in as a first
 * block of its own, and b and c returned as one 64-bit value.
 */
#include <math.h>
#include <string.h>

#include "db/pghash.h"

static uint32_t
rot(uint32_t x, int k)
{
	return x << k | x >> (32 - k);
}

static void
mix(uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a -= *c; *a ^= rot(*c, 4); *c += *b;
	*b -= *a; *b ^= rot(*a, 6); *a += *c;
	*c -= *b; *c ^= rot(*b, 8); *b += *a;
	*a -= *c; *a ^= rot(*c, 16); *c += *b;
	*b -= *a; *b ^= rot(*a, 19); *a += *c;
	*c -= *b; *c ^= rot(*b, 4); *b += *a;
}

static uint64_t
final(uint32_t a, uint32_t b, uint32_t c)
{
	c ^= b; c -= rot(b, 14);
	a ^= c; a -= rot(c, 11);
	b ^= a; b -= rot(a, 25);
	c ^= b; c -= rot(b, 16);
	a ^= c; a -= rot(c, 4);
	b ^= a; b -= rot(a, 14);
	c ^= b; c -= rot(b, 24);
	return (uint64_t)b << 32 | c;
}

/* The state for a key of len bytes, the seed taken in. */
static void
start(uint32_t len, uint64_t seed, uint32_t *a, uint32_t *b, uint32_t *c)
{
	*a = *b = *c = 0x9e3779b9u + len + 3923095u;
	if (seed != 0) {
		*a += (uint32_t)(seed >> 32);
		*b += (uint32_t)seed;
		mix(a, b, c);
	}
}

uint64_t
brul_pghash_int8(int64_t v, uint64_t seed)
{
	uint64_t u = (uint64_t)v;
	uint32_t lo = (uint32_t)u, hi = (uint32_t)(u >> 32), a, b, c;

	/* As hashint8: equal to int4's hash for values int4 holds. */
	lo ^= v >= 0 ? hi : ~hi;
	start(4, seed, &a, &b, &c);
	a += lo;
	return final(a, b, c);
}

uint64_t
brul_pghash_float8(double v, uint64_t seed)
{
	uint64_t bits;
	uint32_t a, b, c;

	if (v == 0)
		return seed;
	if (isnan(v))
		bits = UINT64_C(0x7ff8000000000000);
	else
		memcpy(&bits, &v, sizeof bits);
	/* The double's 8 bytes as the server's memory holds them: two
	 * words, low then high on a little-endian machine (big-endian
	 * servers hash other bytes: brul's digests assume little-endian). */
	start(8, seed, &a, &b, &c);
	a += (uint32_t)bits;
	b += (uint32_t)(bits >> 32);
	return final(a, b, c);
}
