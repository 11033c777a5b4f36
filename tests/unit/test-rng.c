/*
 * test-rng.c: determinism, independence of streams and counters, and the
 * moments of every distribution over 10^6 draws.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>

#include "core/rng.h"
#include "tap.h"

#define N 1000000

struct moments { double n, mean, m2; };

/* Welford. */
static void
add(struct moments *m, double x)
{
	double d = x - m->mean;

	m->n++;
	m->mean += d / m->n;
	m->m2 += d * (x - m->mean);
}

static double
var(const struct moments *m)
{
	return m->m2 / (m->n - 1);
}

static double
corr(const double *x, const double *y, int n)
{
	double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0;

	for (int i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
	}
	sx /= n;
	sy /= n;
	for (int i = 0; i < n; i++) {
		sxx += (x[i] - sx) * (x[i] - sx);
		syy += (y[i] - sy) * (y[i] - sy);
		sxy += (x[i] - sx) * (y[i] - sy);
	}
	return sxy / sqrt(sxx * syy);
}

static void
test_determinism(struct tap *t)
{
	struct brul_rng a, b;
	uint64_t k = brul_rng_key(42, 1, 2, 3);
	int ok = 1;

	tap_ok(t, k == brul_rng_key(42, 1, 2, 3), "key is a pure function");
	tap_ok(t, k != brul_rng_key(43, 1, 2, 3), "key depends on the seed");
	tap_ok(t, k != brul_rng_key(42, 2, 1, 3), "key depends on the order");
	tap_ok(t, brul_rng_key(0, 0, 0, 0) != brul_rng_key(0, 0, 0, 1),
	    "key depends on c");
	tap_ok(t, brul_rng_at(k, 7) == brul_rng_at(k, 7), "draw is pure");
	brul_rng_init(&a, k, 0);
	brul_rng_init(&b, k, 1000);
	for (int i = 0; i < 1000; i++)
		ok = ok && brul_rng_u64(&a) == brul_rng_at(k, (uint64_t)i);
	tap_ok(t, ok, "the sequential view walks the counter");
	tap_ok(t, brul_rng_u64(&a) == brul_rng_u64(&b),
	    "a stream started at 1000 meets the one started at 0");
	tap_ok(t, a.ctr == 1001 && b.ctr == 1001, "ctr counts draws");
	/* Fixed values: the generator must not change under the tools, or
	 * every dataset made with a given seed changes. */
	tap_ok(t, brul_rng_key(1, 0, 0, 0) == 0x09f86af34ed11cd5ULL,
	    "key(1, 0, 0, 0) is fixed");
	tap_ok(t, brul_rng_at(0, 0) == 0x9474f0eb06d79fd8ULL,
	    "at(0, 0) is fixed");
}

/* Bits of consecutive counters, consecutive keys: each bit set half of the
 * time, and the correlation of neighbours small. */
static void
test_independence(struct tap *t)
{
	static double x[N], y[N];
	uint64_t k = brul_rng_key(1, 0, 0, 0);
	long bits[64] = { 0 };
	double worst = 0, c;
	int ok = 1;

	for (int i = 0; i < N; i++) {
		uint64_t v = brul_rng_at(k, (uint64_t)i);

		for (int b = 0; b < 64; b++)
			bits[b] += (v >> b) & 1;
		x[i] = brul_u64_uniform(v);
	}
	for (int b = 0; b < 64; b++)
		if (fabs(bits[b] - N / 2.0) > 5 * sqrt(N / 4.0))
			ok = 0;
	tap_ok(t, ok, "every bit is set half of the time (5 sigma)");

	for (int i = 0; i < N - 1; i++)
		y[i] = x[i + 1];
	c = corr(x, y, N - 1);
	tap_near(t, c, 0, 0.01, "consecutive counters uncorrelated");

	/* Keys that differ by one, keys 1 apart in the Weyl step, and keys
	 * from neighbouring streams. */
	for (int i = 0; i < N; i++) {
		x[i] = brul_u64_uniform(brul_rng_at(1000, (uint64_t)i));
		y[i] = brul_u64_uniform(brul_rng_at(1001, (uint64_t)i));
	}
	c = fabs(corr(x, y, N));
	worst = c > worst ? c : worst;
	tap_near(t, c, 0, 0.01, "keys k and k+1 uncorrelated");
	for (int i = 0; i < N; i++)
		y[i] = brul_u64_uniform(brul_rng_at(1000 +
		    0x9E3779B97F4A7C15ULL, (uint64_t)i + 1));
	c = fabs(corr(x, y, N));
	tap_near(t, c, 0, 0.01, "overlapping Weyl sequences uncorrelated");
	for (int i = 0; i < N; i++)
		y[i] = brul_u64_uniform(brul_rng_at(1000 +
		    0x9E3779B97F4A7C15ULL, (uint64_t)i - 1));
	c = fabs(corr(x, y, N));
	tap_near(t, c, 0, 0.01, "overlapping Weyl sequences (other way)");
	for (int i = 0; i < N; i++) {
		x[i] = brul_u64_uniform(brul_rng_at(brul_rng_key(7, 1, 5, 0),
		    (uint64_t)i));
		y[i] = brul_u64_uniform(brul_rng_at(brul_rng_key(7, 2, 5, 0),
		    (uint64_t)i));
	}
	c = fabs(corr(x, y, N));
	tap_near(t, c, 0, 0.01, "neighbouring streams uncorrelated");

	/* Two keys: identical draws must be as rare as chance. */
	{
		long same = 0;

		for (int i = 0; i < N; i++)
			same += (brul_rng_at(1, (uint64_t)i) >> 48) ==
			    (brul_rng_at(2, (uint64_t)i) >> 48);
		tap_ok(t, same < 40, "top 16 bits of two keys rarely agree");
	}
}

