/* ageing.c: see ageing.h. */
#include <math.h>

#include "battery/vrla.h"
#include "core/rng.h"
#include "core/timefmt.h"
#include "sim/ageing.h"
#include "sim/rngkey.h"


const char *
brul_wear_name(enum brul_wear w)
{
	static const char *const names[] = { "corrosion", "dry_out",
	    "sulfation" };

	return names[w];
}

const char *
brul_failure_name(enum brul_failure f)
{
	static const char *const names[] = { "none", "open_cell",
	    "short_cell", "thermal_runaway" };

	return names[f];
}

void
brul_block_draw(struct brul_block *b, const struct brul_fleet *f, int slot,
		int gen, int model)
{
	const struct brul_blockmodel *m = &f->models[model];
	struct brul_rng g;
	double u;
	int pos = slot % BRUL_BLOCKS_PER_STRING;

	brul_rng_init(&g, brul_rng_key(f->seed, BRUL_KEY_BLOCK,
	    (uint64_t)slot, (uint64_t)gen), 0);
	b->model = model;
	u = brul_rng_uniform(&g);
	b->wear = u < 0.55 ? BRUL_WEAR_CORROSION :
	    u < 0.80 ? BRUL_WEAR_DRY_OUT : BRUL_WEAR_SULFATION;
	b->c0 = 1.00 + 0.05 * brul_rng_uniform(&g);
	b->life_years = m->float_life_years * exp(0.18 * brul_rng_normal(&g));
	if (b->wear == BRUL_WEAR_DRY_OUT)
		b->life_years *= 0.9;
	b->theta_c = 8.0 + 2.0 * brul_rng_uniform(&g);
	b->p = 1.6 + 0.6 * brul_rng_uniform(&g);
	b->rbase_mohm = m->baseline_mohm * exp(0.07 * brul_rng_normal(&g));
	b->k_r = (b->wear == BRUL_WEAR_CORROSION ? 0.50 :
	    b->wear == BRUL_WEAR_DRY_OUT ? 0.65 : 0.55) *
	    (0.9 + 0.2 * brul_rng_uniform(&g));
	b->float_mult = exp(0.2 * brul_rng_normal(&g));
	/* Upper shelves run warmer: positions are racked bottom to top in
	 * three tiers of eight. */
	b->t_offset_c = 0.2 + 0.3 * (pos / 8) + 0.3 * brul_rng_uniform(&g);
	b->ocv_offset_v = 0.010 * brul_rng_normal(&g);
}

double
brul_block_fade(const struct brul_block *b, const struct brul_age *a)
{
	return a->a_eq <= 0 ? 0 : pow(a->a_eq / b->life_years, b->p);
}

double
brul_block_capacity(const struct brul_block *b, const struct brul_age *a)
{
	double c = b->c0 - (b->c0 - BRUL_VRLA_EOL_SOH_PCT / 100) *
	    brul_block_fade(b, a);

	return c < 0.3 ? 0.3 : c;
}

double
brul_block_r0(const struct brul_block *b, const struct brul_age *a)
{
	double f = brul_block_fade(b, a);

	return b->rbase_mohm * (1 + b->k_r * pow(f > 2 ? 2 : f, 1.3));
}

double
brul_block_float_mult(const struct brul_block *b, const struct brul_age *a)
{
	double f = brul_block_fade(b, a);

	switch (b->wear) {
	case BRUL_WEAR_DRY_OUT:
		return b->float_mult * (1 + 2.0 * f * f);
	case BRUL_WEAR_CORROSION:
		return b->float_mult * (1 + 0.4 * f);
	default:
		return b->float_mult * (1 + 0.2 * f);
	}
}

double
brul_block_float_offset(const struct brul_block *b, const struct brul_age *a)
{
	double f = brul_block_fade(b, a);

	return b->wear == BRUL_WEAR_SULFATION ? -0.10 * pow(f, 1.5) : 0;
}

void
brul_block_age_day(const struct brul_block *b, struct brul_age *a,
		   double temp_c, double outage_h, double load_c)
{
	a->a_eq += exp2((temp_c - 25.0) / b->theta_c) / 365.25;
	if (outage_h > 0) {
		double cap = brul_block_capacity(b, a);
		double autonomy_h = 0.9 * cap / load_c;
		double dod = (outage_h < autonomy_h ? outage_h : autonomy_h) *
		    load_c / cap;

		a->a_eq += b->life_years * pow(dod, 1.3) / BRUL_VRLA_FULL_CYCLES;
	}
}

enum brul_failure
brul_block_hazard(const struct brul_block *b, const struct brul_age *a,
		  const struct brul_fleet *f, int slot, int gen, int64_t day,
		  double temp_c, int64_t *t)
{
	uint64_t key = brul_rng_key(f->seed, BRUL_KEY_HAZARD, (uint64_t)slot,
	    (uint64_t)gen);
	double fade = brul_block_fade(b, a);
	double wear = 1 + 3 * fade * fade * fade;
	double heat = brul_vrla_arrhenius(temp_c);
	/* Rates per year. */
	double open = 0.004 * wear * heat, shrt = 0.002 * wear * heat;
	double runaway = 0.0005 * exp2((temp_c - 25.0) / 6.0) *
	    (1 + (b->wear == BRUL_WEAR_DRY_OUT ? 5 * fade : 0));
	double total = open + shrt + runaway;
	double u = brul_u64_uniform(brul_rng_at(key, (uint64_t)day * 4));

	if (u >= -expm1(-total / 365.25))
		return BRUL_FAIL_NONE;
	u = brul_u64_uniform(brul_rng_at(key, (uint64_t)day * 4 + 1)) * total;
	*t = day * BRUL_DAY + 60 * (int64_t)(1440 *
	    brul_u64_uniform(brul_rng_at(key, (uint64_t)day * 4 + 2)));
	return u < open ? BRUL_FAIL_OPEN_CELL :
	    u < open + shrt ? BRUL_FAIL_SHORT_CELL : BRUL_FAIL_THERMAL_RUNAWAY;
}
