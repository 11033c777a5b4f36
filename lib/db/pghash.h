/*
 * pghash.h: PostgreSQL's extended hash functions (hashint8extended,
 * hashfloat8extended), computed here bit for bit as the server computes
 * them, so that a digest the loader makes of rows it has not sent equals
 * the one the server makes of the rows it holds.  They are the functions
 * hash partitioning stores its choices by, which PostgreSQL keeps stable
 * across versions.  Pure functions; nothing to free.
 */
#ifndef BRUL_PGHASH_H
#define BRUL_PGHASH_H

#include <stdint.h>

/* hashint8extended(v, seed); timestamp_hash_extended is the same on a
 * timestamp's microseconds since 2000-01-01. */
uint64_t brul_pghash_int8(int64_t v, uint64_t seed);
/* hashfloat8extended(v, seed): 0 and -0 give seed itself; every NaN is
 * hashed as the one NaN PostgreSQL stores. */
uint64_t brul_pghash_float8(double v, uint64_t seed);

#endif