static void
test_distributions(struct tap *t)
{
	struct moments u = { 0 }, z = { 0 }, e = { 0 }, f = { 0 };
	struct brul_rng r;
	double lo = 1, hi = 0, sk = 0;
	long tail = 0;

	brul_rng_init(&r, brul_rng_key(2026, 0, 0, 0), 0);
	for (int i = 0; i < N; i++) {
		double x = brul_rng_uniform(&r);

		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
		add(&u, x);
	}
	tap_ok(t, lo > 0 && hi < 1, "uniform in (0, 1)");
	tap_near(t, u.mean, 0.5, 0.002, "uniform mean");
	tap_near(t, var(&u), 1.0 / 12, 0.001, "uniform variance");

	for (int i = 0; i < N; i++) {
		double x = brul_rng_normal(&r);

		add(&z, x);
		sk += x * x * x;
		tail += fabs(x) > 3;
	}
	tap_near(t, z.mean, 0, 0.005, "normal mean");
	tap_near(t, var(&z), 1, 0.005, "normal variance");
	tap_near(t, sk / N, 0, 0.02, "normal skewness");
	/* P(|Z| > 3) = 0.0026998 */
	tap_near(t, (double)tail / N, 0.0026998, 0.0003, "normal tails");

	for (int i = 0; i < N; i++)
		add(&e, brul_rng_exp(&r));
	tap_near(t, e.mean, 1, 0.005, "exponential mean");
	tap_near(t, var(&e), 1, 0.01, "exponential variance");

	for (int i = 0; i < N; i++)
		add(&f, brul_u64_normal_fast(brul_rng_u64(&r)));
	tap_near(t, f.mean, 0, 0.01, "fast normal mean");
	tap_near(t, sqrt(var(&f)), 1, 0.01, "fast normal sd");
}

static void
test_poisson(struct tap *t)
{
	static const double means[] = { 0.001, 0.5, 3, 29.9, 30, 50, 1000,
	    123456.7 };
	struct brul_rng r;
	char name[64];

	brul_rng_init(&r, brul_rng_key(9, 9, 9, 9), 0);
	tap_ok(t, brul_rng_poisson(&r, 0) == 0, "poisson(0) is 0");
	tap_ok(t, brul_rng_poisson(&r, -1) == 0, "poisson(-1) is 0");
	tap_ok(t, brul_rng_poisson(&r, NAN) == 0, "poisson(nan) is 0");
	for (size_t j = 0; j < sizeof(means) / sizeof(means[0]); j++) {
		struct moments m = { 0 };
		double mu = means[j], se = sqrt(mu / N);

		for (int i = 0; i < N; i++)
			add(&m, (double)brul_rng_poisson(&r, mu));
		snprintf(name, sizeof(name), "poisson(%g) mean", mu);
		tap_near(t, m.mean, mu, 5 * se, name);
		/* sd of the sample variance ~ sqrt((mu + 2 mu^2) / N) */
		snprintf(name, sizeof(name), "poisson(%g) variance", mu);
		tap_near(t, var(&m), mu, 5 * sqrt((mu + 2 * mu * mu) / N), name);
	}

	/* The shape, where the rejection method works: the frequencies of
	 * k = 40..60 at mean 50 against the probability mass function. */
	{
		long count[121] = { 0 };
		double chi = 0;

		for (int i = 0; i < N; i++) {
			uint64_t k = brul_rng_poisson(&r, 50);

			if (k <= 120)
				count[k]++;
		}
		for (int k = 30; k <= 70; k++) {
			double p = exp(-50 + k * log(50) - lgamma(k + 1.0));
			double ex = p * N;

			chi += (count[k] - ex) * (count[k] - ex) / ex;
		}
		/* 41 cells: chi-square mean 41, sd 9; 80 is p ~ 3e-4. */
		if (!tap_ok(t, chi < 80, "poisson(50) pmf, chi-square 41 cells"))
			printf("#   chi-square %g\n", chi);
	}
}

int
main(void)
{
	struct tap t = { 0, 0 };

	test_determinism(&t);
	test_independence(&t);
	test_distributions(&t);
	test_poisson(&t);
	return tap_done(&t);
}
