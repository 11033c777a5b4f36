/*
 * ageing.h: how a VRLA block wears out, one day at a time.
 *
 * A block's life is counted in equivalent years at 25 degC: each day adds
 * 2^((T - 25) / theta) / 365.25 (Arrhenius: life halves every theta = 8-10
 * degC), and each discharge adds L * DoD^1.3 / 300 (a few hundred full
 * cycles).  Capacity follows the equivalent age a with a knee:
 *     C(a) = c0 - (c0 - 0.8) * (a / L)^p,   p = 1.6-2.2,
 * so a block reaches end of life (80 % of rated) exactly when a = L, its
 * float life at 25 degC.  With the fade f = (a / L)^p (0 new, 1 at end of
 * life), the ohmic resistance rises as R0 = Rbase * (1 + k_r f^1.3) (about
 * +50 % at end of life), and the block's wear mode shapes its signature:
 * dry-out raises float current, sulfation lowers float voltage, grid
 * corrosion raises resistance steadily.  Sudden failures (open cell, shorted
 * cell, thermal runaway) are hazards per unit of time, drawn once per day
 * from a stream keyed by (slot, generation, day), so they never depend on the
 * sampling interval.
 *
 * Everything here is a pure function of its arguments: the simulator runs
 * the same days before the emitted window (to age the fleet up to its
 * start), inside it, and after it (to find each block's end of life).
 */
#ifndef BRUL_AGEING_H
#define BRUL_AGEING_H

#include <stdint.h>
#include "sim/fleet.h"

enum brul_wear {
	BRUL_WEAR_CORROSION,
	BRUL_WEAR_DRY_OUT,
	BRUL_WEAR_SULFATION
};

enum brul_failure {
	BRUL_FAIL_NONE,
	BRUL_FAIL_OPEN_CELL,
	BRUL_FAIL_SHORT_CELL,
	BRUL_FAIL_THERMAL_RUNAWAY
};

/* "corrosion", "open_cell", ... */
const char *brul_wear_name(enum brul_wear w);
const char *brul_failure_name(enum brul_failure f);

/* What a block is made of; drawn once when it is installed. */
struct brul_block {
	int model;
	enum brul_wear wear;
	double c0;		/* new capacity, fraction of rated */
	double life_years;	/* L: equivalent years at 25 degC to 80 % */
	double theta_c;		/* degC per halving of life */
	double p;		/* knee exponent of the fade */
	double rbase_mohm;	/* commissioning R0 at 25 degC */
	double k_r;		/* relative R0 rise at end of life */
	double float_mult;	/* intrinsic float current, relative */
	double t_offset_c;	/* block above room air (rack position) */
	double ocv_offset_v;	/* manufacturing spread of the rest voltage */
};

/* How worn it is. */
struct brul_age {
	double a_eq;		/* equivalent years at 25 degC */
};

/* Draws the block for slot `slot` (fleet index), generation gen. */
void brul_block_draw(struct brul_block *b, const struct brul_fleet *f,
		     int slot, int gen, int model);

/* Fade f = (a/L)^p, capacity fraction, R0 at 25 degC, float current
 * multiplier and float voltage offset, from the age. */
double brul_block_fade(const struct brul_block *b, const struct brul_age *a);
double brul_block_capacity(const struct brul_block *b,
			   const struct brul_age *a);
double brul_block_r0(const struct brul_block *b, const struct brul_age *a);
double brul_block_float_mult(const struct brul_block *b,
			     const struct brul_age *a);
double brul_block_float_offset(const struct brul_block *b,
			       const struct brul_age *a);

/* One day of service at mean block temperature temp_c with outage_h hours
 * of discharge at load_c (fraction of C). */
void brul_block_age_day(const struct brul_block *b, struct brul_age *a,
			double temp_c, double outage_h, double load_c);

/* The sudden failure, if any, that strikes on `day`: its kind, and its time
 * (seconds since epoch, a whole minute) in *t. */
enum brul_failure brul_block_hazard(const struct brul_block *b,
				    const struct brul_age *a,
				    const struct brul_fleet *f, int slot,
				    int gen, int64_t day, double temp_c,
				    int64_t *t);

#endif
