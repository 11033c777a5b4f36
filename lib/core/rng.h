/*
 * rng.h: a deterministic, counter-based random generator.
 *
 * Every draw is a pure function of (seed, stream, counter): a battery, a
 * site or a purpose gets its own stream, so draws never depend on the order
 * in which the simulator visits entities, on sharding, on threads or on the
 * output interval.  The mixing function is a strong 64-bit hash (two rounds
 * of the SplitMix64 / Murmur3 finaliser over a Weyl sequence), which passes
 * BigCrush when used as a counter-mode generator.  No global state.
 */
#ifndef BRUL_RNG_H
#define BRUL_RNG_H

#include <stdint.h>

struct brul_rng {
	uint64_t key;		/* from seed and stream */
	uint64_t ctr;		/* next counter */
};

/* Mixes a seed and up to three identifiers into one key. */
uint64_t brul_rng_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c);

/* The counter-th 64-bit draw of key: the whole generator. */
uint64_t brul_rng_at(uint64_t key, uint64_t counter);

/* A sequential view of one stream starting at counter `start`. */
void brul_rng_init(struct brul_rng *r, uint64_t key, uint64_t start);
uint64_t brul_rng_u64(struct brul_rng *r);
double brul_rng_uniform(struct brul_rng *r);	/* in (0, 1) */
double brul_rng_normal(struct brul_rng *r);	/* N(0,1), exact (Box-Muller) */
double brul_rng_exp(struct brul_rng *r);	/* Exp(1) */
/* Poisson(mean), mean < 1e6. */
uint64_t brul_rng_poisson(struct brul_rng *r, double mean);

/* Stateless helpers on one 64-bit draw, for hot loops. */
static inline double brul_u64_uniform(uint64_t x)
{
	return ((double)(x >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

/* Approximately N(0,1) from one draw: the sum of four 16-bit uniforms,
 * centred and scaled (Irwin-Hall, 4 terms; tails end at +-3.46).  Good
 * enough for sensor noise, an order of magnitude cheaper than Box-Muller. */
static inline double brul_u64_normal_fast(uint64_t x)
{
	double s = (double)(x & 0xffff) + (double)((x >> 16) & 0xffff) +
		   (double)((x >> 32) & 0xffff) + (double)(x >> 48);
	/* mean 4 * 32767.5, variance 4 * (65536^2 - 1) / 12 */
	return (s - 131070.0) * (1.0 / 37837.23);
}

#endif
