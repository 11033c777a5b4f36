/*
 * rng.c: the counter-based generator and its distributions.
 *
 * A draw is hash(key, counter): the counter walks a Weyl sequence offset by
 * the key, goes through the SplitMix64 finaliser, has the key folded in
 * again (so that two keys whose Weyl sequences overlap still give unrelated
 * draws) and goes through the Murmur3 fmix64 finaliser.  Both finalisers
 * are bijections with full avalanche.
 *
 * The distributions use only the draws of their own stream, so they are as
 * deterministic as the stream (up to the platform's log, cos and sqrt).
 */
#include <math.h>

#include "core/rng.h"

#define GOLDEN 0x9E3779B97F4A7C15ULL

static uint64_t
splitmix_fin(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t
murmur_fin(uint64_t z)
{
	z = (z ^ (z >> 33)) * 0xFF51AFD7ED558CCDULL;
	z = (z ^ (z >> 33)) * 0xC4CEB9FE1A85EC53ULL;
	return z ^ (z >> 33);
}

uint64_t
brul_rng_key(uint64_t seed, uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h;

	/* Each identifier is hashed with its own odd offset before joining,
	 * so (a, b) and (b, a) give different keys. */
	h = splitmix_fin(seed + 0x243F6A8885A308D3ULL);
	h = splitmix_fin(h ^ murmur_fin(a + 0x13198A2E03707345ULL));
	h = splitmix_fin(h ^ murmur_fin(b + 0xA4093822299F31D1ULL));
	h = splitmix_fin(h ^ murmur_fin(c + 0x082EFA98EC4E6C89ULL));
	return h;
}

uint64_t
brul_rng_at(uint64_t key, uint64_t counter)
{
	uint64_t z;

	z = splitmix_fin(key + (counter + 1) * GOLDEN);
	z ^= (key << 32 | key >> 32) * 0xD6E8FEB86659FD93ULL;
	return murmur_fin(z);
}

void
brul_rng_init(struct brul_rng *r, uint64_t key, uint64_t start)
{
	r->key = key;
	r->ctr = start;
}

uint64_t
brul_rng_u64(struct brul_rng *r)
{
	return brul_rng_at(r->key, r->ctr++);
}

double
brul_rng_uniform(struct brul_rng *r)
{
	return brul_u64_uniform(brul_rng_u64(r));
}

double
brul_rng_normal(struct brul_rng *r)
{
	/* Box-Muller, one of the pair: two draws per normal, no state. */
	double u1 = brul_rng_uniform(r);
	double u2 = brul_rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

double
brul_rng_exp(struct brul_rng *r)
{
	return -log(brul_rng_uniform(r));
}

/*
 * log(k!) : a table below 10, Stirling's series above (error < 1e-15 there),
 * rather than lgamma, whose signgam is global state.
 */
static double
log_factorial(double k)
{
	static const double small[10] = {
		0.0, 0.0, 0.69314718055994531, 1.79175946922805500,
		3.17805383034794562, 4.78749174278204599, 6.57925121201010100,
		8.52516136106541430, 10.60460290274525023, 12.80182748008146961
	};
	double x, x2;

	if (k < 10)
		return small[(int)k];
	x = k + 1;
	x2 = 1.0 / (x * x);
	return (x - 0.5) * log(x) - x + 0.91893853320467274 +
	    (1.0 / x) * (1.0 / 12 + x2 * (-1.0 / 360 + x2 * (1.0 / 1260 +
	    x2 * (-1.0 / 1680))));
}

/* Knuth: multiply uniforms until the product drops below e^-mean. */
static uint64_t
poisson_mult(struct brul_rng *r, double mean)
{
	double lim = exp(-mean), prod = 1.0;
	uint64_t k = 0;

	for (;;) {
		prod *= brul_rng_uniform(r);
		if (prod <= lim)
			return k;
		k++;
	}
}

/*
 * Hörmann's transformed rejection with squeeze (PTRS), "The transformed
 * rejection method for generating Poisson random variables", Insurance:
 * Mathematics and Economics 12 (1993).  Exact; valid for mean >= 10.
 */
static uint64_t
poisson_ptrs(struct brul_rng *r, double mean)
{
	double slam = sqrt(mean), loglam = log(mean);
	double b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b;
	double invalpha = 1.1239 + 1.1328 / (b - 3.4);
	double vr = 0.9277 - 3.6224 / (b - 2);

	for (;;) {
		double u = brul_rng_uniform(r) - 0.5;
		double v = brul_rng_uniform(r);
		double us = 0.5 - fabs(u);
		double k = floor((2 * a / us + b) * u + mean + 0.43);

		if (us >= 0.07 && v <= vr)
			return (uint64_t)k;
		if (k < 0 || (us < 0.013 && v > us))
			continue;
		if (log(v) + log(invalpha) - log(a / (us * us) + b) <=
		    -mean + k * loglam - log_factorial(k))
			return (uint64_t)k;
	}
}

uint64_t
brul_rng_poisson(struct brul_rng *r, double mean)
{
	if (!(mean > 0))	/* also NaN */
		return 0;
	if (mean < 30)
		return poisson_mult(r, mean);
	if (mean > 1e15)	/* beyond the documented range; keeps k exact */
		mean = 1e15;
	return poisson_ptrs(r, mean);
}
